/**
 * Writing answers in the format a client asked for with `f` (mapserver.md §1): pretty JSON,
 * JSONP, HTML pages.
 * @module http/respond
 */
import type { FastifyReply } from 'fastify';
import { ArcGisError, clip } from './arcgis-error.js';
import type { RequestParams } from './request-params.js';

export type ResponseFormat = 'html' | 'json' | 'pjson' | 'geojson' | 'image' | 'kmz';

/** Reads `f`; anything not in `allowed` answers 400 Unsupported format. */
export function resolveFormat<T extends ResponseFormat>(params: RequestParams, allowed: readonly T[], fallback: T): T {
  const v = params.get('f');
  if (v === undefined) return fallback;
  const hit = allowed.find((a) => a === v.trim().toLowerCase());
  if (!hit) throw new ArcGisError(400, 'Unsupported format', [`'f' parameter '${clip(v, 20)}' is not one of ${allowed.join(', ')}`]);
  return hit;
}

/** JSONP callback names must be plain identifiers (mapserver.md §1). */
const CALLBACK = /^[A-Za-z_$][\w$.]*$/;

export function sendJson(reply: FastifyReply, params: RequestParams, format: ResponseFormat, body: unknown): FastifyReply {
  return sendJsonText(reply, params, format, format === 'pjson' ? JSON.stringify(body, null, 2) : JSON.stringify(body));
}

/** Sends JSON already serialised (by a worker, say), wrapped for JSONP when asked. */
export function sendJsonText(reply: FastifyReply, params: RequestParams, format: ResponseFormat, text: string): FastifyReply {
  const callback = params.get('callback');
  if (callback !== undefined) {
    if (!CALLBACK.test(callback) || callback.length > 128) throw new ArcGisError(400, 'Unable to complete operation.', ["'callback' parameter is invalid"]);
    return reply.type('application/javascript; charset=utf-8').send(`${callback}(${text});`);
  }
  const type = format === 'geojson' ? 'application/geo+json; charset=utf-8' : 'application/json; charset=utf-8';
  return reply.type(type).send(text);
}

export function sendHtml(reply: FastifyReply, html: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** A resource in html, json or pjson; `json` is computed only when needed. */
export function sendResource(reply: FastifyReply, params: RequestParams, json: () => unknown, html: (body: unknown) => string): FastifyReply {
  const format = resolveFormat(params, ['html', 'json', 'pjson'] as const, 'html');
  const body = json();
  return format === 'html' ? sendHtml(reply, html(body)) : sendJson(reply, params, format, body);
}
