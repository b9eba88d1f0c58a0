/**
 * The Administrator API at `/arcgis/admin` (admin.md). Its URLs are data: a path resolves to an
 * entry of the route tables (services, security) that says which privilege it needs, whether it
 * is an operation (POST only) and how it answers. One hook checks method, token and privilege
 * before any handler runs; one error handler writes the admin error shape.
 * @module faces/admin/admin-face
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import multipart, { type MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../admin/admin-error.js';
import { checkToken, forbidden, tokenRequired } from '../../http/authentication.js';
import { RequestParams } from '../../http/request-params.js';
import type { ServerContext } from '../../http/server.js';
import { hasPrivilege, type Caller, type Privilege } from '../../security/privileges.js';
import { generateToken } from '../tokens/generate-token.js';
import { loginPage } from '../tokens/tokens-face.js';
import { sendAdmin, sendAdminError, type AdminPage } from './admin-respond.js';
import { resolveSecurityRoute } from './admin-security.js';
import { resolveServicesRoute } from './admin-services.js';
import { resolveUploadsRoute } from './admin-uploads.js';

/** What a handler gets. */
export interface AdminCall {
  ctx: ServerContext;
  request: FastifyRequest;
  params: RequestParams;
  /** Null only for generateToken. */
  caller: Caller;
  /** The file of a multipart operation (its fields sent before it are in `params`). */
  file?: MultipartFile;
  /** The admin root URL path, e.g. `/arcgis/admin`. */
  base: string;
}

/** One resource or operation of the API. */
export interface AdminRoute {
  /** Least privilege needed; `none` for generateToken. */
  privilege: Privilege | 'none';
  /** Operations answer POST only (admin.md §1). */
  operation?: boolean;
  /**
   * Takes a multipart/form-data body: the fields before the file (token, f, …) are read, the
   * caller checked, and only then the file streamed to the handler.
   */
  multipart?: boolean;
  /** The JSON answer. */
  handle(call: AdminCall): Promise<unknown>;
  /** How the HTML view is titled and linked. */
  page: AdminPage;
}

function resolveRoute(path: string[]): AdminRoute | null {
  const [head, ...rest] = path;
  if (head === undefined) {
    return {
      privilege: 'PUBLISH', page: { title: 'ArcGIS Server Administrator API', path: '', children: ['services', 'security', 'uploads', 'info'] },
      handle: async ({ ctx }) => ({ resources: ['services', 'security', 'uploads', 'info'], operations: ['generateToken'], currentVersion: ctx.config.currentVersion, fullVersion: `${ctx.config.currentVersion.toFixed(1)}.0` }),
    };
  }
  if (head === 'info' && rest.length === 0) {
    return {
      privilege: 'PUBLISH', page: { title: 'Info', path: 'info' },
      handle: async ({ ctx, caller }) => ({ currentVersion: ctx.config.currentVersion, fullVersion: `${ctx.config.currentVersion.toFixed(1)}.0`, quadrangleVersion: QUADRANGLE_VERSION, loggedInUser: caller.username, machineName: hostname() }),
    };
  }
  if (head === 'generateToken' && rest.length === 0) {
    return { privilege: 'none', operation: true, page: { title: 'Generate token', path: 'generateToken' }, handle: ({ ctx, request, params }) => generateToken(ctx, request, params) };
  }
  if (head === 'services') return resolveServicesRoute(rest);
  if (head === 'security') return resolveSecurityRoute(rest);
  if (head === 'uploads') return resolveUploadsRoute(rest);
  // The rest of an ArcGIS site (machines, logs, …) is not part of Quadrangle (admin.md §5);
  // uploads are, for publishing users' files.
  return null;
}

const QUADRANGLE_VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

export const adminFace: FastifyPluginAsync<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const base = `/${ctx.config.instance}/admin`;
  await app.register(multipart, { limits: { files: 1, fields: 20, fieldSize: 1024 * 1024, fileSize: ctx.config.uploadLimitMb * 2 ** 20 } });
  app.setErrorHandler((error, request, reply) => sendAdminError(request, reply, error));
  app.setNotFoundHandler((request, reply) => sendAdminError(request, reply, new AdminError(404, 'Resource not found.')));

  app.route({
    method: ['GET', 'POST'], url: '/',
    handler: (request, reply) => answer(request, reply),
  });
  app.route({
    method: ['GET', 'POST'], url: '/*',
    handler: (request, reply) => answer(request, reply),
  });

  async function answer(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = (request.params as { '*'?: string })['*'] ?? '';
    const path = raw.split('/').filter(Boolean);
    const route = resolveRoute(path);
    if (!route) throw new AdminError(404, `Resource '${path.join('/').slice(0, 200)}' not found.`);
    let params = new RequestParams(request.query, request.body);
    let file: MultipartFile | undefined;
    if (route.multipart && request.isMultipart() && request.method === 'POST') {
      // Fields sent before the file: the token among them is checked before the file is read.
      file = await request.file();
      const fields: Record<string, string> = {};
      for (const [name, field] of Object.entries(file?.fields ?? {})) {
        const value = Array.isArray(field) ? field[field.length - 1] : field;
        if (value && value.type === 'field') fields[name] = String(value.value);
      }
      params = new RequestParams(request.query, fields);
      // The error handler reads `f` from the body too.
      request.body = fields;
      // Never the query's token: admin POSTs take theirs from headers or the body (admin.md §3).
      const token = Object.entries(fields).find(([k]) => k.toLowerCase() === 'token')?.[1]?.trim();
      if (!request.caller && token) request.caller = await checkToken(request, token, ctx.security.tokens, ctx.config.security);
    }
    if (route.operation && request.method !== 'POST' && !(path[0] === 'generateToken' && ctx.config.security.allowGetToken)) {
      if (route.privilege === 'none' && params.get('f') === undefined) return reply.type('text/html; charset=utf-8').send(loginPage(`${base}`));
      throw new AdminError(405, `Method not allowed: ${path[path.length - 1]} requires POST.`);
    }
    if (route.privilege !== 'none') {
      const caller = request.caller;
      if (!caller) throw tokenRequired();
      if (!hasPrivilege(caller.privilege, route.privilege)) throw forbidden(caller, route.privilege);
    }
    const body = await route.handle({ ctx, request, params, caller: request.caller!, base, file });
    return sendAdmin(reply, params, base, body, route.page);
  }
};
