import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METATILE_BUFFER, metatileTiles, TileGrid } from './tile-grid.js';
import { tileInfoFromScales, webMercatorTileInfo, WEB_MERCATOR_HALF_WIDTH as W } from './tiling-scheme.js';

const info = webMercatorTileInfo();
const data = { xmin: -628585, ymin: 7686242, xmax: -515532, ymax: 7799513 };
const grid = new TileGrid(info, { xmin: -W, ymin: -W, xmax: W, ymax: W }, data);

describe('TileGrid', () => {
  it('knows which tiles exist', () => {
    assert.ok(grid.has(0, 0, 0));
    assert.equal(grid.has(0, 0, 1), false);
    assert.ok(grid.has(3, 7, 7));
    assert.equal(grid.has(3, 8, 0), false);
    assert.equal(grid.has(21, 0, 0), false, 'no such level');
  });

  it('groups tiles in aligned 4 × 4 metatiles, clipped to the grid, drawn with a margin', () => {
    const m = grid.metatileOf(grid.lod(12)!, 1255, 1989);
    assert.deepEqual([m.minRow, m.maxRow, m.minCol, m.maxCol], [1252, 1255, 1988, 1991]);
    assert.equal(metatileTiles(m).length, 16);
    const f = grid.frame(m);
    assert.deepEqual([f.width, f.height], [1024 + 2 * METATILE_BUFFER, 1024 + 2 * METATILE_BUFFER]);
    assert.ok(Math.abs(f.extent.xmax - f.extent.xmin - f.width * m.lod.resolution) < 1e-6);
    const top = grid.metatileOf(grid.lod(1)!, 1, 0);
    assert.deepEqual([top.minRow, top.maxRow, top.minCol, top.maxCol], [0, 1, 0, 1], 'level 1 has 2 × 2 tiles');
    assert.equal(grid.frame(top).width, 512 + 2 * METATILE_BUFFER);
  });

  it('lists the metatiles over an extent and tells those with data', () => {
    const level10 = grid.metatiles(grid.lod(10)!, data);
    assert.deepEqual(level10.map((m) => [m.minRow, m.minCol]), [[312, 492], [312, 496]]);
    assert.ok(level10.every((m) => grid.hasData(m)));
    assert.equal(grid.hasData(grid.metatileOf(grid.lod(10)!, 0, 0)), false);
  });

  it('bounds a custom scheme by its data', () => {
    const utm = tileInfoFromScales({ spatialReference: { wkid: 32630 }, origin: { x: 0, y: 7000000 }, scales: [100000] });
    const g = new TileGrid(utm, { xmin: 340000, ymin: 6280000, xmax: 400000, ymax: 6340000 }, null);
    const size = 256 * utm.lods[0]!.resolution;
    assert.ok(g.has(0, Math.floor(660000 / size), Math.floor(340000 / size)));
    assert.equal(g.has(0, 0, 0), false);
  });
});
