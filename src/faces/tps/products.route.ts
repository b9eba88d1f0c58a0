/**
 * `products` and `products/<productName>` (tps.md §3, §4).
 * @module faces/tps/products.route
 */
import { renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { getAndPost, pathParams } from '../route-helpers.js';
import { productJson } from './product-json.js';
import { tpsOf, type TpsRouteContext } from './tps-target.js';
import { tpsCrumbs } from './tps-html.js';
import { readBool } from './tps-params.js';

export function registerProductsRoutes({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/products', async (request, reply, params) => {
    const target = tpsOf(request);
    const options = { includeDef: readBool(params, 'includeDef', false), includeDataTypes: readBool(params, 'includeDataTypes', false) };
    const products = await target.products.list(params.get('definitionType'));
    const json = { products: products.map((p) => productJson(p, options)) };
    return sendResource(reply, params, () => json, () => renderPage({
      title: `Products (${target.service.path})`, breadcrumbs: tpsCrumbs(ctx, target), jsonHref: `${target.base}/products?f=pjson`,
      body: [renderLinks('Products', products.map((p) => ({ label: `${p.name} (${p.description || p.type})`, href: `${target.base}/products/${encodeURIComponent(p.name)}` })))],
    }));
  });

  getAndPost(app, '/products/:productName', async (request, reply, params) => {
    const target = tpsOf(request);
    const product = await target.products.require(pathParams(request).productName ?? '');
    const json = productJson(product, { includeDef: readBool(params, 'includeDef', false), includeDataTypes: readBool(params, 'includeDataTypes', false) });
    const url = `${target.base}/products/${encodeURIComponent(product.name)}`;
    return sendResource(reply, params, () => json, () => renderPage({
      title: `Product: ${product.name}`, breadcrumbs: tpsCrumbs(ctx, target, [{ label: 'Products', href: `${target.base}/products` }]), jsonHref: `${url}?f=pjson`,
      body: [
        renderProperties(json),
        renderLinks('Definition', [{ label: 'With the full definition', href: `${url}?includeDef=true&includeDataTypes=true` }]),
      ],
    }));
  });
}
