/**
 * Sheet indexes of any grid definition over any area: every standard sheet of the grid that
 * touches an extent, as a polygon in the extent's spatial reference with the fields a
 * Topographic Production Service product reads (`NRN`, the product's `sheetIDField`; `NAME`,
 * UpdateSurrounds' `sheet_name_field`; `EDITION`) and the sheet's corners in degrees.
 *
 * Sheets are geographic (WGS 84): `sheetMinutes` of latitude by `sheetMinutes` of longitude,
 * aligned to multiples of their size from the equator and Greenwich; poleward of 60° a grid with
 * `poleward60DoubleLon` doubles the longitude span (judged at the sheet's centre latitude, the
 * rule the sheet frame uses). Outlines follow the parallels and meridians with a vertex about
 * every kilometre, because they are curved in most projections.
 *
 * Sheet numbers (NRN) come from the south-west corner: degrees and minutes of latitude and N or
 * S, then three-digit degrees and minutes of longitude and E or W, unsigned: 56°45′N 5°15′W →
 * `5645N00515W`, 34°00′S 151°00′E → `3400S15100E`. A grid whose sheets do not start on whole
 * minutes writes seconds as well (`DDMMSS`), unless it quarters another grid (TM25 of TM50, see
 * {@link quarterParentOf}): then each sheet is numbered as its parent's number plus the quarter,
 * `5645N00515W-NE`, as the sample region's TM25 index is. An extent across the 180° meridian is handled by longitudes past 180° folded
 * back to the west; an index in a geographic spatial reference across it is not.
 * @module production/sheet-index-builder
 */
import type { GpkgField } from '../data/geopackage/geopackage-writer.js';
import { pointInRing } from '../geo/esri-json.js';
import type { Envelope, Polygon, Position } from '../geo/geometry.js';
import { getTransform, type PositionTransform } from '../geo/projection.js';
import { rectangleIntersects } from '../geo/spatial-relation.js';
import { isGeographic, type SpatialReference } from '../geo/spatial-reference.js';
import { sheetSpanMinutes, type GridDefinition } from '../layout/grid-definition.js';

/** WGS 84 longitude/latitude, the system sheet corners are defined in. */
export const WGS84: SpatialReference = { wkid: 4326, latestWkid: 4326 };

/** What of a grid definition the index needs. */
export type SheetGrid = Pick<GridDefinition, 'name' | 'scale' | 'sheetMinutes' | 'poleward60DoubleLon'>;

/** A place that can name a sheet; lower priority numbers are more prominent. */
export interface SheetNameCandidate {
  name: string;
  /** In the index's spatial reference. */
  position: Position;
  priority: number;
  /** Tie-break within a priority, larger first: population, or height for hills. */
  weight: number;
}

/** Sheet size in minutes of the grid a grid quarters. */
export interface QuarterParent { lat: number; lon: number }

export interface SheetIndexOptions {
  /** Places that can name sheets: a sheet takes its most prominent place not yet used by another sheet. */
  places?: SheetNameCandidate[];
  /** A sheet holding no place takes the nearest place's name instead of none. */
  nearestName?: boolean;
  /** ['1'] Edition recorded for every sheet. */
  edition?: string;
  /** Number sheets as quarters of the parent grid's sheets (`…-NE`); see {@link quarterParentOf}. */
  quarterOf?: QuarterParent | null;
  /** [1000] Metres between outline vertices, about. */
  densifyMetres?: number;
  /** [1 in projected, 7 in geographic spatial references] Decimal places coordinates are rounded to. */
  decimals?: number;
  /** [10000] More candidate sheets than this is refused: the extent is too large for the grid. */
  maxSheets?: number;
}

/** Attributes of a sheet; the same as the sample's sheet index tables. */
export type SheetProperties = {
  NRN: string;
  /** The place naming the sheet, or null when none does. */
  NAME: string | null;
  /** The grid definition's name. */
  SERIES: string;
  SCALE: number;
  EDITION: string;
  /** Corners in degrees (WGS 84); west and east in [-180, 180]. */
  LAT_S: number;
  LAT_N: number;
  LON_W: number;
  LON_E: number;
};

export interface SheetFeature {
  geometry: Polygon;
  properties: SheetProperties;
}

/** The columns of a sheet index table, in order. */
export const SHEET_INDEX_FIELDS: GpkgField[] = [
  { name: 'NRN', type: 'TEXT' }, { name: 'NAME', type: 'TEXT' }, { name: 'SERIES', type: 'TEXT' }, { name: 'SCALE', type: 'INTEGER' },
  { name: 'EDITION', type: 'TEXT' }, { name: 'LAT_S', type: 'REAL' }, { name: 'LAT_N', type: 'REAL' }, { name: 'LON_W', type: 'REAL' }, { name: 'LON_E', type: 'REAL' },
];

/** An index that cannot be built or added as asked; the message names the parameter and the problem. */
export class SheetIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetIndexError';
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** One coordinate of a sheet number: degrees, minutes (and seconds), hemisphere letter. */
function angle(value: number, degreeDigits: number, hemisphere: string, seconds: boolean): string {
  if (!seconds) {
    const totalMinutes = Math.round(Math.abs(value) * 60);
    return `${pad(Math.floor(totalMinutes / 60), degreeDigits)}${pad(totalMinutes % 60)}${hemisphere}`;
  }
  const total = Math.round(Math.abs(value) * 3600);
  return `${pad(Math.floor(total / 3600), degreeDigits)}${pad(Math.floor((total % 3600) / 60))}${pad(total % 60)}${hemisphere}`;
}

/**
 * Sheet number of the sheet with this south-west corner (degrees): `5645N00515W`, `3400S15100E`;
 * with `seconds`, `565230N0051500W`.
 */
export function sheetNumber(latS: number, lonW: number, options: { seconds?: boolean } = {}): string {
  const seconds = options.seconds ?? false;
  return `${angle(latS, 2, latS >= 0 ? 'N' : 'S', seconds)}${angle(lonW, 3, lonW < 0 ? 'W' : 'E', seconds)}`;
}

/** A sheet's corners in degrees. */
export interface SheetBounds { south: number; north: number; west: number; east: number }

/**
 * A sheet outline: a closed ring along the parallels and meridians, counter-clockwise in
 * longitude/latitude, with a vertex about every `densifyMetres`, each taken through `project`
 * (null: kept in degrees) and rounded to `decimals`; repeated vertices are dropped.
 */
export function sheetOutline(b: SheetBounds, project: PositionTransform | null, options: { densifyMetres?: number; decimals?: number } = {}): Position[] {
  const km = (options.densifyMetres ?? 1000) / 1000;
  const k = 10 ** (options.decimals ?? 1);
  // The longest parallel of the sheet decides the spacing along parallels.
  const equatorward = b.south >= 0 ? b.south : b.north <= 0 ? -b.north : 0;
  const stepsLon = Math.max(2, Math.ceil(((b.east - b.west) * 111 * Math.cos((equatorward * Math.PI) / 180)) / km));
  const stepsLat = Math.max(2, Math.ceil(((b.north - b.south) * 111) / km));
  const ring: Position[] = [];
  const edge = (lon0: number, lat0: number, lon1: number, lat1: number, steps: number) => {
    for (let i = 0; i < steps; i++) {
      const p = [lon0 + ((lon1 - lon0) * i) / steps, lat0 + ((lat1 - lat0) * i) / steps];
      ring.push(project ? project(p) : p);
    }
  };
  edge(b.west, b.south, b.east, b.south, stepsLon); // south, west → east
  edge(b.east, b.south, b.east, b.north, stepsLat); // east, south → north
  edge(b.east, b.north, b.west, b.north, stepsLon); // north, east → west
  edge(b.west, b.north, b.west, b.south, stepsLat); // west, north → south
  ring.push(ring[0]!);
  const out: Position[] = [];
  for (const p of ring) {
    const x = Math.round(p[0]! * k) / k, y = Math.round(p[1]! * k) / k;
    const last = out[out.length - 1];
    if (last && last[0] === x && last[1] === y) continue;
    out.push([x, y]);
  }
  return out;
}

/** Throws unless `extent` is four finite numbers with xmin < xmax and ymin < ymax. */
export function checkExtent(extent: Envelope, parameter = 'extent'): void {
  const values = [extent?.xmin, extent?.ymin, extent?.xmax, extent?.ymax];
  if (!values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new SheetIndexError(`${parameter}: expected four finite numbers xmin,ymin,xmax,ymax, got ${values.join(',')}`);
  }
  if (!(extent.xmin < extent.xmax && extent.ymin < extent.ymax)) {
    throw new SheetIndexError(`${parameter}: xmin must be less than xmax and ymin less than ymax (got ${values.join(',')}); the order is xmin,ymin,xmax,ymax`);
  }
}

/**
 * Longitude/latitude bounds of an extent, from points along its edges (so curved edges count).
 * West and east may run past 180° when the extent crosses that meridian.
 */
function geographicBounds(e: Envelope, toLonLat: PositionTransform | null): SheetBounds {
  const lons: number[] = [], lats: number[] = [];
  for (let i = 0; i <= 60; i++) {
    const t = i / 60;
    const x = e.xmin + t * (e.xmax - e.xmin), y = e.ymin + t * (e.ymax - e.ymin);
    for (const p of [[x, e.ymin], [x, e.ymax], [e.xmin, y], [e.xmax, y]]) {
      const q = toLonLat ? toLonLat(p) : p;
      if (!Number.isFinite(q[0]!) || !Number.isFinite(q[1]!)) continue;
      lons.push(q[0]!); lats.push(q[1]!);
    }
  }
  if (!lons.length) throw new SheetIndexError('extent: no part of it can be converted to longitude and latitude; is it in the service\'s spatial reference?');
  let west = Math.min(...lons), east = Math.max(...lons);
  // Across the 180° meridian the longitudes jump; shifted into 0…360 they are contiguous.
  const shifted = lons.map((l) => (l < 0 ? l + 360 : l));
  const sw = Math.min(...shifted), se = Math.max(...shifted);
  if (se - sw < east - west - 1e-9) { west = sw; east = se; }
  return { west, east, south: Math.max(-90, Math.min(...lats)), north: Math.min(90, Math.max(...lats)) };
}

/**
 * The grid whose sheets a grid's sheets are numbered as quarters of. Only a grid whose sheets do
 * not start on whole minutes (7.5′: 56°52.5′) needs one, and it is a grid with the same name
 * prefix (the letters before the digits) whose sheets are twice as large both ways and which
 * follows the same poleward rule — TM50 for TM25, CTM50 for CTM25. Undefined otherwise: TM50
 * keeps its own numbers though TM100 sheets are twice its size, and USTopo24, with no such
 * partner, writes seconds.
 */
export function quarterParentOf(grid: GridDefinition, grids: Iterable<GridDefinition>): GridDefinition | undefined {
  if (Number.isInteger(grid.sheetMinutes.lat) && Number.isInteger(grid.sheetMinutes.lon)) return undefined;
  const prefix = (name: string) => /^[A-Za-z]+/.exec(name)?.[0]?.toLowerCase();
  const own = prefix(grid.name);
  if (!own) return undefined;
  for (const g of grids) {
    if (g.name.toLowerCase() !== grid.name.toLowerCase() && prefix(g.name) === own && g.poleward60DoubleLon === grid.poleward60DoubleLon
      && g.sheetMinutes.lat === 2 * grid.sheetMinutes.lat && g.sheetMinutes.lon === 2 * grid.sheetMinutes.lon) return g;
  }
  return undefined;
}

/**
 * Builds the sheet index of `grid` over `extent` (in `sr`): every sheet whose outline touches
 * the extent, south to north and west to east, outlines in `sr`.
 */
export function buildSheetIndex(grid: SheetGrid, extent: Envelope, sr: SpatialReference, options: SheetIndexOptions = {}): SheetFeature[] {
  checkExtent(extent);
  const latMin = grid.sheetMinutes.lat;
  const toSr = getTransform(WGS84, sr);
  const b = geographicBounds(extent, getTransform(sr, WGS84));
  const decimals = options.decimals ?? (isGeographic(sr) ? 7 : 1);
  const outline = { densifyMetres: options.densifyMetres ?? 1000, decimals };
  const edition = options.edition ?? '1';
  const quarter = options.quarterOf ?? null;

  // Rows of sheets (index r: south edge r × latMin minutes) and, per row, its longitude span.
  const rows: { r: number; south: number; north: number; lonMin: number; first: number; last: number }[] = [];
  let candidates = 0;
  for (let r = Math.floor((b.south * 60) / latMin); (r * latMin) / 60 < b.north; r++) {
    const south = (r * latMin) / 60, north = ((r + 1) * latMin) / 60;
    if (north <= -90 || south >= 90) continue;
    const lonMin = sheetSpanMinutes(grid as GridDefinition, (south + north) / 2).lon;
    const first = Math.floor((b.west * 60) / lonMin);
    let last = first;
    while (((last + 1) * lonMin) / 60 < b.east) last++;
    rows.push({ r, south, north, lonMin, first, last });
    candidates += last - first + 1;
  }
  const maxSheets = options.maxSheets ?? 10000;
  if (candidates > maxSheets) {
    throw new SheetIndexError(`extent: it spans about ${candidates.toLocaleString('en-US')} ${grid.name} sheets, more than the ${maxSheets.toLocaleString('en-US')} one index may hold; give a smaller extent`);
  }

  const ranked = (options.places ?? []).slice().sort((p, q) => p.priority - q.priority || q.weight - p.weight || p.name.localeCompare(q.name));
  const used = new Set<string>();
  const features: SheetFeature[] = [];
  for (const row of rows) {
    for (let c = row.first; c <= row.last; c++) {
      let west = (c * row.lonMin) / 60, east = ((c + 1) * row.lonMin) / 60;
      if (west >= 180) { west -= 360; east -= 360; }
      const bounds = { south: row.south, north: row.north, west, east };
      const ring = sheetOutline(bounds, toSr, outline);
      if (!ring.every((p) => Number.isFinite(p[0]!) && Number.isFinite(p[1]!))) continue;
      const polygon: Polygon = { type: 'Polygon', coordinates: [ring] };
      if (!rectangleIntersects(extent, polygon)) continue;

      let nrn: string;
      if (quarter) {
        // The parent sheet holding this one, and which quarter of it this is.
        const pLat = quarter.lat, pLon = quarter.lon * (row.lonMin / grid.sheetMinutes.lon);
        const parentLat = (Math.floor((row.south * 60) / pLat + 1e-9) * pLat) / 60;
        const parentLon = (Math.floor((west * 60) / pLon + 1e-9) * pLon) / 60;
        const north = row.south >= parentLat + pLat / 120 - 1e-9, eastHalf = west >= parentLon + pLon / 120 - 1e-9;
        const seconds = !Number.isInteger(pLat) || !Number.isInteger(pLon);
        nrn = `${sheetNumber(parentLat, parentLon, { seconds })}-${north ? 'N' : 'S'}${eastHalf ? 'E' : 'W'}`;
      } else {
        nrn = sheetNumber(row.south, west, { seconds: !Number.isInteger(latMin) || !Number.isInteger(row.lonMin) });
      }

      const inside = ranked.filter((p) => pointInRing(p.position[0]!, p.position[1]!, ring));
      let name = inside.find((p) => !used.has(p.name))?.name ?? inside[0]?.name ?? null;
      if (!name && options.nearestName && ranked.length) {
        // A sheet whose part in the extent holds no named place takes the nearest one.
        const cx = ring.reduce((s, p) => s + p[0]!, 0) / ring.length, cy = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
        name = ranked.reduce((best, p) => (Math.hypot(p.position[0]! - cx, p.position[1]! - cy) < Math.hypot(best.position[0]! - cx, best.position[1]! - cy) ? p : best)).name;
      }
      if (name) used.add(name);
      features.push({
        geometry: polygon,
        properties: { NRN: nrn, NAME: name, SERIES: grid.name, SCALE: grid.scale, EDITION: edition, LAT_S: row.south, LAT_N: row.north, LON_W: west, LON_E: east },
      });
    }
  }
  return features;
}
