/**
 * The Topographic Production Service face (tps.md), mounted at
 * `…/services/[folder/]<name>/TopographicProductionServer` and at the alias
 * `…/services/[folder/]<name>/MapServer/exts/TopographicProductionServer`. A hook finds the map
 * service (404 unknown, 500 stopped) and checks that the extension is enabled on it before any
 * route runs; routes then read `tpsOf(request)`.
 * @module faces/tps/tps-face
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { servicePath } from '../../catalog/service-definition.js';
import { TPS_OPERATIONS } from '../../catalog/service-framework.js';
import { forbidden, tokenRequired } from '../../http/authentication.js';
import { hasPrivilege, type Caller, type Privilege } from '../../security/privileges.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { toArcGisError } from '../../http/error-mapping.js';
import { renderErrorPage } from '../../http/html/page.js';
import { RequestParams } from '../../http/request-params.js';
import type { ServerContext } from '../../http/server.js';
import { PRODUCT_NOT_FOUND_CODE } from '../../production/production-errors.js';
import { ProductsStore } from '../../production/products-store.js';
import { startedService } from '../route-helpers.js';
import { registerCalculateExtentRoute } from './calculate-extent.route.js';
import { registerGenerateProductRoute } from './generate-product.route.js';
import { registerJobActionRoutes } from './job-actions.route.js';
import { registerJobsRoutes } from './jobs.route.js';
import { registerProductAdminRoutes } from './product-admin.route.js';
import { registerProductsRoutes } from './products.route.js';
import { registerRootRoute } from './root.route.js';
import { TPS_TYPE_NAME, tpsBasePath, tpsExtension, tpsOperationEnabled, type TpsRouteContext } from './tps-target.js';

const PRODUCT_CHANGES = ['addProduct', 'updateProduct', 'removeProduct'];

/** 499 without a token, 403 without the privilege. */
function requirePrivilege(caller: Caller | null, privilege: Privilege): void {
  if (!caller) throw tokenRequired();
  if (!hasPrivilege(caller.privilege, privilege)) throw forbidden(caller, privilege);
}

/**
 * tps.md §1: with `f=html` the HTTP status is the error code when that is an HTTP status;
 * `Product name not found.` (-2147211775) answers 404 and any other code 400. Every other
 * error goes on to the server's handler.
 */
function htmlStatusForProductionCodes(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const err = toArcGisError(error);
  const f = new RequestParams(request.query, request.body).get('f')?.trim().toLowerCase() ?? 'html';
  if (f !== 'html' || (err.code >= 400 && err.code <= 599)) throw error;
  const status = err.code === PRODUCT_NOT_FOUND_CODE ? 404 : 400;
  return reply.code(status).type('text/html; charset=utf-8').send(renderErrorPage(err.code, err.message, err.details));
}

/** Registered once per URL form; `alias` marks the `MapServer/exts/` form. */
export const tpsFace: FastifyPluginAsync<{ ctx: ServerContext; alias: boolean }> = async (app, { ctx, alias }) => {
  if (!app.hasRequestDecorator('tpsTarget')) app.decorateRequest('tpsTarget', null);
  app.setErrorHandler(htmlStatusForProductionCodes);
  app.addHook('preHandler', async (request) => {
    const service = await startedService(ctx, request);
    const extension = tpsExtension(service);
    if (!extension) throw new ArcGisError(400, `The ${TPS_TYPE_NAME} extension is not enabled on this service.`, []);
    const operation = (request.routeOptions.url ?? '').split('/').pop() ?? '';
    if ((TPS_OPERATIONS as readonly string[]).includes(operation)) {
      if (!tpsOperationEnabled(extension, operation)) throw new ArcGisError(400, `The ${operation} operation is not enabled on this service.`, []);
      // tps.md §1: changing products needs PUBLISH once token security is on.
      if (PRODUCT_CHANGES.includes(operation) && (await ctx.security.enabled())) requirePrivilege(request.caller, 'PUBLISH');
    }
    const serviceKey = servicePath(service.definition.folder, service.definition.serviceName);
    const caller = request.caller;
    request.tpsTarget = {
      service, serviceKey, products: new ProductsStore(ctx.store, serviceKey), base: tpsBasePath(ctx, service, alias),
      user: caller?.username ?? 'anonymous',
      seesAllJobs: caller ? hasPrivilege(caller.privilege, 'PUBLISH') : !(await ctx.security.enabled()),
    };
  });
  const routes: TpsRouteContext = { app, ctx };
  registerRootRoute(routes);
  registerProductsRoutes(routes);
  registerProductAdminRoutes(routes);
  registerCalculateExtentRoute(routes);
  registerGenerateProductRoute(routes);
  registerJobsRoutes(routes);
  registerJobActionRoutes(routes);
};
