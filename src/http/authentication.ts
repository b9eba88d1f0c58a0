/**
 * Who a request comes from (admin.md §3–4): the token is read from the headers, the body or the
 * query, checked once per request, and the caller is left on `request.caller` for the faces.
 * Only this module answers 498; 499 and 403 are raised by the faces through the helpers below,
 * so the codes keep the meaning clients rely on (ask for a token, retry).
 * @module http/authentication
 */
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Caller } from '../security/privileges.js';
import type { TokenService } from '../security/token-service.js';
import type { SecurityConfig } from '../config/config.js';
import { ArcGisError } from './arcgis-error.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The token's user; null for anonymous requests. */
    caller: Caller | null;
  }
}

/** The texts of admin.md §4; `admin` is the Administrator API's wording. */
export const SECURITY_MESSAGES = {
  499: { rest: 'Token Required', admin: "Unauthorized access. Token not found. You can generate a token using the 'generateToken' operation." },
  498: { rest: 'Invalid Token', admin: 'Invalid token.' },
  403: { rest: 'You do not have permissions to access this resource or perform this operation.', admin: 'You do not have permissions to access this resource or perform this operation.' },
} as const;

/** An error of the security family; the admin face rewrites `message` into its own wording. */
export class SecurityError extends ArcGisError {
  constructor(code: 499 | 498 | 403, message: string = SECURITY_MESSAGES[code].rest, readonly adminMessage: string = SECURITY_MESSAGES[code].admin) {
    super(code, message, []);
  }
}

export const tokenRequired = (): SecurityError => new SecurityError(499);
export const invalidToken = (): SecurityError => new SecurityError(498);
export const sslRequired = (): SecurityError => new SecurityError(403, 'SSL Required', 'SSL Required');
/** 403 for a valid token whose user lacks `privilege` (names the user in the admin wording). */
export function forbidden(caller: Caller | null, privilege?: string): SecurityError {
  const admin = caller && privilege ? `User '${caller.username}' does not have the required privilege (${privilege}).` : SECURITY_MESSAGES[403].admin;
  return new SecurityError(403, SECURITY_MESSAGES[403].rest, admin);
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The token a request carries, in admin.md §3's order: X-Esri-Authorization, Authorization
 * (both `Bearer <token>`), the body's `token`, then the query's — except for POSTs to the admin
 * API, whose query tokens are ignored so that they never travel in URLs.
 */
export function requestToken(request: FastifyRequest, adminPost: boolean): string | undefined {
  for (const header of ['x-esri-authorization', 'authorization']) {
    const value = request.headers[header];
    const m = typeof value === 'string' ? BEARER.exec(value.trim()) : null;
    if (m) return m[1];
  }
  const fromBody = fieldOf(request.body, 'token');
  if (fromBody) return fromBody;
  return adminPost ? undefined : fieldOf(request.query, 'token');
}

function fieldOf(source: unknown, name: string): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
    if (k.toLowerCase() !== name) continue;
    const value = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof value === 'string' && value.trim()) return value.trim();
  }
  return undefined;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopback(ip: string): boolean {
  const a = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
}

/** HTTPS as the client used it (a trusted proxy's X-Forwarded-Proto counts), or a loopback caller. */
export function secureEnough(request: FastifyRequest, security: SecurityConfig): boolean {
  return !security.requireHttps || request.protocol === 'https' || isLoopback(request.ip);
}

/**
 * Reads and checks every request's token before its handler runs. A request without one goes on
 * as anonymous; a bad token answers 498 wherever it is sent, as ArcGIS Server does, so clients
 * renew it rather than silently losing access.
 */
export function registerAuthentication(app: FastifyInstance, options: { tokens: TokenService; security: SecurityConfig; adminPrefix: string }): void {
  if (!app.hasRequestDecorator('caller')) app.decorateRequest('caller', null);
  app.addHook('preHandler', async (request) => {
    const adminPost = request.method === 'POST' && request.url.startsWith(options.adminPrefix);
    const token = requestToken(request, adminPost);
    if (token) request.caller = await checkToken(request, token, options.tokens, options.security);
  });
}

/**
 * The caller a token stands for, checked as every request's is (HTTPS, signature, binding);
 * 403 or 498 otherwise. For tokens read from a body the hook cannot see (multipart uploads).
 */
export async function checkToken(request: FastifyRequest, token: string, tokens: TokenService, security: SecurityConfig): Promise<Caller> {
  if (!secureEnough(request, security)) throw sslRequired();
  const check = await tokens.verify(token, { ip: request.ip, referer: refererOf(request) });
  if (!check.ok) throw invalidToken();
  return check.caller;
}

export function refererOf(request: FastifyRequest): string | undefined {
  const r = request.headers.referer ?? request.headers.origin;
  return typeof r === 'string' ? r : undefined;
}
