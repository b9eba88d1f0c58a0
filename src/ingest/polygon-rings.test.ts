import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../geo/geometry.js';
import { assemblePolygon, closeRing } from './polygon-rings.js';

/** An axis-aligned square ring, clockwise (a shapefile outer ring) or counter-clockwise (a hole). */
function square(x: number, y: number, size: number, clockwise: boolean): Position[] {
  const ccw = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]];
  return clockwise ? ccw.reverse() : ccw;
}

describe('assemblePolygon', () => {
  it('keeps a single ring as a polygon', () => {
    assert.deepEqual(assemblePolygon([square(0, 0, 10, true)]), { type: 'Polygon', coordinates: [square(0, 0, 10, true)] });
    assert.equal(assemblePolygon([]), null);
  });

  it('gives each hole to the outer ring that contains it, whatever the ring order', () => {
    const a = square(0, 0, 10, true), b = square(20, 0, 10, true);
    const holeB = square(22, 2, 2, false), holeA = square(2, 2, 2, false);
    assert.deepEqual(assemblePolygon([a, b, holeB, holeA]), { type: 'MultiPolygon', coordinates: [[a, holeA], [b, holeB]] });
  });

  it('chooses the smallest containing outer ring (an island in a lake in an island)', () => {
    const big = square(0, 0, 100, true), lake = square(10, 10, 80, false), island = square(20, 20, 60, true), pond = square(30, 30, 10, false);
    assert.deepEqual(assemblePolygon([big, lake, island, pond]), { type: 'MultiPolygon', coordinates: [[big, lake], [island, pond]] });
  });

  it('judges containment on a vertex off the outer ring’s boundary (a hole touching its outer ring)', () => {
    const outer = square(0, 0, 10, true);
    const hole: Position[] = [[0, 0], [5, 2], [2, 5], [0, 0]]; // counter-clockwise, first vertex on the outer ring
    const other = square(-20, -20, 50, true); // contains it too, but is larger
    assert.deepEqual(assemblePolygon([other, outer, hole]), { type: 'MultiPolygon', coordinates: [[other], [outer, hole]] });
  });

  it('keeps a hole inside no outer ring as a polygon of its own', () => {
    const outer = square(0, 0, 10, true), stray = square(50, 50, 5, false);
    assert.deepEqual(assemblePolygon([outer, stray]), { type: 'MultiPolygon', coordinates: [[outer], [stray]] });
  });

  it('organises rings by nesting when every ring is counter-clockwise', () => {
    const a = square(0, 0, 10, false), hole = square(2, 2, 2, false), b = square(20, 0, 10, false);
    assert.deepEqual(assemblePolygon([a, hole, b]), { type: 'MultiPolygon', coordinates: [[a, hole], [b]] });
  });
});

describe('closeRing', () => {
  it('repeats the first position at the end when missing', () => {
    assert.deepEqual(closeRing([[0, 0], [1, 0], [1, 1]]), [[0, 0], [1, 0], [1, 1], [0, 0]]);
    assert.deepEqual(closeRing([[0, 0], [1, 0], [0, 0]]), [[0, 0], [1, 0], [0, 0]]);
  });
});
