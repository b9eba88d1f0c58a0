/**
 * The HTTP server: Fastify with CORS and form bodies, the faces mounted under the instance
 * root (`/arcgis`), and the one error handler that writes the ArcGIS error envelope.
 * @module http/server
 */
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { ServiceManager } from '../catalog/service-manager.js';
import type { QuadrangleConfig } from '../config/config.js';
import type { OutputStore } from '../output/output-store.js';
import { catalogFace } from '../faces/catalog/catalog-face.js';
import { mapServerFace } from '../faces/mapserver/mapserver-face.js';
import type { OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import { ArcGisError, invalidUrl } from './arcgis-error.js';
import { toArcGisError } from './error-mapping.js';
import { renderErrorPage } from './html/page.js';
import { RequestParams } from './request-params.js';

/** What every face needs: configuration and the service catalog. */
export interface ServerContext {
  config: QuadrangleConfig;
  store: CatalogStore;
  services: ServiceManager;
  /** Files handed back by URL (export images, job outputs). */
  outputs: OutputStore;
  /** Runs map service operations, in worker threads or in-process. */
  runOperation: (task: OperationTask) => Promise<OperationOutcome>;
}

function requestedFormat(request: FastifyRequest): string {
  return new RequestParams(request.query, request.body).get('f')?.trim().toLowerCase() ?? 'html';
}

/** Writes the envelope: HTTP 200 for json/pjson, the code as status otherwise (mapserver.md §2). */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: ArcGisError): FastifyReply {
  const envelope = { error: { code: err.code, message: err.message, details: err.details } };
  const f = requestedFormat(request);
  if (f === 'json' || f === 'pjson' || f === 'geojson') {
    return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(envelope, null, f === 'pjson' ? 2 : undefined));
  }
  if (f === 'html' || !['image', 'kmz'].includes(f)) return reply.code(err.code).type('text/html; charset=utf-8').send(renderErrorPage(err.code, err.message, err.details));
  return reply.code(err.code).type('application/json; charset=utf-8').send(JSON.stringify(envelope));
}

export async function createServer(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    bodyLimit: 10 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  await app.register(cors, { origin: true, credentials: true, methods: ['GET', 'POST', 'OPTIONS'] });
  await app.register(formbody, { bodyLimit: 10 * 1024 * 1024 });

  app.setErrorHandler((error, request, reply) => {
    const err = toArcGisError(error);
    if (err.code >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(request, reply, err);
  });
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(`/${ctx.config.instance}/rest`)) return sendError(request, reply, invalidUrl());
    return reply.code(404).type('text/plain').send('Not found');
  });

  const root = `/${ctx.config.instance}`;
  app.get('/', (_req, reply) => reply.redirect(`${root}/rest/services`));
  await app.register(catalogFace, { prefix: `${root}/rest`, ctx });
  await app.register(mapServerFace, { prefix: `${root}/rest/services/:service/MapServer`, ctx });
  await app.register(mapServerFace, { prefix: `${root}/rest/services/:folder/:service/MapServer`, ctx });
  return app;
}
