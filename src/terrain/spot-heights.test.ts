import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { DemGrid } from './dem-grid.js';
import { selectSpotHeights } from './spot-heights.js';

const W = 120, H = 80, CELL = 25;
const gauss = (x: number, y: number, cx: number, cy: number, height: number, sigma: number) => height * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * sigma * sigma));

/**
 * 3 km × 2 km of 25 m cells: hill A (600 m) at (800, −1000), hill B (402 m) 1 km east of it, a
 * 3 × 3 bump of about 11 m prominence on A's northern flank at (800, −100) and a 40 m pit at
 * (2600, −1600).
 */
function landscape(): DemGrid {
  const z = new Float32Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const x = c * CELL, y = -r * CELL;
      z[r * W + c] = 100 + gauss(x, y, 800, -1000, 500, 300) + gauss(x, y, 1800, -1000, 300, 250);
    }
  }
  const cellOf = (x: number, y: number) => (-y / CELL) * W + x / CELL;
  const bump = cellOf(800, -100);
  for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) z[bump + dr * W + dc]! += dr === 0 && dc === 0 ? 15 : 10;
  const pit = cellOf(2600, -1600);
  for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) z[pit + dr * W + dc]! -= dr === 0 && dc === 0 ? 40 : 30;
  return { z, width: W, height: H, x0: 0, y0: 0, cell: CELL };
}

/** The col between A and B: the lowest point of the ridge, on the row through both summits. */
function col(grid: DemGrid): { x: number; z: number } {
  let best = { x: 0, z: Infinity };
  const r = 1000 / CELL;
  for (let c = 800 / CELL; c <= 1800 / CELL; c++) if (grid.z[r * W + c]! < best.z) best = { x: c * CELL, z: grid.z[r * W + c]! };
  return best;
}

describe('selectSpotHeights', () => {
  const grid = landscape();

  it('marks the highest point first, then summits by prominence, passes and depressions', () => {
    const spots = selectSpotHeights(grid, { minSpacing: 200, minProminence: 20 });
    const saddle = col(grid);
    assert.deepEqual(spots, [
      { x: 800, y: -1000, elevation: Math.round(grid.z[40 * W + 32]!), kind: 'summit' },
      { x: 1800, y: -1000, elevation: Math.round(grid.z[40 * W + 72]!), kind: 'summit' },
      { x: saddle.x, y: -1000, elevation: Math.round(saddle.z), kind: 'saddle' },
      { x: 2600, y: -1600, elevation: Math.round(grid.z[64 * W + 104]!), kind: 'depression' },
    ]);
    assert.ok(Number.isInteger(spots[0]!.elevation) && spots[0]!.elevation > 595);
    // A bump rising ~11 m above its col comes in once the threshold allows it, after B (prominence 402 − 250).
    const withBump = selectSpotHeights(grid, { minSpacing: 200, minProminence: 5 });
    assert.deepEqual(withBump.slice(0, 3).map((s) => [s.x, s.y, s.kind]), [[800, -1000, 'summit'], [1800, -1000, 'summit'], [800, -100, 'summit']]);
  });

  it('keeps points apart, stops at the count and honours the switches', () => {
    // 1.2 km apart: B (1 km from A) and the col go; the pit, 1.9 km away, stays.
    assert.deepEqual(selectSpotHeights(grid, { minSpacing: 1200, minProminence: 20 }).map((s) => s.kind), ['summit', 'depression']);
    assert.deepEqual(selectSpotHeights(grid, { minSpacing: 200, minProminence: 20, count: 2 }).map((s) => s.x), [800, 1800]);
    // Without summits the highest point is still there, first.
    assert.deepEqual(selectSpotHeights(grid, { minSpacing: 200, minProminence: 20, includeSummits: false }).map((s) => s.kind), ['summit', 'saddle', 'depression']);
    assert.deepEqual(selectSpotHeights(grid, { minSpacing: 200, minProminence: 20, includeDepressions: false }).map((s) => s.kind), ['summit', 'summit', 'saddle']);
    // A pit whose bottom is at or below sea level is not marked.
    assert.equal(selectSpotHeights(grid, { minSpacing: 200, minProminence: 20, seaLevel: 61 }).filter((s) => s.kind === 'depression').length, 0);
  });

  it('adds extra points after the terrain’s own, with elevations from the grid', () => {
    const spots = selectSpotHeights(grid, {
      minSpacing: 200, minProminence: 20,
      extraPoints: [{ x: 1312.5, y: -400, kind: 'point' }, { x: 1320, y: -1000, kind: 'point' }, { x: 5000, y: 0, kind: 'point' }],
    });
    assert.equal(spots.length, 5);
    const extra = spots[4]!;
    // Bilinear between the four cell centres around it, rounded.
    const z = (c: number, r: number) => grid.z[r * W + c]!;
    const expected = ((z(52, 16) + z(53, 16)) / 2);
    assert.deepEqual(extra, { x: 1312.5, y: -400, elevation: Math.round(expected), kind: 'point' });
  });

  it('marks nothing cut off by the grid edge or no-data, except the highest point', () => {
    // A ramp rising east (and a little south): its highest cell is the south-east corner, nothing is a summit or a pit.
    const ramp: DemGrid = { z: new Float32Array(W * H), width: W, height: H, x0: 0, y0: 0, cell: CELL };
    for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) ramp.z[r * W + c] = 10 + c + 0.01 * r;
    assert.deepEqual(selectSpotHeights(ramp, { minSpacing: 100 }), [{ x: (W - 1) * CELL, y: -(H - 1) * CELL, elevation: 130, kind: 'point' }]);
    // The landscape with a no-data hole next to the pit and one beside hill B's top.
    const holed = landscape();
    for (let r = 62; r <= 66; r++) holed.z[r * W + 107] = NaN;
    holed.z[39 * W + 73] = NaN;
    // B is no longer a summit and the pit, open to the hole, no depression; the col between A and
    // the higher ground beyond it is still a pass.
    const kinds = selectSpotHeights(holed, { minSpacing: 200, minProminence: 20 }).map((s) => [s.x, s.kind]);
    assert.deepEqual(kinds, [[800, 'summit'], [col(holed).x, 'saddle']]);
    // Nothing at all on an empty grid.
    assert.deepEqual(selectSpotHeights({ ...ramp, z: new Float32Array(W * H).fill(NaN) }, { minSpacing: 100 }), []);
  });

  it('ranks the summits of a rough sheet-sized surface by prominence', () => {
    // 1,100 × 650 cells of 25 m, as on a 1:50,000 sheet; minSpacing 20 mm = 1 km.
    const big: DemGrid = { z: new Float32Array(1100 * 650), width: 1100, height: 650, x0: 0, y0: 0, cell: 25 };
    for (let r = 0; r < 650; r++) for (let c = 0; c < 1100; c++) big.z[r * 1100 + c] = 500 + 300 * Math.sin(c / 60) * Math.sin(r / 45) + 40 * Math.sin(c / 9 + r / 13);
    const spots = selectSpotHeights(big, { minSpacing: 1000 });
    assert.equal(spots.length, 40);
    let max = -Infinity;
    for (const v of big.z) if (v > max) max = v;
    assert.equal(spots[0]!.elevation, Math.round(max));
    for (let i = 0; i < spots.length; i++) for (let j = 0; j < i; j++) assert.ok(Math.hypot(spots[i]!.x - spots[j]!.x, spots[i]!.y - spots[j]!.y) >= 1000);
    // The big hills (tops near 800 m) come before the ripples on their flanks.
    const summits = spots.filter((s) => s.kind === 'summit');
    assert.ok(summits.length > 10);
    assert.ok(summits.slice(0, 8).every((s) => s.elevation > 750), summits.slice(0, 8).map((s) => s.elevation).join(' '));
  });
});
