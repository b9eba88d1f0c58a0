/**
 * Sheet indexes of the three map series over the region: geographic sheets of 7.5′ (TM25,
 * 1:25 000), 15′ (TM50, 1:50 000) and 30′ (TM100, 1:100 000) aligned to multiples of their size
 * in WGS 84 latitude and longitude. Every sheet touching the region is listed; its outline is
 * projected to EPSG:32630 with a vertex about every kilometre, because meridians and parallels
 * are curved in UTM.
 *
 * Sheet numbers (NRN) come from the south-west corner: degrees and minutes of latitude, 'N',
 * three-digit degrees and minutes of longitude, 'W' (west longitudes written unsigned), e.g.
 * 56°45′N 5°00′W → `5645N00500W`. TM25 sheets are quarters of a TM50 sheet and add the quarter
 * to its number: `5645N00500W-NE`. Each sheet is named after the most prominent place on it.
 * @module sample/sheet-index
 */
import type { Envelope, Position } from '../geo/geometry.js';
import { lonLatToUtm, utmToLonLat } from './crs.js';
import { pointInRing, roundLine, segmentsIntersect } from './polyline.js';
import type { SampleFeature } from './schema.js';

/** A map series of the sheet index. */
export interface SheetSeries {
  series: 'TM25' | 'TM50' | 'TM100';
  scale: number;
  /** Sheet size in minutes of arc (both directions). */
  minutes: number;
}

/** The TM25, TM50 and TM100 series. */
export const SHEET_SERIES: SheetSeries[] = [
  { series: 'TM25', scale: 25000, minutes: 7.5 },
  { series: 'TM50', scale: 50000, minutes: 15 },
  { series: 'TM100', scale: 100000, minutes: 30 },
];

/** Edition recorded for every sheet. */
export const SHEET_EDITION = '1-QDR';

/** A place that can name a sheet; lower priority numbers are more prominent. */
export interface SheetNameCandidate {
  name: string;
  position: Position;
  priority: number;
  /** Tie-break within a priority: population, or height for hills. */
  weight: number;
}

/** 'DDMM' + hemisphere style component of an NRN for a corner coordinate in whole minutes. */
function angle(value: number, degreeDigits: number, hemisphere: string): string {
  const totalMinutes = Math.round(Math.abs(value) * 60);
  return `${String(Math.floor(totalMinutes / 60)).padStart(degreeDigits, '0')}${String(totalMinutes % 60).padStart(2, '0')}${hemisphere}`;
}

/** Sheet number of the TM50/TM100 sheet with this south-west corner (degrees). */
export function sheetNumber(latS: number, lonW: number): string {
  return `${angle(latS, 2, latS >= 0 ? 'N' : 'S')}${angle(lonW, 3, lonW < 0 ? 'W' : 'E')}`;
}

/** The sheet outline in EPSG:32630: a closed, counter-clockwise ring densified to ~1 km. */
export function sheetOutline(latS: number, latN: number, lonW: number, lonE: number): Position[] {
  const ring: Position[] = [];
  const stepsLon = Math.max(2, Math.ceil(((lonE - lonW) * 111 * Math.cos((latS * Math.PI) / 180)) / 1));
  const stepsLat = Math.max(2, Math.ceil((latN - latS) * 111));
  const edge = (lon0: number, lat0: number, lon1: number, lat1: number, steps: number) => {
    for (let k = 0; k < steps; k++) ring.push(lonLatToUtm(lon0 + ((lon1 - lon0) * k) / steps, lat0 + ((lat1 - lat0) * k) / steps));
  };
  edge(lonW, latS, lonE, latS, stepsLon); // south, west → east
  edge(lonE, latS, lonE, latN, stepsLat); // east, south → north
  edge(lonE, latN, lonW, latN, stepsLon); // north, east → west
  edge(lonW, latN, lonW, latS, stepsLat); // west, north → south
  ring.push(ring[0]!);
  return roundLine(ring);
}

/** True when the ring and the rectangle overlap. */
function ringTouchesEnvelope(ring: Position[], e: Envelope): boolean {
  const inside = (p: Position) => p[0]! >= e.xmin && p[0]! <= e.xmax && p[1]! >= e.ymin && p[1]! <= e.ymax;
  if (ring.some(inside)) return true;
  const corners: Position[] = [[e.xmin, e.ymin], [e.xmax, e.ymin], [e.xmax, e.ymax], [e.xmin, e.ymax]];
  if (corners.some((c) => pointInRing(c[0]!, c[1]!, ring))) return true;
  for (let k = 1; k < ring.length; k++) {
    const a = ring[k - 1]!, b = ring[k]!;
    for (let c = 0; c < 4; c++) {
      const p = corners[c]!, q = corners[(c + 1) % 4]!;
      if (segmentsIntersect(a[0]!, a[1]!, b[0]!, b[1]!, p[0]!, p[1]!, q[0]!, q[1]!)) return true;
    }
  }
  return false;
}

/** Longitude/latitude bounds of the region (densified edges, so curvature is included). */
function geographicBounds(e: Envelope): { minLon: number; maxLon: number; minLat: number; maxLat: number } {
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (let k = 0; k <= 60; k++) {
    const t = k / 60;
    for (const [x, y] of [[e.xmin + t * (e.xmax - e.xmin), e.ymin], [e.xmin + t * (e.xmax - e.xmin), e.ymax], [e.xmin, e.ymin + t * (e.ymax - e.ymin)], [e.xmax, e.ymin + t * (e.ymax - e.ymin)]] as [number, number][]) {
      const [lon, lat] = utmToLonLat(x, y);
      minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
      minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
    }
  }
  return { minLon, maxLon, minLat, maxLat };
}

/** Builds the sheet index features of one series for the region `extent` (EPSG:32630). */
export function buildSheetIndex(series: SheetSeries, extent: Envelope, places: SheetNameCandidate[]): SampleFeature[] {
  const size = series.minutes / 60;
  const b = geographicBounds(extent);
  const ranked = places.slice().sort((p, q) => p.priority - q.priority || q.weight - p.weight || p.name.localeCompare(q.name));
  const used = new Set<string>();
  const features: SampleFeature[] = [];
  // Work in whole minutes so sheet corners are exact.
  const step = Math.round(series.minutes * 2); // half-minutes
  const lat0 = Math.floor((b.minLat * 120) / step) * step, lon0 = Math.floor((b.minLon * 120) / step) * step;
  for (let latH = lat0; latH / 120 < b.maxLat; latH += step) {
    for (let lonH = lon0; lonH / 120 < b.maxLon; lonH += step) {
      const latS = latH / 120, lonW = lonH / 120, latN = latS + size, lonE = lonW + size;
      const ring = sheetOutline(latS, latN, lonW, lonE);
      if (!ringTouchesEnvelope(ring, extent)) continue;
      let nrn: string;
      if (series.series === 'TM25') {
        // Quarter of the TM50 sheet whose south-west corner is at whole quarter-degrees.
        const parentLat = Math.floor(latS * 4) / 4, parentLon = Math.floor(lonW * 4) / 4;
        const north = latS >= parentLat + 0.125 - 1e-9, east = lonW >= parentLon + 0.125 - 1e-9;
        nrn = `${sheetNumber(parentLat, parentLon)}-${north ? 'N' : 'S'}${east ? 'E' : 'W'}`;
      } else {
        nrn = sheetNumber(latS, lonW);
      }
      const inside = ranked.filter((p) => pointInRing(p.position[0]!, p.position[1]!, ring));
      let name = inside.find((p) => !used.has(p.name))?.name ?? inside[0]?.name;
      if (!name) {
        // A sheet whose part in the region holds no named place takes the nearest one.
        const cx = ring.reduce((s, p) => s + p[0]!, 0) / ring.length, cy = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
        name = ranked.reduce((best, p) => (Math.hypot(p.position[0]! - cx, p.position[1]! - cy) < Math.hypot(best.position[0]! - cx, best.position[1]! - cy) ? p : best)).name;
      }
      used.add(name);
      features.push({
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: { NRN: nrn, NAME: name, SERIES: series.series, SCALE: series.scale, EDITION: SHEET_EDITION, LAT_S: latS, LAT_N: latN, LON_W: lonW, LON_E: lonE },
      });
    }
  }
  return features;
}
