import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArcGisError } from './arcgis-error.js';
import { RequestParams } from './request-params.js';

const detail = (fn: () => unknown) => {
  try { fn(); } catch (e) { assert.ok(e instanceof ArcGisError); return e.details[0]; }
  assert.fail('expected an ArcGisError');
};

describe('RequestParams', () => {
  it('merges query and body (the body wins), matches names case-insensitively and drops empty values', () => {
    const p = new RequestParams({ where: '1=1', outFields: '', F: 'json' }, { WHERE: 'A=1' });
    assert.equal(p.get('where'), 'A=1');
    assert.equal(p.get('f'), 'json');
    assert.equal(p.get('outFields'), undefined);
    assert.equal(p.has('outfields'), false);
  });

  it('reads typed values and names the parameter when they are wrong', () => {
    const p = new RequestParams({ a: 'TRUE', n: '12', x: '1.5', j: '{"wkid":4326}', bad: 'nope', s: 'esrisrunit_meter' });
    assert.equal(p.bool('a', false), true);
    assert.equal(p.int('n', 0, 0, 100), 12);
    assert.equal(p.number('x', 0), 1.5);
    assert.deepEqual(p.json('j'), { wkid: 4326 });
    assert.equal(p.oneOf('s', ['esriSRUnit_Meter'] as const), 'esriSRUnit_Meter');
    assert.match(detail(() => p.bool('bad', false))!, /^'bad' parameter is invalid/);
    assert.match(detail(() => p.int('x', 0))!, /'x'/);
    assert.match(detail(() => p.int('n', 0, 0, 10))!, /from 0 to 10/);
    assert.match(detail(() => p.json('bad'))!, /not valid JSON/);
    assert.match(detail(() => p.oneOf('bad', ['a', 'b'] as const))!, /not one of a, b/);
    assert.match(detail(() => p.required('missing'))!, /'missing' parameter is required/);
  });

  it('takes the last of repeated values', () => {
    assert.equal(new RequestParams({ a: ['1', '2'] }).get('a'), '2');
  });
});
