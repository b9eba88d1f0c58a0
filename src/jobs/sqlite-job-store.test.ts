import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { describeJobStoreContract, jobRecord } from './job-store-contract.js';
import { JOB_STATUS } from './job-types.js';
import { SqliteJobStore } from './sqlite-job-store.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-job-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const newFile = (): string => join(root, `jobs-${files++}.sqlite`);

describeJobStoreContract('SqliteJobStore', async () => new SqliteJobStore(newFile()));

describe('SqliteJobStore', () => {
  it('counts the jobs an earlier process held as abandoned, and its own as held', async () => {
    const file = newFile();
    const before = new SqliteJobStore(file);
    const left = jobRecord({ statusCode: JOB_STATUS.Waiting, submitted: 1 });
    await before.insert(left);
    assert.equal((await before.claimNext(5))?.jobId, left.jobId);
    assert.deepEqual(await before.reclaimAbandoned([JOB_STATUS.InProgress]), [], 'its own claim');
    await before.close();

    const after = new SqliteJobStore(file);
    assert.deepEqual(await after.renewLeases([left.jobId]), new Map(), 'the earlier process held it');
    assert.deepEqual((await after.reclaimAbandoned([JOB_STATUS.InProgress])).map((j) => j.jobId), [left.jobId]);
    assert.deepEqual(await after.renewLeases([left.jobId]), new Map([[left.jobId, JOB_STATUS.InProgress]]));
    await after.close();
  });
});
