/**
 * The `Fetcher` through which prints reach other hosts, within printing.md §13: http(s) only,
 * no credentials in URLs, hosts on the allow-list, refused address ranges checked on the
 * address actually connected to (a custom `lookup`, so a DNS answer cannot change between
 * check and connect), redirects followed by hand and checked again, a layer token sent to its
 * own host only, per-request time and size limits and a byte budget for the whole print.
 * @module printing/safe-fetch
 */
import { lookup as dnsLookup } from 'node:dns';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { AddressPolicy, hostAllowed, ipLiteral, parseHostPattern, parseNetwork, type HostPattern } from './address-policy.js';
import type { FetchedResource, Fetcher, FetchOptions } from './print-layer.js';
import { PrintRequestError } from './web-map.js';

/** What a print may fetch from other hosts (configuration `print`). */
export interface FetchPolicy {
  /** Exact host names or `*.example.org` patterns, optional `:port` (no port = any port). */
  allowedHosts: string[];
  /** CIDR ranges (IPv4/IPv6) that may be reached even though refused by default. */
  allowedNetworks: string[];
  /** Per fetch, from connecting to the last body byte, redirects included. */
  timeoutMs: number;
  /** Largest (decompressed) body of one answer. */
  maxResponseBytes: number;
  /** Bytes one fetcher (one print) may download in all. */
  maxJobBytes: number;
  maxRedirects: number;
}

const MB = 1024 * 1024;

/** No other host allowed; 20 s, 50 MB per answer, 200 MB per print, 3 redirects. */
export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  allowedHosts: [],
  allowedNetworks: [],
  timeoutMs: 20_000,
  maxResponseBytes: 50 * MB,
  maxJobBytes: 200 * MB,
  maxRedirects: 3,
};

/** Checks a policy's patterns, CIDRs and limits; returns problems (for config validation at start-up). */
export function fetchPolicyProblems(policy: FetchPolicy): string[] {
  const problems: string[] = [];
  for (const pattern of policy.allowedHosts) {
    if (!parseHostPattern(pattern)) problems.push(`allowed host '${pattern}' is not a host name or '*.domain' pattern, optionally with ':port'`);
  }
  for (const cidr of policy.allowedNetworks) {
    if (!parseNetwork(cidr)) problems.push(`allowed network '${cidr}' is not an IP address or CIDR range`);
  }
  for (const key of ['timeoutMs', 'maxResponseBytes', 'maxJobBytes'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] <= 0) problems.push(`${key} must be a positive number`);
  }
  if (!Number.isSafeInteger(policy.maxRedirects) || policy.maxRedirects < 0) problems.push('maxRedirects must be a whole number, 0 or more');
  return problems;
}

/** Settings of one print's fetcher. */
export interface SafeFetcherOptions {
  /** [`Quadrangle print`] */
  userAgent?: string;
  /** Cancels every fetch of the print. */
  signal?: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A Fetcher for one print (its byte budget is its own). Throws when the policy has problems. */
export function createSafeFetcher(policy: FetchPolicy, options: SafeFetcherOptions = {}): Fetcher {
  const problems = fetchPolicyProblems(policy);
  if (problems.length > 0) throw new Error(`Invalid print fetch policy: ${problems.join('; ')}`);
  const hosts = policy.allowedHosts.map((p) => parseHostPattern(p)!);
  const addresses = new AddressPolicy(policy.allowedNetworks);
  // Agents of this print only: every pooled socket was opened through the checking lookup.
  const agents = {
    http: new http.Agent({ keepAlive: true, timeout: 5000 }),
    https: new https.Agent({ keepAlive: true, timeout: 5000 }),
  };
  const userAgent = options.userAgent ?? 'Quadrangle print';
  let jobBytes = 0;

  async function fetch(url: string, { layer, token, method = 'GET', form }: FetchOptions): Promise<FetchedResource> {
    const refusal = (reason: string) => new PrintRequestError([`Layer '${layer}': ${reason}`]);
    let target = parseUrl(url, refusal);
    const tokenHost = target.host;
    const tokenProtocol = target.protocol;

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(
      refusal(`no answer from ${target.hostname} within ${policy.timeoutMs / 1000} s`)), policy.timeoutMs);
    const cancel = () => controller.abort(refusal('the print was cancelled'));
    if (options.signal?.aborted) cancel();
    options.signal?.addEventListener('abort', cancel);

    /** Checks a target against rules 2–3 as far as possible before connecting (names are checked in `lookup`). */
    const admit = (candidate: URL) => {
      if (candidate.protocol !== 'http:' && candidate.protocol !== 'https:') {
        throw refusal(`only http and https URLs can be fetched (${candidate.protocol})`);
      }
      if (candidate.username || candidate.password) throw refusal('URLs with a user name or password are refused');
      if (!hostAllowed(hosts, candidate)) throw refusal(`host ${candidate.hostname} is not on the print allow-list`);
      const literal = ipLiteral(candidate);
      if (literal !== null && !addresses.allows(literal)) throw refusal(`address ${literal} is not allowed`);
    };

    /** The request for a target: the token goes to the layer's own host only, never downgraded to http. */
    const withToken = (candidate: URL, currentMethod: 'GET' | 'POST') => {
      const send = token !== undefined && candidate.host === tokenHost && !(tokenProtocol === 'https:' && candidate.protocol === 'http:');
      const requestUrl = new URL(candidate);
      if (currentMethod === 'GET') {
        if (send) requestUrl.searchParams.set('token', token);
        return { requestUrl, body: undefined };
      }
      const fields = new URLSearchParams(form);
      if (send) fields.set('token', token);
      return { requestUrl, body: Buffer.from(fields.toString()) };
    };

    try {
      admit(target);
      for (let redirects = 0; ; redirects++) {
        const { requestUrl, body } = withToken(target, method);
        const res = await request(requestUrl, method, body, controller.signal, refusal);
        const location = res.headers.location;
        if (!REDIRECTS.has(res.statusCode!) || location === undefined) {
          return {
            url: target.href,
            status: res.statusCode!,
            contentType: (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
            body: await readBody(res, target.hostname, controller.signal, refusal),
          };
        }
        res.destroy();
        if (redirects === policy.maxRedirects) throw refusal(`more than ${policy.maxRedirects} redirects`);
        const next = parseUrl(location, refusal, requestUrl);
        // A server may echo the query into its Location: keep the token from leaving with it.
        if (token !== undefined && next.host !== tokenHost && next.searchParams.get('token') === token) {
          next.searchParams.delete('token');
        }
        admit(next);
        if (res.statusCode === 303 || (method === 'POST' && res.statusCode !== 307 && res.statusCode !== 308)) method = 'GET';
        target = next;
      }
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', cancel);
    }
  }

  /** Sends one request; resolves with the answer once its headers arrived. */
  function request(url: URL, method: 'GET' | 'POST', body: Buffer | undefined, signal: AbortSignal,
    refusal: (reason: string) => PrintRequestError): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      let refused: PrintRequestError | undefined;
      // Resolves, checks every address and hands only checked addresses to the socket.
      const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
        dnsLookup(hostname, { all: true, family: lookupOptions.family, hints: lookupOptions.hints }, (err, found) => {
          if (err) return callback(err, []);
          const bad = found.find((a) => !addresses.allows(a.address));
          if (bad || found.length === 0) {
            refused = refusal(bad ? `address ${bad.address} of host ${hostname} is not allowed` : `host ${hostname} has no address`);
            return callback(refused, []);
          }
          if (lookupOptions.all) callback(null, found);
          else callback(null, found[0]!.address, found[0]!.family);
        });
      };
      const secure = url.protocol === 'https:';
      const headers: http.OutgoingHttpHeaders = {
        'user-agent': userAgent,
        'accept-encoding': 'gzip, deflate, br',
        ...(body && { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length }),
      };
      const req = (secure ? https : http).request(url, {
        method, headers, lookup, signal, agent: secure ? agents.https : agents.http,
      }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(signal.aborted ? signal.reason : refused ?? refusal(`cannot reach host ${url.hostname}: ${err.code ?? err.message}`)));
      req.end(body);
    });
  }

  /** Reads a body, decompressed, counting bytes against the answer's and the print's limits as they arrive. */
  function readBody(res: IncomingMessage, host: string, signal: AbortSignal,
    refusal: (reason: string) => PrintRequestError): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (error: PrintRequestError | null, value?: Buffer) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (error) {
          res.destroy();
          source.destroy();
          reject(error);
        } else resolve(value!);
      };
      const onAbort = () => finish(signal.reason as PrintRequestError);
      const tooLarge = (answerBytes: number, added: number) =>
        answerBytes > policy.maxResponseBytes ? refusal(`answer larger than ${formatBytes(policy.maxResponseBytes)}`)
          : jobBytes + added > policy.maxJobBytes ? refusal(`the print has fetched more than ${formatBytes(policy.maxJobBytes)}`)
            : null;
      const onError = (err: NodeJS.ErrnoException | null | undefined) => {
        if (err) finish(signal.aborted ? signal.reason : refusal(`cannot read the answer from ${host}: ${err.code ?? err.message}`));
      };

      const encoding = (res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
        : encoding === 'deflate' ? zlib.createInflate()
          : encoding === 'br' ? zlib.createBrotliDecompress()
            : null;
      const source: Readable = decoder ? pipeline(res, decoder, onError) : res.on('error', onError);
      if (signal.aborted) return finish(signal.reason as PrintRequestError);
      signal.addEventListener('abort', onAbort);
      if (decoder === null && encoding !== 'identity') return finish(refusal(`answer from ${host} uses unsupported content encoding ${encoding}`));
      const declared = Number(res.headers['content-length']);
      const early = Number.isFinite(declared) ? tooLarge(declared, declared) : null;
      if (early) return finish(early);

      const chunks: Buffer[] = [];
      let size = 0;
      source.on('data', (chunk: Buffer) => {
        const over = tooLarge(size + chunk.length, chunk.length);
        if (over) return finish(over);
        size += chunk.length;
        jobBytes += chunk.length;
        chunks.push(chunk);
      });
      source.on('end', () => finish(null, Buffer.concat(chunks, size)));
    });
  }

  return { fetch };
}

function parseUrl(text: string, refusal: (reason: string) => PrintRequestError, base?: URL): URL {
  try {
    return new URL(text, base);
  } catch {
    throw refusal(`'${text}' is not a valid URL`);
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${Math.round((bytes / MB) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} kB`;
  return `${bytes} bytes`;
}
