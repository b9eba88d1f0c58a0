import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { ServiceManager } from '../catalog/service-manager.js';
import type { Operation, OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import { DEFAULT_POOL_SETTINGS, samePoolSettings, type PoolSettings } from './pool-settings.js';
import { ServicePools } from './service-pools.js';

const SLEEP_WORKER = new URL('./test-sleep-worker.ts', import.meta.url).href;

function task(service: string, params: [string, string][] = [], folder = 'Topo'): OperationTask {
  return { operation: 'sleep', folder, service, params, format: 'json' };
}

/** In-process operations: `sleep` waits for its `ms`, or until the test releases it. */
function operations(): { ops: Record<string, Operation>; release: () => void; started: () => number } {
  let started = 0;
  let releases: (() => void)[] = [];
  const sleepOp: Operation = async ({ params }) => {
    started++;
    const ms = params.get('ms');
    if (ms) await sleep(Number(ms));
    else await new Promise<void>((resolve) => releases.push(resolve));
    return { json: { slept: true } };
  };
  return { ops: { sleep: sleepOp }, release: () => (releases.splice(0).forEach((r) => r())), started: () => started };
}

/** Enough of a service manager for operations that do not read the service. */
const services = { get: async () => ({}) } as unknown as ServiceManager;

function settings(over: Partial<PoolSettings> = {}): PoolSettings {
  return { ...DEFAULT_POOL_SETTINGS, recycleIntervalMs: 0, ...over };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

test('default settings are admin.md’s defaults', () => {
  assert.deepEqual(DEFAULT_POOL_SETTINGS, {
    minInstances: 1, maxInstances: 2, maxWaitMs: 60_000, maxUsageMs: 600_000, maxIdleMs: 1_800_000,
    recycleIntervalMs: 86_400_000, recycleStartTime: '00:00', isolation: 'HIGH',
  });
  assert.equal(samePoolSettings(DEFAULT_POOL_SETTINGS, { ...DEFAULT_POOL_SETTINGS }), true);
  assert.equal(samePoolSettings(DEFAULT_POOL_SETTINGS, { ...DEFAULT_POOL_SETTINGS, maxWaitMs: 1 }), false);
  assert.equal(samePoolSettings(DEFAULT_POOL_SETTINGS, { ...DEFAULT_POOL_SETTINGS, isolation: 'LOW' }), false);
});

test('an unknown or stopped service answers 404 and gets no pool', { timeout: 60_000 }, async () => {
  const pools = new ServicePools({ threads: 0, dataDir: '.', services, settingsFor: async () => null, operations: operations().ops });
  assert.deepEqual(await pools.run(task('Nowhere')), { ok: false, code: 404, message: 'Service Topo/Nowhere/MapServer not found', details: [] });
  assert.deepEqual(await pools.run(task('Nowhere', [], '')), { ok: false, code: 404, message: 'Service Nowhere/MapServer not found', details: [] });
  assert.equal(pools.statistics('Topo', 'Nowhere'), null);
  assert.deepEqual(pools.list(), []);
  await pools.close();
});

test('each service has its own slots and statistics', { timeout: 60_000 }, async () => {
  const op = operations();
  const pools = new ServicePools({
    threads: 0, dataDir: '.', services, operations: op.ops,
    settingsFor: async (_folder, name) => settings({ maxInstances: name === 'A' ? 1 : 3, maxWaitMs: 100 }),
  });
  const a1 = pools.run(task('A'));
  await until(() => op.started() === 1, 'A’s first request');
  // A's only slot is taken: A refuses, B still serves.
  const a2 = await pools.run(task('A'));
  assert.equal(!a2.ok && a2.message, 'Service is busy');
  const b = pools.run(task('B'));
  await until(() => op.started() === 2, 'B’s request');
  assert.deepEqual(pools.statistics('Topo', 'A')?.counts, { max: 1, busy: 1, free: 0, initializing: 0, notCreated: 0 });
  assert.deepEqual(pools.statistics('Topo', 'B')?.counts, { max: 3, busy: 1, free: 2, initializing: 0, notCreated: 0 });
  op.release();
  assert.deepEqual(await a1, { ok: true, text: '{"slept":true}' });
  assert.equal((await b).ok, true);
  const sa = pools.statistics('Topo', 'A')!;
  assert.equal(sa.snapshot.requests.rejected, 1);
  assert.equal(sa.snapshot.transactions, 1);
  assert.equal(pools.statistics('Topo', 'B')!.snapshot.requests.rejected, 0);
  assert.deepEqual(pools.list().map((p) => p.key).sort(), ['Topo/A', 'Topo/B']);
  await pools.close();
});

test('requests recorded by the HTTP layer count with the pool’s own', { timeout: 60_000 }, async () => {
  let t = 1_000_000;
  const pools = new ServicePools({ threads: 0, dataDir: '.', services, operations: operations().ops, settingsFor: async () => settings(), now: () => t });
  pools.recordRequest('Topo', 'A', 'legend', 4, 'succeeded'); // before the pool opened
  t += 1000;
  await pools.run(task('A', [['ms', '1']]));
  pools.recordRequest('Topo', 'A', 'export', 30, 'succeeded');
  const s = pools.statistics('Topo', 'A')!;
  assert.equal(s.startTime, 1_000_000);
  assert.equal(s.snapshot.requests.total, 2);
  assert.equal(s.snapshot.requests.byOperation.legend, 1);
  assert.equal(s.snapshot.requests.byOperation.export, 1);
  assert.equal(s.snapshot.transactions, 1);
  await pools.close();
});

test('stop drains the pool and forgets the statistics; a new start counts afresh', { timeout: 60_000 }, async () => {
  const op = operations();
  let stopped = false;
  let t = 5_000;
  const pools = new ServicePools({ threads: 0, dataDir: '.', services, operations: op.ops, settingsFor: async () => (stopped ? null : settings()), now: () => t });
  const inFlight = pools.run(task('A'));
  await until(() => op.started() === 1, 'the request');
  pools.recordRequest('Topo', 'A', 'export', 1, 'succeeded');
  stopped = true;
  let done = false;
  const stop = pools.stop('Topo', 'A').then(() => (done = true));
  assert.equal(pools.statistics('Topo', 'A'), null);
  await sleep(20);
  assert.equal(done, false, 'stop waits for the request in flight');
  op.release();
  assert.equal((await inFlight).ok, true);
  await stop;
  assert.equal((await pools.run(task('A'))).ok, false);
  stopped = false;
  t = 9_000;
  assert.equal(await pools.start('Topo', 'A'), true);
  const s = pools.statistics('Topo', 'A')!;
  assert.equal(s.startTime, 9_000);
  assert.equal(s.snapshot.requests.total, 0);
  assert.equal(s.snapshot.transactions, 0);
  await pools.close();
});

test('a stop while the settings are read leaves no pool behind', { timeout: 60_000 }, async () => {
  let stopped = false;
  let gate: (() => void) | null = null;
  const pools = new ServicePools({
    threads: 0, dataDir: '.', services, operations: operations().ops,
    settingsFor: async () => {
      const wasStopped = stopped;
      if (!gate) await new Promise<void>((resolve) => (gate = resolve));
      return wasStopped ? null : settings();
    },
  });
  const answer = pools.run(task('A', [['ms', '1']]));
  await until(() => gate !== null, 'the settings read');
  stopped = true;
  await pools.stop('Topo', 'A');
  gate!();
  assert.equal((await answer).ok, false);
  assert.equal(pools.statistics('Topo', 'A'), null);
  await pools.close();
});

test('an edit of the pool settings swaps the pool; the old one finishes its requests', { timeout: 60_000 }, async () => {
  const op = operations();
  let current = settings({ maxInstances: 1 });
  const pools = new ServicePools({ threads: 0, dataDir: '.', services, operations: op.ops, settingsFor: async () => current });
  const old = pools.run(task('A'));
  await until(() => op.started() === 1, 'the first request');
  current = settings({ maxInstances: 3 });
  // The old pool's only slot is busy, yet the new one serves at once.
  const next = pools.run(task('A', [['ms', '1']]));
  assert.equal((await next).ok, true);
  assert.equal(pools.statistics('Topo', 'A')!.counts.max, 3);
  op.release();
  assert.deepEqual(await old, { ok: true, text: '{"slept":true}' });
  assert.equal(pools.statistics('Topo', 'A')!.snapshot.transactions, 2, 'statistics go on across the edit');
  await pools.close();
});

function threadOf(outcome: OperationOutcome): number {
  assert.ok(outcome.ok && 'text' in outcome, JSON.stringify(outcome));
  return (JSON.parse(outcome.text) as { threadId: number }).threadId;
}

test('LOW services share one pool of threads; HIGH services have their own', { timeout: 60_000 }, async () => {
  const isolation: Record<string, 'LOW' | 'HIGH'> = { L1: 'LOW', L2: 'LOW', H1: 'HIGH', H2: 'HIGH' };
  const pools = new ServicePools({
    threads: 1, dataDir: '.', services, workerFile: SLEEP_WORKER,
    settingsFor: async (_f, name) => settings({ isolation: isolation[name]!, minInstances: 1, maxInstances: 1 }),
  });
  const [l1, l2, h1, h2] = await Promise.all(['L1', 'L2', 'H1', 'H2'].map(async (name) => threadOf(await pools.run(task(name, [['ms', '10']])))));
  assert.equal(l1, l2);
  assert.equal(new Set([l1, h1, h2]).size, 3);
  await pools.close();
  assert.deepEqual(pools.list(), []);
});
