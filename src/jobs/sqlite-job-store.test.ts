import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteJobStore } from './sqlite-job-store.js';
import { JOB_STATUS, MAX_MESSAGES_PER_LEVEL, groupMessages, jobMessage, newJobId, type JobRecord, type JobStatusCode } from './job-types.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-job-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const openStore = (): SqliteJobStore => new SqliteJobStore(join(root, `jobs-${files++}.sqlite`));

function record(fields: Partial<JobRecord> & { statusCode: JobStatusCode; submitted: number }): JobRecord {
  return {
    jobId: newJobId(), kind: 'generateProduct', serviceKey: 'Topo', productName: 'TM50', productVersion: 'TDS_7_1', user: 'anonymous',
    status: 'New', updated: fields.submitted, started: null, finished: null, percentComplete: 0, currentStep: null, messages: [],
    request: { aoiFeatureId: 1 }, result: null, error: null, timeLimitMs: null, recoveries: 0, ...fields,
  };
}

describe('SqliteJobStore', () => {
  it('keeps a job whole, finds it in any case and applies changes only from the expected states', async () => {
    const store = openStore();
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
    const store = openStore();
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
    const store = openStore();
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
    const store = openStore();
    const held = record({ statusCode: JOB_STATUS.Waiting, submitted: 1, serviceKey: 'Topo/Stopped' });
    const free = record({ statusCode: JOB_STATUS.Waiting, submitted: 2, serviceKey: 'Topo/Running' });
    for (const j of [held, free]) await store.insert(j);
    assert.equal((await store.claimNext(10, ['Topo/Stopped']))?.jobId, free.jobId);
    assert.equal(await store.claimNext(20, ['Topo/Stopped']), null);
    assert.equal((await store.claimNext(30))?.jobId, held.jobId, 'claimed once its service is no longer held');
    await store.close();
  });

  it('queries by status, dates, user, product and service, newest first, with paging and a total', async () => {
    const store = openStore();
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
    const store = openStore();
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
});
