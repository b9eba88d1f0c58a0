/**
 * Geoprocessing jobs as the GP protocol shows them (printing.md §6–§8): `j` + 32 hex digit job
 * IDs over the job engine's GUIDs, the `esriJob*` statuses, the job resource with its results,
 * inputs, messages and progress.
 * @module faces/gp/gp-job-json
 */
import { JOB_STATUS, isFinalStatus, normaliseJobId, type JobRecord, type JobStatus } from '../../jobs/job-types.js';

/** The GP form of an engine job ID: `j` and its 32 hex digits, lower case. */
export function gpJobId(jobId: string): string {
  return `j${jobId.replace(/-/g, '').toLowerCase()}`;
}

/** The engine's job ID for a GP job ID, or null when `id` is not one. */
export function engineJobId(id: string): string | null {
  const m = /^j([0-9a-f]{32})$/i.exec(id.trim());
  if (!m) return null;
  const h = m[1]!;
  return normaliseJobId(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
}

const GP_STATUS: Record<JobStatus, string> = {
  New: 'esriJobNew', Submitted: 'esriJobSubmitted', Waiting: 'esriJobWaiting', InProgress: 'esriJobExecuting',
  Succeeded: 'esriJobSucceeded', Failed: 'esriJobFailed', TimedOut: 'esriJobTimedOut', Canceling: 'esriJobCancelling',
  Canceled: 'esriJobCancelled', Deleting: 'esriJobDeleting', Deleted: 'esriJobDeleted',
  // Print jobs are never paused; were one, a client would see it waiting.
  Paused: 'esriJobWaiting', Resumed: 'esriJobExecuting', PausePending: 'esriJobExecuting', ResumePending: 'esriJobWaiting',
};

export const gpJobStatus = (job: JobRecord): string => GP_STATUS[job.status];

/** The task's input parameters a job resource lists. */
export const PRINT_INPUTS = ['Web_Map_as_JSON', 'Format', 'Layout_Template'] as const;

/** `{type, description}` messages, oldest first. */
function gpMessages(job: JobRecord): { type: string; description: string }[] {
  return job.messages.map((m) => ({ type: m.type, description: m.description }));
}

/** The job resource (printing.md §7). */
export function gpJobJson(job: JobRecord, returnMessages = true): Record<string, unknown> {
  const body: Record<string, unknown> = {
    jobId: gpJobId(job.jobId),
    jobStatus: gpJobStatus(job),
    results: job.statusCode === JOB_STATUS.Succeeded ? { Output_File: { paramUrl: 'results/Output_File' } } : {},
    inputs: Object.fromEntries(PRINT_INPUTS.map((p) => [p, { paramUrl: `inputs/${p}` }])),
  };
  if (!isFinalStatus(job.statusCode) && job.status === 'InProgress' && job.currentStep) {
    body.progress = { type: 'default', message: job.currentStep };
  }
  if (returnMessages) body.messages = gpMessages(job);
  return body;
}
