/**
 * The behaviour every `JobStore` must have, run by each store's tests against a real database
 * (SQLite file, PostgreSQL): records kept whole, conditional changes, message limits, claims in
 * submission order past held services, queries, purges, and the holds of running jobs.
 * @module jobs/job-store-contract
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobStore } from './job-store.js';
import { JOB_STATUS, MAX_MESSAGES_PER_LEVEL, groupMessages, jobMessage, newJobId, type JobRecord, type JobStatusCode } from './job-types.js';

/** A job record with test defaults; `statusCode` and `submitted` must be given. */
export function jobRecord(fields: Partial<JobRecord> & { statusCode: JobStatusCode; submitted: number }): JobRecord {
  return {
    jobId: newJobId(), kind: 'generateProduct', serviceKey: 'Topo', productName: 'TM50', productVersion: 'TDS_7_1', user: 'anonymous',
    status: 'New', updated: fields.submitted, started: null, finished: null, percentComplete: 0, currentStep: null, messages: [],
    request: { aoiFeatureId: 1 }, result: null, error: null, timeLimitMs: null, recoveries: 0, ...fields,
  };
}

const record = jobRecord;

/** Runs the contract against stores from `open`, each one empty. */
export function describeJobStoreContract(name: string, open: () => Promise<JobStore>): void {
  describe(`${name} (JobStore contract)`, () => {
    it('keeps a job whole, finds it in any case and applies changes only from the expected states', async () => {
      const store = await open();
      const job = record({ statusCode: JOB_STATUS.Waiting, submitted: 1000, request: { nested: [1, 'two', { three: true }] }, messages: [jobMessage('informative', 'queued', 1000)] });
      await store.insert(job);
      const got = await store.get(job.jobId.toLowerCase());
      assert.equal(got?.jobId, job.jobId);
      assert.equal(got?.status, 'Waiting');
      assert.deepEqual(got?.request, { nested: [1, 'two', { three: true }] });
      assert.deepEqual(got?.messages, [{ type: 'esriJobMessageTypeInformative', description: 'queued', time: 1000 }]);

      assert.equal(await store.update(job.jobId, { statusCode: JOB_STATUS.Succeeded }, [JOB_STATUS.InProgress]), false);
      assert.equal((await store.get(job.jobId))?.statusCode, JOB_STATUS.Waiting);
      assert.equal(await store.update(job.jobId, { statusCode: JOB_STATUS.Succeeded, percentComplete: 1, result: { outputFile: 'a.pdf' }, messages: [jobMessage('warning', 'w')] }, [JOB_STATUS.Waiting]), true);
      const done = await store.get(job.jobId);
      assert.equal(done?.status, 'Succeeded');
      assert.deepEqual(done?.result, { outputFile: 'a.pdf' });
      assert.deepEqual(groupMessages(done!.messages, 'warn'), { informative: [], warning: ['w'], error: [] });
      assert.ok(done!.updated > 1000);
      assert.equal(await store.update(newJobId(), { percentComplete: 0.5 }), false);
      await store.close();
    });

    it('keeps only the newest messages of each kind', async () => {
      const store = await open();
      const job = record({ statusCode: JOB_STATUS.InProgress, submitted: 1 });
      await store.insert(job);
      const many = Array.from({ length: MAX_MESSAGES_PER_LEVEL + 5 }, (_, i) => jobMessage('informative', `m${i}`, i));
      await store.update(job.jobId, { messages: many.slice(0, 700) });
      await store.update(job.jobId, { messages: [...many.slice(700), jobMessage('error', 'e')] });
      const grouped = groupMessages((await store.get(job.jobId))!.messages);
      assert.equal(grouped.informative.length, MAX_MESSAGES_PER_LEVEL);
      assert.equal(grouped.informative[0], 'm5');
      assert.equal(grouped.informative.at(-1), `m${MAX_MESSAGES_PER_LEVEL + 4}`);
      assert.deepEqual(grouped.error, ['e']);
      await store.close();
    });

    it('claims the oldest waiting job once, resuming jobs as Resumed', async () => {
      const store = await open();
      const older = record({ statusCode: JOB_STATUS.ResumePending, submitted: 10, started: 5 });
      const newer = record({ statusCode: JOB_STATUS.Waiting, submitted: 20 });
      const paused = record({ statusCode: JOB_STATUS.Paused, submitted: 1 });
      for (const j of [newer, older, paused]) await store.insert(j);
      const first = await store.claimNext(100);
      assert.equal(first?.jobId, older.jobId);
      assert.equal(first?.status, 'Resumed');
      assert.equal(first?.started, 5);
      const second = await store.claimNext(200);
      assert.equal(second?.jobId, newer.jobId);
      assert.equal(second?.status, 'InProgress');
      assert.equal(second?.started, 200);
      assert.equal(await store.claimNext(300), null);
      assert.deepEqual((await store.listByStatus([JOB_STATUS.InProgress, JOB_STATUS.Resumed])).map((j) => j.jobId), [older.jobId, newer.jobId]);
      await store.close();
    });

    it('leaves the jobs of held (stopped) services waiting', async () => {
      const store = await open();
      const held = record({ statusCode: JOB_STATUS.Waiting, submitted: 1, serviceKey: 'Topo/Stopped' });
      const free = record({ statusCode: JOB_STATUS.Waiting, submitted: 2, serviceKey: 'Topo/Running' });
      for (const j of [held, free]) await store.insert(j);
      assert.equal((await store.claimNext(10, ['Topo/Stopped']))?.jobId, free.jobId);
      assert.equal(await store.claimNext(20, ['Topo/Stopped']), null);
      assert.equal((await store.claimNext(30))?.jobId, held.jobId, 'claimed once its service is no longer held');
      await store.close();
    });

    it('queries by status, dates, user, product and service, newest first, with paging and a total', async () => {
      const store = await open();
      const jobs: JobRecord[] = [];
      for (let i = 0; i < 12; i++) {
        const finished = i % 3 === 0 ? null : 1000 * i + 500;
        jobs.push(record({
          statusCode: finished === null ? JOB_STATUS.Waiting : i % 3 === 1 ? JOB_STATUS.Succeeded : JOB_STATUS.Failed,
          submitted: 1000 * i, finished, user: i % 2 ? 'ann' : 'bob', productName: i < 6 ? 'TM50' : 'TM25',
          serviceKey: i % 4 === 0 ? 'Other/Topo' : 'Topo',
        }));
      }
      jobs.push(record({ statusCode: JOB_STATUS.Deleting, submitted: 99_000 }));
      for (const j of jobs) await store.insert(j);
      const ids = (list: JobRecord[]): string[] => list.map((j) => j.jobId);
      const expect = (pick: (j: JobRecord, i: number) => boolean): string[] => ids(jobs.slice(0, 12).filter(pick).reverse());

      const all = await store.query({});
      assert.equal(all.total, 12, 'a job being deleted is not listed');
      assert.deepEqual(ids(all.jobs), expect(() => true));
      assert.deepEqual(all.jobs[0]!.messages, []);

      const page = await store.query({}, { offset: 5, limit: 4 });
      assert.equal(page.total, 12);
      assert.deepEqual(ids(page.jobs), expect(() => true).slice(5, 9));

      assert.deepEqual(ids((await store.query({ statusCodes: [JOB_STATUS.Succeeded, JOB_STATUS.Failed] })).jobs), expect((j) => j.finished !== null));
      assert.deepEqual(ids((await store.query({ user: 'ann', productName: 'TM50' })).jobs), expect((j) => j.user === 'ann' && j.productName === 'TM50'));
      assert.deepEqual(ids((await store.query({ serviceKey: 'Other/Topo' })).jobs), expect((j) => j.serviceKey === 'Other/Topo'));
      assert.deepEqual(ids((await store.query({ startDate: 7000 })).jobs), expect((j) => j.submitted >= 7000));
      // endDate leaves unfinished jobs out.
      assert.deepEqual(ids((await store.query({ endDate: 5500 })).jobs), expect((j) => j.finished !== null && j.finished <= 5500));
      const combined = await store.query({ startDate: 2000, endDate: 10_500, user: 'bob' }, { limit: 1 });
      assert.equal(combined.total, expect((j) => j.submitted >= 2000 && j.finished !== null && j.finished <= 10_500 && j.user === 'bob').length);
      assert.equal(combined.jobs.length, 1);
      assert.deepEqual(ids((await store.query({ statusCodes: [JOB_STATUS.Deleting] })).jobs), [jobs[12]!.jobId]);
      assert.equal((await store.query({ statusCodes: [] })).total, 0);
      await store.close();
    });

    it('purges finished jobs older than a cutoff, and deletes one job with its messages', async () => {
      const store = await open();
      const oldDone = record({ statusCode: JOB_STATUS.Succeeded, submitted: 1, finished: 100, messages: [jobMessage('informative', 'x')] });
      const newDone = record({ statusCode: JOB_STATUS.Canceled, submitted: 2, finished: 900 });
      const oldWaiting = record({ statusCode: JOB_STATUS.Paused, submitted: 3 });
      for (const j of [oldDone, newDone, oldWaiting]) await store.insert(j);
      assert.deepEqual(await store.purgeFinishedBefore(500), [oldDone.jobId]);
      assert.equal(await store.get(oldDone.jobId), null);
      assert.equal((await store.query({})).total, 2);
      assert.equal(await store.delete(newDone.jobId.toLowerCase()), true);
      assert.equal(await store.delete(newDone.jobId), false);
      assert.deepEqual((await store.query({})).jobs.map((j) => j.jobId), [oldWaiting.jobId]);
      await store.close();
    });

    it('holds a claimed job until it is queued again or ends, and tells its status to its holder', async () => {
      const store = await open();
      const job = record({ statusCode: JOB_STATUS.Waiting, submitted: 1 });
      const other = record({ statusCode: JOB_STATUS.Waiting, submitted: 2 });
      for (const j of [job, other]) await store.insert(j);
      assert.equal(await store.update(job.jobId, { percentComplete: 0.1 }, undefined, { asHolder: true }), false, 'not held before the claim');
      assert.equal((await store.claimNext(10))?.jobId, job.jobId);
      assert.deepEqual(await store.renewLeases([job.jobId, other.jobId, newJobId()]), new Map([[job.jobId, JOB_STATUS.InProgress]]));
      // Another node asks for a pause: the holder reads it at its next renewal.
      assert.equal(await store.update(job.jobId, { statusCode: JOB_STATUS.PausePending }, [JOB_STATUS.InProgress]), true);
      assert.deepEqual(await store.renewLeases([job.jobId.toLowerCase()]), new Map([[job.jobId.toLowerCase(), JOB_STATUS.PausePending]]));
      assert.equal(await store.update(job.jobId, { percentComplete: 0.5 }, undefined, { asHolder: true }), true);
      // Queued again: no longer held.
      assert.equal(await store.update(job.jobId, { statusCode: JOB_STATUS.Waiting }, undefined, { asHolder: true }), true);
      assert.deepEqual(await store.renewLeases([job.jobId]), new Map());
      assert.equal(await store.update(job.jobId, { percentComplete: 0.7 }, undefined, { asHolder: true }), false);
      assert.equal((await store.get(job.jobId))?.percentComplete, 0.5);
      assert.equal((await store.claimNext(20))?.jobId, job.jobId, 'queued again in its place, before the newer job');
      assert.equal(await store.update(job.jobId, { statusCode: JOB_STATUS.Succeeded, finished: 30 }, undefined, { asHolder: true }), true);
      assert.deepEqual(await store.renewLeases([job.jobId]), new Map(), 'an ended job is held by no one');
      await store.close();
    });

    it('hands jobs left running without a holder to one reclaimer, oldest first', async () => {
      const store = await open();
      const running = record({ statusCode: JOB_STATUS.InProgress, submitted: 3, started: 3 });
      const canceling = record({ statusCode: JOB_STATUS.Canceling, submitted: 1, started: 1 });
      const waiting = record({ statusCode: JOB_STATUS.Waiting, submitted: 2 });
      const done = record({ statusCode: JOB_STATUS.Succeeded, submitted: 0, finished: 5 });
      for (const j of [running, canceling, waiting, done]) await store.insert(j);
      const codes = [JOB_STATUS.InProgress, JOB_STATUS.Resumed, JOB_STATUS.PausePending, JOB_STATUS.Canceling] as JobStatusCode[];
      const reclaimed = await store.reclaimAbandoned(codes);
      assert.deepEqual(reclaimed.map((j) => [j.jobId, j.status]), [[canceling.jobId, 'Canceling'], [running.jobId, 'InProgress']]);
      assert.deepEqual(reclaimed[0]!.messages, []);
      assert.deepEqual(await store.reclaimAbandoned(codes), [], 'now held: not abandoned any more');
      assert.deepEqual(await store.renewLeases([running.jobId, canceling.jobId, waiting.jobId]),
        new Map([[running.jobId, JOB_STATUS.InProgress], [canceling.jobId, JOB_STATUS.Canceling]]));
      assert.equal(await store.update(running.jobId, { statusCode: JOB_STATUS.Waiting, recoveries: 1 }, [JOB_STATUS.InProgress], { asHolder: true }), true);
      await store.close();
    });
  });
}
