import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MapService } from '../catalog/map-service.js';
import type { OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import type { MetatileMeta } from '../faces/mapserver/tile-operation.js';
import { TileCache } from './tile-cache.js';
import { cacheDir, cacheVersion } from './tile-cache-path.js';
import { TileGrid } from './tile-grid.js';
import { webMercatorTileInfo, WEB_MERCATOR_HALF_WIDTH as W } from './tiling-scheme.js';

const dataDir = mkdtempSync(join(tmpdir(), 'quadrangle-tile-cache-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

const info = webMercatorTileInfo({ maxLevel: 5 });
const service = new MapService({ serviceName: 'Fake', folder: 'Test', type: 'MapServer', spatialReference: { wkid: 3857 }, capabilities: ['Map'], tileInfo: info, layers: [] }, 3, dataDir);
const world = { xmin: -W, ymin: -W, xmax: W, ymax: W };
// No layers to measure: give the grid data everywhere, so every metatile is "rendered".
service.memo.set('tileGrid', new TileGrid(info, world, world));

/** A stand-in for the worker pool: answers metatiles whose odd columns are blank, counting calls. */
function fakeRunner(): { calls: OperationTask[]; run: (task: OperationTask) => Promise<OperationOutcome> } {
  const calls: OperationTask[] = [];
  return {
    calls,
    run: async (task) => {
      calls.push(task);
      await new Promise((r) => setTimeout(r, 20));
      const p = new Map(task.params);
      const [row0, col0] = [Number(p.get('row')), Number(p.get('col'))];
      const meta: MetatileMeta = { version: cacheVersion(service), tiles: [] };
      const parts: Buffer[] = [];
      let offset = 0;
      for (let row = row0; row < row0 + 4; row++) for (let col = col0; col < col0 + 4; col++) {
        const data = col % 2 ? Buffer.alloc(0) : Buffer.from(`tile ${row}/${col}`);
        meta.tiles.push({ row, col, ext: 'png', offset, length: data.length });
        parts.push(data);
        offset += data.length;
      }
      return { ok: true, data: Buffer.concat(parts), contentType: 'application/octet-stream', meta };
    },
  };
}

describe('TileCache', () => {
  it('renders a metatile once for concurrent requests, writes all its tiles and then reads them from disk', async () => {
    const fake = fakeRunner();
    const cache = new TileCache(dataDir, fake.run);
    const [a, b, c] = await Promise.all([cache.tile(service, 5, 8, 12), cache.tile(service, 5, 9, 14), cache.tile(service, 5, 11, 15)]);
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(new Map(fake.calls[0]!.params), new Map([['level', '5'], ['row', '8'], ['col', '12']]));
    assert.equal(a!.data.toString(), 'tile 8/12');
    assert.equal(b!.data.toString(), 'tile 9/14');
    assert.equal(c!.blank, true, 'odd columns are blank');
    assert.equal(c!.contentType, 'image/png');
    const dir = join(cacheDir(dataDir, service, cacheVersion(service)), 'L5');
    assert.match(dir, /cache\/Test_Fake\/r3-[0-9a-f]{8}\/L5$/);
    assert.deepEqual(readdirSync(join(dir, 'R9')).sort(), ['C12.png', 'C13.png', 'C14.png', 'C15.png']);
    assert.equal(readFileSync(join(dir, 'R9', 'C13.png')).length, 0, 'a blank tile is an empty file');
    const again = await cache.tile(service, 5, 8, 12);
    assert.equal(fake.calls.length, 1, 'served from disk');
    assert.equal(again!.etag, a!.etag);
    assert.equal((await cache.tile(service, 5, 10, 13))!.blank, true);
    assert.ok(await cache.isCached(service, TileGrid.of(service)!, TileGrid.of(service)!.metatileOf(info.lods[5]!, 10, 13)));
    assert.equal(await cache.isCached(service, TileGrid.of(service)!, TileGrid.of(service)!.metatileOf(info.lods[5]!, 0, 0)), false);
  });

  it('answers null outside the grid without rendering', async () => {
    const fake = fakeRunner();
    const cache = new TileCache(dataDir, fake.run);
    assert.equal(await cache.tile(service, 6, 0, 0), null);
    assert.equal(await cache.tile(service, 1, 2, 0), null);
    assert.equal(fake.calls.length, 0);
  });
});
