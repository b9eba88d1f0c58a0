/**
 * Layer `query` (mapserver.md §13): features, IDs, count, extent, distinct values and
 * statistics, as Esri JSON, GeoJSON or an HTML page with the query form.
 * @module faces/mapserver/query.route
 */
import type { FastifyReply } from 'fastify';
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import type { FeatureRow, FieldInfo } from '../../data/feature-source.js';
import { queryCount, queryDistinct, queryExtent, queryFeatures, queryIds, queryStatistics } from '../../data/layer-query.js';
import { toEsriGeometry } from '../../geo/esri-json.js';
import type { Geometry } from '../../geo/geometry.js';
import { getTransform } from '../../geo/projection.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { srJson } from '../../geo/spatial-reference.js';
import { ArcGisError, invalidParameter, invalidQuery } from '../../http/arcgis-error.js';
import { escapeHtml, renderForm, renderPage, renderValue, type FormField } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml, sendJson } from '../../http/respond.js';
import { getAndPost, pathParams } from '../route-helpers.js';
import { envelopeJson } from './layer-json.js';
import { findLayer } from './layer-lookup.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, serviceOf } from './mapserver-face.js';
import { readFilter, readOrderBy, readOutFields, readPaging, readShape, readStatistics, srParam } from './query-params.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

const WGS84: SpatialReference = { wkid: 4326, latestWkid: 4326 };

const fieldJson = (f: FieldInfo) => ({ name: f.name, type: f.type, alias: f.alias, ...(f.length !== undefined ? { length: f.length } : {}) });

/** Runs the query and returns the Esri JSON body (before any GeoJSON conversion). */
function runQuery(params: RequestParams, service: MapService, layer: MapLayer, format: string): Record<string, unknown> {
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
function toGeoJson(body: Record<string, unknown>, objectIdField: string): Record<string, unknown> {
  if ('count' in body || 'objectIds' in body || 'extent' in body) return body;
  const geometries = (body as { [GEOMETRIES]?: (Geometry | null)[] })[GEOMETRIES] ?? [];
  const features = (body.features as { attributes: Record<string, unknown> }[]).map((f, i) => ({
    type: 'Feature', id: f.attributes[objectIdField] ?? i + 1, geometry: geometries[i] ?? null, properties: f.attributes,
  }));
  return { type: 'FeatureCollection', features, ...(body.exceededTransferLimit ? { properties: { exceededTransferLimit: true } } : {}) };
}

const FORM_FIELDS: FormField[] = [
  { name: 'where', kind: 'textarea' }, { name: 'text' }, { name: 'objectIds' }, { name: 'geometry', kind: 'textarea' },
  { name: 'geometryType', kind: 'select', options: ['esriGeometryEnvelope', 'esriGeometryPoint', 'esriGeometryMultipoint', 'esriGeometryPolyline', 'esriGeometryPolygon'] },
  { name: 'inSR' }, { name: 'spatialRel', kind: 'select', options: ['esriSpatialRelIntersects', 'esriSpatialRelContains', 'esriSpatialRelCrosses', 'esriSpatialRelEnvelopeIntersects', 'esriSpatialRelIndexIntersects', 'esriSpatialRelOverlaps', 'esriSpatialRelTouches', 'esriSpatialRelWithin'] },
  { name: 'distance' }, { name: 'units', kind: 'select', options: ['esriSRUnit_Meter', 'esriSRUnit_Kilometer', 'esriSRUnit_Foot', 'esriSRUnit_StatuteMile', 'esriSRUnit_NauticalMile'] },
  { name: 'outFields' }, { name: 'returnGeometry', kind: 'select', options: ['true', 'false'] }, { name: 'maxAllowableOffset' }, { name: 'geometryPrecision' }, { name: 'outSR' },
  { name: 'returnIdsOnly', kind: 'select', options: ['false', 'true'] }, { name: 'returnCountOnly', kind: 'select', options: ['false', 'true'] },
  { name: 'returnExtentOnly', kind: 'select', options: ['false', 'true'] }, { name: 'orderByFields' }, { name: 'groupByFieldsForStatistics' },
  { name: 'outStatistics', kind: 'textarea' }, { name: 'returnDistinctValues', kind: 'select', options: ['false', 'true'] },
  { name: 'resultOffset' }, { name: 'resultRecordCount' },
];

function htmlPage(ctx: RouteContext['ctx'], service: MapService, layer: MapLayer, params: RequestParams, body: Record<string, unknown> | null): string {
  const url = `${serviceUrl(ctx, service)}/${layer.definition.id}`;
  const values = new Map(params.entries());
  const fields = FORM_FIELDS.map((f) => ({ ...f, value: values.get(f.name.toLowerCase()) ?? f.value }));
  const results: string[] = [];
  if (body) {
    const features = (body.features as { attributes: Record<string, unknown>; geometry?: unknown }[] | undefined);
    if (features) {
      results.push(`<h3>Results: ${features.length} feature(s)${body.exceededTransferLimit ? ' (exceeded transfer limit)' : ''}</h3>`);
      for (const f of features.slice(0, 500)) {
        results.push(`<div>${renderValue(f.attributes)}${f.geometry ? `<code>${escapeHtml(JSON.stringify(f.geometry).slice(0, 300))}</code>` : ''}</div><hr>`);
      }
    } else results.push(`<h3>Result</h3>${renderValue(body)}`);
  }
  return renderPage({
    title: `Query: ${layer.definition.name} (ID: ${layer.definition.id})`,
    breadcrumbs: serviceCrumbs(ctx, service, [{ label: layer.definition.name, href: url }]),
    body: [renderForm(`${url}/query`, fields, ['html', 'json', 'pjson', 'geojson']), ...results],
  });
}

export function registerQueryRoute(routes: RouteContext): void {
  const { app, ctx } = routes;
  getAndPost(app, '/:layerId/query', (request, reply: FastifyReply, params) => {
    const service = serviceOf(request);
    requireCapability(service, 'Query');
    const layer = findLayer(service, pathParams(request).layerId);
    if (!layer.source) throw new ArcGisError(400, 'Requested operation is not supported by this service.', ['group layers cannot be queried']);
    if (params.get('f')?.toLowerCase() === 'pbf') throw new ArcGisError(400, 'Unsupported format', ["'f' parameter 'pbf' is not supported"]);
    const format = resolveFormat(params, ['html', 'json', 'pjson', 'geojson'] as const, 'html');
    if (format === 'html') {
      // The form alone until the user runs a query.
      const ran = ['where', 'text', 'objectIds', 'geometry', 'outStatistics'].some((p) => params.has(p));
      return sendHtml(reply, htmlPage(ctx, service, layer, params, ran ? runQuery(params, service, layer, format) : null));
    }
    const body = runQuery(params, service, layer, format);
    return sendJson(reply, params, format, format === 'geojson' ? toGeoJson(body, layer.source.schema.objectIdField) : body);
  });
}
