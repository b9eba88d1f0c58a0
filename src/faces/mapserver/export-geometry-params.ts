/**
 * The geometry parameters of `export` (mapserver.md §6): `clipping`, which cuts the drawing to a
 * polygon or envelope, and `spatialFilter`, which draws only features in a spatial relation with
 * a geometry. Decision: a geometry without its own `spatialReference` is in `bboxSR` (the SR the
 * client already states its box in), which defaults to the map's SR.
 * @module faces/mapserver/export-geometry-params
 */
import type { MapClip } from '../../carto/map-request.js';
import { ESRI_GEOMETRY_TYPES, EsriGeometryError, fromEsriGeometry, type EsriGeometryType } from '../../geo/esri-json.js';
import type { Geometry } from '../../geo/geometry.js';
import { getTransform, transformGeometry } from '../../geo/projection.js';
import { SPATIAL_RELATIONS, type SpatialRelation } from '../../geo/spatial-relation.js';
import { parseSpatialReference, type SpatialReference } from '../../geo/spatial-reference.js';
import { invalidParameter } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import type { MapSpatialFilter } from '../../mapping/service-map-layers.js';

type Json = Record<string, unknown>;

/** Geometry types `clipping` accepts: those with an area. */
const CLIP_TYPES: readonly EsriGeometryType[] = ['esriGeometryPolygon', 'esriGeometryEnvelope'];

/** Reads `{geometryType, geometry}` of parameter `name` into a geometry and its SR. */
function readGeometry(name: string, o: Json, types: readonly EsriGeometryType[], fallbackSr: SpatialReference): { geometry: Geometry; spatialReference: SpatialReference } {
  const type = types.find((t) => t === o.geometryType);
  if (!type) throw invalidParameter(name, `geometryType must be one of ${types.join(', ')}`);
  let geometry: Geometry | null;
  try { geometry = fromEsriGeometry(o.geometry, type); } catch (e) {
    if (e instanceof EsriGeometryError) throw invalidParameter(name, e.message);
    throw e;
  }
  if (!geometry) throw invalidParameter(name, 'the geometry is empty');
  let spatialReference: SpatialReference | null;
  try { spatialReference = parseSpatialReference((o.geometry as Json).spatialReference); } catch { throw invalidParameter(name, 'its spatialReference is invalid'); }
  return { geometry, spatialReference: spatialReference ?? fallbackSr };
}

function readObject(params: RequestParams, name: string): Json | undefined {
  const raw = params.json(name);
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidParameter(name, 'expected a JSON object');
  return raw as Json;
}

/** `clipping`, projected into the image SR, or undefined when absent. */
export function readClipping(params: RequestParams, geometrySr: SpatialReference, imageSr: SpatialReference): MapClip | undefined {
  const o = readObject(params, 'clipping');
  if (!o) return undefined;
  const { geometry, spatialReference } = readGeometry('clipping', o, CLIP_TYPES, geometrySr);
  const excluded = o.excludedLayers ?? [];
  if (!Array.isArray(excluded) || !excluded.every((id) => Number.isSafeInteger(id))) throw invalidParameter('clipping', 'excludedLayers must be an array of layer IDs');
  const projected = transformGeometry(geometry, getTransform(spatialReference, imageSr));
  // Both accepted types read as polygons (an envelope becomes its rectangle).
  return { geometry: projected as MapClip['geometry'], excludedLayers: excluded as number[] };
}

/** `spatialFilter`, in its own SR (each layer projects it into its own), or null when absent. */
export function readSpatialFilter(params: RequestParams, geometrySr: SpatialReference): MapSpatialFilter | null {
  const o = readObject(params, 'spatialFilter');
  if (!o) return null;
  const relation = SPATIAL_RELATIONS.find((r) => r === (o.spatialRel ?? 'esriSpatialRelIntersects')) as SpatialRelation | undefined;
  if (!relation) throw invalidParameter('spatialFilter', `spatialRel must be one of ${SPATIAL_RELATIONS.join(', ')}`);
  return { ...readGeometry('spatialFilter', o, ESRI_GEOMETRY_TYPES, geometrySr), relation };
}
