/**
 * The layer or table resource and its `images/<md5>` swatches (mapserver.md §12, §14).
 * @module faces/mapserver/layer.route
 */
import { invalidUrl } from '../../http/arcgis-error.js';
import { renderForm, renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { getAndPost, pathParams } from '../route-helpers.js';
import { layerJson } from './layer-json.js';
import { findLayer } from './layer-lookup.js';
import { buildLegend, type LegendLayer } from './legend.route.js';
import type { RouteContext } from './mapserver-face.js';
import { serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

export function registerLayerRoutes({ app, ctx }: RouteContext): void {
  getAndPost(app, '/:layerId', (request, reply, params) => {
    const service = serviceOf(request);
    const layer = findLayer(service, pathParams(request).layerId);
    return sendResource(reply, params, () => layerJson(service, layer, ctx.config.currentVersion), (json) => {
      const url = `${serviceUrl(ctx, service)}/${layer.definition.id}`;
      const body = json as Record<string, unknown>;
      return renderPage({
        title: `Layer: ${layer.definition.name} (ID: ${layer.definition.id})`, breadcrumbs: serviceCrumbs(ctx, service), jsonHref: `${url}?f=pjson`,
        body: [
          renderProperties(body),
          renderLinks('Supported operations', layer.source ? [{ label: 'Query', href: `${url}/query` }] : []),
          layer.source ? `<h3>Query</h3>${renderForm(`${url}/query`, [{ name: 'where', value: '1=1' }, { name: 'outFields', value: '*' }])}` : '',
        ],
      });
    });
  });

  getAndPost(app, '/:layerId/images/:imageId', async (request, reply) => {
    const service = serviceOf(request);
    const { layerId, imageId } = pathParams(request);
    const layer = findLayer(service, layerId);
    // Swatches of the default legend, or of any legend a client asked for at another size or dpi.
    const legends = [await buildLegend(service, 96, 20, 20), ...[...service.memo.entries()].filter(([k]) => k.startsWith('legend:')).map(([, v]) => v as LegendLayer[])];
    const item = legends.flatMap((legend) => legend.find((l) => l.layerId === layer.definition.id)?.legend ?? []).find((i) => i.url === imageId);
    if (!item) throw invalidUrl('The requested image was not found.');
    return reply.type(item.contentType).header('cache-control', 'public, max-age=86400').send(Buffer.from(item.imageData, 'base64'));
  });
}
