import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceStatistics } from './service-statistics.js';

function clock(start = 1_741_770_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

test('the service start is the moment the statistics were created', () => {
  const c = clock();
  const stats = new ServiceStatistics({ now: c.now });
  c.advance(5000);
  assert.equal(stats.since, 1_741_770_000_000);
  assert.equal(stats.startTime, 1_741_770_000_000);
  assert.equal(stats.snapshot().since, 1_741_770_000_000);
  assert.equal(stats.snapshot().windowSeconds, 900);
});

test('percentiles, maximum and mean over a known sample (nearest rank)', () => {
  const c = clock();
  const stats = new ServiceStatistics({ now: c.now });
  // 1..100 ms in a shuffled order.
  const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
  for (const v of values) stats.recordRequest('export', v, 'succeeded');
  assert.deepEqual(stats.snapshot().latencyMs, { p50: 50, p90: 90, p95: 95, p99: 99, max: 100, mean: 51 });
});

test('long response times keep within half a percent and the maximum is exact', () => {
  const stats = new ServiceStatistics({ now: clock().now });
  for (let i = 0; i < 99; i++) stats.recordRequest('query', 1000, 'succeeded');
  stats.recordRequest('query', 123_457, 'succeeded');
  const l = stats.snapshot().latencyMs;
  assert.ok(Math.abs(l.p50 - 1000) <= 5, `p50 ${l.p50}`);
  assert.ok(Math.abs(l.p99 - 1000) <= 5, `p99 ${l.p99}`);
  assert.equal(l.max, 123_457);
  assert.equal(l.mean, Math.round((99 * 1000 + 123_457) / 100));
});

test('samples older than the window drop out; counters do not', () => {
  const c = clock();
  const stats = new ServiceStatistics({ now: c.now });
  for (let i = 0; i < 10; i++) stats.recordRequest('export', 5000, 'succeeded');
  c.advance(600_000);
  for (let i = 0; i < 10; i++) stats.recordRequest('export', 10, 'succeeded');
  let s = stats.snapshot();
  assert.equal(s.latencyMs.max, 5000);
  assert.equal(s.latencyMs.p50, 10);
  c.advance(310_000); // the slow ones are now 910 s old
  s = stats.snapshot();
  assert.deepEqual(s.latencyMs, { p50: 10, p90: 10, p95: 10, p99: 10, max: 10, mean: 10 });
  assert.equal(s.requests.total, 20);
  c.advance(900_000);
  assert.deepEqual(stats.snapshot().latencyMs, { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  assert.equal(stats.snapshot().requests.succeeded, 20);
});

test('a ring slot reused a window later holds only the new samples', () => {
  const c = clock();
  const stats = new ServiceStatistics({ now: c.now });
  stats.recordRequest('export', 700, 'succeeded');
  c.advance(900_000); // same slot of the ring, one window later
  stats.recordRequest('export', 3, 'succeeded');
  assert.deepEqual(stats.snapshot().latencyMs, { p50: 3, p90: 3, p95: 3, p99: 3, max: 3, mean: 3 });
});

test('requests are counted by operation, unknown operations as other', () => {
  const stats = new ServiceStatistics({ now: clock().now });
  for (const op of ['export', 'export', 'identify', 'query', 'find', 'legend', 'tile', 'generateKml', 'generateProduct', 'root']) {
    stats.recordRequest(op, 1, 'succeeded');
  }
  assert.deepEqual(stats.snapshot().requests.byOperation, { export: 2, identify: 1, query: 1, find: 1, legend: 1, tile: 1, generateKml: 1, other: 2 });
});

test('rejected and timed-out requests are not counted again as failed', () => {
  const stats = new ServiceStatistics({ now: clock().now });
  stats.recordRequest('export', 10, 'succeeded');
  stats.recordRequest('export', 10, 'failed'); // a plain error
  stats.recordRejected();
  stats.recordRequest('export', 60_000, 'failed'); // the rejected one, as the HTTP layer reports it
  stats.recordTimedOut();
  stats.recordRequest('query', 600_000, 'failed'); // the timed-out one
  const r = stats.snapshot().requests;
  assert.deepEqual({ total: r.total, succeeded: r.succeeded, failed: r.failed, timedOut: r.timedOut, rejected: r.rejected }, { total: 4, succeeded: 1, failed: 1, timedOut: 1, rejected: 1 });
  assert.equal(r.total, r.succeeded + r.failed + r.timedOut + r.rejected);
});

test('requests in flight, transactions and busy time', () => {
  const stats = new ServiceStatistics({ now: clock().now });
  stats.requestStarted();
  stats.requestStarted();
  stats.requestEnded();
  stats.recordSlotUse(120.4);
  stats.recordSlotUse(80.4);
  const s = stats.snapshot();
  assert.equal(s.requests.inFlight, 1);
  assert.equal(s.transactions, 2);
  assert.equal(s.totalBusyTime, 201);
  stats.requestEnded();
  stats.requestEnded();
  assert.equal(stats.snapshot().requests.inFlight, 0);
});
