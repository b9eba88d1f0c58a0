/**
 * The HTTP server: Fastify with CORS and form bodies, the faces mounted under the instance
 * root (`/arcgis`), and the one error handler that writes the ArcGIS error envelope.
 * @module http/server
 */
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ServiceAdmin } from '../admin/service-admin.js';
import type { JobEngine } from '../jobs/job-engine.js';
import type { SecurityServices } from '../security/security-services.js';
import type { ServicePools } from '../workers/service-pools.js';
import { adminFace } from '../faces/admin/admin-face.js';
import { tokensFace } from '../faces/tokens/tokens-face.js';
import type { UploadStore } from '../admin/upload-store.js';
import { registerAuthentication } from './authentication.js';
import { registerMetricsRoute, type ServerMetrics } from './metrics.js';
import { registerRequestLog, requestId, requestLogSerializers } from './request-log.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import type { ServiceManager } from '../catalog/service-manager.js';
import type { QuadrangleConfig } from '../config/config.js';
import type { OutputStore } from '../output/output-store.js';
import { catalogFace } from '../faces/catalog/catalog-face.js';
import { tpsOutputFiles } from '../faces/tps/job-output.route.js';
import { printingFace } from '../faces/gp/printing-face.js';
import type { PrintThreads } from '../printing/print-threads.js';
import { tpsFace } from '../faces/tps/tps-face.js';
import { mapServerFace } from '../faces/mapserver/mapserver-face.js';
import { viewerStaticFace } from '../faces/viewer/viewer.route.js';
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
  /** Long jobs (generateProduct, prints), polled by clients. */
  jobs: JobEngine;
  /** Layout templates and grid definitions. */
  library: TemplateLibrary;
  /** Users, roles, permissions and tokens. */
  security: SecurityServices;
  /** Each started service's instance pool and statistics. */
  pools: ServicePools;
  /** Create, edit, start, stop and delete services. */
  admin: ServiceAdmin;
  /** Prometheus metrics of this node. */
  metrics: ServerMetrics;
  /** Files uploaded to publish from. */
  uploads: UploadStore;
  /** The warm threads printing service `execute` calls run on. */
  printThreads: PrintThreads;
}

function requestedFormat(request: FastifyRequest): string {
  return new RequestParams(request.query, request.body).get('f')?.trim().toLowerCase() ?? 'html';
}

/**
 * Writes the envelope (mapserver.md §2): an HTML page with the code as status for f=html; JSON
 * with HTTP 200 for json, pjson and any format the resource does not know.
 */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: ArcGisError): FastifyReply {
  reply.arcgisErrorCode = err.code;
  const envelope = { error: { code: err.code, message: err.message, details: err.details } };
  const f = requestedFormat(request);
  // Codes that are not HTTP statuses (tps.md's -2147211775 and the like) answer 400 over HTTP.
  const httpStatus = err.code >= 400 && err.code <= 599 ? err.code : 400;
  if (f === 'html') return reply.code(httpStatus).type('text/html; charset=utf-8').send(renderErrorPage(err.code, err.message, err.details));
  // Images, KMZ and tiles have no JSON to carry the error, so the status says it too.
  const status = f === 'image' || f === 'kmz' ? httpStatus : 200;
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(envelope, null, f === 'pjson' ? 2 : undefined));
}

export async function createServer(ctx: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel, serializers: requestLogSerializers },
    genReqId: requestId,
    // Client addresses and X-Forwarded-Proto are believed only from the configured proxies.
    trustProxy: ctx.config.trustedProxies.length ? ctx.config.trustedProxies : false,
    // The request log (request-log.ts) writes one line per request, with the caller.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 32 * 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Requests Node cannot parse (over-long URLs above all) still get the ArcGIS envelope.
    clientErrorHandler: (err, socket) => {
      const tooLarge = (err as { code?: string }).code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify({ error: { code: 400, message: 'Unable to complete operation.', details: [tooLarge ? 'the request URL or headers are too large; send long requests with POST' : 'malformed HTTP request'] } });
      if (socket.writable) socket.end(`HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      else socket.destroy();
    },
  });
  await app.register(cors, { origin: true, credentials: true, methods: ['GET', 'POST', 'OPTIONS'] });
  await app.register(formbody, { bodyLimit: 32 * 1024 * 1024 });

  if (!app.hasReplyDecorator('arcgisErrorCode')) app.decorateReply('arcgisErrorCode', 0);
  registerRequestLog(app);
  registerAuthentication(app, { tokens: ctx.security.tokens, security: ctx.config.security, adminPrefix: `/${ctx.config.instance}/admin` });
  ctx.metrics.observe(app);

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
  await app.register(viewerStaticFace, { prefix: `${root}/rest/static` });
  await app.register(mapServerFace, { prefix: `${root}/rest/services/:service/MapServer`, ctx });
  await app.register(mapServerFace, { prefix: `${root}/rest/services/:folder/:service/MapServer`, ctx });
  for (const [base, alias] of [['TopographicProductionServer', false], ['MapServer/exts/TopographicProductionServer', true]] as const) {
    await app.register(tpsFace, { prefix: `${root}/rest/services/:service/${base}`, ctx, alias });
    await app.register(tpsFace, { prefix: `${root}/rest/services/:folder/:service/${base}`, ctx, alias });
  }
  // The printing service and its files (printing.md); its form bodies carry whole web maps.
  await app.register(printingFace, { ctx });
  // Job outputs (tps.md §18), beside the export images of the output store.
  await app.register(tpsOutputFiles, { prefix: `${root}/rest/directories/arcgisoutput`, ctx });
  await app.register(tokensFace, { prefix: `${root}/tokens`, ctx });
  await app.register(adminFace, { prefix: `${root}/admin`, ctx });
  registerMetricsRoute(app, ctx);
  return app;
}
