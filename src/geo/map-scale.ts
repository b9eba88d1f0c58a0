/**
 * Map scale from an extent drawn at a pixel size and resolution, as ArcGIS computes it.
 * @module geo/map-scale
 */
import type { Envelope } from './geometry.js';
import type { SpatialReference } from './spatial-reference.js';
import { esriUnits } from './spatial-reference.js';

const METRES_PER_INCH = 0.0254;
/** Metres per degree along the equator (WGS 84), the convention ArcGIS uses for geographic maps. */
const METRES_PER_DEGREE = 111319.49079327357;

/** Metres per map unit of `sr`. */
export function metresPerUnit(sr: SpatialReference): number {
  const units = esriUnits(sr);
  return units === 'esriDecimalDegrees' ? METRES_PER_DEGREE : units === 'esriFeet' ? 0.3048 : 1;
}

/** Scale denominator of `extent` drawn `widthPx` pixels wide at `dpi`. */
export function mapScale(extent: Envelope, widthPx: number, dpi: number, sr: SpatialReference): number {
  const unitsPerPixel = (extent.xmax - extent.xmin) / widthPx;
  return (unitsPerPixel * metresPerUnit(sr) * dpi) / METRES_PER_INCH;
}

/** Whether a layer with `minScale`/`maxScale` (0 = no limit) draws at `scale`. */
export function inScaleRange(scale: number, minScale = 0, maxScale = 0): boolean {
  return (minScale === 0 || scale <= minScale) && (maxScale === 0 || scale >= maxScale);
}
