/**
 * A generateProduct job as the `job` resource and `jobs/query` show it (tps.md §12, §14): status
 * and code, times as UTC ISO 8601, progress, what was asked (AOI layer and feature, product,
 * version, output type), the messages filtered by `msgLevel`, and `outputUrl` once the job has
 * succeeded — the output file under `/rest/directories/arcgisoutput/` (tps.md §18).
 * @module faces/tps/job-json
 */
import type { ServerContext } from '../../http/server.js';
import { groupMessages, JOB_STATUS, type JobRecord, type MessageFilterLevel } from '../../jobs/job-types.js';
import { isoSeconds } from '../../production/product-definition.js';
import type { ProductJobRequest } from '../../production/product-job.js';

/** `msgLevel` values (tps.md §12). */
export const MESSAGE_LEVELS = ['info', 'warn', 'error'] as const satisfies readonly MessageFilterLevel[];

/** The output file's name of a succeeded job, or null. */
export function jobOutputFile(job: JobRecord): string | null {
  if (job.statusCode !== JOB_STATUS.Succeeded) return null;
  const file = job.result?.outputFile;
  return typeof file === 'string' && file ? file : null;
}

/** `<folder>/<service>_MapServer`: the job's output directory name, as export images use it. */
export function outputDirectoryName(serviceKey: string): string {
  const i = serviceKey.indexOf('/');
  const [folder, name] = i < 0 ? ['', serviceKey] : [serviceKey.slice(0, i), serviceKey.slice(i + 1)];
  return `${folder ? `${encodeURIComponent(folder)}/` : ''}${encodeURIComponent(name)}_MapServer`;
}

/** Absolute URL of a succeeded job's output, or '' (tps.md §12). */
export function jobOutputUrl(ctx: ServerContext, job: JobRecord, origin: string): string {
  const file = jobOutputFile(job);
  if (!file) return '';
  return `${origin}/${ctx.config.instance}/rest/directories/arcgisoutput/${outputDirectoryName(job.serviceKey)}/${job.jobId}/${encodeURIComponent(file)}`;
}

/** The job's JSON; `messages` only when `msgLevel` is given. */
export function jobJson(ctx: ServerContext, job: JobRecord, origin: string, msgLevel?: MessageFilterLevel): Record<string, unknown> {
  const request = (job.request ?? {}) as Partial<ProductJobRequest>;
  return {
    status: job.status, statusCode: job.statusCode,
    submissionTime: isoSeconds(new Date(job.submitted)), lastUpdatedTime: isoSeconds(new Date(job.updated)),
    percentComplete: job.statusCode === JOB_STATUS.Succeeded ? 1 : job.percentComplete,
    aoiLayer: request.aoiLayerUrl ?? '', aoiFeatureId: request.aoiFeatureId ?? null,
    outputUrl: jobOutputUrl(ctx, job, origin),
    user: job.user, jobId: job.jobId, productName: job.productName, productVersion: job.productVersion, outputType: request.outputType ?? '',
    ...(msgLevel ? { messages: groupMessages(job.messages, msgLevel) } : {}),
  };
}
