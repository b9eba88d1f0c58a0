/**
 * The root resource of the Topographic Production Service (tps.md §2).
 * @module faces/tps/root.route
 */
import { renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { serviceCrumbs } from '../mapserver/service-urls.js';
import { getAndPost } from '../route-helpers.js';
import { TPS_OPERATIONS } from '../../catalog/service-framework.js';
import { TPS_TYPE_NAME, tpsExtension, tpsOf, tpsOperationEnabled, type TpsRouteContext } from './tps-target.js';
import { renderPostForm } from './tps-html.js';

/** The root with the operations the extension's `capabilities` enable (admin.md §7). */
function tpsRootJson(operations: string[]): Record<string, unknown> {
  return { name: 'Topographic Production Server', type: 'Map Server Extension', operations, resources: ['products', 'jobs'] };
}

export function registerRootRoute({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/', (request, reply, params) => {
    const target = tpsOf(request);
    const extension = tpsExtension(target.service)!;
    const operations = TPS_OPERATIONS.filter((o) => tpsOperationEnabled(extension, o));
    return sendResource(reply, params, () => tpsRootJson(operations), (json) => renderPage({
      title: `${target.service.path} (${TPS_TYPE_NAME})`, breadcrumbs: serviceCrumbs(ctx, target.service), jsonHref: `${target.base}?f=pjson`,
      body: [
        renderProperties(json as Record<string, unknown>, ['operations', 'resources']),
        renderLinks('Child resources', [{ label: 'Products', href: `${target.base}/products` }, { label: 'Jobs', href: `${target.base}/jobs` }]),
        renderLinks('Supported operations', operations.filter((o) => o !== 'addProduct').map((o) => ({ label: o, href: `${target.base}/${o}` }))),
        // addProduct is POST only (tps.md §6), so its form lives here rather than behind a GET.
        ...(operations.includes('addProduct') ? ['<h3>addProduct</h3>', renderPostForm(`${target.base}/addProduct`, [
          { name: 'productDefinition', kind: 'textarea' }, { name: 'raster' }, { name: 'ancillaryLayers' },
        ])] : []),
      ],
    }));
  });
}
