/**
 * The jobs a Topographic Production Service shows: generateProduct jobs of its own map
 * service. A job of another service is "not found" here, as a deleted one is (tps.md §12).
 * @module faces/tps/service-jobs
 */
import type { ServerContext } from '../../http/server.js';
import type { JobRecord } from '../../jobs/job-types.js';
import type { TpsTarget } from './tps-target.js';

/** The job with this ID (any case) when it belongs to the service, else null. */
export async function serviceJob(ctx: ServerContext, target: TpsTarget, jobId: string): Promise<JobRecord | null> {
  const job = await ctx.jobs.get(jobId);
  return job && job.kind === 'generateProduct' && job.serviceKey === target.serviceKey ? job : null;
}
