/**
 * Server configuration from flags and the environment (`PORT`, `HOST`, `QUADRANGLE_DATA`,
 * `QUADRANGLE_DATABASE_URL`, …), merged over defaults and checked once at start-up.
 * @module config/config
 */
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { databaseUrlProblem } from '../db/database-url.js';
import { DEFAULT_FETCH_POLICY, fetchPolicyProblems, type FetchPolicy } from '../printing/safe-fetch.js';

export interface QuadrangleConfig {
  /** TCP port; 0 picks a free one. Default 6080, as ArcGIS Server. */
  port: number;
  /** Interface to listen on. Default 0.0.0.0. */
  host: string;
  /** Directory holding the catalog, data files and outputs. Default ./data. */
  dataDir: string;
  /** The instance name in URLs (`/arcgis/rest/…`). */
  instance: string;
  /** The ArcGIS Server release whose behaviour Quadrangle follows (mapserver.md §1). */
  currentVersion: number;
  /** Generate and publish the sample region when the catalog has no services. Default true. */
  sampleOnEmpty: boolean;
  /** Worker threads for map operations (query, identify, find, export); 0 runs them on the main thread. Default: one per core. */
  operationThreads: number;
  /** Request log level. */
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /**
   * Megabytes of decoded features each rendering thread keeps in memory for drawing (exports,
   * tiles); 0 reads every draw from the files. Default 256.
   */
  drawCacheMb: number;
  /** Largest file (or unpacked zip) the admin API's `uploads/upload` accepts, in megabytes. Default 2048. */
  uploadLimitMb: number;
  /** Jobs (generateProduct, prints) running at once, each in its own worker thread. Default 2. */
  jobWorkers: number;
  /** Token security (admin.md §2–3). */
  security: SecurityConfig;
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or CIDR ranges). Default none. */
  trustedProxies: string[];
  /** The primary administrator created on first start (`QUADRANGLE_ADMIN_USER`, `QUADRANGLE_ADMIN_PASSWORD`); never defaulted. */
  adminUser?: string;
  adminPassword?: string;
  /**
   * PostgreSQL database (`postgres://` or `postgresql://` URL, `QUADRANGLE_DATABASE_URL`) holding the
   * catalog and the security store that the nodes of a cluster share; unset (the default) keeps
   * them in SQLite files in the data directory.
   */
  databaseUrl?: string;
  /**
   * The server's public base URLs (`https://maps.example.org/arcgis`, `QUADRANGLE_PUBLIC_URLS`,
   * comma-separated): print layers under them are read in-process. The URL a request came in on
   * always counts too. Default none.
   */
  publicUrls: string[];
  /**
   * What print jobs may fetch from other hosts (printing.md §13): `QUADRANGLE_PRINT_ALLOWED_HOSTS`
   * and `QUADRANGLE_PRINT_ALLOWED_NETWORKS` (comma-separated; both empty by default),
   * `QUADRANGLE_PRINT_FETCH_TIMEOUT_S` (20), `QUADRANGLE_PRINT_MAX_RESPONSE_MB` (50),
   * `QUADRANGLE_PRINT_MAX_JOB_MB` (200).
   */
  print: FetchPolicy;
}

export interface SecurityConfig {
  /** Refuse tokens over plain HTTP, except from loopback addresses. Default true. */
  requireHttps: boolean;
  /** Longest token lifetime in minutes. Default 1440. */
  maxTokenExpiration: number;
  /** Let generateToken answer GET (puts passwords in URLs). Default false. */
  allowGetToken: boolean;
}

export class ConfigError extends Error {}

const DEFAULTS: QuadrangleConfig = {
  port: 6080, host: '0.0.0.0', dataDir: 'data', instance: 'arcgis', currentVersion: 11.1, sampleOnEmpty: true, logLevel: 'warn', operationThreads: availableParallelism(), drawCacheMb: 256, uploadLimitMb: 2048, jobWorkers: 2,
  security: { requireHttps: true, maxTokenExpiration: 1440, allowGetToken: false }, trustedProxies: [], publicUrls: [], print: DEFAULT_FETCH_POLICY,
};

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const bool = (v: string) => /^(1|true|yes|on)$/i.test(v.trim());

/** Defaults, then the environment, then explicit options; validated. */
export type ConfigOptions = Partial<Omit<QuadrangleConfig, 'security' | 'print'>> & { security?: Partial<SecurityConfig>; print?: Partial<FetchPolicy> };

export function loadConfig(options: ConfigOptions = {}, env: NodeJS.ProcessEnv = process.env): QuadrangleConfig {
  const fromEnv: Partial<QuadrangleConfig> = {};
  if (env.PORT) fromEnv.port = Number(env.PORT);
  if (env.HOST) fromEnv.host = env.HOST;
  if (env.QUADRANGLE_DATA) fromEnv.dataDir = env.QUADRANGLE_DATA;
  if (env.QUADRANGLE_LOG_LEVEL) fromEnv.logLevel = env.QUADRANGLE_LOG_LEVEL as QuadrangleConfig['logLevel'];
  if (env.QUADRANGLE_THREADS) fromEnv.operationThreads = Number(env.QUADRANGLE_THREADS);
  if (env.QUADRANGLE_DRAW_CACHE_MB) fromEnv.drawCacheMb = Number(env.QUADRANGLE_DRAW_CACHE_MB);
  if (env.QUADRANGLE_UPLOAD_LIMIT_MB) fromEnv.uploadLimitMb = Number(env.QUADRANGLE_UPLOAD_LIMIT_MB);
  if (env.QUADRANGLE_JOB_WORKERS) fromEnv.jobWorkers = Number(env.QUADRANGLE_JOB_WORKERS);
  if (env.QUADRANGLE_ADMIN_USER) fromEnv.adminUser = env.QUADRANGLE_ADMIN_USER;
  if (env.QUADRANGLE_ADMIN_PASSWORD) fromEnv.adminPassword = env.QUADRANGLE_ADMIN_PASSWORD;
  if (env.QUADRANGLE_DATABASE_URL) fromEnv.databaseUrl = env.QUADRANGLE_DATABASE_URL;
  if (env.QUADRANGLE_TRUSTED_PROXIES) fromEnv.trustedProxies = list(env.QUADRANGLE_TRUSTED_PROXIES);
  if (env.QUADRANGLE_PUBLIC_URLS) fromEnv.publicUrls = list(env.QUADRANGLE_PUBLIC_URLS);
  const print: Partial<FetchPolicy> = {};
  if (env.QUADRANGLE_PRINT_ALLOWED_HOSTS) print.allowedHosts = list(env.QUADRANGLE_PRINT_ALLOWED_HOSTS);
  if (env.QUADRANGLE_PRINT_ALLOWED_NETWORKS) print.allowedNetworks = list(env.QUADRANGLE_PRINT_ALLOWED_NETWORKS);
  if (env.QUADRANGLE_PRINT_FETCH_TIMEOUT_S) print.timeoutMs = Number(env.QUADRANGLE_PRINT_FETCH_TIMEOUT_S) * 1000;
  if (env.QUADRANGLE_PRINT_MAX_RESPONSE_MB) print.maxResponseBytes = Number(env.QUADRANGLE_PRINT_MAX_RESPONSE_MB) * 2 ** 20;
  if (env.QUADRANGLE_PRINT_MAX_JOB_MB) print.maxJobBytes = Number(env.QUADRANGLE_PRINT_MAX_JOB_MB) * 2 ** 20;
  const security: Partial<SecurityConfig> = {};
  if (env.QUADRANGLE_REQUIRE_HTTPS) security.requireHttps = bool(env.QUADRANGLE_REQUIRE_HTTPS);
  if (env.QUADRANGLE_TOKEN_MAX_EXPIRATION) security.maxTokenExpiration = Number(env.QUADRANGLE_TOKEN_MAX_EXPIRATION);
  if (env.QUADRANGLE_TOKEN_ALLOW_GET) security.allowGetToken = bool(env.QUADRANGLE_TOKEN_ALLOW_GET);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const c: QuadrangleConfig = {
    ...DEFAULTS, ...fromEnv, ...defined,
    security: { ...DEFAULTS.security, ...security, ...options.security },
    print: { ...DEFAULTS.print, ...print, ...options.print },
  };
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) throw new ConfigError(`port must be an integer from 0 to 65535, not ${c.port}`);
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(c.instance)) throw new ConfigError('instance must be 1–40 letters, digits, - or _');
  if (!Number.isInteger(c.operationThreads) || c.operationThreads < 0 || c.operationThreads > 64) throw new ConfigError('operationThreads must be an integer from 0 to 64');
  if (!Number.isInteger(c.drawCacheMb) || c.drawCacheMb < 0 || c.drawCacheMb > 65536) throw new ConfigError('drawCacheMb must be an integer from 0 to 65536');
  if (!Number.isInteger(c.uploadLimitMb) || c.uploadLimitMb < 1 || c.uploadLimitMb > 1048576) throw new ConfigError('uploadLimitMb must be an integer from 1 to 1048576');
  if (!Number.isInteger(c.jobWorkers) || c.jobWorkers < 1 || c.jobWorkers > 64) throw new ConfigError('jobWorkers must be an integer from 1 to 64');
  if (!Number.isInteger(c.security.maxTokenExpiration) || c.security.maxTokenExpiration < 1 || c.security.maxTokenExpiration > 525600) throw new ConfigError('security.maxTokenExpiration must be an integer number of minutes from 1 to 525600');
  if ((c.adminUser === undefined) !== (c.adminPassword === undefined)) throw new ConfigError('QUADRANGLE_ADMIN_USER and QUADRANGLE_ADMIN_PASSWORD must be given together');
  if (c.adminPassword !== undefined && c.adminPassword.length < 8) throw new ConfigError('QUADRANGLE_ADMIN_PASSWORD must have at least 8 characters');
  const databaseProblem = c.databaseUrl === undefined ? null : databaseUrlProblem(c.databaseUrl);
  if (databaseProblem) throw new ConfigError(`QUADRANGLE_DATABASE_URL ${databaseProblem}`);
  for (const u of c.publicUrls) if (!/^https?:\/\/[^/]+/i.test(u) || !URL.canParse(u)) throw new ConfigError(`public URL ${u} is not an http(s) URL`);
  const printProblems = fetchPolicyProblems(c.print);
  if (printProblems.length) throw new ConfigError(`print fetching: ${printProblems.join('; ')}`);
  if (!['silent', 'error', 'warn', 'info', 'debug'].includes(c.logLevel)) throw new ConfigError(`unknown log level ${c.logLevel}`);
  return { ...c, dataDir: resolve(c.dataDir) };
}
