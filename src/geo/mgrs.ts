/**
 * The Military Grid Reference System over UTM (topographic-sheet.md §4): latitude bands, grid
 * zone designations, the letters of the 100 km squares in the current (AA) and the older (AL)
 * lettering scheme, and references truncated to 1–5 digits. The sheet grid labels its 100 km
 * squares with these letters and the grid reference box quotes them.
 * @module geo/mgrs
 */
import type { Envelope } from './geometry.js';
import { UTM_NORTH_LIMIT, UTM_SOUTH_LIMIT, utmForward, utmZone } from './utm.js';

/**
 * 100 km square lettering: `AA` for WGS 84 and NAD 83, `AL` for data on the older ellipsoids
 * (Clarke 1866, Clarke 1880, Bessel, International 1924 and similar).
 */
export type MgrsScheme = 'AA' | 'AL';

/** Band letters from 80°S northward, 8° each (X spans 72°N–84°N); I and O are never used. */
const BANDS = 'CDEFGHJKLMNPQRSTUVWX';
/** Column letters: A–Z without I and O, 24 letters; each zone set of three uses 8 of them. */
const COLUMNS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** Row letters: A–V without I and O, 20 letters, one cycle every 2,000 km of northing. */
const ROWS = 'ABCDEFGHJKLMNPQRSTUV';
const SQUARE = 100_000;

/** Latitude band letter of a latitude (C–X). Throws a RangeError outside 80°S–84°N. */
export function latitudeBand(lat: number): string {
  if (!Number.isFinite(lat) || lat < UTM_SOUTH_LIMIT || lat > UTM_NORTH_LIMIT) {
    throw new RangeError(`latitude ${lat} is outside the MGRS bands (80°S to 84°N)`);
  }
  return BANDS[Math.min(BANDS.length - 1, Math.floor((lat - UTM_SOUTH_LIMIT) / 8))]!;
}

/** Grid zone designation: zone number and band letter, e.g. `30V` (no leading zero). */
export function gridZoneDesignation(lon: number, lat: number): string {
  return `${utmZone(lon, lat)}${latitudeBand(lat)}`;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/**
 * Rows are offset from the A-at-northing-0 pattern of odd zones: by 5 letters in even zones
 * (AA); the AL scheme shifts both by a further 10 letters, so odd zones start at L and even
 * zones at R on the equator.
 */
function rowOffset(zone: number, scheme: MgrsScheme): number {
  return (zone % 2 === 0 ? 5 : 0) + (scheme === 'AL' ? 10 : 0);
}

/**
 * The two letters (column, row) of the 100 km square holding a UTM coordinate of `zone`.
 * Columns run A–H, J–R, S–Z in zones 1, 2, 3 and repeat every three zones; rows cycle A–V every
 * 2,000 km of northing. A southern-hemisphere northing (with its 10,000 km false northing) gives
 * the same letters as the equivalent negative northing, since 10,000 km is five whole cycles.
 */
export function squareIdentifier(zone: number, easting: number, northing: number, scheme: MgrsScheme = 'AA'): string {
  if (!Number.isInteger(zone) || zone < 1 || zone > 60) throw new RangeError(`UTM zone ${zone} is not 1–60`);
  if (!Number.isFinite(easting) || !Number.isFinite(northing)) throw new RangeError('easting and northing must be finite');
  const set = (zone - 1) % 3;
  const column = Math.floor(easting / SQUARE);
  const row = Math.floor(northing / SQUARE);
  return COLUMNS[mod(set * 8 + column - 1, COLUMNS.length)]! + ROWS[mod(row + rowOffset(zone, scheme), ROWS.length)]!;
}

/** Digits of a coordinate within its 100 km square, truncated to `digits` (never rounded). */
function squareDigits(v: number, digits: number): string {
  if (digits === 0) return '';
  const within = mod(v, SQUARE);
  const unit = 10 ** (5 - digits);
  // A hair of tolerance so a coordinate that is a whole unit up to floating-point noise is not truncated a unit down.
  const n = Math.min(10 ** digits - 1, Math.floor(within / unit + 1e-9));
  return String(n).padStart(digits, '0');
}

/**
 * The MGRS reference of a WGS 84 point, e.g. `30VVH1234567890`: GZD, square letters and
 * `digits` (0–5) each of easting and northing, truncated. Throws a RangeError outside 80°S–84°N.
 */
export function mgrsReference(lon: number, lat: number, digits = 5, scheme: MgrsScheme = 'AA'): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 5) throw new RangeError(`digits ${digits} is not 0–5`);
  const gzd = gridZoneDesignation(lon, lat);
  const zone = utmZone(lon, lat);
  const [e, n] = utmForward(zone, lat < 0)([lon, lat]) as [number, number];
  return gzd + squareIdentifier(zone, e, n, scheme) + squareDigits(e, digits) + squareDigits(n, digits);
}

/** A 100 km square: its letters and its full bounds in the zone's UTM metres. */
export interface MgrsSquare extends Envelope {
  letters: string;
}

/**
 * The 100 km squares of `zone` that cover a UTM envelope, west to east within south to north.
 * `south` names the CRS of the envelope (EPSG 327zz with its false northing, or 326zz); the
 * letters come out the same either way, since the 2,000 km row cycle divides the false northing.
 */
export function squaresInEnvelope(zone: number, south: boolean, envelope: Envelope, scheme: MgrsScheme = 'AA'): MgrsSquare[] {
  const out: MgrsSquare[] = [];
  if (!(envelope.xmax >= envelope.xmin && envelope.ymax >= envelope.ymin)) return out;
  const c0 = Math.floor(envelope.xmin / SQUARE);
  const c1 = Math.max(c0, Math.ceil(envelope.xmax / SQUARE) - 1);
  const r0 = Math.floor(envelope.ymin / SQUARE);
  const r1 = Math.max(r0, Math.ceil(envelope.ymax / SQUARE) - 1);
  if ((c1 - c0 + 1) * (r1 - r0 + 1) > 10_000) throw new RangeError('envelope covers too many 100 km squares');
  for (let r = r0; r <= r1; r++) {
    for (let c = c0; c <= c1; c++) {
      const xmin = c * SQUARE;
      const ymin = r * SQUARE;
      out.push({ letters: squareIdentifier(zone, xmin, ymin, scheme), xmin, ymin, xmax: xmin + SQUARE, ymax: ymin + SQUARE });
    }
  }
  return out;
}
