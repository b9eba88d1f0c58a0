/**
 * KML over HTTP (mapserver.md §9): `generateKml` hands out a KMZ whose network links point
 * back at `kml/mapImage.kmz`, which draws the map for the KML client's view with the export
 * operation and wraps it as a ground overlay. The root's `f=kmz` is `generateKml` for the
 * default layers.
 * @module faces/mapserver/kml.route
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MapService } from '../../catalog/map-service.js';
import type { Envelope } from '../../geo/geometry.js';
import { getTransform, transformEnvelope } from '../../geo/projection.js';
import { ArcGisError, clip, invalidParameter, missingParameter } from '../../http/arcgis-error.js';
import { renderForm, renderPage } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml } from '../../http/respond.js';
import type { ServerContext } from '../../http/server.js';
import { isSecured } from '../../security/access-policy.js';
import { getAndPost, requestOrigin } from '../route-helpers.js';
import { type KmlLink, kmz, networkLinkKml } from './kml-document.js';
import { OVERLAY_FORMATS, overlayKmz, sendKmz } from './kmz-overlay.js';
import { isTable } from './layer-json.js';
import { visibleLayerIds } from '../../mapping/service-map-layers.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

const LAYER_OPTIONS = ['composite', 'separateImage', 'nonComposite'] as const;
/** Pixels along the longer side of an overlay: sharp on a desktop screen, quick to draw. */
const OVERLAY_PIXELS = 1024;
const WGS84 = { wkid: 4326, latestWkid: 4326 };

/** The absolute URL of the service as the client reached it: KML links must be absolute. */
function absoluteServiceUrl(request: FastifyRequest, ctx: ServerContext, service: MapService): string {
  return `${requestOrigin(request, ctx.config.port)}${serviceUrl(ctx, service)}`;
}

/** Reads `layers` as a comma list of layer IDs; tables and unknown IDs answer 400. */
function readLayerIds(params: RequestParams, service: MapService): number[] {
  const ids = (params.list('layers') ?? []).map((raw) => {
    const def = /^\d{1,9}$/.test(raw) ? service.layerDefinition(Number(raw)) : undefined;
    if (!def || isTable(def)) throw new ArcGisError(400, 'Unable to complete operation.', [`The requested layer (layerId: ${clip(raw, 20)}) was not found.`]);
    return def.id;
  });
  if (ids.length === 0) throw missingParameter('layers');
  return ids;
}

/** The KML network links for `layerIds`: one composite image, or one image per layer. */
function kmlLinks(base: string, service: MapService, layerIds: number[], separate: boolean): KmlLink[] {
  const href = (ids: number[]) => `${base}/kml/mapImage.kmz?layers=show:${ids.join(',')}`;
  if (!separate) return [{ name: service.definition.serviceName, href: href(layerIds) }];
  return layerIds.map((id) => ({ name: service.layerDefinition(id)!.name, href: href([id]) }));
}

/** The root's `f=kmz`: a composite network link for the layers visible by default. */
export function sendServiceKmz(request: FastifyRequest, reply: FastifyReply, ctx: ServerContext, service: MapService): Promise<FastifyReply> {
  const visible = visibleLayerIds(service, { mode: 'default' });
  // Leaves only: a group ID would bring back sublayers that are hidden by default.
  const ids = service.definition.layers.filter((l) => l.type !== 'Group Layer' && !isTable(l) && visible.has(l.id)).map((l) => l.id);
  const name = service.definition.serviceName;
  return sendKmz(request, reply, name, async () => kmz(networkLinkKml(name, kmlLinks(absoluteServiceUrl(request, ctx, service), service, ids, false))));
}

/** `BBOX=west,south,east,north` in degrees, as Google Earth appends it; the service extent without one. */
function readBbox(params: RequestParams, service: MapService): Envelope {
  const text = params.get('bbox');
  if (text === undefined) {
    const full = service.fullExtent();
    if (!full) return { xmin: -180, ymin: -90, xmax: 180, ymax: 90 };
    return transformEnvelope(full, getTransform(service.spatialReference, WGS84));
  }
  const v = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
  if (v.length !== 4 || !v.every(Number.isFinite)) throw invalidParameter('BBOX', 'expected west,south,east,north in degrees');
  // Views near the poles or across the whole globe reach past the valid range; clamp them.
  const box = { xmin: Math.max(-180, v[0]!), ymin: Math.max(-90, v[1]!), xmax: Math.min(180, v[2]!), ymax: Math.min(90, v[3]!) };
  if (!(box.xmin < box.xmax && box.ymin < box.ymax)) throw invalidParameter('BBOX', 'west must be below east and south below north');
  return box;
}

/** An image size with the box's aspect in degrees, since the overlay is drawn in WGS 84. */
function overlaySize(box: Envelope): string {
  const dx = box.xmax - box.xmin, dy = box.ymax - box.ymin;
  const k = OVERLAY_PIXELS / Math.max(dx, dy);
  return `${Math.max(1, Math.round(dx * k))},${Math.max(1, Math.round(dy * k))}`;
}

/** Draws the overlay image for the KML client's view and wraps it as a KMZ ground overlay. */
async function mapImageKmz(request: FastifyRequest, ctx: ServerContext, service: MapService, params: RequestParams): Promise<Uint8Array> {
  const box = readBbox(params, service);
  const format = (params.get('format') ?? 'png').trim().toLowerCase();
  if (!OVERLAY_FORMATS[format]) throw new ArcGisError(400, `Unsupported image format: ${clip(format, 20)}`, [`'format' parameter must be one of ${Object.keys(OVERLAY_FORMATS).join(', ')}`]);
  const layers = params.get('layers');
  return overlayKmz(request, ctx, service, [
    ['bbox', `${box.xmin},${box.ymin},${box.xmax},${box.ymax}`], ['bboxSR', '4326'], ['imageSR', '4326'],
    ['size', overlaySize(box)], ['format', format], ['transparent', 'true'],
    // A bare ID list (ArcGIS's own links use them) means "show these".
    ...(layers !== undefined ? [['layers', /^[\d\s,]+$/.test(layers) ? `show:${layers}` : layers] as [string, string]] : []),
    ...(['dpi', 'layerDefs'] as const).flatMap((n) => (params.has(n) ? [[n, params.get(n)!] as [string, string]] : [])),
  ]);
}

/** Registers `generateKml` and `kml/mapImage.kmz`. */
export function registerKmlRoutes({ app, ctx }: RouteContext): void {
  getAndPost(app, '/generateKml', async (request, reply, params) => {
    const service = serviceOf(request);
    requireCapability(service, 'Map');
    // KML clients cannot send tokens (mapserver.md §9).
    if (await isSecured(ctx.security.store, service.definition.folder, service.definition.serviceName)) {
      throw new ArcGisError(400, 'generateKml is not available for secured services', []);
    }
    const format = resolveFormat(params, ['html', 'kmz'] as const, 'html');
    const url = `${serviceUrl(ctx, service)}/generateKml`;
    if (format === 'html' && !params.has('docName') && !params.has('layers')) {
      return sendHtml(reply, renderPage({
        title: `Generate KML (${service.path})`, breadcrumbs: serviceCrumbs(ctx, service),
        body: [renderForm(url, [{ name: 'docName' }, { name: 'layers' }, { name: 'layerOptions', kind: 'select', options: [...LAYER_OPTIONS], value: 'composite' }], ['kmz'])],
      }));
    }
    const docName = params.get('docName') ?? '';
    return sendKmz(request, reply, docName || 'map', async () => {
      if (!docName) throw missingParameter('docName');
      const ids = readLayerIds(params, service);
      // nonComposite would need vector KML output, which is not written yet: it draws images too (§9).
      const separate = params.oneOf('layerOptions', LAYER_OPTIONS, 'composite') === 'separateImage';
      return kmz(networkLinkKml(docName, kmlLinks(absoluteServiceUrl(request, ctx, service), service, ids, separate)));
    });
  });

  getAndPost(app, '/kml/mapImage.kmz', async (request, reply, params) => {
    const service = serviceOf(request);
    return sendKmz(request, reply, 'mapImage', async () => {
      requireCapability(service, 'Map');
      return mapImageKmz(request, ctx, service, params);
    });
  });
}
