/**
 * The layer `query` operation (mapserver.md §13): features, IDs, count, extent, distinct values
 * and statistics, as Esri JSON or GeoJSON.
 * @module faces/mapserver/query-operation
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { FeatureRow, FieldInfo } from '../../data/feature-source.js';
import { queryCount, queryDistinct, queryExtent, queryFeatures, queryIds, queryStatistics } from '../../data/layer-query.js';
import { toEsriGeometry } from '../../geo/esri-json.js';
import type { Geometry } from '../../geo/geometry.js';
import { getTransform } from '../../geo/projection.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { srJson } from '../../geo/spatial-reference.js';
import { ArcGisError, invalidParameter, invalidQuery } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import { envelopeJson } from './layer-json.js';
import { findLayer } from './layer-lookup.js';
import type { Operation } from './operation.js';
import { readFilter, readOrderBy, readOutFields, readPaging, readShape, readStatistics, srParam } from './query-params.js';

const WGS84: SpatialReference = { wkid: 4326, latestWkid: 4326 };

const fieldJson = (f: FieldInfo) => ({ name: f.name, type: f.type, alias: f.alias, ...(f.length !== undefined ? { length: f.length } : {}) });

/** Runs the query and returns the Esri JSON body (before any GeoJSON conversion). */
export function runQuery(params: RequestParams, service: MapService, layer: MapLayer, format: string): Record<string, unknown> {
  const source = layer.source!;
  const filter = readFilter(params, service, layer);
  const statistics = readStatistics(params, layer);
  const sqlFormat = params.oneOf('sqlFormat', ['none', 'standard', 'native'] as const, 'none');
  if (sqlFormat === 'native') throw invalidParameter('sqlFormat', 'native SQL is not supported');
  if (!filter.hasFilter && !statistics) {
    throw invalidQuery("one of 'where', 'text', 'objectIds' or 'geometry' is required");
  }
  const outSr = format === 'geojson' ? WGS84 : srParam(params, 'outSR') ?? service.spatialReference;
  const countOnly = params.bool('returnCountOnly', false);
  const idsOnly = params.bool('returnIdsOnly', false);
  const extentOnly = params.bool('returnExtentOnly', false);
  const distinct = params.bool('returnDistinctValues', false);
  const schema = source.schema;

  if (countOnly && extentOnly) {
    const { count, extent } = queryExtent(source, filter, getTransform(layer.spatialReference, outSr));
    return { count, extent: envelopeJson(extent, outSr) };
  }
  if (countOnly) return { count: queryCount(source, filter) };
  if (idsOnly) return { objectIdFieldName: schema.objectIdField, objectIds: queryIds(source, filter, readOrderBy(params, layer)) };
  if (extentOnly) return { extent: envelopeJson(queryExtent(source, filter, getTransform(layer.spatialReference, outSr)).extent, outSr) };

  const { offset, limit } = readPaging(params, service);
  if (statistics) {
    const groupBy = (params.list('groupByFieldsForStatistics') ?? []).map((n) => layer.fields.find((f) => f.name.toLowerCase() === n.toLowerCase())?.name ?? (() => { throw invalidQuery(`'groupByFieldsForStatistics' names an unknown field '${n.slice(0, 64)}'`); })());
    const rows = queryStatistics(source, filter, statistics, groupBy, readOrderBy(params, layer, statistics.map((s) => s.outName)));
    const byName = new Map(layer.fields.map((f) => [f.name, f]));
    const fields = [
      ...groupBy.map((g) => fieldJson(byName.get(g)!)),
      ...statistics.map((s) => ({
        name: s.outName, alias: s.outName,
        type: s.type === 'count' ? 'esriFieldTypeInteger' : (s.type === 'min' || s.type === 'max') && s.field !== '*' ? byName.get(s.field)!.type : 'esriFieldTypeDouble',
      })),
    ];
    const page = rows.slice(offset, offset + limit);
    return { displayFieldName: '', fieldAliases: Object.fromEntries(fields.map((f) => [f.name, f.alias])), fields, features: page.map((attributes) => ({ attributes })), ...(rows.length > offset + limit ? { exceededTransferLimit: true } : {}) };
  }

  const outFields = readOutFields(params, layer);
  const orderBy = readOrderBy(params, layer);
  const fields = outFields.map((n) => layer.fields.find((f) => f.name === n)!);
  const header = {
    displayFieldName: layer.displayField,
    fieldAliases: Object.fromEntries(fields.map((f) => [f.name, f.alias])),
    ...(schema.geometryType ? { geometryType: schema.geometryType, spatialReference: srJson(outSr) } : {}),
    fields: fields.map(fieldJson),
  };
  if (distinct) {
    const rows = queryDistinct(source, filter, outFields, orderBy);
    const page = rows.slice(offset, offset + limit);
    return { ...header, features: page.map((attributes) => ({ attributes })), ...(rows.length > offset + limit ? { exceededTransferLimit: true } : {}) };
  }
  const returnGeometry = params.bool('returnGeometry', true) && schema.geometryType !== null;
  params.bool('returnZ', false);
  params.bool('returnM', false);
  const result = queryFeatures(source, { ...filter, outFields, returnGeometry, orderBy, offset, limit, shape: readShape(params, layer, outSr) });
  return {
    ...header,
    features: result.features.map((row) => esriFeature(row, returnGeometry)),
    ...(result.exceededTransferLimit ? { exceededTransferLimit: true } : {}),
    // Kept out of the Esri body; the GeoJSON writer needs the model geometries.
    [GEOMETRIES]: result.features.map((r) => r.geometry),
  };
}

const GEOMETRIES = Symbol('geometries');

function esriFeature(row: FeatureRow, withGeometry: boolean): Record<string, unknown> {
  return withGeometry ? { attributes: row.attributes, geometry: row.geometry ? toEsriGeometry(row.geometry) : null } : { attributes: row.attributes };
}

/** GeoJSON FeatureCollection in WGS 84 (mapserver.md §13). */
export function toGeoJson(body: Record<string, unknown>, objectIdField: string): Record<string, unknown> {
  if ('count' in body || 'objectIds' in body || 'extent' in body) return body;
  const geometries = (body as { [GEOMETRIES]?: (Geometry | null)[] })[GEOMETRIES] ?? [];
  const features = (body.features as { attributes: Record<string, unknown> }[]).map((f, i) => ({
    type: 'Feature', id: f.attributes[objectIdField] ?? i + 1, geometry: geometries[i] ?? null, properties: f.attributes,
  }));
  return { type: 'FeatureCollection', features, ...(body.exceededTransferLimit ? { properties: { exceededTransferLimit: true } } : {}) };
}

/** Layer query: the layer in the URL, Esri JSON or GeoJSON out. */
export const queryOperation: Operation = ({ service, params, task }) => {
  const layer = findLayer(service, task.layerId);
  if (!layer.source) throw new ArcGisError(400, 'Requested operation is not supported by this service.', [`layer ${layer.definition.id} (${layer.definition.type}) has no features to query`]);
  const body = runQuery(params, service, layer, task.format);
  return { json: task.format === 'geojson' ? toGeoJson(body, layer.source.schema.objectIdField) : body };
};
