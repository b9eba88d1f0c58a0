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
 * The general engine (any grid, hemisphere and spatial reference) is production/sheet-index-builder;
 * this module fixes the sample's series, edition and naming rule.
 * @module sample/sheet-index
 */
import type { Envelope, Position } from '../geo/geometry.js';
import { buildSheetIndex as buildGridSheetIndex, sheetOutline as gridSheetOutline, type SheetNameCandidate } from '../production/sheet-index-builder.js';
import { lonLatToUtm, SAMPLE_SRID } from './crs.js';
import type { SampleFeature } from './schema.js';

export { sheetNumber, type SheetNameCandidate } from '../production/sheet-index-builder.js';

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

/** The sheet outline in EPSG:32630: a closed, counter-clockwise ring densified to ~1 km. */
export function sheetOutline(latS: number, latN: number, lonW: number, lonE: number): Position[] {
  return gridSheetOutline({ south: latS, north: latN, west: lonW, east: lonE }, (p) => lonLatToUtm(p[0]!, p[1]!), { densifyMetres: 1000, decimals: 1 });
}

/** Builds the sheet index features of one series for the region `extent` (EPSG:32630). */
export function buildSheetIndex(series: SheetSeries, extent: Envelope, places: SheetNameCandidate[]): SampleFeature[] {
  const grid = { name: series.series, scale: series.scale, sheetMinutes: { lat: series.minutes, lon: series.minutes }, poleward60DoubleLon: true };
  // TM25 sheets are quarters of the 15′ TM50 sheets; a sheet holding no place takes the nearest one's name.
  const features = buildGridSheetIndex(grid, extent, { wkid: SAMPLE_SRID, latestWkid: SAMPLE_SRID }, {
    places, nearestName: true, edition: SHEET_EDITION, quarterOf: series.series === 'TM25' ? { lat: 15, lon: 15 } : null, densifyMetres: 1000, decimals: 1,
  });
  return features.map((f) => ({ geometry: f.geometry, properties: { ...f.properties } }));
}
