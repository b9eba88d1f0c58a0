/**
 * `layers`: every layer and table in full, or the request's `dynamicLayers` (mapserver.md §11).
 * @module faces/mapserver/layers.route
 */
import { renderLinks, renderPage } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { getAndPost } from '../route-helpers.js';
import { readDynamicLayers } from './dynamic-layers.js';
import { isTable, layerJson } from './layer-json.js';
import type { RouteContext } from './mapserver-face.js';
import { serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

export function registerLayersRoute({ app, ctx }: RouteContext): void {
  getAndPost(app, '/layers', (request, reply, params) => {
    const service = serviceOf(request);
    params.bool('returnDomainNames', false);
    const dynamic = readDynamicLayers(params, service);
    return sendResource(reply, params, () => {
      // Dynamic layers are drawn from feature and raster layers only, so they are never tables.
      if (dynamic) return { layers: dynamic.layers.map((l) => layerJson(service, l, ctx.config.currentVersion)), tables: [] };
      const all = service.definition.layers.map((l) => ({ def: l, json: layerJson(service, service.layer(l.id)!, ctx.config.currentVersion) }));
      return { layers: all.filter((x) => !isTable(x.def)).map((x) => x.json), tables: all.filter((x) => isTable(x.def)).map((x) => x.json) };
    }, (json) => {
      const url = serviceUrl(ctx, service);
      const body = json as { layers: { id: number; name: string }[]; tables: { id: number; name: string }[] };
      return renderPage({
        title: 'All layers and tables', breadcrumbs: serviceCrumbs(ctx, service), jsonHref: `${url}/layers?f=pjson`,
        body: [
          renderLinks('Layers', body.layers.map((l) => ({ label: `${l.name} (${l.id})`, href: `${url}/${l.id}` }))),
          renderLinks('Tables', body.tables.map((l) => ({ label: `${l.name} (${l.id})`, href: `${url}/${l.id}` }))),
        ],
      });
    });
  });
}
