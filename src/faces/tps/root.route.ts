/**
 * The root resource of the Topographic Production Service (tps.md §2).
 * @module faces/tps/root.route
 */
import { renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { serviceCrumbs } from '../mapserver/service-urls.js';
import { getAndPost } from '../route-helpers.js';
import { TPS_TYPE_NAME, tpsOf, type TpsRouteContext } from './tps-target.js';
import { renderPostForm } from './tps-html.js';

/** The service's operations. Decision: every one is enabled until the extension's `capabilities` can switch some off (admin.md). */
export const TPS_OPERATIONS = ['addProduct', 'calculateExtent', 'generateProduct', 'removeProduct', 'updateProduct'] as const;

export function tpsRootJson(): Record<string, unknown> {
  return { name: 'Topographic Production Server', type: 'Map Server Extension', operations: [...TPS_OPERATIONS], resources: ['products', 'jobs'] };
}

export function registerRootRoute({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/', (request, reply, params) => {
    const target = tpsOf(request);
    return sendResource(reply, params, tpsRootJson, (json) => renderPage({
      title: `${target.service.path} (${TPS_TYPE_NAME})`, breadcrumbs: serviceCrumbs(ctx, target.service), jsonHref: `${target.base}?f=pjson`,
      body: [
        renderProperties(json as Record<string, unknown>, ['operations', 'resources']),
        renderLinks('Child resources', [{ label: 'Products', href: `${target.base}/products` }, { label: 'Jobs', href: `${target.base}/jobs` }]),
        renderLinks('Supported operations', TPS_OPERATIONS.filter((o) => o !== 'addProduct').map((o) => ({ label: o, href: `${target.base}/${o}` }))),
        // addProduct is POST only (tps.md §6), so its form lives here rather than behind a GET.
        '<h3>addProduct</h3>',
        renderPostForm(`${target.base}/addProduct`, [
          { name: 'productDefinition', kind: 'textarea' }, { name: 'raster' }, { name: 'ancillaryLayers' },
        ]),
      ],
    }));
  });
}
