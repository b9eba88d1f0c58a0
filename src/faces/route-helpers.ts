/**
 * Small pieces every face uses: registering GET+POST routes and reading parameters.
 * @module faces/route-helpers
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RequestParams } from '../http/request-params.js';

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
