/**
 * Small pieces every face uses: registering GET+POST routes and reading parameters.
 * @module faces/route-helpers
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MapService } from '../catalog/map-service.js';
import { ArcGisError } from '../http/arcgis-error.js';
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
 * The started map service a request's `[:folder/]:service` path names: 404 when unknown or not
 * public, 500 when stopped (mapserver.md §2). Every face mounted on a service checks this first.
 */
export async function startedService(ctx: ServerContext, request: FastifyRequest): Promise<MapService> {
  const { folder = '', service: name } = pathParams(request);
  const service = await ctx.services.get(folder, name!);
  const label = `${folder ? `${folder}/` : ''}${name}/MapServer`;
  if (!service || service.definition.public === false) throw new ArcGisError(404, `Service ${label} not found`, []);
  if (service.definition.configuredState === 'STOPPED') throw new ArcGisError(500, `Service ${label} not started`, []);
  return service;
}
