import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { gridFromDem, gridX, gridY, sampleGrid } from './dem-grid.js';
import { GeoTiffDemSource } from './dem-source.js';

/** A 40 × 30 DEM of 25 m cells over (1000, 2000)–(2000, 2750) whose value is x + 2y at each cell centre. */
function plane(): GeoTiffDemSource {
  const width = 40, height = 30, cell = 25, xmin = 1000, ymax = 2750;
  const data = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = xmin + (c + 0.5) * cell + 2 * (ymax - (r + 0.5) * cell);
  return new GeoTiffDemSource({ width, height, spatialReference: { wkid: 32630 }, extent: { xmin, ymin: ymax - height * cell, xmax: xmin + width * cell, ymax }, cellWidth: cell, cellHeight: cell, noData: null }, data);
}

describe('dem-grid', () => {
  it('reads a DEM window onto a grid of cell centres, top-left first', () => {
    const grid = gridFromDem(plane(), { xmin: 1100, ymin: 2100, xmax: 1600, ymax: 2590 }, 50);
    // 500 m × 490 m in 50 m cells: 10 × 10, the last row reaching 10 m beyond the envelope.
    assert.deepEqual([grid.width, grid.height, grid.x0, grid.y0, grid.cell], [10, 10, 1125, 2565, 50]);
    for (const [c, r] of [[0, 0], [9, 0], [3, 7], [9, 9]] as const) {
      assert.ok(Math.abs(grid.z[r * 10 + c]! - (gridX(grid, c) + 2 * gridY(grid, r))) < 1e-2);
    }
  });

  it('samples bilinearly between cell centres, NaN beyond them or next to no-data', () => {
    const grid = gridFromDem(plane(), { xmin: 1000, ymin: 2000, xmax: 2000, ymax: 2750 }, 25);
    assert.ok(Math.abs(sampleGrid(grid, 1234.5, 2345.6) - (1234.5 + 2 * 2345.6)) < 1e-2);
    assert.ok(Number.isNaN(sampleGrid(grid, 1005, 2345)));
    grid.z[10 * grid.width + 10] = NaN;
    assert.ok(Number.isNaN(sampleGrid(grid, gridX(grid, 10.5), gridY(grid, 9.5))));
    assert.ok(!Number.isNaN(sampleGrid(grid, gridX(grid, 11.5), gridY(grid, 9.5))));
  });
});
