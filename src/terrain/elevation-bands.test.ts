import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { DemGrid } from './dem-grid.js';
import { bandIndexGrid, elevationBands, NO_BAND } from './elevation-bands.js';

function gridOf(width: number, height: number, f: (c: number, r: number) => number): DemGrid {
  const z = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) z[r * width + c] = f(c, r);
  return { z, width, height, x0: 0, y0: 0, cell: 10 };
}

describe('elevationBands', () => {
  // Elevations 0–99 m, most of the ground low: z = c²/99 over 100 columns.
  const skewed = gridOf(100, 10, (c) => (c * c) / 99);

  it('puts limits at quantiles of the cells, snapped to contour values', () => {
    // The 1/3 and 2/3 quantiles are at columns 33 and 66: 11 m and 44 m.
    assert.deepEqual(elevationBands(skewed, { interval: 10 }), { limits: [10, 40], names: ['Low', 'Medium', 'High'], min: 0, max: 99 });
    // From base 5 the contour values are 5, 15, 25 …
    assert.deepEqual(elevationBands(skewed, { interval: 10, base: 5 }).limits, [15, 45]);
  });

  it('or at equal steps of elevation', () => {
    assert.deepEqual(elevationBands(skewed, { interval: 10, method: 'equal_interval' }).limits, [30, 70]);
    assert.deepEqual(elevationBands(skewed, { interval: 5, method: 'equal_interval', bands: 4 }), { limits: [25, 50, 75], names: ['Low', 'Medium', 'High', 'Highest'], min: 0, max: 99 });
    assert.deepEqual(elevationBands(skewed, { interval: 20, bands: 2 }).names, ['Low', 'High']);
  });

  it('splits a cone into bands of about equal area', () => {
    const cone = gridOf(201, 201, (c, r) => 1000 - 5 * Math.hypot(c - 100, r - 100));
    const sorted = [...cone.z].sort((a, b) => a - b);
    const { limits, min, max } = elevationBands(cone, { interval: 20, bands: 4 });
    assert.equal(max, 1000);
    assert.equal(min, sorted[0]);
    // Each limit is the contour value nearest the quartile.
    limits.forEach((l, i) => assert.equal(l, Math.round(sorted[Math.round(((i + 1) / 4) * (sorted.length - 1))]! / 20) * 20));
    // With a fine interval the bands hold a quarter of the cells each.
    const fine = elevationBands(cone, { interval: 1, bands: 4 }).limits;
    const counts = [0, 0, 0, 0];
    for (const b of bandIndexGrid(cone, fine)) counts[b]!++;
    for (const n of counts) assert.ok(Math.abs(n / cone.z.length - 0.25) < 0.01, counts.join(' '));
  });

  it('keeps limits distinct and inside the relief when quantiles fall together', () => {
    // 90 % of the cells at sea level 0, a ramp to 500 m on the rest.
    const coast = gridOf(100, 10, (c) => (c < 90 ? 0 : (c - 89) * 50));
    assert.deepEqual(elevationBands(coast, { interval: 20 }).limits, [20, 40]);
    // A small relief still gets distinct contour values: 100–125 m holds 110 and 120.
    const low = gridOf(50, 4, (c) => 100 + c / 2);
    assert.deepEqual(elevationBands(low, { interval: 10, bands: 3 }).limits, [110, 120]);
    assert.deepEqual(elevationBands(low, { interval: 10, bands: 4 }).limits, [110, 120, 130]);
  });

  it('ignores no-data, and gives no limits for a grid without data', () => {
    const holed = gridOf(100, 10, (c) => (c * c) / 99);
    for (let i = 0; i < holed.z.length; i += 3) holed.z[i] = NaN;
    for (let r = 0; r < 10; r++) holed.z[r * 100] = NaN;
    const { limits, min, max } = elevationBands(holed, { interval: 10 });
    assert.equal(min, Math.fround(1 / 99));
    assert.equal(max, 99);
    assert.equal(limits.length, 2);
    const bands = bandIndexGrid(holed, limits);
    for (let i = 0; i < bands.length; i++) assert.equal(bands[i] === NO_BAND, Number.isNaN(holed.z[i]));
    const empty = elevationBands({ ...holed, z: new Float32Array(4).fill(NaN), width: 2, height: 2 }, { interval: 10 });
    assert.deepEqual(empty.limits, []);
    assert.ok(Number.isNaN(empty.min) && Number.isNaN(empty.max));
    assert.throws(() => elevationBands(holed, { interval: 10, bands: 5 }), RangeError);
  });
});

describe('bandIndexGrid', () => {
  it('numbers bands from 0, a cell on a limit going to the band above', () => {
    const grid = gridOf(6, 1, (c) => [5, 10, 19.9, 20, 35, NaN][c]!);
    assert.deepEqual([...bandIndexGrid(grid, [10, 20])], [0, 1, 1, 2, 2, NO_BAND]);
  });
});
