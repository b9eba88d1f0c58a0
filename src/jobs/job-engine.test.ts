import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { JobEngine, type JobEngineOptions } from './job-engine.js';
import { writeOutputAtomically } from './job-output.js';
import { JOB_STATUS, groupMessages, newJobId, type JobRecord, type JobStatusCode } from './job-types.js';
import { SqliteJobStore } from './sqlite-job-store.js';
import type { TestJobRequest } from './test-job-worker.js';

const WORKER = new URL('./test-job-worker.ts', import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'quadrangle-jobs-'));
after(() => rmSync(root, { recursive: true, force: true }));

let places = 0;
/** A fresh data folder: its own store file and output folder. */
function place(): { dbPath: string; outputDir: string } {
  const dir = join(root, `p${places++}`);
  mkdirSync(dir);
  return { dbPath: join(dir, 'jobs.sqlite'), outputDir: join(dir, 'output') };
}

interface Harness {
  engine: JobEngine;
  store: SqliteJobStore;
  outputDir: string;
  finished: JobRecord[];
  submit(request: TestJobRequest, meta?: { timeLimitMs?: number; user?: string }): Promise<JobRecord>;
  job(id: string): Promise<JobRecord>;
  close(): Promise<void>;
}

async function harness(options: Partial<JobEngineOptions> = {}, at = place()): Promise<Harness> {
  const store = new SqliteJobStore(at.dbPath);
  const finished: JobRecord[] = [];
  const engine = new JobEngine({ store, workerScript: WORKER, outputDir: at.outputDir, onFinished: (j) => finished.push(j), ...options });
  await engine.start();
  return {
    engine, store, outputDir: at.outputDir, finished,
    submit: (request, meta = {}) => engine.submit('generateProduct', request as { [k: string]: number | string | boolean }, { serviceKey: 'Topo', productName: 'TM50', productVersion: 'TDS_7_1', ...meta }),
    job: async (id) => (await store.get(id))!,
    close: async () => { await engine.close(); await store.close(); },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

const inStatus = (h: Harness, id: string, ...codes: JobStatusCode[]) => async () => {
  const job = await h.job(id);
  return (codes as number[]).includes(job.statusCode) ? job : undefined;
};

describe('JobEngine', { concurrency: 4 }, () => {
  it('runs a job on a worker thread to Succeeded, recording its progress, messages and output', async () => {
    const h = await harness();
    const submitted = await h.submit({ steps: 3, stepMs: 120, warn: "ApplyLayout: layer 'Pipelines' has no matching table" }, { user: 'cartographer1' });
    assert.match(submitted.jobId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    assert.equal(submitted.status, 'Waiting');
    const seen = new Set<string>();
    const done = await waitFor('success', async () => {
      const j = await h.job(submitted.jobId);
      if (j.statusCode === JOB_STATUS.InProgress) seen.add(`${j.percentComplete.toFixed(2)} ${j.currentStep}`);
      return j.statusCode === JOB_STATUS.Succeeded && j;
    });
    assert.ok(seen.has('0.33 Step2') || seen.has('0.67 Step3'), `progress seen while running: ${[...seen].join(', ')}`);
    assert.equal(done.percentComplete, 1);
    assert.equal(done.user, 'cartographer1');
    assert.ok(done.started! >= done.submitted && done.finished! >= done.started!);
    assert.deepEqual(groupMessages(done.messages), {
      informative: ['Step1: started', 'Step2: started', 'Step3: started'],
      warning: ["ApplyLayout: layer 'Pipelines' has no matching table"],
      error: [],
    });
    assert.equal(done.result?.outputFile, 'output.txt');
    const dir = h.engine.jobDirectory(done.jobId.toLowerCase());
    assert.equal(readFileSync(join(dir, 'output.txt'), 'utf8'), `output of ${done.jobId}`);
    assert.deepEqual(readdirSync(dir), ['output.txt'], 'no temp file is left');
    assert.deepEqual(h.finished.map((j) => [j.jobId, j.status]), [[done.jobId, 'Succeeded']]);
    await h.close();
  });

  it('never runs more jobs at once than its concurrency, and runs them all', async () => {
    const h = await harness({ concurrency: 2 });
    const jobs = [];
    for (let i = 0; i < 10; i++) jobs.push(await h.submit({ stepMs: 120 }));
    let most = 0;
    const done = await waitFor('all ten', async () => {
      most = Math.max(most, h.engine.runningCount, (await h.store.query({ statusCodes: [JOB_STATUS.InProgress] })).total);
      const page = await h.store.query({ statusCodes: [JOB_STATUS.Succeeded] });
      return page.total === 10 && page.jobs;
    }, 12_000);
    assert.equal(most, 2, 'two at once, never three');
    // The threads' own clocks agree: at no instant did three jobs run.
    const spans = done.map((j) => [j.result!.startedAt as number, j.result!.endedAt as number] as const);
    const overlap = Math.max(...spans.map(([s]) => spans.filter(([s2, e2]) => s2 <= s && s < e2).length));
    assert.ok(overlap <= 2, `${overlap} threads ran at once`);
    // Oldest first.
    const byStart = [...done].sort((a, b) => a.started! - b.started!).map((j) => j.jobId);
    assert.deepEqual(byStart.slice(0, 2).sort(), jobs.slice(0, 2).map((j) => j.jobId).sort());
    await h.close();
  });

  it('cancels a queued job at once and a running one (stuck in a busy loop) within 2 s, removing its folder', async () => {
    const h = await harness({ concurrency: 1 });
    const running = await h.submit({ partial: true, busyMs: 20_000 });
    const queued = await h.submit({});
    await waitFor('the job to run', async () => (await h.job(running.jobId)).currentStep === 'Step1');
    const dir = h.engine.jobDirectory(running.jobId);
    assert.ok(existsSync(join(dir, 'partial.bin')));

    let t = Date.now();
    assert.deepEqual(await h.engine.cancel(queued.jobId), { id: queued.jobId, success: true, message: 'Job canceled' });
    assert.ok(Date.now() - t < 500);
    assert.equal((await h.job(queued.jobId)).status, 'Canceled');

    t = Date.now();
    assert.deepEqual(await h.engine.cancel(running.jobId.toLowerCase()), { id: running.jobId, success: true, message: 'Job canceled' });
    assert.ok(Date.now() - t < 2000, `took ${Date.now() - t} ms`);
    const canceled = await h.job(running.jobId);
    assert.equal(canceled.status, 'Canceled');
    assert.ok(canceled.finished !== null);
    assert.ok(groupMessages(canceled.messages).informative.includes('Job canceled'));
    assert.equal(existsSync(dir), false);
    assert.equal(h.engine.runningCount, 0);

    assert.deepEqual(await h.engine.cancel(running.jobId), { id: running.jobId, success: false, message: 'Job is already finished (Canceled)' });
    assert.deepEqual(await h.engine.cancel(newJobId()).then((r) => r.message), 'Job not found');
    assert.deepEqual(h.finished.map((j) => j.status).sort(), ['Canceled', 'Canceled']);
    await h.close();
  });

  it('stops a job that runs past its time limit as TimedOut', async () => {
    const h = await harness({ timeLimitMs: 60_000 });
    const job = await h.submit({ partial: true, busyMs: 20_000 }, { timeLimitMs: 700 });
    const t = Date.now();
    const timedOut = await waitFor('TimedOut', inStatus(h, job.jobId, JOB_STATUS.TimedOut));
    assert.ok(Date.now() - t < 3000);
    assert.equal(timedOut.error, 'The job ran longer than its time limit of 0.7 s and was stopped.');
    assert.deepEqual(groupMessages(timedOut.messages, 'error').error, [timedOut.error]);
    assert.equal(existsSync(h.engine.jobDirectory(job.jobId)), false);
    await h.close();
  });

  it('fails a job whose handler throws, with the reason in its messages', async () => {
    const h = await harness();
    const job = await h.submit({ partial: true, warn: 'ExtractData: 2 layers empty', fail: 'ExtractData: layer 7 cannot be read' });
    const failed = await waitFor('Failed', inStatus(h, job.jobId, JOB_STATUS.Failed));
    assert.equal(failed.error, 'ExtractData: layer 7 cannot be read');
    assert.deepEqual(groupMessages(failed.messages, 'warn'), { informative: [], warning: ['ExtractData: 2 layers empty'], error: ['ExtractData: layer 7 cannot be read'] });
    assert.equal(existsSync(h.engine.jobDirectory(job.jobId)), false);
    assert.equal(h.finished[0]?.status, 'Failed');
    await h.close();
  });

  it('pauses a queued job at once and a running one between operations, and resumes them', async () => {
    const h = await harness({ concurrency: 1 });
    const running = await h.submit({ steps: 4, stepMs: 150 });
    const queued = await h.submit({});
    await waitFor('Step1', async () => (await h.job(running.jobId)).currentStep === 'Step1');
    assert.deepEqual(await h.engine.pause(queued.jobId), { id: queued.jobId, success: true, message: 'Job paused' });
    assert.deepEqual(await h.engine.pause(running.jobId), { id: running.jobId, success: true, message: 'Pause requested' });
    assert.equal((await h.job(running.jobId)).status, 'PausePending');
    const paused = await waitFor('Paused', inStatus(h, running.jobId, JOB_STATUS.Paused));
    assert.equal(paused.currentStep, 'Step1', 'paused before the next operation');
    assert.equal(h.engine.runningCount, 0, 'a parked job gives up its slot');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await h.job(running.jobId)).currentStep, 'Step1', 'nothing ran while paused');
    assert.equal((await h.job(queued.jobId)).status, 'Paused', 'the paused queued job was not started');
    assert.deepEqual(await h.engine.resume(queued.jobId).then((r) => r.message), 'Resume requested');
    assert.deepEqual(await h.engine.resume(running.jobId).then((r) => r.message), 'Resume requested');
    const resumed = await waitFor('Succeeded', inStatus(h, running.jobId, JOB_STATUS.Succeeded));
    assert.deepEqual(groupMessages(resumed.messages).informative, ['Step1: started', 'Job paused', 'Job resumed', 'Step2: started', 'Step3: started', 'Step4: started']);
    await waitFor('the queued job', inStatus(h, queued.jobId, JOB_STATUS.Succeeded));
    assert.deepEqual(await h.engine.pause(running.jobId).then((r) => r.message), 'Job is not running');
    assert.deepEqual(await h.engine.resume(running.jobId).then((r) => r.message), 'Job is not paused');
    await h.close();
  });

  it('queues a job cut off by a restart once, fails it the second time, and finishes interrupted cancels', async () => {
    const at = place();
    const store = new SqliteJobStore(at.dbPath);
    const base = (statusCode: JobStatusCode, recoveries: number): JobRecord => ({
      jobId: newJobId(), kind: 'generateProduct', serviceKey: 'Topo', productName: 'TM50', productVersion: null, user: 'anonymous',
      status: 'InProgress', statusCode, submitted: Date.now() - 5000, updated: Date.now() - 4000, started: Date.now() - 4000, finished: null,
      percentComplete: 0.5, currentStep: 'ApplyLayout', messages: [], request: { steps: 1 }, result: null, error: null, timeLimitMs: null, recoveries,
    });
    const first = base(JOB_STATUS.InProgress, 0);
    const second = base(JOB_STATUS.InProgress, 1);
    const canceling = base(JOB_STATUS.Canceling, 0);
    for (const j of [first, second, canceling]) await store.insert(j);
    mkdirSync(join(at.outputDir, first.jobId), { recursive: true });
    writeFileSync(join(at.outputDir, first.jobId, 'stale.bin'), 'half');
    await store.close();

    const h = await harness({}, at);
    const failed = await h.job(second.jobId);
    assert.equal(failed.status, 'Failed');
    assert.match(failed.error!, /restarted while the job was running, for the second time/);
    assert.equal((await h.job(canceling.jobId)).status, 'Canceled');
    const done = await waitFor('the re-queued job', inStatus(h, first.jobId, JOB_STATUS.Succeeded));
    assert.equal(done.recoveries, 1);
    assert.match(groupMessages(done.messages).informative[0]!, /restarted while the job was running; the job was queued again/);
    assert.deepEqual(readdirSync(h.engine.jobDirectory(first.jobId)), ['output.txt'], 'the stale partial file went');
    assert.deepEqual(h.finished.map((j) => j.status).sort(), ['Canceled', 'Failed', 'Succeeded']);
    await h.close();
  });

  it('puts running jobs back in the queue on close, and the next engine runs them', async () => {
    const at = place();
    const first = await harness({}, at);
    const job = await first.submit({ steps: 2, stepMs: 2000 });
    await waitFor('Step1', async () => (await first.job(job.jobId)).currentStep === 'Step1');
    await first.close();
    const second = await harness({}, at);
    const done = await waitFor('the job to run again', inStatus(second, job.jobId, JOB_STATUS.Succeeded, JOB_STATUS.InProgress));
    assert.equal(done.recoveries, 0, 'an orderly stop does not use up the retry');
    assert.match(groupMessages(done.messages).informative.join('\n'), /Quadrangle stopped while the job was running; the job was queued again/);
    await second.engine.cancel(job.jobId);
    await second.close();
  });

  it('deletes old finished jobs and their folders on its cleanup timer', async () => {
    const at = place();
    const store = new SqliteJobStore(at.dbPath);
    const now = Date.now();
    const make = (statusCode: JobStatusCode, finished: number | null): JobRecord => ({
      jobId: newJobId(), kind: 'print', serviceKey: 'Topo', productName: null, productVersion: null, user: 'anonymous', status: 'New', statusCode,
      submitted: now - 3_600_000, updated: now, started: null, finished, percentComplete: 1, currentStep: null, messages: [], request: {}, result: null,
      error: null, timeLimitMs: null, recoveries: 0,
    });
    const old = make(JOB_STATUS.Succeeded, now - 120_000);
    const recent = make(JOB_STATUS.Failed, now - 1000);
    const oldPaused = make(JOB_STATUS.Paused, null);
    for (const j of [old, recent, oldPaused]) {
      await store.insert(j);
      await writeOutputAtomically(join(at.outputDir, j.jobId, 'sheet.pdf'), 'pdf');
    }
    const orphan = join(at.outputDir, newJobId());
    mkdirSync(orphan);
    const freshOrphan = join(at.outputDir, newJobId());
    mkdirSync(freshOrphan);
    const other = join(at.outputDir, 'not-a-job');
    mkdirSync(other);
    const longAgo = new Date(now - 120_000);
    for (const d of [orphan, other]) utimesSync(d, longAgo, longAgo);
    await store.close();

    const h = await harness({ cleanupIntervalMs: 50, maxAgeMs: 60_000 }, at);
    await waitFor('cleanup', async () => (await h.store.get(old.jobId)) === null);
    await waitFor('the orphan folder', async () => !existsSync(orphan));
    assert.equal(existsSync(h.engine.jobDirectory(old.jobId)), false);
    for (const j of [recent, oldPaused]) {
      assert.ok(await h.store.get(j.jobId));
      assert.ok(existsSync(join(h.engine.jobDirectory(j.jobId), 'sheet.pdf')));
    }
    assert.ok(existsSync(freshOrphan) && existsSync(other), 'young or foreign folders stay');
    await h.close();
  });

  it('deletes finished jobs only, unless forced, and reports unknown jobs', async () => {
    const h = await harness();
    assert.deepEqual(await h.engine.delete('1EC280F6-2D86-4B71-9C3F-4A2BF5B153D2'), { id: '1EC280F6-2D86-4B71-9C3F-4A2BF5B153D2', success: false, message: 'Job not found' });
    assert.deepEqual(await h.engine.delete('../../etc'), { id: '../../etc', success: false, message: 'Job not found' });
    const done = await h.submit({});
    const long = await h.submit({ stepMs: 20_000 });
    await waitFor('done', inStatus(h, done.jobId, JOB_STATUS.Succeeded));
    await waitFor('long running', inStatus(h, long.jobId, JOB_STATUS.InProgress));
    assert.ok(existsSync(h.engine.jobDirectory(done.jobId)));
    assert.deepEqual(await h.engine.delete(done.jobId.toLowerCase()), { id: done.jobId, success: true, message: 'Job deleted' });
    assert.equal(await h.engine.get(done.jobId), null);
    assert.equal(existsSync(h.engine.jobDirectory(done.jobId)), false);
    assert.deepEqual(await h.engine.delete(done.jobId), { id: done.jobId, success: false, message: 'Job not found' });

    assert.deepEqual(await h.engine.delete(long.jobId), { id: long.jobId, success: false, message: 'Job is still active; cancel it first' });
    assert.equal((await h.job(long.jobId)).status, 'InProgress');
    assert.deepEqual(await h.engine.delete(long.jobId, { force: true }), { id: long.jobId, success: true, message: 'Job deleted' });
    assert.equal(await h.engine.get(long.jobId), null);
    assert.equal(existsSync(h.engine.jobDirectory(long.jobId)), false);
    assert.equal(h.engine.runningCount, 0);
    assert.equal((await h.engine.query({})).total, 0);
    await h.close();
  });
});
