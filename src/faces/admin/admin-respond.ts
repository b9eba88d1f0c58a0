/**
 * How the Administrator API answers (admin.md §1): resources in html, json or pjson; operations
 * `{"status": "success"}`; errors `{"status": "error", "messages": [...], "code": n}` with HTTP 200
 * for JSON and the code as HTTP status for HTML.
 * @module faces/admin/admin-respond
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/admin-error.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { SecurityError } from '../../http/authentication.js';
import { toArcGisError } from '../../http/error-mapping.js';
import { escapeHtml, renderLinks, renderPage, renderValue } from '../../http/html/page.js';
import { RequestParams } from '../../http/request-params.js';
import { resolveFormat, sendHtml, sendJson } from '../../http/respond.js';
import { SecurityStoreError } from '../../security/security-store.js';

export interface AdminPage {
  title: string;
  /** Path below the admin root, for breadcrumbs and links. */
  path: string;
  /** Child resources, as paths relative to this page (operations are POST calls, not links). */
  children?: string[];
}

/** A resource or an operation's answer. */
export function sendAdmin(reply: FastifyReply, params: RequestParams, base: string, body: unknown, page: AdminPage): FastifyReply {
  const format = resolveFormat(params, ['html', 'json', 'pjson'] as const, 'html');
  if (format !== 'html') return sendJson(reply, params, format, body);
  const parts = page.path.split('/').filter(Boolean);
  const crumbs = [{ label: 'Admin', href: base }, ...parts.map((p, i) => ({ label: p, href: `${base}/${parts.slice(0, i + 1).join('/')}` }))];
  const here = `${base}/${page.path}`.replace(/\/$/, '');
  return sendHtml(reply, renderPage({
    title: page.title, breadcrumbs: crumbs, jsonHref: `${here}?f=pjson`,
    body: [
      renderValue(body),
      ...(page.children?.length ? [renderLinks('Child resources', page.children.map((c) => ({ label: c, href: `${here}/${c}` })))] : []),
    ],
  }));
}

export const SUCCESS = { status: 'success' } as const;

/** Any error as the admin shape: code, first message, further messages. */
export function adminErrorOf(error: unknown): { code: number; messages: string[] } {
  if (error instanceof SecurityError) return { code: error.code, messages: [error.adminMessage] };
  if (error instanceof AdminError) return { code: error.code, messages: [error.message, ...error.details] };
  if (error instanceof SecurityStoreError) return { code: 400, messages: [error.message] };
  const e = error instanceof ArcGisError ? error : toArcGisError(error);
  return { code: e.code, messages: [e.message, ...e.details] };
}

export function sendAdminError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const { code, messages } = adminErrorOf(error);
  reply.arcgisErrorCode = code;
  if (code >= 500) request.log.error({ err: error }, 'admin request failed');
  const f = new RequestParams(request.query, request.body).get('f')?.trim().toLowerCase() ?? 'html';
  if (f === 'html') {
    return reply.code(code >= 400 && code <= 599 ? code : 400).type('text/html; charset=utf-8')
      .send(renderPage({ title: 'Error', breadcrumbs: [], body: [`<p>Error ${code}</p>`, `<ul>${messages.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>`] }));
  }
  return reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify({ status: 'error', messages, code }, null, f === 'pjson' ? 2 : undefined));
}
