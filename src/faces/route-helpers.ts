/**
 * Small pieces every face uses: registering GET+POST routes, reading parameters and finding the
 * service a request may use.
 * @module faces/route-helpers
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MapService } from '../catalog/map-service.js';
import { ArcGisError } from '../http/arcgis-error.js';
import { forbidden, tokenRequired } from '../http/authentication.js';
import { serviceAccess, type ServiceAccess } from '../security/access-policy.js';
import { hasPrivilege, type Caller } from '../security/privileges.js';
import { RequestParams } from '../http/request-params.js';
import type { ServerContext } from '../http/server.js';

export type Handler = (request: FastifyRequest, reply: FastifyReply, params: RequestParams) => Promise<unknown> | unknown;

/** Every ArcGIS resource and operation answers GET and form POST alike (mapserver.md §1). */
export function getAndPost(app: FastifyInstance, url: string, handler: Handler): void {
  app.route({
    method: ['GET', 'POST'],
    url,
    handler: (request, reply) => handler(request, reply, new RequestParams(request.query, request.body)),
  });
}

/** Route path parameters as strings. */
export function pathParams(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

/** Scheme, host and port as the client reached the server, for absolute links (hrefs, KML). */
export function requestOrigin(request: FastifyRequest, fallbackPort: number): string {
  return `${request.protocol}://${request.headers.host ?? `127.0.0.1:${fallbackPort}`}`;
}

/**
 * The map service at folder/name as the caller may see it: 404 when unknown or private (unless
 * the caller administers the server), 499 or 403 when secured and the caller has no access
 * (admin.md §14), 500 when stopped (mapserver.md §2).
 */
export async function accessibleService(ctx: ServerContext, caller: Caller | null, folder: string, name: string): Promise<MapService> {
  const service = await ctx.services.get(folder, name);
  const label = `${folder ? `${folder}/` : ''}${name}/MapServer`;
  if (!service || (service.definition.private && !(caller && hasPrivilege(caller.privilege, 'ADMINISTER')))) throw new ArcGisError(404, `Service ${label} not found`, []);
  const access = await callerAccess(ctx, caller, folder, name);
  if (access === 'token-required') throw tokenRequired();
  if (access === 'forbidden') throw forbidden(caller);
  if (service.definition.configuredState === 'STOPPED') throw new ArcGisError(500, `Service ${label} not started`, []);
  return service;
}

/** Whether the caller may use the service (admin.md §14). */
export async function callerAccess(ctx: ServerContext, caller: Caller | null, folder: string, name: string): Promise<ServiceAccess> {
  // Permissions can only be granted once a user exists; until then every service is open.
  return (await ctx.security.enabled()) ? serviceAccess(ctx.security.store, caller, folder, name) : 'allowed';
}

/** The service a request's `[:folder/]:service` path names (accessibleService). Every face mounted on a service checks this first. */
export async function startedService(ctx: ServerContext, request: FastifyRequest): Promise<MapService> {
  const { folder = '', service: name } = pathParams(request);
  return accessibleService(ctx, request.caller, folder, name!);
}
