import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { deriveSeed, hashInts, Random } from './prng.js';

describe('Random', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const seqA = Array.from({ length: 50 }, () => a.nextUint32());
    const seqB = Array.from({ length: 50 }, () => b.nextUint32());
    const seqC = Array.from({ length: 50 }, () => c.nextUint32());
    assert.deepEqual(seqA, seqB);
    assert.notDeepEqual(seqA, seqC);
  });

  it('draws uniform values in range', () => {
    const r = new Random(7);
    const buckets = new Array<number>(10).fill(0);
    for (let k = 0; k < 100000; k++) {
      const v = r.next();
      assert.ok(v >= 0 && v < 1);
      buckets[Math.floor(v * 10)]!++;
    }
    for (const n of buckets) assert.ok(n > 9500 && n < 10500, `bucket ${n}`);
    for (let k = 0; k < 1000; k++) {
      const i = r.int(3, 5);
      assert.ok(i >= 3 && i <= 5 && Number.isInteger(i));
    }
  });

  it('derives independent streams per step label', () => {
    assert.equal(deriveSeed(1, 'roads'), deriveSeed(1, 'roads'));
    assert.notEqual(deriveSeed(1, 'roads'), deriveSeed(1, 'rivers'));
    assert.notEqual(deriveSeed(1, 'roads'), deriveSeed(2, 'roads'));
    assert.equal(hashInts(1, 2, 3), hashInts(1, 2, 3));
    assert.notEqual(hashInts(1, 2, 3), hashInts(1, 3, 2));
  });
});
