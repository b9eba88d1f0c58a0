import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '../db/test-database.js';
import { JobEngine } from './job-engine.js';
import { JOB_STATUS, groupMessages, type JobRecord, type JobStatusCode } from './job-types.js';
import { PgJobStore } from './pg-job-store.js';
import type { TestJobRequest } from './test-job-worker.js';

const WORKER = new URL('./test-job-worker.ts', import.meta.url);
const NODE_SCRIPT = fileURLToPath(new URL('./test-engine-node.ts', import.meta.url));
/** Short enough that a dead node's job is taken over within the test, long enough for slow renewals. */
const LEASE_MS = 1500;
const WATCH_MS = 250;

let db: TestDatabase;
let root: string;
const children: ChildProcess[] = [];
/** Every node a test made, closed at the end even when the test failed half-way. */
const nodes: Node[] = [];
before(async () => {
  db = await createTestDatabase();
  root = mkdtempSync(join(tmpdir(), 'quadrangle-cluster-jobs-'));
});
after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const node of nodes) await node.close().catch(() => {});
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});

interface Node {
  engine: JobEngine;
  store: PgJobStore;
  finished: JobRecord[];
  submit(request: TestJobRequest): Promise<JobRecord>;
  close(): Promise<void>;
}

/** One node: its own store (own lease owner) and engine on the shared database and job folder. */
async function clusterNode(outputDir: string, options: { start?: boolean } = {}): Promise<Node> {
  const store = await PgJobStore.open(db.url, { leaseMs: LEASE_MS });
  const finished: JobRecord[] = [];
  const engine = new JobEngine({
    store, workerScript: WORKER, outputDir, concurrency: 1, pollIntervalMs: 100, watchIntervalMs: WATCH_MS, onFinished: (j) => finished.push(j),
  });
  if (options.start ?? true) await engine.start();
  let closing: Promise<void> | null = null;
  const node: Node = {
    engine, store, finished,
    submit: (request) => engine.submit('generateProduct', request as { [k: string]: number | string | boolean }, { serviceKey: 'Topo', productName: 'TM50' }),
    close: () => (closing ??= engine.close().then(() => store.close())),
  };
  nodes.push(node);
  return node;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const inStatus = (node: Node, id: string, ...codes: JobStatusCode[]) => async () => {
  const job = await node.engine.get(id);
  return job && (codes as number[]).includes(job.statusCode) ? job : undefined;
};

let folders = 0;
const jobFolder = (): string => join(root, `jobs-${folders++}`);

describe('JobEngine on PostgreSQL, several nodes', () => {
  it('runs ten jobs submitted on two nodes each exactly once, visible from both', async () => {
    const outputDir = jobFolder();
    const [a, b] = [await clusterNode(outputDir), await clusterNode(outputDir)];
    const jobs: JobRecord[] = [];
    // Each job runs longer than a lease, so it finishes only if its node keeps renewing.
    for (let i = 0; i < 10; i++) jobs.push(await (i % 2 ? b : a).submit({ steps: 2, stepMs: 900 }));
    await waitFor('all ten', async () => (await a.engine.query({ statusCodes: [JOB_STATUS.Succeeded] })).total === 10, 60_000);

    const ran = [...a.finished, ...b.finished].map((j) => j.jobId).sort();
    assert.deepEqual(ran, jobs.map((j) => j.jobId).sort(), 'each job finished once, on one node');
    assert.ok(a.finished.length > 0 && b.finished.length > 0, `both nodes ran jobs (${a.finished.length} + ${b.finished.length})`);
    for (const node of [a, b]) {
      // One job at a time per node: the runs a node finished never overlap.
      const spans = node.finished.map((j) => [j.result!.startedAt as number, j.result!.endedAt as number]).sort((x, y) => x[0]! - y[0]!);
      for (let i = 1; i < spans.length; i++) assert.ok(spans[i]![0]! >= spans[i - 1]![1]!, 'a node ran two jobs at once');
    }
    for (const job of jobs) {
      const [viaA, viaB] = [await a.engine.get(job.jobId), await b.engine.get(job.jobId.toLowerCase())];
      assert.deepEqual(viaA, viaB);
      assert.equal(viaA!.status, 'Succeeded');
      assert.equal(viaA!.recoveries, 0);
      assert.deepEqual(groupMessages(viaA!.messages), { informative: ['Step1: started', 'Step2: started'], warning: [], error: [] });
      assert.equal(readFileSync(join(outputDir, job.jobId, 'output.txt'), 'utf8'), `output of ${job.jobId}`);
    }
    await a.close();
    await b.close();
  });

  it('finishes on another node, once, a job whose node was killed (SIGKILL) in the middle of it', async () => {
    const outputDir = jobFolder();
    const child = spawn(process.execPath, ['--import', 'tsx', NODE_SCRIPT, JSON.stringify({
      databaseUrl: db.url, outputDir, leaseMs: LEASE_MS, watchIntervalMs: WATCH_MS, pollIntervalMs: 100,
    })], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const childLines: string[] = [];
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => childLines.push(line));
    await waitFor('the node process', async () => childLines.some((l) => l.startsWith('ready ')), 30_000);

    // Submitted through a node that is not polling yet, so the child process claims the job.
    const survivor = await clusterNode(outputDir, { start: false });
    const job = await survivor.submit({ steps: 3, stepMs: 1500, partial: true });
    await waitFor('the child to run the job', async () => (await survivor.engine.get(job.jobId))?.currentStep === 'Step1');
    await survivor.engine.start();
    // Longer than the lease: the live child keeps renewing, so the survivor leaves the job alone.
    await sleep(LEASE_MS + 500);
    const meanwhile = (await survivor.engine.get(job.jobId))!;
    assert.equal(meanwhile.recoveries, 0);
    assert.ok(meanwhile.statusCode === JOB_STATUS.InProgress, meanwhile.status);
    assert.equal(survivor.engine.runningCount, 0);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    const done = await waitFor('the job to finish on the survivor', inStatus(survivor, job.jobId, JOB_STATUS.Succeeded, JOB_STATUS.Failed), 30_000);
    assert.equal(done.status, 'Succeeded', done.error ?? '');
    assert.equal(done.recoveries, 1);
    const informative = groupMessages(done.messages).informative;
    const requeued = done.messages.find((m) => /while the job was running; the job was queued again and starts from the beginning/.test(m.description));
    assert.ok(requeued, informative.join('\n'));
    assert.ok(requeued.time >= killedAt + LEASE_MS - WATCH_MS - 200, `taken over ${requeued.time - killedAt} ms after the kill, before the lease ran out`);
    assert.ok((done.result!.startedAt as number) > killedAt, 'run again from the beginning on the survivor');
    const rerun = done.messages.slice(done.messages.indexOf(requeued) + 1).map((m) => m.description);
    assert.deepEqual(rerun, ['Step1: started', 'Step2: started', 'Step3: started'], 'one run after the take-over');
    assert.deepEqual(survivor.finished.map((j) => j.jobId), [job.jobId]);
    assert.equal(childLines.some((l) => l.startsWith('finished')), false);
    assert.deepEqual(readFileSync(join(outputDir, job.jobId, 'output.txt'), 'utf8'), `output of ${job.jobId}`);
    await survivor.close();
  });

  it('stops a job running on one node when another node cancels it', async () => {
    const outputDir = jobFolder();
    const runner = await clusterNode(outputDir);
    const job = await runner.submit({ partial: true, busyMs: 30_000 });
    await waitFor('the job to run', async () => (await runner.engine.get(job.jobId))?.currentStep === 'Step1');
    assert.equal(runner.engine.runningCount, 1);
    assert.ok(existsSync(join(outputDir, job.jobId, 'partial.bin')));
    const other = await clusterNode(outputDir);

    const t = Date.now();
    assert.deepEqual(await other.engine.cancel(job.jobId), { id: job.jobId, success: true, message: 'Job canceled' });
    assert.ok(Date.now() - t < 4000, `took ${Date.now() - t} ms`);
    assert.equal(runner.engine.runningCount, 0, 'the thread on the running node was stopped');
    const canceled = (await other.engine.get(job.jobId))!;
    assert.equal(canceled.status, 'Canceled');
    assert.ok(groupMessages(canceled.messages).informative.includes('Job canceled'));
    assert.equal(existsSync(join(outputDir, job.jobId)), false);
    assert.deepEqual(runner.finished.map((j) => j.status), ['Canceled']);
    assert.deepEqual(other.finished, []);
    assert.deepEqual(await other.engine.cancel(job.jobId), { id: job.jobId, success: false, message: 'Job is already finished (Canceled)' });
    await runner.close();
    await other.close();
  });

  it('pauses a job on the node running it when another node asks, and resumes it there', async () => {
    const outputDir = jobFolder();
    const runner = await clusterNode(outputDir);
    const job = await runner.submit({ steps: 5, stepMs: 400 });
    await waitFor('Step1', async () => (await runner.engine.get(job.jobId))?.currentStep === 'Step1');
    const other = await clusterNode(outputDir);
    assert.deepEqual(await other.engine.pause(job.jobId), { id: job.jobId, success: true, message: 'Pause requested' });
    const paused = await waitFor('Paused', inStatus(other, job.jobId, JOB_STATUS.Paused));
    assert.equal(runner.engine.runningCount, 0, 'parked at a checkpoint');
    await sleep(LEASE_MS + 300);
    assert.equal((await other.engine.get(job.jobId))!.currentStep, paused.currentStep, 'nothing ran while paused');
    assert.deepEqual(await other.engine.resume(job.jobId), { id: job.jobId, success: true, message: 'Resume requested' });
    const done = await waitFor('Succeeded', inStatus(other, job.jobId, JOB_STATUS.Succeeded));
    const informative = groupMessages(done.messages).informative;
    assert.ok(informative.includes('Job paused') && informative.includes('Job resumed'), informative.join('\n'));
    assert.equal(informative.filter((m) => m === 'Step1: started').length, 1, 'continued, not started again');
    assert.deepEqual(runner.finished.map((j) => j.jobId), [job.jobId], 'on the node that kept its thread');
    assert.deepEqual(other.finished, []);
    await runner.close();
    await other.close();
  });
});
