/**
 * The token service at `/arcgis/tokens` (admin.md §2), whose URL `/rest/info` gives clients as
 * `authInfo.tokenServicesUrl`. Errors use the REST envelope.
 * @module faces/tokens/tokens-face
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestParams } from '../../http/request-params.js';
import { renderForm, renderPage, renderProperties } from '../../http/html/page.js';
import { resolveFormat, sendHtml, sendJson, sendResource } from '../../http/respond.js';
import type { ServerContext } from '../../http/server.js';
import { getAndPost } from '../route-helpers.js';
import { generateToken } from './generate-token.js';

export const tokensFace: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const base = `/${ctx.config.instance}/tokens`;
  // Clients such as arcgis-rest-js post credentials to `tokenServicesUrl` itself, as ArcGIS
  // Server accepts: a POST here is generateToken; a GET describes the service.
  getAndPost(app, '/', async (request, reply, params) => {
    if (request.method === 'POST') return answerToken(request, reply, params);
    return sendResource(reply, params,
      () => ({ currentVersion: ctx.config.currentVersion, authenticationMode: 'ARCGIS_TOKEN', operations: ['generateToken'] }),
      (json) => renderPage({ title: 'Token service', breadcrumbs: [{ label: 'Tokens', href: base }], jsonHref: `${base}?f=pjson`, body: [renderProperties(json as Record<string, unknown>)] }));
  });

  getAndPost(app, '/generateToken', (request, reply, params) => answerToken(request, reply, params));

  async function answerToken(request: FastifyRequest, reply: FastifyReply, params: RequestParams): Promise<FastifyReply> {
    const format = resolveFormat(params, ['html', 'json', 'pjson'] as const, 'html');
    if (format === 'html' && !params.has('username')) return sendHtml(reply, loginPage(base));
    const token = await generateToken(ctx, request, params);
    if (format !== 'html') return sendJson(reply, params, format, token);
    return sendHtml(reply, renderPage({ title: 'Token', breadcrumbs: [{ label: 'Tokens', href: base }], body: [renderProperties(token as unknown as Record<string, unknown>)] }));
  }
};

/** The sign-in form of the HTML view; it posts, so the password never lands in a URL. */
export function loginPage(base: string): string {
  return renderPage({
    title: 'Generate token', breadcrumbs: [{ label: 'Tokens', href: base }],
    body: [renderForm(`${base}/generateToken`, [
      { name: 'username', label: 'Username' }, { name: 'password', label: 'Password', kind: 'password' },
      { name: 'client', label: 'Client (referer, ip, requestip)', value: 'requestip' }, { name: 'referer', label: 'Referer' },
      { name: 'ip', label: 'IP' }, { name: 'expiration', label: 'Expiration (minutes)', value: '60' },
    ], ['html', 'json', 'pjson'], true)],
  });
}
