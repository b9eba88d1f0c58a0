import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../db/test-database.js';
import { describeJobStoreContract, jobRecord } from './job-store-contract.js';
import { JOB_STATUS, type JobRecord } from './job-types.js';
import { openJobStore } from './open-job-store.js';
import { PgJobStore } from './pg-job-store.js';
import { SqliteJobStore } from './sqlite-job-store.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db?.drop(); });

/** Runs one statement on the test database outside any store. */
async function sql(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try { return await client.query(text, values); } finally { await client.end(); }
}

describeJobStoreContract('PgJobStore', async () => {
  const store = await PgJobStore.open(db.url);
  await sql('TRUNCATE quadrangle.jobs_records CASCADE');
  return store;
});

describe('PgJobStore across nodes', () => {
  /** Two nodes' stores on the emptied database. */
  async function twoNodes(leaseMs: number): Promise<[PgJobStore, PgJobStore]> {
    const stores = await Promise.all([PgJobStore.open(db.url, { leaseMs }), PgJobStore.open(db.url, { leaseMs })]);
    await sql('TRUNCATE quadrangle.jobs_records CASCADE');
    return stores;
  }
  const waiting = (submitted: number, fields: Partial<JobRecord> = {}): JobRecord => jobRecord({ statusCode: JOB_STATUS.Waiting, submitted, ...fields });

  it('creates its tables once when several nodes open an empty database together', async () => {
    const fresh = await createTestDatabase();
    try {
      const stores = await Promise.all([1, 2, 3].map(() => PgJobStore.open(fresh.url)));
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const applied = await client.query(`SELECT version FROM quadrangle.schema_migrations WHERE module = 'jobs'`);
      await client.end();
      assert.deepEqual(applied.rows, [{ version: 1 }]);
      await stores[0]!.insert(waiting(1));
      assert.equal((await stores[2]!.query({})).total, 1);
      for (const s of stores) await s.close();
    } finally {
      await fresh.drop();
    }
  });

  it('never gives one job to two nodes claiming at once', async () => {
    const [a, b] = await twoNodes(30_000);
    const jobs = Array.from({ length: 40 }, (_, i) => waiting(i + 1, { serviceKey: i % 5 === 0 ? 'Topo/Stopped' : 'Topo' }));
    for (const j of jobs) await a.insert(j);
    const claimed: string[] = [];
    const claimer = async (store: PgJobStore): Promise<void> => {
      for (let job = await store.claimNext(Date.now(), ['Topo/Stopped']); job; job = await store.claimNext(Date.now(), ['Topo/Stopped'])) claimed.push(job.jobId);
    };
    await Promise.all([claimer(a), claimer(b), claimer(a), claimer(b), claimer(a), claimer(b)]);
    const expected = jobs.filter((j) => j.serviceKey === 'Topo').map((j) => j.jobId);
    assert.equal(claimed.length, expected.length, 'each claimed once');
    assert.deepEqual([...claimed].sort(), [...expected].sort());
    assert.equal((await a.query({ statusCodes: [JOB_STATUS.Waiting] })).total, 8, "the stopped service's jobs wait");
    const heldByA = await a.renewLeases(expected);
    const heldByB = await b.renewLeases(expected);
    assert.equal(heldByA.size + heldByB.size, expected.length);
    assert.ok(heldByA.size > 0 && heldByB.size > 0, 'both nodes took some');
    for (const id of heldByA.keys()) assert.equal(heldByB.has(id), false);
    await a.close();
    await b.close();
  });

  it('keeps a renewed lease, and hands a job whose lease ran out to one other node', async () => {
    const [a, b] = await twoNodes(600);
    const job = waiting(1);
    await a.insert(job);
    assert.equal((await a.claimNext(Date.now()))?.jobId, job.jobId);
    for (let i = 0; i < 6; i++) {
      await sleep(200);
      assert.equal((await a.renewLeases([job.jobId])).get(job.jobId), JOB_STATUS.InProgress);
      assert.deepEqual(await b.reclaimAbandoned([JOB_STATUS.InProgress]), [], 'renewed: still a');
    }
    assert.deepEqual(await b.renewLeases([job.jobId]), new Map());
    assert.equal(await b.update(job.jobId, { percentComplete: 0.5 }, undefined, { asHolder: true }), false);

    await sleep(800);
    const [taken, again] = await Promise.all([b.reclaimAbandoned([JOB_STATUS.InProgress]), a.reclaimAbandoned([JOB_STATUS.InProgress])]);
    assert.deepEqual([...taken, ...again].map((j) => j.jobId), [job.jobId], 'one node takes it over');
    const [winner, loser] = taken.length ? [b, a] : [a, b];
    assert.deepEqual(await winner.renewLeases([job.jobId]), new Map([[job.jobId, JOB_STATUS.InProgress]]));
    assert.deepEqual(await loser.renewLeases([job.jobId]), new Map(), 'the old holder learns it lost the job');
    assert.equal(await loser.update(job.jobId, { percentComplete: 0.9 }, undefined, { asHolder: true }), false);
    assert.equal(await winner.update(job.jobId, { statusCode: JOB_STATUS.Waiting, recoveries: 1 }, [JOB_STATUS.InProgress], { asHolder: true }), true);
    await a.close();
    await b.close();
  });

  it('leaves a resumed job to the node keeping its paused thread while that node lives', async () => {
    const [a, b] = await twoNodes(600);
    const job = waiting(1);
    await a.insert(job);
    await a.claimNext(Date.now());
    assert.equal(await a.update(job.jobId, { statusCode: JOB_STATUS.Paused }, undefined, { asHolder: true }), true);
    assert.equal(await b.update(job.jobId, { statusCode: JOB_STATUS.ResumePending }, [JOB_STATUS.Paused]), true);
    assert.equal(await b.claimNext(Date.now()), null);
    assert.equal((await a.renewLeases([job.jobId])).get(job.jobId), JOB_STATUS.ResumePending);
    assert.equal((await a.claimNext(Date.now()))?.status, 'Resumed');

    // Paused again; its node stops renewing: after the lease anyone may resume it.
    await a.update(job.jobId, { statusCode: JOB_STATUS.Paused }, undefined, { asHolder: true });
    await b.update(job.jobId, { statusCode: JOB_STATUS.ResumePending }, [JOB_STATUS.Paused]);
    await sleep(900);
    assert.equal((await b.claimNext(Date.now()))?.jobId, job.jobId);
    assert.deepEqual(await a.renewLeases([job.jobId]), new Map());
    await a.close();
    await b.close();
  });

  it('stores times beyond 32 bits and requests as written', async () => {
    const [a, b] = await twoNodes(30_000);
    const now = Date.now();
    const job = waiting(now, { request: { b: 1, a: [1.5, 'x', null], nested: { z: true } }, timeLimitMs: 90 * 60_000, messages: [] });
    await a.insert(job);
    const got = (await a.get(job.jobId))!;
    assert.equal(got.submitted, now);
    assert.equal(got.timeLimitMs, 5_400_000);
    assert.equal(JSON.stringify(got.request), JSON.stringify(job.request));
    await a.close();
    await b.close();
  });
});

describe('openJobStore', () => {
  it('opens the PostgreSQL store when a database URL is configured, else the SQLite file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'quadrangle-open-jobs-'));
    try {
      const shared = await openJobStore({ dataDir, databaseUrl: db.url });
      assert.ok(shared instanceof PgJobStore);
      await shared.close();
      assert.equal(existsSync(join(dataDir, 'jobs.sqlite')), false);
      const embedded = await openJobStore({ dataDir });
      assert.ok(embedded instanceof SqliteJobStore);
      await embedded.close();
      assert.ok(existsSync(join(dataDir, 'jobs.sqlite')));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
