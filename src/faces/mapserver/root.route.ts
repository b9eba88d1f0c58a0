/**
 * The MapServer root resource (mapserver.md §5).
 * @module faces/mapserver/root.route
 */
import type { MapService } from '../../catalog/map-service.js';
import { DEFAULT_MAX_IMAGE_SIZE } from '../../catalog/map-service.js';
import { renderForm, renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import { sendHtml, sendResource } from '../../http/respond.js';
import { esriUnits, srJson } from '../../geo/spatial-reference.js';
import { tileInfoJson } from '../../tiles/tiling-scheme.js';
import { getAndPost } from '../route-helpers.js';
import { resolvedExtensions, TPS_EXTENSION } from '../../catalog/service-framework.js';
import { renderViewerPage } from '../viewer/viewer-page.js';
import { sendServiceKmz } from './kml.route.js';
import { envelopeJson, isTable, layerSummary } from './layer-json.js';
import type { RouteContext } from './mapserver-face.js';
import { serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

/** Service scale range: the union of the layers' ranges; 0 means no limit. */
function scaleRange(service: MapService): { minScale: number; maxScale: number } {
  const layers = service.definition.layers.filter((l) => !isTable(l));
  const mins = layers.map((l) => l.minScale ?? 0), maxs = layers.map((l) => l.maxScale ?? 0);
  return {
    minScale: mins.length === 0 || mins.includes(0) ? 0 : Math.max(...mins),
    maxScale: maxs.length === 0 || maxs.includes(0) ? 0 : Math.min(...maxs),
  };
}

export function rootJson(service: MapService, currentVersion: number): Record<string, unknown> {
  const memo = service.memo.get('root');
  if (memo) return memo as Record<string, unknown>;
  const d = service.definition;
  const sr = service.spatialReference;
  const full = service.fullExtent();
  const json = {
    currentVersion,
    serviceDescription: d.serviceDescription ?? '', mapName: d.mapName ?? 'Layers', description: d.description ?? '',
    copyrightText: d.copyrightText ?? '', supportsDynamicLayers: true,
    layers: d.layers.filter((l) => !isTable(l)).map((l) => layerSummary(service, l)),
    tables: d.layers.filter(isTable).map((l) => ({ id: l.id, name: l.name })),
    spatialReference: srJson(sr), singleFusedMapCache: d.tileInfo !== undefined,
    ...(d.tileInfo ? tileInfoJson(d.tileInfo) : {}),
    initialExtent: envelopeJson(d.initialExtent ?? full, sr),
    fullExtent: envelopeJson(full, sr),
    ...scaleRange(service),
    units: esriUnits(sr),
    supportedImageFormatTypes: 'PNG32,PNG24,PNG,PNG8,JPG,TIFF,PDF,GIF,SVG,SVGZ',
    documentInfo: { Title: d.documentInfo?.Title ?? d.serviceName, Author: '', Comments: '', Subject: '', Category: '', Keywords: '', ...d.documentInfo },
    capabilities: d.capabilities.join(','), supportedQueryFormats: 'JSON, geoJSON',
    maxRecordCount: service.maxRecordCount,
    maxImageHeight: d.maxImageHeight ?? DEFAULT_MAX_IMAGE_SIZE, maxImageWidth: d.maxImageWidth ?? DEFAULT_MAX_IMAGE_SIZE,
    supportedExtensions: '', exportTilesAllowed: false,
  };
  service.memo.set('root', json);
  return json;
}

export function registerRootRoute({ app, ctx }: RouteContext): void {
  getAndPost(app, '/', async (request, reply, params) => {
    const service = serviceOf(request);
    // Formats beyond the resource's JSON: the map viewer and a KMZ for Google Earth.
    const f = params.get('f')?.trim().toLowerCase();
    if (f === 'jsapi') return sendHtml(reply, await renderViewerPage(ctx, service, rootJson(service, ctx.config.currentVersion)));
    if (f === 'kmz') return sendServiceKmz(request, reply, ctx, service);
    const returnUpdates = params.bool('returnUpdates', false);
    // Extensions depend on the service's products, which change without the definition changing.
    const extensions = resolvedExtensions(service.definition.extensions).filter((e) => e.enabled === 'true').map((e) => e.typeName);
    return sendResource(reply, params,
      () => (returnUpdates ? { fullExtent: envelopeJson(service.fullExtent(), service.spatialReference) } : { ...rootJson(service, ctx.config.currentVersion), supportedExtensions: extensions.join(', ') }),
      (json) => {
        const url = serviceUrl(ctx, service);
        const body = json as ReturnType<typeof rootJson>;
        return renderPage({
          title: `${service.path} (MapServer)`, breadcrumbs: serviceCrumbs(ctx, service).slice(0, -1), jsonHref: `${url}?f=pjson`,
          body: [
            renderLinks('Layers', (body.layers as { id: number; name: string }[] | undefined ?? []).map((l) => ({ label: `${l.name} (${l.id})`, href: `${url}/${l.id}` }))),
            renderLinks('Tables', (body.tables as { id: number; name: string }[] | undefined ?? []).map((l) => ({ label: `${l.name} (${l.id})`, href: `${url}/${l.id}` }))),
            renderProperties(body, ['layers', 'tables']),
            renderLinks('View in', [{ label: 'View in map viewer', href: `${url}?f=jsapi` }, { label: 'Google Earth (KMZ)', href: `${url}?f=kmz` }]),
            renderLinks('Child resources', [{ label: 'Layers', href: `${url}/layers` }, { label: 'Legend', href: `${url}/legend` }]),
            renderLinks('Extensions', extensions.filter((e) => e === TPS_EXTENSION).map((e) => ({ label: e, href: `${url}/exts/${e}` }))),
            renderLinks('Supported operations', [
              ...(service.definition.capabilities.includes('Query') ? [{ label: 'Identify', href: `${url}/identify` }] : []),
              ...(service.definition.capabilities.includes('Data') ? [{ label: 'Find', href: `${url}/find` }] : []),
              ...(service.definition.capabilities.includes('Map') ? [{ label: 'Generate KML', href: `${url}/generateKml` }] : []),
            ]),
            '<h3>Service options</h3>', renderForm(url, [{ name: 'returnUpdates', kind: 'select', options: ['false', 'true'], value: 'false' }]),
          ],
        });
      });
  });
}
