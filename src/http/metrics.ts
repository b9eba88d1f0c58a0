/**
 * Prometheus metrics of one node at `/metrics` (prom-client): requests by face, method and
 * status with their durations, token issues and refused logins, each service's instance slots,
 * and Node's own process metrics. When token security is on, the page needs a PUBLISH or
 * ADMINISTER token (Prometheus sends it as `Authorization: Bearer`) unless scraped from loopback.
 * @module http/metrics
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { hasPrivilege } from '../security/privileges.js';
import type { ServicePools } from '../workers/service-pools.js';
import { isLoopback, tokenRequired, forbidden } from './authentication.js';
import type { ServerContext } from './server.js';

/** The face a URL belongs to, a label of few values. */
function faceOf(url: string, instance: string): string {
  const path = url.split('?')[0]!;
  if (path.startsWith(`/${instance}/admin`)) return 'admin';
  if (path.startsWith(`/${instance}/tokens`)) return 'tokens';
  if (path.includes('/TopographicProductionServer')) return 'production';
  if (path.includes('/MapServer')) return 'mapserver';
  if (path.startsWith(`/${instance}/rest/directories`)) return 'outputs';
  if (path.startsWith(`/${instance}/rest`)) return 'catalog';
  return 'other';
}

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'face' | 'method' | 'status'>;
  private readonly durations: Histogram<'face'>;
  readonly tokensIssued: Counter;
  readonly loginsRefused: Counter;

  constructor(private readonly instance: string, pools: () => ServicePools | null) {
    collectDefaultMetrics({ register: this.registry, prefix: 'quadrangle_' });
    this.requests = new Counter({ name: 'quadrangle_http_requests_total', help: 'HTTP requests answered, by face, method and HTTP status (ArcGIS errors sent with HTTP 200 count under their code)', labelNames: ['face', 'method', 'status'], registers: [this.registry] });
    this.durations = new Histogram({ name: 'quadrangle_http_request_duration_seconds', help: 'Response time by face', labelNames: ['face'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [this.registry] });
    this.tokensIssued = new Counter({ name: 'quadrangle_tokens_issued_total', help: 'Tokens issued by generateToken', registers: [this.registry] });
    this.loginsRefused = new Counter({ name: 'quadrangle_logins_refused_total', help: 'generateToken calls refused for bad credentials or throttling', registers: [this.registry] });
    new Gauge({
      name: 'quadrangle_service_instances', help: 'Instance slots of each service on this node by state', labelNames: ['service', 'state'], registers: [this.registry],
      collect() {
        this.reset();
        for (const s of pools()?.list() ?? []) {
          for (const state of ['busy', 'free', 'notCreated', 'max'] as const) this.set({ service: s.key, state }, s.counts[state]);
        }
      },
    });
  }

  /** Counts every answered request. */
  observe(app: FastifyInstance): void {
    app.addHook('onResponse', async (request, reply) => {
      const face = faceOf(request.url, this.instance);
      const status = reply.arcgisErrorCode && reply.statusCode === 200 ? reply.arcgisErrorCode : reply.statusCode;
      this.requests.inc({ face, method: request.method, status: String(status) });
      this.durations.observe({ face }, reply.elapsedTime / 1000);
    });
  }
}

function mayScrape(request: FastifyRequest): boolean {
  return isLoopback(request.ip) || (!!request.caller && hasPrivilege(request.caller.privilege, 'PUBLISH'));
}

export function registerMetricsRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/metrics', async (request, reply) => {
    if ((await ctx.security.enabled()) && !mayScrape(request)) throw request.caller ? forbidden(request.caller, 'PUBLISH') : tokenRequired();
    return reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });
}
