import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CollisionIndex } from './collision-index.js';

describe('CollisionIndex', () => {
  it('refuses a box that overlaps an inserted one and accepts one beside it', () => {
    const index = new CollisionIndex(100, 100, { cellSize: 10 });
    assert.ok(index.fits([10, 10, 30, 20]));
    index.insert([10, 10, 30, 20]);
    assert.equal(index.fits([25, 15, 40, 25]), false);
    assert.ok(index.fits([31, 10, 50, 20]));
  });

  it('checks every box of a label before any is inserted', () => {
    const index = new CollisionIndex(100, 100);
    index.insert([50, 50, 60, 60]);
    assert.equal(index.fits([0, 0, 10, 10, 55, 55, 58, 58]), false);
    assert.equal(index.size, 1);
  });

  it('refuses boxes cut by the image edge, while obstacles may overhang it', () => {
    const index = new CollisionIndex(100, 50);
    assert.equal(index.fits([-1, 10, 20, 20]), false);
    assert.equal(index.fits([90, 40, 101, 45]), false);
    index.insert([-5, -5, 5, 5]);
    assert.equal(index.fits([0, 0, 4, 4]), false);
  });

  it('lets a label cover the boxes of its own owner only', () => {
    const index = new CollisionIndex(100, 100);
    index.insert([40, 40, 50, 50], 7);
    assert.ok(index.fits([42, 42, 60, 48], 7));
    assert.equal(index.fits([42, 42, 60, 48], 8), false);
    assert.equal(index.fits([42, 42, 60, 48]), false);
  });

  it('finds overlaps across cells of any size', () => {
    for (const cellSize of [1, 7, 32, 500]) {
      const index = new CollisionIndex(200, 200, { cellSize });
      index.insert([0, 0, 150, 3]);
      assert.equal(index.fits([149, 2, 160, 10]), false, `cell ${cellSize}`);
      assert.ok(index.fits([151, 2, 160, 10]), `cell ${cellSize}`);
    }
  });

  it('keeps placed boxes inside `bounds` when given, as a metatile does for its labels', () => {
    const index = new CollisionIndex(200, 200, { bounds: [20, 20, 180, 180] });
    assert.equal(index.fits([10, 50, 30, 60]), false);
    assert.equal(index.fits([170, 50, 181, 60]), false);
    assert.ok(index.fits([20, 20, 180, 180]));
  });
});
