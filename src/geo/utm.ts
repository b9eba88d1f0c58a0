/**
 * UTM zones on WGS 84 (topographic-sheet.md §4): which zone holds a point (with the Norway and
 * Svalbard exceptions), the zone's EPSG code and central meridian, and the grid convergence and
 * point scale factor a sheet's declination note and frame need. Convergence and scale are measured
 * numerically through proj4, so they agree exactly with the projection the sheet is drawn in.
 * @module geo/utm
 */
import type { Position } from './geometry.js';
import { getTransform, type PositionTransform } from './projection.js';

/** Southern and northern limits of UTM; poleward of them is UPS, which Quadrangle refuses. */
export const UTM_SOUTH_LIMIT = -80;
export const UTM_NORTH_LIMIT = 84;

/** Longitude folded into [-180, 180). */
export function normalizeLongitude(lon: number): number {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

function checkLatitude(lat: number): void {
  if (!Number.isFinite(lat) || lat < UTM_SOUTH_LIMIT || lat > UTM_NORTH_LIMIT) {
    throw new RangeError(`latitude ${lat} is outside the UTM area (80°S to 84°N); polar (UPS) areas are not supported`);
  }
}

/**
 * The UTM zone (1–60) holding a point, with zone 32V widened over south-western Norway and the
 * Svalbard zones 31X, 33X, 35X and 37X. Throws a RangeError outside 80°S–84°N.
 */
export function utmZone(lon: number, lat: number): number {
  checkLatitude(lat);
  if (!Number.isFinite(lon)) throw new RangeError(`longitude ${lon} is not a number`);
  // 180° closes zone 60 rather than opening zone 1, as MGRS software reads it.
  const l = lon === 180 ? 179.999999 : normalizeLongitude(lon);
  if (lat >= 56 && lat < 64 && l >= 3 && l < 12) return 32;
  if (lat >= 72) {
    if (l >= 0 && l < 9) return 31;
    if (l >= 9 && l < 21) return 33;
    if (l >= 21 && l < 33) return 35;
    if (l >= 33 && l < 42) return 37;
  }
  return Math.min(60, Math.floor((l + 180) / 6) + 1);
}

function checkZone(zone: number): void {
  if (!Number.isInteger(zone) || zone < 1 || zone > 60) throw new RangeError(`UTM zone ${zone} is not 1–60`);
}

/** EPSG code of WGS 84 / UTM `zone`: 326zz north, 327zz south. */
export function utmEpsg(zone: number, south: boolean): number {
  checkZone(zone);
  return (south ? 32700 : 32600) + zone;
}

/** Longitude of the zone's central meridian, degrees. */
export function centralMeridian(zone: number): number {
  checkZone(zone);
  return zone * 6 - 183;
}

/** Forward transform from WGS 84 longitude, latitude to the zone's UTM metres. */
export function utmForward(zone: number, south: boolean): PositionTransform {
  return getTransform({ wkid: 4326 }, { wkid: utmEpsg(zone, south) })!;
}

/** Inverse transform from the zone's UTM metres to WGS 84 longitude, latitude. */
export function utmInverse(zone: number, south: boolean): PositionTransform {
  return getTransform({ wkid: utmEpsg(zone, south) }, { wkid: 4326 })!;
}

/** Degrees of latitude of the short step the numerical derivatives take (about 1 m). */
const STEP = 1e-5;

/** Grid position of a point and of points one short step north and east of it. */
function steps(lon: number, lat: number, zone: number): { p: Position; n: Position; e: Position } {
  const fwd = utmForward(zone, lat < 0);
  return { p: fwd([lon, lat]), n: fwd([lon, lat + STEP]), e: fwd([lon + STEP, lat]) };
}

/**
 * Grid convergence at a point in `zone`, degrees: the angle from true north to grid north,
 * positive when grid north lies east of true north (so negative west of the central meridian in
 * the northern hemisphere). Measured by projecting a short step along the meridian.
 */
export function gridConvergence(lon: number, lat: number, zone: number): number {
  checkLatitude(lat);
  const { p, n } = steps(lon, lat, zone);
  // True north drawn on the grid points atan2(dx, dy) clockwise of grid north; grid north is the opposite turn.
  return -(Math.atan2(n[0]! - p[0]!, n[1]! - p[1]!) * 180) / Math.PI;
}

const WGS84_A = 6378137;
const WGS84_E2 = 0.00669437999014;

/**
 * Point scale factor of the projection at a point in `zone` (0.9996 on the central meridian):
 * grid distance over ellipsoidal distance for a short step east.
 */
export function pointScaleFactor(lon: number, lat: number, zone: number): number {
  checkLatitude(lat);
  const { p, e } = steps(lon, lat, zone);
  const phi = (lat * Math.PI) / 180;
  const nu = WGS84_A / Math.sqrt(1 - WGS84_E2 * Math.sin(phi) ** 2);
  const ground = nu * Math.cos(phi) * ((STEP * Math.PI) / 180);
  return Math.hypot(e[0]! - p[0]!, e[1]! - p[1]!) / ground;
}
