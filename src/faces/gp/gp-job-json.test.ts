import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engineJobId, gpJobId } from './gp-job-json.js';

describe('GP job IDs', () => {
  it('are the engine GUID as j + 32 lower-case hex digits, both ways', () => {
    const guid = '6AA1BD2A-4755-E0B1-1EF0-5092B88AA52E';
    assert.equal(gpJobId(guid), 'j6aa1bd2a4755e0b11ef05092b88aa52e');
    assert.equal(engineJobId('j6aa1bd2a4755e0b11ef05092b88aa52e'), guid);
    assert.equal(engineJobId('J6AA1BD2A4755E0B11EF05092B88AA52E'), guid);
    for (const bad of ['', 'j123', guid, 'x6aa1bd2a4755e0b11ef05092b88aa52e', 'j6aa1bd2a4755e0b11ef05092b88aa52e/../x']) assert.equal(engineJobId(bad), null, bad);
  });
});
