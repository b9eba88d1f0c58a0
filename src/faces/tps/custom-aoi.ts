/**
 * generateProduct's `customAoi` (tps.md §9): exactly one polygon, sent as a feature array, a
 * featureSet (`{"features": [...]}`) or the `extents` array of calculateExtent (whose whole
 * answer is accepted too). The result is the polygon as Esri JSON with its spatial reference:
 * the geometry's own, else the featureSet's, else the AOI layer's.
 * @module faces/tps/custom-aoi
 */
import { EsriGeometryError, fromEsriGeometry, toEsriGeometry } from '../../geo/esri-json.js';
import { parseSpatialReference, srJson, SpatialReferenceError, type SpatialReference } from '../../geo/spatial-reference.js';
import type { JsonObject } from '../../jobs/job-types.js';
import { ProductParameterError } from '../../production/production-errors.js';

const fail = (why: string) => new ProductParameterError(`customAoi: ${why}`);
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function readSr(value: unknown): SpatialReference | null {
  try { return parseSpatialReference(value); } catch (e) {
    if (e instanceof SpatialReferenceError) throw fail(`spatialReference: ${e.message}`);
    throw e;
  }
}

/** The one polygon of `value` (parsed JSON) as Esri JSON with a spatialReference. Throws ProductParameterError naming `customAoi`. */
export function readCustomAoi(value: unknown, layerSr: SpatialReference): JsonObject {
  let features: unknown[];
  let setSr: unknown;
  if (Array.isArray(value)) features = value;
  else if (isObject(value) && Array.isArray(value.features)) { features = value.features; setSr = value.spatialReference; }
  else if (isObject(value) && Array.isArray(value.extents)) features = value.extents;
  else throw fail('must be a feature array, a featureSet {"features": [...]} or the extents of calculateExtent');
  if (features.length !== 1) throw fail(`must hold exactly one polygon feature, not ${features.length}`);
  const feature = features[0];
  if (!isObject(feature) || !isObject(feature.geometry)) throw fail('the feature has no geometry');
  const esri = feature.geometry;
  if (!Array.isArray(esri.rings)) throw fail('the feature is not a polygon');
  let geometry;
  try { geometry = fromEsriGeometry(esri, 'esriGeometryPolygon'); } catch (e) {
    if (e instanceof EsriGeometryError) throw fail(e.message);
    throw e;
  }
  if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) throw fail('the polygon is empty');
  if (geometry.type === 'MultiPolygon' && geometry.coordinates.length !== 1) throw fail(`must be one polygon, not ${geometry.coordinates.length} separate parts`);
  const sr = readSr(esri.spatialReference) ?? readSr(setSr) ?? layerSr;
  return { ...toEsriGeometry(geometry), spatialReference: srJson(sr) } as unknown as JsonObject;
}
