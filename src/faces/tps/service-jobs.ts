/**
 * The jobs a Topographic Production Service shows: generateProduct jobs of its own map
 * service. A job of another service, or another user's job for a caller holding only ACCESS, is
 * "not found" here, as a deleted one is (tps.md §12).
 * @module faces/tps/service-jobs
 */
import type { ServerContext } from '../../http/server.js';
import type { JobRecord } from '../../jobs/job-types.js';
import type { TpsTarget } from './tps-target.js';

/** The job with this ID (any case) when it belongs to the service and the caller may see it, else null. */
export async function serviceJob(ctx: ServerContext, target: TpsTarget, jobId: string): Promise<JobRecord | null> {
  const job = await ctx.jobs.get(jobId);
  if (!job || job.kind !== 'generateProduct' || job.serviceKey !== target.serviceKey) return null;
  return target.seesAllJobs || job.user === target.user ? job : null;
}
