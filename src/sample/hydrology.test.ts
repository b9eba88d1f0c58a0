import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { accumulateFlow, basinLabels, extractStreams, findLakes, findSea, routeFlow, type FlowRouting } from './hydrology.js';
import { buildLandscape } from './landscape.js';
import type { RasterGrid } from './raster.js';

const W = 40, H = 31;

/** A surface rising eastwards from a sea column at x = 0, with two valleys converging at x = 20. */
function twoValleys(): Float32Array {
  const z = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const spread = 0.5 * Math.max(0, x - 20);
      const side = Math.min(Math.abs(y - (15 - spread)), Math.abs(y - (15 + spread)));
      z[y * W + x] = x === 0 ? -5 : x * 1 + side * 0.7;
    }
  }
  return z;
}

/** Follows receivers from every cell and checks each path ends at the sea or the edge without revisiting a cell. */
function assertDrains(routing: FlowRouting, sea: Uint8Array): void {
  const n = routing.width * routing.height;
  for (let s = 0; s < n; s++) {
    if (sea[s]) continue;
    let c = s, steps = 0;
    while (routing.receiver[c]! >= 0 && !sea[routing.receiver[c]!]) {
      const r = routing.receiver[c]!;
      assert.ok(routing.filled[r]! <= routing.filled[c]!, 'flow never goes uphill on the filled surface');
      c = r;
      assert.ok(++steps <= n, 'flow path loops');
    }
  }
}

describe('hydrology', () => {
  it('routes every land cell to the sea and accumulates the whole land area', () => {
    const z = twoValleys();
    const sea = findSea(z, W, H);
    assert.equal(sea.reduce((s, v) => s + v, 0), H);
    const routing = routeFlow(z, W, H, sea);
    assert.equal(routing.order.length, W * H - H);
    assertDrains(routing, sea);
    const acc = accumulateFlow(routing);
    let intoSea = 0;
    for (let i = 0; i < W * H; i++) if (sea[i]) intoSea += acc[i]!;
    // Everything reaches the sea except cells on the other raster edges, which drain off the map.
    let offMap = 0;
    for (const c of routing.order) if (routing.receiver[c]! < 0) offMap += acc[c]!;
    assert.equal(intoSea + offMap, W * H - H);
    // Downstream-first order: each cell comes after its receiver.
    const position = new Int32Array(W * H).fill(-1);
    routing.order.forEach((c, k) => { position[c] = k; });
    for (const c of routing.order) {
      const r = routing.receiver[c]!;
      if (r >= 0 && !sea[r]) assert.ok(position[r]! < position[c]!);
    }
  });

  it('extracts a Y-shaped network with Strahler orders and confluence splits', () => {
    const z = twoValleys();
    const sea = findSea(z, W, H);
    const routing = routeFlow(z, W, H, sea);
    const acc = accumulateFlow(routing);
    const streams = extractStreams(routing, acc, sea, new Int32Array(W * H), 30);
    const trunk = streams.find((s) => s.end === 'sea')!;
    assert.ok(trunk, 'a segment reaches the sea');
    assert.equal(trunk.order, 2);
    const tributaries = streams.filter((s) => s.downstream === streams.indexOf(trunk));
    assert.equal(tributaries.length, 2);
    for (const t of tributaries) {
      assert.equal(t.order, 1);
      assert.equal(t.cells[t.cells.length - 1], trunk.cells[0], 'tributaries end on the confluence cell that starts the trunk');
    }
    for (const s of streams) assert.ok(routing.filled[s.cells[0]!]! >= routing.filled[s.cells[s.cells.length - 1]!]!);
    const basins = basinLabels(routing, sea);
    assert.equal(basins[trunk.cells[0]!], basins[tributaries[0]!.cells[0]!]);
  });

  it('fills a closed hollow into a flat lake at its spill level', () => {
    const z = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const r = Math.hypot(x - 25, y - 15);
        z[y * W + x] = x === 0 ? -5 : x * 1 - (r < 6 ? 12 * (1 - (r * r) / 36) : 0);
      }
    }
    const sea = findSea(z, W, H);
    const routing = routeFlow(z, W, H, sea);
    assertDrains(routing, sea);
    const { lakeId, lakes } = findLakes(z, routing.filled, W, H, 10, 2);
    assert.equal(lakes.length, 1);
    const lake = lakes[0]!;
    assert.ok(lake.maxDepth > 5);
    for (let i = 0; i < W * H; i++) if (lakeId[i]) assert.equal(routing.filled[i], lake.level);
    assert.ok(lakeId[15 * W + 25] === lake.id);
  });

  it('builds the same landscape twice from the same seed, and a different one from another seed', () => {
    const grid: RasterGrid = { width: 150, height: 150, cellSize: 400, originX: 340000, originY: 6340000 };
    const a = buildLandscape(3, grid), b = buildLandscape(3, grid), c = buildLandscape(4, grid);
    assert.deepEqual(a.dem, b.dem);
    assert.deepEqual(a.lakeId, b.lakeId);
    assert.deepEqual(JSON.stringify(a.streams), JSON.stringify(b.streams));
    assert.notDeepEqual(a.dem, c.dem);
    // West coast at sea, mountains inland.
    let seaWest = 0, seaEast = 0, max = -Infinity;
    for (let y = 0; y < 150; y++) {
      seaWest += a.sea[y * 150 + 2]!;
      seaEast += a.sea[y * 150 + 147]!;
      for (let x = 0; x < 150; x++) max = Math.max(max, a.dem[y * 150 + x]!);
    }
    assert.ok(seaWest > 140 && seaEast === 0);
    assert.ok(max > 500 && max < 1400, `highest point ${max}`);
  });
});
