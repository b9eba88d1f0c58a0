import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import { DEFAULT_POOL_SETTINGS, type PoolSettings } from './pool-settings.js';
import { ServicePool } from './service-pool.js';
import { ServiceStatistics } from './service-statistics.js';
import { PiscinaThreads, sharedThreads, type ThreadSource } from './thread-source.js';

const SLEEP_WORKER = new URL('./test-sleep-worker.ts', import.meta.url).href;

function task(id: string, params: [string, string][] = []): OperationTask {
  return { operation: 'export', folder: 'Topo', service: 'Region', params: [['id', id], ...params], format: 'json' };
}

/** A thread source whose tasks end when the test says so. */
class FakeThreads implements ThreadSource {
  readonly started: { task: OperationTask; signal: AbortSignal; finish: (o?: OperationOutcome) => void; fail: (e: Error) => void }[] = [];
  readonly renewed: FakeThreads[] = [];
  closed = false;
  threadCount = 2;
  startingCount = 0;
  private running = new Set<Promise<unknown>>();

  run(task: OperationTask, signal: AbortSignal): Promise<OperationOutcome> {
    assert.equal(this.closed, false, 'a task reached a closed source');
    const p = new Promise<OperationOutcome>((resolve, reject) => {
      const id = new Map(task.params).get('id');
      this.started.push({ task, signal, finish: (o) => resolve(o ?? { ok: true, text: String(id) }), fail: reject });
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    this.running.add(p);
    void p.catch(() => {}).finally(() => this.running.delete(p));
    return p;
  }

  renew(): ThreadSource {
    const next = new FakeThreads();
    this.renewed.push(next);
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}

function settings(over: Partial<PoolSettings> = {}): PoolSettings {
  return { ...DEFAULT_POOL_SETTINGS, recycleIntervalMs: 0, ...over };
}

async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('at most maxInstances requests run at once, the others wait in order', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const pool = new ServicePool({ key: 'Topo/Region', settings: settings({ maxInstances: 2 }), threads, statistics: new ServiceStatistics() });
  const answers = ['a', 'b', 'c', 'd'].map((id) => pool.run(task(id)));
  await until(() => threads.started.length === 2, 'two tasks');
  await sleep(20);
  assert.equal(threads.started.length, 2);
  assert.deepEqual(pool.counts(), { max: 2, busy: 2, free: 0, initializing: 0, notCreated: 0 });
  threads.started[1]!.finish();
  await until(() => threads.started.length === 3, 'the third task');
  threads.started[0]!.finish();
  await until(() => threads.started.length === 4, 'the fourth task');
  assert.deepEqual(threads.started.map((s) => new Map(s.task.params).get('id')), ['a', 'b', 'c', 'd']);
  threads.started[2]!.finish();
  threads.started[3]!.finish();
  assert.deepEqual((await Promise.all(answers)).map((o) => o.ok && 'text' in o && o.text), ['a', 'b', 'c', 'd']);
  assert.equal(pool.statistics.snapshot().transactions, 4);
  assert.deepEqual(pool.counts(), { max: 2, busy: 0, free: 2, initializing: 0, notCreated: 0 });
});

test('a request that finds no free slot within maxWaitTime is answered busy', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const statistics = new ServiceStatistics();
  const pool = new ServicePool({ key: 'Topo/Region', settings: settings({ maxInstances: 1, maxWaitMs: 50 }), threads, statistics });
  const first = pool.run(task('a'));
  const second = await pool.run(task('b'));
  assert.deepEqual(second, {
    ok: false,
    code: 500,
    message: 'Service is busy',
    details: ['no instance of service Topo/Region became free within 0.05 seconds (maxWaitTime)'],
  });
  assert.equal(threads.started.length, 1);
  assert.equal(statistics.snapshot().requests.rejected, 1);
  assert.equal(statistics.snapshot().requests.inFlight, 1);
  threads.started[0]!.finish();
  assert.equal((await first).ok, true);
  // The slot given up by the rejected request is not leaked.
  const third = pool.run(task('c'));
  await until(() => threads.started.length === 2, 'the next task');
  threads.started[1]!.finish();
  assert.equal((await third).ok, true);
  assert.equal(statistics.snapshot().requests.inFlight, 0);
});

test('a request running past maxUsageTime is aborted and its slot freed', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const statistics = new ServiceStatistics();
  const pool = new ServicePool({ key: 'Region', settings: settings({ maxInstances: 1, maxUsageMs: 50 }), threads, statistics });
  const outcome = await pool.run(task('runaway'));
  assert.deepEqual(outcome, {
    ok: false,
    code: 500,
    message: 'Request timed out',
    details: ['the request to service Region ran longer than 0.05 seconds (maxUsageTime)'],
  });
  assert.equal(threads.started[0]!.signal.aborted, true);
  assert.equal(statistics.snapshot().requests.timedOut, 1);
  const next = pool.run(task('next'));
  await until(() => threads.started.length === 2, 'the next task');
  threads.started[1]!.finish();
  assert.equal((await next).ok, true);
});

test('a thread that fails answers an error and frees the slot', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const pool = new ServicePool({ key: 'Region', settings: settings({ maxInstances: 1 }), threads, statistics: new ServiceStatistics() });
  const answer = pool.run(task('a'));
  await until(() => threads.started.length === 1, 'the task');
  threads.started[0]!.fail(new Error('worker exited with code: 1'));
  assert.deepEqual(await answer, { ok: false, code: 500, message: 'Error performing operation', details: ['worker exited with code: 1'] });
  assert.equal(pool.counts().busy, 0);
});

test('counts split max into busy, free, initializing and not created', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const pool = new ServicePool({ key: 'Region', settings: settings({ maxInstances: 4 }), threads, statistics: new ServiceStatistics() });
  threads.threadCount = 2;
  threads.startingCount = 1;
  assert.deepEqual(pool.counts(), { max: 4, busy: 0, free: 1, initializing: 1, notCreated: 2 });
  const answers = [pool.run(task('a')), pool.run(task('b'))];
  await until(() => threads.started.length === 2, 'two tasks');
  threads.startingCount = 0;
  assert.deepEqual(pool.counts(), { max: 4, busy: 2, free: 0, initializing: 0, notCreated: 2 });
  threads.threadCount = 0;
  assert.deepEqual(pool.counts(), { max: 4, busy: 2, free: 0, initializing: 0, notCreated: 2 });
  for (const s of threads.started) s.finish();
  await Promise.all(answers);
  threads.threadCount = Number.POSITIVE_INFINITY; // in-process: every slot is open
  assert.deepEqual(pool.counts(), { max: 4, busy: 0, free: 4, initializing: 0, notCreated: 0 });
});

test('drain refuses new requests, lets accepted ones finish, then closes the threads', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const pool = new ServicePool({ key: 'Topo/Region', settings: settings({ maxInstances: 1 }), threads, statistics: new ServiceStatistics() });
  const running = pool.run(task('a'));
  const waiting = pool.run(task('b'));
  await until(() => threads.started.length === 1, 'the first task');
  let drained = false;
  const drain = pool.drain().then(() => (drained = true));
  assert.deepEqual(await pool.run(task('c')), { ok: false, code: 500, message: 'Service Topo/Region not started', details: [] });
  await sleep(20);
  assert.equal(drained, false);
  assert.equal(threads.closed, false);
  threads.started[0]!.finish();
  await until(() => threads.started.length === 2, 'the waiting task');
  assert.equal(drained, false);
  threads.started[1]!.finish();
  await drain;
  assert.equal(threads.closed, true);
  assert.equal((await running).ok, true);
  assert.equal((await waiting).ok, true);
});

test('recycling sends new requests to fresh threads and lets the old ones finish', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const pool = new ServicePool({
    key: 'Region',
    settings: settings({ maxInstances: 2, recycleIntervalMs: 60_000 }),
    threads,
    statistics: new ServiceStatistics(),
    firstRecycleAt: Date.now() + 30,
  });
  const inFlight = pool.run(task('old'));
  await until(() => threads.renewed.length === 1, 'the recycle');
  assert.equal(threads.closed, true); // closing: it takes no new task but waits for its own
  const fresh = threads.renewed[0]!;
  const next = pool.run(task('new'));
  await until(() => fresh.started.length === 1, 'the task on fresh threads');
  fresh.started[0]!.finish();
  assert.equal((await next).ok, true);
  threads.started[0]!.finish();
  assert.deepEqual(await inFlight, { ok: true, text: 'old' });
  await pool.drain();
  assert.equal(fresh.closed, true);
  assert.equal(fresh.renewed.length, 0, 'the next recycle is an interval later');
});

test('the first recycle comes at the next recycleStartTime', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  // A clock 100 ms before 03:00 local time.
  const at = new Date(2025, 2, 12, 3, 0, 0, 0).getTime();
  const offset = at - 100 - Date.now();
  const pool = new ServicePool({
    key: 'Region',
    settings: settings({ recycleIntervalMs: 3_600_000, recycleStartTime: '03:00' }),
    threads,
    statistics: new ServiceStatistics(),
    now: () => Date.now() + offset,
  });
  await until(() => threads.renewed.length === 1, 'the recycle at 03:00', 5000);
  await pool.drain();
});

test('shared threads are neither recycled nor closed by a service', { timeout: 60_000 }, async () => {
  const threads = new FakeThreads();
  const pool = new ServicePool({ key: 'Region', settings: settings({ recycleIntervalMs: 10 }), threads: sharedThreads(threads), statistics: new ServiceStatistics(), firstRecycleAt: Date.now() });
  pool.recycle();
  const answer = pool.run(task('a'));
  await until(() => threads.started.length === 1, 'the task');
  threads.started[0]!.finish();
  assert.equal((await answer).ok, true);
  await sleep(50);
  await pool.drain();
  assert.equal(threads.renewed.length, 0);
  assert.equal(threads.closed, false);
});

// Real worker threads (piscina) from here on.

function realThreads(over: Partial<{ min: number; max: number; idleMs: number }> = {}): PiscinaThreads {
  return new PiscinaThreads({ filename: SLEEP_WORKER, dataDir: '.', minThreads: over.min ?? 1, maxThreads: over.max ?? 1, idleTimeoutMs: over.idleMs ?? 60_000, closeTimeoutMs: 30_000 });
}

function threadOf(outcome: OperationOutcome): number {
  assert.ok(outcome.ok && 'text' in outcome, JSON.stringify(outcome));
  return (JSON.parse(outcome.text) as { threadId: number }).threadId;
}

test('one real thread under 20 concurrent requests: waiting ends at maxWaitTime', { timeout: 60_000 }, async () => {
  const statistics = new ServiceStatistics();
  const maxWaitMs = 500;
  const pool = new ServicePool({ key: 'Region', settings: settings({ minInstances: 1, maxInstances: 1, maxWaitMs }), threads: realThreads(), statistics });
  threadOf(await pool.run(task('warm', [['ms', '0']])));
  const answers = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const start = performance.now();
      const outcome = await pool.run(task(String(i), [['ms', '100']]));
      return { outcome, ms: performance.now() - start };
    }),
  );
  const busy = answers.filter((a) => !a.outcome.ok);
  const served = answers.filter((a) => a.outcome.ok);
  assert.ok(served.length >= 1, 'some requests are served');
  assert.ok(busy.length >= 1, 'some requests are refused');
  for (const a of busy) {
    assert.equal(!a.outcome.ok && a.outcome.message, 'Service is busy');
    assert.ok(a.ms >= maxWaitMs - 20, `refused after ${a.ms} ms`);
    assert.ok(a.ms < maxWaitMs + 5000, `refused after ${a.ms} ms`);
  }
  const s = statistics.snapshot();
  assert.equal(s.requests.rejected, busy.length);
  assert.equal(s.transactions, served.length + 1);
  assert.equal(s.requests.inFlight, 0);
  await pool.drain();
});

test('maxUsageTime ends a runaway task’s thread and the service goes on', { timeout: 60_000 }, async () => {
  const threads = realThreads();
  const statistics = new ServiceStatistics();
  const pool = new ServicePool({ key: 'Region', settings: settings({ maxInstances: 1, maxUsageMs: 1000 }), threads, statistics });
  const first = threadOf(await pool.run(task('warm')));
  const start = performance.now();
  const runaway = await pool.run(task('spin', [['ms', '120000'], ['spin', 'true']]));
  assert.equal(!runaway.ok && runaway.message, 'Request timed out');
  assert.ok(performance.now() - start < 30_000);
  assert.equal(statistics.snapshot().requests.timedOut, 1);
  // The spinning thread was ended: the next request runs on a new one.
  const after = threadOf(await pool.run(task('after', [['ms', '10']])));
  assert.notEqual(after, first);
  await pool.drain();
});

test('recycling real threads does not fail the request in flight', { timeout: 60_000 }, async () => {
  const renewals: ThreadSource[] = [];
  const observe = (source: ThreadSource): ThreadSource => ({
    run: (t, s) => source.run(t, s),
    get threadCount() {
      return source.threadCount;
    },
    get startingCount() {
      return source.startingCount;
    },
    renew: () => {
      const next = observe(source.renew!());
      renewals.push(next);
      return next;
    },
    close: () => source.close(),
  });
  const threads = observe(realThreads());
  // Warmed first, so the recycle comes while the long request runs.
  const before = threadOf(await threads.run(task('warm'), new AbortController().signal));
  const pool = new ServicePool({
    key: 'Region',
    settings: settings({ maxInstances: 1, recycleIntervalMs: 3_600_000 }),
    threads,
    statistics: new ServiceStatistics(),
    firstRecycleAt: Date.now() + 200,
  });
  const inFlight = pool.run(task('long', [['ms', '1500']]));
  await until(() => renewals.length === 1, 'the recycle');
  const answer = await inFlight;
  assert.equal(threadOf(answer), before);
  const after = threadOf(await pool.run(task('after')));
  assert.notEqual(after, before);
  await pool.drain();
});

test('idle threads above the minimum end after maxIdleTime', { timeout: 60_000 }, async () => {
  const threads = realThreads({ min: 1, max: 2, idleMs: 300 });
  const pool = new ServicePool({ key: 'Region', settings: settings({ minInstances: 1, maxInstances: 2, maxIdleMs: 300 }), threads, statistics: new ServiceStatistics() });
  const answers = Promise.all([pool.run(task('a', [['ms', '400']])), pool.run(task('b', [['ms', '400']]))]);
  await until(() => threads.threadCount === 2, 'a second thread');
  for (const answer of await answers) threadOf(answer);
  await until(() => threads.threadCount === 1, 'the idle thread to end');
  await sleep(600);
  assert.equal(threads.threadCount, 1, 'the minimum stays');
  assert.deepEqual(pool.counts(), { max: 2, busy: 0, free: 1, initializing: 0, notCreated: 1 });
  await pool.drain();
  assert.equal(threads.threadCount, 0);
});
