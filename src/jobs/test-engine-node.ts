/**
 * One cluster node's job engine as a process of its own, for the cluster tests (used only by
 * them): a JobEngine over the PostgreSQL store running the test job worker. It takes its
 * settings as one JSON argument (`{databaseUrl, outputDir, leaseMs, watchIntervalMs,
 * pollIntervalMs}`), prints `ready <nodeId>` once it polls for jobs, then one line per job that
 * ends, and runs until it is killed — which is the point: a test kills it with SIGKILL in the
 * middle of a job, as a node dies.
 * @module jobs/test-engine-node
 */
import { JobEngine } from './job-engine.js';
import { PgJobStore } from './pg-job-store.js';

interface NodeSettings {
  databaseUrl: string;
  outputDir: string;
  leaseMs: number;
  watchIntervalMs: number;
  pollIntervalMs: number;
}

const settings = JSON.parse(process.argv[2] ?? '{}') as NodeSettings;
const store = await PgJobStore.open(settings.databaseUrl, { leaseMs: settings.leaseMs });
const engine = new JobEngine({
  store, workerScript: new URL('./test-job-worker.ts', import.meta.url), outputDir: settings.outputDir, concurrency: 1,
  watchIntervalMs: settings.watchIntervalMs, pollIntervalMs: settings.pollIntervalMs,
  onFinished: (job) => process.stdout.write(`finished ${job.jobId} ${job.status}\n`),
});
await engine.start();
process.stdout.write(`ready ${store.nodeId}\n`);
