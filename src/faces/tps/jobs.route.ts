/**
 * `jobs`, `jobs/job/<jobId>` and `jobs/query` (tps.md §11, §12, §14).
 * @module faces/tps/jobs.route
 */
import { clip } from '../../http/arcgis-error.js';
import { renderLinks, renderPage, renderProperties } from '../../http/html/page.js';
import type { RequestParams } from '../../http/request-params.js';
import { sendResource } from '../../http/respond.js';
import type { JobFilter } from '../../jobs/job-store.js';
import { isJobStatusCode, type JobStatusCode, type MessageFilterLevel } from '../../jobs/job-types.js';
import { ProductParameterError } from '../../production/production-errors.js';
import { getAndPost, pathParams, requestOrigin } from '../route-helpers.js';
import { jobJson, MESSAGE_LEVELS } from './job-json.js';
import { serviceJob } from './service-jobs.js';
import { tpsOf, type TpsRouteContext } from './tps-target.js';
import { sendOperation, tpsCrumbs } from './tps-html.js';

/** Operations below `jobs` (tps.md §11). */
export const JOB_OPERATIONS = ['query', 'cancel', 'delete', 'pause', 'resume'] as const;

function readMsgLevel(params: RequestParams): MessageFilterLevel | undefined {
  const v = params.get('msgLevel')?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (!(MESSAGE_LEVELS as readonly string[]).includes(v)) throw new ProductParameterError(`msgLevel: '${clip(v, 20)}' is not one of ${MESSAGE_LEVELS.join(', ')}`);
  return v as MessageFilterLevel;
}

/** An ISO 8601 time (or epoch ms) in ms; a bare date is the start or the end of that UTC day. */
function readDate(params: RequestParams, name: string, end: boolean): number | undefined {
  const v = params.get(name)?.trim();
  if (v === undefined) return undefined;
  let ms: number;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
    ms = Date.parse(`${v}T${end ? '23:59:59.999' : '00:00:00'}Z`);
    if (!Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) !== v) ms = NaN;
  } else if (/^\d{10,15}$/.test(v)) ms = Number(v);
  else ms = /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw new ProductParameterError(`${name}: invalid date`);
  return ms;
}

function readStatusCodes(params: RequestParams): JobStatusCode[] | undefined {
  const list = params.list('status');
  if (list === undefined) return undefined;
  return list.map((s) => {
    const n = /^\d{1,4}$/.test(s) ? Number(s) : NaN;
    if (!isJobStatusCode(n)) throw new ProductParameterError(`status: '${clip(s, 20)}' is not a job status code`);
    return n;
  });
}

function readPositive(params: RequestParams, name: string, fallback: number, max: number): number {
  const v = params.get(name)?.trim();
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new ProductParameterError(`${name}: must be between 1 and ${max}`);
  return n;
}

export function registerJobsRoutes({ app, ctx }: TpsRouteContext): void {
  getAndPost(app, '/jobs', (request, reply, params) => {
    const target = tpsOf(request);
    return sendResource(reply, params, () => ({ operations: [...JOB_OPERATIONS], resources: ['job'] }), (json) => renderPage({
      title: `Jobs (${target.service.path})`, breadcrumbs: tpsCrumbs(ctx, target), jsonHref: `${target.base}/jobs?f=pjson`,
      body: [renderProperties(json as Record<string, unknown>, ['operations']),
        renderLinks('Supported operations', JOB_OPERATIONS.map((o) => ({ label: o, href: `${target.base}/jobs/${o}` })))],
    }));
  });

  getAndPost(app, '/jobs/job/:jobId', async (request, reply, params) => {
    const target = tpsOf(request);
    const id = pathParams(request).jobId ?? '';
    const msgLevel = readMsgLevel(params) ?? 'info';
    const job = await serviceJob(ctx, target, id);
    if (!job) throw new ProductParameterError(`jobId: job '${clip(id, 40)}' not found`);
    const json = jobJson(ctx, job, requestOrigin(request, ctx.config.port), msgLevel);
    return sendResource(reply, params, () => json, () => renderPage({
      title: `Job ${job.jobId}`, breadcrumbs: tpsCrumbs(ctx, target, [{ label: 'Jobs', href: `${target.base}/jobs` }]),
      jsonHref: `${target.base}/jobs/job/${job.jobId}?f=pjson`,
      body: [renderProperties(json), json.outputUrl ? renderLinks('Output', [{ label: String(json.outputUrl), href: String(json.outputUrl) }]) : ''],
    }));
  });

  getAndPost(app, '/jobs/query', (request, reply, params) => {
    const target = tpsOf(request);
    return sendOperation(request, reply, params, ctx, {
      name: 'jobs/query', title: 'Query jobs', required: [], alwaysRun: true,
      fields: [{ name: 'status' }, { name: 'startDate' }, { name: 'endDate' }, { name: 'user' }, { name: 'productName' },
        { name: 'msgLevel', kind: 'select', options: ['', ...MESSAGE_LEVELS] }, { name: 'start', value: '1' }, { name: 'num', value: '100' }],
    }, async () => {
      const msgLevel = readMsgLevel(params);
      const start = readPositive(params, 'start', 1, Number.MAX_SAFE_INTEGER);
      const num = readPositive(params, 'num', 100, 1000);
      const filter: JobFilter = {
        serviceKey: target.serviceKey, kind: 'generateProduct', statusCodes: readStatusCodes(params),
        startDate: readDate(params, 'startDate', false), endDate: readDate(params, 'endDate', true),
        user: target.seesAllJobs ? params.get('user') : target.user, productName: params.get('productName'),
      };
      const { total, jobs } = await ctx.jobs.query(filter, { offset: start - 1, limit: num, withMessages: msgLevel !== undefined });
      const origin = requestOrigin(request, ctx.config.port);
      return {
        count: jobs.length,
        jobs: jobs.map((j) => jobJson(ctx, j, origin, msgLevel)),
        nextStart: start - 1 + jobs.length < total ? start + jobs.length : -1,
      };
    });
  });
}
