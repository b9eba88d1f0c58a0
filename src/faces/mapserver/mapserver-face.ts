/**
 * The MapServer face, mounted at `…/services/[folder/]<name>/MapServer` (mapserver.md).
 * A hook finds the service (404 unknown, 500 stopped) before any route runs.
 * @module faces/mapserver/mapserver-face
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { MapService } from '../../catalog/map-service.js';
import type { Capability } from '../../catalog/service-definition.js';
import { ArcGisError, unsupportedOperation } from '../../http/arcgis-error.js';
import type { ServerContext } from '../../http/server.js';
import { pathParams, startedService } from '../route-helpers.js';
import type { OperationTask } from './operation.js';
import { registerExportRoute } from './export.route.js';
import { registerIdentifyAndFindRoutes } from './identify.route.js';
import { registerKmlRoutes } from './kml.route.js';
import { registerLayerRoutes } from './layer.route.js';
import { registerLayersRoute } from './layers.route.js';
import { registerLegendRoute } from './legend.route.js';
import { registerQueryRoute } from './query.route.js';
import { registerRootRoute } from './root.route.js';
import { registerTileRoute } from './tile.route.js';

declare module 'fastify' {
  interface FastifyRequest { mapService: MapService | null }
}

/** The service the request is for; set by the face's hook. */
export function serviceOf(request: FastifyRequest): MapService {
  return request.mapService!;
}

/** Capabilities gate operations (mapserver.md §5). */
export function requireCapability(service: MapService, capability: Capability): void {
  if (!service.definition.capabilities.includes(capability)) throw unsupportedOperation();
}

/** Runs an operation on the pool and returns its JSON text, or throws its ArcGIS error. */
export async function runJsonOperation(ctx: ServerContext, task: OperationTask): Promise<string> {
  const outcome = await ctx.runOperation(task);
  if (!outcome.ok) throw new ArcGisError(outcome.code, outcome.message, outcome.details);
  if (!('text' in outcome)) throw new ArcGisError(500, 'Unable to complete operation.', []);
  return outcome.text;
}

export const mapServerFace: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  if (!app.hasRequestDecorator('mapService')) app.decorateRequest('mapService', null);
  app.addHook('preHandler', async (request) => {
    request.mapService = await startedService(ctx, request);
  });
  // Every answered request of a service it was allowed to use counts in its statistics (admin.md §13).
  app.addHook('onResponse', async (request, reply) => {
    if (!request.mapService) return;
    const { folder = '', service } = pathParams(request);
    const segments = (request.routeOptions.url ?? '').split('/');
    const operation = segments.slice(segments.indexOf('MapServer') + 1).find((s) => s && !s.startsWith(':')) ?? 'root';
    const failed = reply.statusCode >= 400 || reply.arcgisErrorCode !== 0;
    ctx.pools.recordRequest(folder, service!, operation, reply.elapsedTime, failed ? 'failed' : 'succeeded');
  });
  const routes = { app, ctx };
  registerRootRoute(routes);
  registerLayersRoute(routes);
  registerLegendRoute(routes);
  registerIdentifyAndFindRoutes(routes);
  registerExportRoute(routes);
  registerLayerRoutes(routes);
  registerQueryRoute(routes);
  registerTileRoute(routes);
  registerKmlRoutes(routes);
};

export interface RouteContext {
  app: Parameters<FastifyPluginAsync>[0];
  ctx: ServerContext;
}
