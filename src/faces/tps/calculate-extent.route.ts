/**
 * `calculateExtent` (tps.md §10): the AOI of a custom sheet centred on a point, for
 * generateProduct's `customAoi`.
 * @module faces/tps/calculate-extent.route
 */
import { calculateExtent } from '../../production/calculate-extent.js';
import { getAndPost } from '../route-helpers.js';
import { resolveAoiLayer } from './aoi-layer.js';
import { tpsOf, type TpsRouteContext } from './tps-target.js';
import { sendOperation } from './tps-html.js';
import { requiredText } from './tps-params.js';

export function registerCalculateExtentRoute({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/calculateExtent', (request, reply, params) => {
    const target = tpsOf(request);
    return sendOperation(request, reply, params, ctx, {
      name: 'calculateExtent', title: 'Calculate extent', required: ['productName', 'inputGeometry'],
      fields: [{ name: 'productName' }, { name: 'productVersion' }, { name: 'aoiLayer' }, { name: 'inputGeometry', kind: 'textarea' }, { name: 'outSpatialReference' }],
    }, async () => {
      const product = await target.products.require(requiredText(params, 'productName'));
      const productVersion = requiredText(params, 'productVersion');
      const aoi = await resolveAoiLayer(ctx, request, requiredText(params, 'aoiLayer'), product.sheetIDField);
      return calculateExtent({
        product, productVersion, library: ctx.library, inputGeometry: requiredText(params, 'inputGeometry'),
        aoiSpatialReference: aoi.layer.spatialReference, outSpatialReference: params.get('outSpatialReference'),
      });
    });
  });
}
