/**
 * `export` over HTTP (mapserver.md §6): the image itself (`f=image`), a KMZ ground overlay
 * (`f=kmz`), or a JSON answer whose `href` points at the image kept in the output directory,
 * or an HTML page with the form.
 * @module faces/mapserver/export.route
 */
import { ArcGisError } from '../../http/arcgis-error.js';
import { escapeHtml, renderForm, renderPage } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml, sendJson } from '../../http/respond.js';
import { getAndPost, pathParams, requestOrigin } from '../route-helpers.js';
import type { ExportMeta } from './export-operation.js';
import { EXPORT_FORMATS } from './export-operation.js';
import { OVERLAY_FORMATS, overlayKmz, sendKmz } from './kmz-overlay.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

const EXTENSIONS: Record<string, string> = { png8: 'png', png24: 'png', png32: 'png', svgz: 'svgz', tiff: 'tif' };

/**
 * The export parameters of `f=kmz`: the request's own, drawn in WGS 84 without rotation (a
 * ground overlay is a north-up box of latitudes and longitudes) in a format KML clients drape.
 */
function overlayParams(params: RequestParams): [string, string][] {
  const format = (params.get('format') ?? 'png').trim().toLowerCase();
  const own = params.entries().filter(([k]) => !['imagesr', 'rotation', 'format', 'f'].includes(k));
  return [...own, ['imageSR', '4326'], ['format', OVERLAY_FORMATS[format] ? format : 'png']];
}

export function registerExportRoute({ app, ctx }: RouteContext): void {
  getAndPost(app, '/export', async (request, reply, params) => {
    const service = serviceOf(request);
    requireCapability(service, 'Map');
    const format = resolveFormat(params, ['html', 'json', 'pjson', 'image', 'kmz'] as const, 'html');
    if (format === 'kmz') return sendKmz(request, reply, service.definition.serviceName, () => overlayKmz(request, ctx, service, overlayParams(params)));
    const url = `${serviceUrl(ctx, service)}/export`;
    const ran = format !== 'html' || params.has('bbox');
    let body: Record<string, unknown> | null = null;
    if (ran) {
      const { folder = '', service: name } = pathParams(request);
      const outcome = await ctx.runOperation({ operation: 'export', folder, service: name!, params: params.entries(), format });
      if (!outcome.ok) throw new ArcGisError(outcome.code, outcome.message, outcome.details);
      if (!('data' in outcome)) throw new ArcGisError(500, 'Unable to complete operation.', []);
      if (format === 'image') return reply.type(outcome.contentType).header('cache-control', 'no-store').send(Buffer.from(outcome.data));
      const meta = outcome.meta as ExportMeta;
      const dir = `${service.definition.folder ? `${service.definition.folder}/` : ''}${service.definition.serviceName}_MapServer`;
      const rel = await ctx.outputs.write(dir, 'map', EXTENSIONS[meta.format] ?? meta.format, outcome.data);
      body = { href: `${requestOrigin(request, ctx.config.port)}/${ctx.config.instance}/rest/directories/arcgisoutput/${rel}`, width: meta.width, height: meta.height, extent: meta.extent, scale: meta.scale };
    }
    if (format !== 'html') return sendJson(reply, params, format, body);
    const values = new Map(params.entries());
    const field = (name: string, value = '') => ({ name, value: values.get(name.toLowerCase()) ?? value });
    return sendHtml(reply, renderPage({
      title: `Export map (${service.path})`, breadcrumbs: serviceCrumbs(ctx, service),
      body: [
        renderForm(url, [field('bbox'), field('bboxSR'), field('layers'), field('layerDefs'), field('dynamicLayers'), field('clipping'), field('spatialFilter'), field('size', '400,400'), field('imageSR'),
          { name: 'format', kind: 'select', options: [...EXPORT_FORMATS], value: values.get('format') ?? 'png' }, { name: 'transparent', kind: 'select', options: ['false', 'true'], value: values.get('transparent') ?? 'false' },
          field('dpi', '96'), field('mapScale'), field('rotation')], ['html', 'json', 'pjson', 'image', 'kmz']),
        body ? `<h3>Result</h3><p><img alt="map" src="${escapeHtml(body.href)}" width="${escapeHtml(body.width)}" height="${escapeHtml(body.height)}"></p><p>Scale 1:${escapeHtml(Math.round(body.scale as number))}</p>` : '',
      ],
    }));
  });
}
