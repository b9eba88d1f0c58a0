/**
 * generateToken (admin.md §2), shared by `/tokens/generateToken` and `/admin/generateToken`:
 * POST only unless configured, HTTPS unless loopback, credentials checked with the same work and
 * answer whether or not the user exists, throttled against guessing, and the token bound to a
 * referer or an address.
 * @module faces/tokens/generate-token
 */
import type { FastifyRequest } from 'fastify';
import { ArcGisError } from '../../http/arcgis-error.js';
import { secureEnough, sslRequired } from '../../http/authentication.js';
import type { RequestParams } from '../../http/request-params.js';
import type { ServerContext } from '../../http/server.js';
import { SecurityStoreError } from '../../security/security-store.js';
import type { TokenBinding } from '../../security/token-service.js';

const unable = (detail: string) => new ArcGisError(400, 'Unable to generate token.', [detail]);

export interface GeneratedToken { token: string; expires: number; ssl: boolean }

export async function generateToken(ctx: ServerContext, request: FastifyRequest, params: RequestParams): Promise<GeneratedToken> {
  if (request.method !== 'POST' && !ctx.config.security.allowGetToken) throw new ArcGisError(405, 'Method not allowed: generateToken requires POST.', []);
  if (!secureEnough(request, ctx.config.security)) throw sslRequired();
  const username = params.get('username');
  // Passwords are taken as sent: spaces may be part of one.
  const password = rawField(request.body, 'password') ?? (ctx.config.security.allowGetToken ? rawField(request.query, 'password') : undefined);
  if (!username) throw unable("'username' must be specified.");
  if (!password) throw unable("'password' must be specified.");
  const binding = bindingOf(request, params);
  const expiration = params.int('expiration', 60, 1, Number.MAX_SAFE_INTEGER);
  const user = await ctx.security.authenticator.authenticate(username, password, request.ip);
  if (!user) {
    ctx.metrics.loginsRefused.inc();
    throw unable('Invalid username or password.');
  }
  let issued;
  try {
    issued = await ctx.security.tokens.issue(user.username, binding, expiration);
  } catch (e) {
    // An `ip` that is no address.
    if (e instanceof SecurityStoreError) throw unable(e.message);
    throw e;
  }
  ctx.metrics.tokensIssued.inc();
  return { ...issued, ssl: ctx.config.security.requireHttps };
}

function bindingOf(request: FastifyRequest, params: RequestParams): TokenBinding {
  const client = (params.get('client') ?? 'requestip').trim().toLowerCase();
  if (client === 'referer') {
    const referer = params.get('referer')?.trim();
    if (!referer) throw unable("'referer' must be specified.");
    if (referer.length > 2048) throw unable("'referer' is too long.");
    return { client: 'referer', referer };
  }
  if (client === 'ip') {
    const ip = params.get('ip')?.trim();
    if (!ip) throw unable("'ip' must be specified.");
    return { client: 'ip', ip };
  }
  if (client === 'requestip') return { client: 'requestip', ip: request.ip };
  throw unable("'client' must be one of referer, ip, requestip.");
}

function rawField(source: unknown, name: string): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const entry = Object.entries(source as Record<string, unknown>).find(([k]) => k.toLowerCase() === name);
  const v = entry?.[1];
  const value = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof value === 'string' && value !== '' ? value : undefined;
}
