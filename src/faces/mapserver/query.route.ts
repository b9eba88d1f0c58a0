/**
 * Layer `query` over HTTP (mapserver.md §13): the operation runs on the query worker pool;
 * this file checks the request, renders HTML and writes the answer.
 * @module faces/mapserver/query.route
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { escapeHtml, renderForm, renderPage, renderValue, type FormField } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml, sendJsonText } from '../../http/respond.js';
import { getAndPost, pathParams } from '../route-helpers.js';
import { findLayer } from './layer-lookup.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, runJsonOperation, serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

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
  getAndPost(app, '/:layerId/query', async (request, reply, params) => {
    const service = serviceOf(request);
    requireCapability(service, 'Query');
    const { folder = '', service: name, layerId } = pathParams(request);
    const layer = findLayer(service, layerId);
    if (!layer.source) throw new ArcGisError(400, 'Requested operation is not supported by this service.', [`layer ${layer.definition.id} (${layer.definition.type}) has no features to query`]);
    if (params.get('f')?.toLowerCase() === 'pbf') throw new ArcGisError(400, 'Unsupported format', ["'f' parameter 'pbf' is not supported"]);
    const format = resolveFormat(params, ['html', 'json', 'pjson', 'geojson'] as const, 'html');
    // The HTML form alone until the user runs a query.
    const ran = format !== 'html' || ['where', 'text', 'objectIds', 'geometry', 'outStatistics'].some((p) => params.has(p));
    let text: string | null = null;
    if (ran) {
      text = await runJsonOperation(ctx, { operation: 'query', folder, service: name!, layerId: layerId!, params: params.entries(), format });
    }
    if (format === 'html') return sendHtml(reply, htmlPage(ctx, service, layer, params, text === null ? null : JSON.parse(text)));
    return sendJsonText(reply, params, format, text!);
  });
}
