/**
 * `jobs/cancel`, `jobs/delete`, `jobs/pause` and `jobs/resume` (tps.md §15–§17): one job ID or a
 * JSON array of them, one result per job (`Job not found` for an unknown one or another
 * service's), and `success` true only when every job's action succeeded.
 * @module faces/tps/job-actions.route
 */
import { clip } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import type { JobActionResult } from '../../jobs/job-engine.js';
import type { JobRecord } from '../../jobs/job-types.js';
import { ProductParameterError } from '../../production/production-errors.js';
import { findOperationId } from '../../production/resolve-parameters.js';
import { getAndPost } from '../route-helpers.js';
import { serviceJob } from './service-jobs.js';
import { tpsOf, type TpsRouteContext, type TpsTarget } from './tps-target.js';
import { sendOperation } from './tps-html.js';

/** At most this many jobs per request. */
const MAX_JOBS = 1000;

/** The job IDs of the first of `names` that is given: one ID, a comma list, or a JSON array. */
export function readJobIds(params: RequestParams, names: string[]): string[] {
  const name = names.find((n) => params.has(n)) ?? names[0]!;
  const fail = () => new ProductParameterError(`${name}: missing or not a job ID or JSON array of job IDs`);
  const text = params.get(name)?.trim();
  if (!text) throw fail();
  let ids: unknown;
  if (text.startsWith('[')) {
    try { ids = JSON.parse(text); } catch { throw fail(); }
  } else ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_JOBS || !ids.every((id) => typeof id === 'string' && id.trim() && id.length <= 100)) throw fail();
  return [...new Set((ids as string[]).map((id) => id.trim()))];
}

interface ActionSpec {
  path: string;
  title: string;
  /** `name` of the answer. */
  answerName: string;
  /** Key of the per-job list: `items`, or `results` for delete (tps.md §16). */
  listKey: 'items' | 'results';
  idParams: string[];
  extraFields?: { name: string }[];
  act: (job: JobRecord) => Promise<JobActionResult>;
  /** Checks the request's other parameters against the jobs found, before any job is touched. */
  check?: (params: RequestParams, target: TpsTarget, jobs: JobRecord[]) => Promise<void>;
}

/**
 * pause's `operationId` must name an operation of each job's product. Decision: the job engine
 * pauses between operations, so a valid `operationId` pauses the job at its next boundary.
 */
async function checkOperationId(params: RequestParams, target: TpsTarget, jobs: JobRecord[]): Promise<void> {
  const operationId = params.get('operationId')?.trim();
  if (operationId === undefined) return;
  for (const job of jobs) {
    const product = job.productName ? await target.products.get(job.productName) : null;
    if (!product || !findOperationId(product, operationId)) {
      throw new ProductParameterError(`operationId: '${clip(operationId, 40)}' is not an operation of product '${job.productName ?? ''}'`);
    }
  }
}

export function registerJobActionRoutes({ app, ctx }: TpsRouteContext): void {
  const register = (spec: ActionSpec) => {
    getAndPost(app, `/jobs/${spec.path}`, (request, reply, params) => {
      const target = tpsOf(request);
      return sendOperation(request, reply, params, ctx, {
        name: `jobs/${spec.path}`, title: spec.title, required: spec.idParams,
        fields: [...spec.idParams.map((name) => ({ name })), ...(spec.extraFields ?? [])],
      }, async () => {
        const ids = readJobIds(params, spec.idParams);
        const jobs = await Promise.all(ids.map((id) => serviceJob(ctx, target, id)));
        await spec.check?.(params, target, jobs.filter((j): j is JobRecord => j !== null));
        const results: JobActionResult[] = [];
        for (const [i, job] of jobs.entries()) {
          results.push(job ? await spec.act(job) : { id: clip(ids[i]!, 100), success: false, message: 'Job not found' });
        }
        return { count: results.length, name: spec.answerName, [spec.listKey]: results, success: results.every((r) => r.success) };
      });
    });
  };

  register({ path: 'cancel', title: 'Cancel jobs', answerName: 'canceled', listKey: 'items', idParams: ['jobId'], act: (job) => ctx.jobs.cancel(job.jobId) });
  register({ path: 'delete', title: 'Delete jobs', answerName: 'deleted', listKey: 'results', idParams: ['jobIds', 'jobId'], act: (job) => ctx.jobs.delete(job.jobId) });
  register({
    path: 'pause', title: 'Pause jobs', answerName: 'paused', listKey: 'items', idParams: ['jobId'], extraFields: [{ name: 'operationId' }],
    act: (job) => ctx.jobs.pause(job.jobId), check: checkOperationId,
  });
  register({ path: 'resume', title: 'Resume jobs', answerName: 'resumed', listKey: 'items', idParams: ['jobId'], act: (job) => ctx.jobs.resume(job.jobId) });
}
