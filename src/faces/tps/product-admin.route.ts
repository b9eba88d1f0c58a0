/**
 * `addProduct` (POST only), `updateProduct` and `removeProduct` (tps.md §6–§8).
 * @module faces/tps/product-admin.route
 */
import { ArcGisError, clip } from '../../http/arcgis-error.js';
import type { ServerContext } from '../../http/server.js';
import { resolveDataPath } from '../../data/source-registry.js';
import { ProductParameterError } from '../../production/production-errors.js';
import { readDemInfo } from '../../terrain/dem-source.js';
import { getAndPost } from '../route-helpers.js';
import { applyProductChanges } from './product-update.js';
import { tpsOf, type TpsRouteContext } from './tps-target.js';
import { sendOperation } from './tps-html.js';
import { readBool, readJson, readJsonObject, requiredText } from './tps-params.js';

/**
 * A product's DEM must be a GeoTIFF under the data directory that reads as a DEM. Decision: a
 * URL is refused for now, since jobs read DEMs from files only.
 */
async function checkRaster(ctx: ServerContext, raster: string, parameter: string): Promise<void> {
  if (!raster) return;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raster)) throw new ProductParameterError(`${parameter}: a DEM given by URL is not supported; give a path under the data directory`);
  let path: string;
  try { path = resolveDataPath(ctx.config.dataDir, raster); } catch (e) { throw new ProductParameterError(`${parameter}: ${(e as Error).message}`); }
  try { await readDemInfo(path); } catch { throw new ProductParameterError(`${parameter}: '${clip(raster, 80)}' cannot be read as a DEM (GeoTIFF)`); }
}

export function registerProductAdminRoutes({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/addProduct', (request, reply, params) => {
    if (request.method !== 'POST') throw new ArcGisError(405, 'Method not allowed: addProduct requires POST.', []);
    const target = tpsOf(request);
    return sendOperation(request, reply, params, ctx, {
      name: 'addProduct', title: 'Add product', required: ['productDefinition'], postOnly: true,
      fields: [{ name: 'productDefinition', kind: 'textarea' }, { name: 'raster' }, { name: 'ancillaryLayers' }],
    }, async () => {
      const doc = readJsonObject(params, 'productDefinition');
      if (!doc) throw new ProductParameterError('productDefinition: is required');
      const raster = params.get('raster');
      if (raster !== undefined) doc.raster = raster;
      const ancillaryLayers = readJson(params, 'ancillaryLayers');
      if (ancillaryLayers !== undefined) doc.ancillaryLayers = ancillaryLayers;
      if (typeof doc.raster === 'string') await checkRaster(ctx, doc.raster.trim(), raster !== undefined ? 'raster' : 'productDefinition.raster');
      const product = await target.products.add(doc, ctx.library);
      return { productName: product.name, success: true };
    });
  });

  getAndPost(app, '/updateProduct', (request, reply, params) => {
    const target = tpsOf(request);
    return sendOperation(request, reply, params, ctx, {
      name: 'updateProduct', title: 'Update product', required: ['productName'],
      fields: [{ name: 'productName' }, { name: 'description' }, { name: 'enabled', kind: 'select', options: ['', 'true', 'false'] }, { name: 'sheetIDField' },
        { name: 'raster' }, { name: 'productVersions', kind: 'textarea' }, { name: 'ancillaryLayers', kind: 'textarea' }],
    }, async () => {
      const name = requiredText(params, 'productName');
      const changes = {
        description: params.get('description'), enabled: readBool(params, 'enabled'), sheetIDField: params.get('sheetIDField')?.trim(),
        raster: params.get('raster')?.trim(), productVersions: readJson(params, 'productVersions'), ancillaryLayers: readJson(params, 'ancillaryLayers'),
      };
      await target.products.require(name);
      if (changes.raster !== undefined) await checkRaster(ctx, changes.raster, 'raster');
      const product = await target.products.update(name, (current) => applyProductChanges(current, changes, ctx.library));
      return { productName: product.name, success: true };
    });
  });

  getAndPost(app, '/removeProduct', (request, reply, params) => {
    const target = tpsOf(request);
    return sendOperation(request, reply, params, ctx, {
      name: 'removeProduct', title: 'Remove product', required: ['productName'], fields: [{ name: 'productName' }],
    }, async () => {
      const name = requiredText(params, 'productName');
      await target.products.remove(name);
      return { productName: name, success: true };
    });
  });
}
