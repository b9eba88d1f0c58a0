/**
 * Request IDs and the request log: every request gets an ID (the client's `X-Request-Id` when it
 * is a plain token, else a new UUID) that is echoed in the response and names the request's log
 * lines. Tokens and passwords are cut out of logged URLs.
 * @module http/request-log
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyReply {
    /** The ArcGIS error code answered in a JSON envelope (HTTP 200), 0 when none. */
    arcgisErrorCode: number;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify's `genReqId`. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}

const SECRET_PARAMS = /([?&](?:token|password)=)[^&#]*/gi;

/** A URL fit for a log: secret parameter values replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** pino serializers for Fastify's logger. */
export const requestLogSerializers = {
  req: (req: FastifyRequest) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
};

/**
 * One line per request at level info, with the caller and the ArcGIS error code when the answer
 * was an error envelope sent with HTTP 200.
 */
export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => { reply.header('x-request-id', request.id); });
  app.addHook('onResponse', async (request, reply) => {
    if (!(request.log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('info')) return;
    request.log.info({
      method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode,
      ...(reply.arcgisErrorCode ? { arcgisError: reply.arcgisErrorCode } : {}),
      user: request.caller?.username ?? 'anonymous', ms: Math.round(reply.elapsedTime),
    }, 'request completed');
  });
}
