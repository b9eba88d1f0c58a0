/**
 * Tokens (admin.md §2–3): signed and stateless, so any node sharing the security store accepts
 * a token another node issued. The text is `base64url(payload JSON) + '.' + base64url(HMAC-SHA256)`
 * keyed by the store's `tokenSigningKey`; clients treat it as opaque. A token is bound to a
 * referer or an address, expires, and is revoked when its user is removed or disabled or changes
 * password after it was issued.
 * @module security/token-service
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { highestPrivilege, type Caller } from './privileges.js';
import { SecurityStoreError, type SecurityStore } from './security-store.js';
import { isPrimaryAdministrator } from './user-accounts.js';

export type TokenBinding = { client: 'referer'; referer: string } | { client: 'ip' | 'requestip'; ip: string };
export interface IssuedToken { token: string; expires: number }
export interface TokenRequestContext { referer?: string; ip: string }
export type TokenCheck =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'malformed' | 'forged' | 'expired' | 'revoked' | 'binding' };

export interface TokenServiceOptions {
  /** Longest lifetime granted, in minutes (`security.tokens.maxExpiration`). Default 1440. */
  maxExpirationMinutes?: number;
  now?: () => number;
}

/** What the MAC covers. Short names keep tokens short in URLs. */
interface Payload {
  /** user name */
  u: string;
  /** issued at, epoch ms */
  iat: number;
  /** expires, epoch ms */
  exp: number;
  /** binding: `referer`, `ip` or `requestip` */
  c: TokenBinding['client'];
  /** the registered referer or address */
  b: string;
}

const SIGNING_KEY = 'tokenSigningKey';
/** Lifetime of a token when generateToken names none (admin.md §2). */
export const DEFAULT_TOKEN_MINUTES = 60;
/** Longer texts are refused before any work: real tokens are a few hundred characters. */
const MAX_TOKEN_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * One spelling per address: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes the IPv4 address and
 * IPv6 is written in its canonical short form, so a registered `ip` matches the socket's address.
 */
export function normaliseIp(ip: string): string {
  const s = ip.trim().toLowerCase();
  if (isIP(s) !== 6) return s;
  let canonical: string;
  try {
    canonical = new URL(`http://[${s}]`).hostname.slice(1, -1);
  } catch {
    return s; // a zone index (`fe80::1%eth0`) is not a URL host; compared as written
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const hi = parseInt(mapped[1]!, 16), lo = parseInt(mapped[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** admin.md §3: equal, starts with, or (registered value an absolute URL) same scheme, host and port. */
function refererMatches(registered: string, actual: string | undefined): boolean {
  if (!registered || !actual) return false;
  if (actual === registered || actual.startsWith(registered)) return true;
  const origin = originOf(registered);
  return origin !== null && origin === originOf(actual);
}

function isPayload(v: unknown): v is Payload {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return typeof p.u === 'string' && Number.isFinite(p.iat) && Number.isFinite(p.exp)
    && (p.c === 'referer' || p.c === 'ip' || p.c === 'requestip') && typeof p.b === 'string' && p.b !== '';
}

export class TokenService {
  private readonly maxExpirationMinutes: number;
  private readonly now: () => number;
  private key: Promise<Buffer> | null = null;

  constructor(private readonly store: SecurityStore, options: TokenServiceOptions = {}) {
    this.maxExpirationMinutes = Math.max(1, Math.floor(options.maxExpirationMinutes ?? 1440));
    this.now = options.now ?? Date.now;
  }

  /**
   * A token for `username` (already authenticated) bound as given. `expirationMinutes` defaults to
   * 60 and is kept within 1 and the maximum. An empty or invalid referer or address throws
   * SecurityStoreError (`'referer' must be specified.`, `'ip' must be specified.`, …).
   */
  async issue(username: string, binding: TokenBinding, expirationMinutes: number = DEFAULT_TOKEN_MINUTES): Promise<IssuedToken> {
    let bound: string;
    if (binding.client === 'referer') {
      bound = binding.referer.trim();
      if (!bound) throw new SecurityStoreError(`'referer' must be specified.`);
    } else {
      const field = binding.client === 'ip' ? 'ip' : 'request address';
      if (!binding.ip.trim()) throw new SecurityStoreError(`'${field}' must be specified.`);
      bound = normaliseIp(binding.ip);
      if (!isIP(bound)) throw new SecurityStoreError(`'${field}' must be an IPv4 or IPv6 address.`);
    }
    const minutes = Number.isFinite(expirationMinutes)
      ? Math.min(this.maxExpirationMinutes, Math.max(1, Math.round(expirationMinutes)))
      : DEFAULT_TOKEN_MINUTES;
    const iat = this.now();
    const payload: Payload = { u: username, iat, exp: iat + minutes * 60_000, c: binding.client, b: bound };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { token: `${body}.${await this.mac(body)}`, expires: payload.exp };
  }

  /** Who `token` speaks for, or why it is refused. Never throws for a bad token. */
  async verify(token: string, context: TokenRequestContext): Promise<TokenCheck> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
    const dot = token.indexOf('.');
    const body = token.slice(0, dot), mac = token.slice(dot + 1);
    if (dot < 0 || !BASE64URL.test(body) || !BASE64URL.test(mac)) return { ok: false, reason: 'malformed' };

    // The signature is checked, in constant time, before anything in the payload is believed.
    const expected = Buffer.from(await this.mac(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };

    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (!isPayload(payload)) return { ok: false, reason: 'malformed' };

    if (this.now() >= payload.exp) return { ok: false, reason: 'expired' };
    const bound = payload.c === 'referer' ? refererMatches(payload.b, context.referer) : normaliseIp(context.ip) === payload.b;
    if (!bound) return { ok: false, reason: 'binding' };

    const user = await this.store.getUser(payload.u);
    // Same-millisecond change: a token issued right after the new password was set stays valid.
    if (!user || user.disabled || user.passwordChangedAt > payload.iat) return { ok: false, reason: 'revoked' };
    let roles;
    try {
      roles = await this.store.rolesForUser(user.username);
    } catch (e) {
      if (e instanceof SecurityStoreError) return { ok: false, reason: 'revoked' }; // removed meanwhile
      throw e;
    }
    // The primary administrator always holds ADMINISTER (admin.md §15), whatever their roles say.
    const primary = await isPrimaryAdministrator(this.store, user.username);
    return {
      ok: true,
      caller: {
        username: user.username,
        privilege: primary ? 'ADMINISTER' : highestPrivilege(roles.map((r) => r.privilege)),
        roles: roles.map((r) => r.rolename),
      },
    };
  }

  private async mac(body: string): Promise<string> {
    this.key ??= this.store.secret(SIGNING_KEY, 32);
    let key: Buffer;
    try {
      key = await this.key;
    } catch (e) {
      this.key = null; // a store hiccup is retried on the next request rather than remembered
      throw e;
    }
    return createHmac('sha256', key).update(body).digest('base64url');
  }
}
