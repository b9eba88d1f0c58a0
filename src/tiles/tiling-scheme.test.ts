import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateServiceDefinition } from '../catalog/service-definition.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import { findLod, tileEnvelope, tileInfoFromScales, tileInfoJson, tileRange, validateTileInfo, webMercatorTileInfo } from './tiling-scheme.js';

describe('tiling scheme', () => {
  it('builds the standard Web Mercator levels, each half the one before', () => {
    const info = webMercatorTileInfo();
    assert.equal(info.lods.length, 21);
    assert.deepEqual(info.lods[0], { level: 0, resolution: 156543.03392800014, scale: 591657527.591555 });
    assert.deepEqual(info.origin, { x: -20037508.342787, y: 20037508.342787 });
    assert.equal(info.spatialReference.wkid, 102100);
    for (const [i, lod] of info.lods.entries()) {
      assert.equal(lod.level, i);
      assert.ok(Math.abs(lod.resolution - info.lods[0]!.resolution / 2 ** i) < 1e-9 * lod.resolution, `resolution ${i}`);
      // Scale = resolution × dpi × 39.37 in/m, to the rounding ArcGIS publishes.
      assert.ok(Math.abs(lod.scale - lod.resolution * 96 * 39.37) < 1e-6 * lod.scale, `scale ${i}`);
    }
    assert.equal(webMercatorTileInfo({ maxLevel: 17 }).lods.length, 18);
    assert.throws(() => webMercatorTileInfo({ maxLevel: 21 }), RangeError);
  });

  it('maps tiles to extents and extents to tiles', () => {
    const info = webMercatorTileInfo();
    const l0 = findLod(info, 0)!;
    assert.deepEqual(tileRange(info, l0, { xmin: -20037508.342787, ymin: -20037508.342787, xmax: 20037508.342787, ymax: 20037508.342787 }), { minCol: 0, maxCol: 0, minRow: 0, maxRow: 0 });
    const l3 = findLod(info, 3)!;
    const e = tileEnvelope(info, l3, 2, 5);
    assert.deepEqual(tileRange(info, l3, e), { minCol: 5, maxCol: 5, minRow: 2, maxRow: 2 }, 'a tile’s own extent holds just that tile');
    assert.ok(Math.abs(e.xmax - e.xmin - 256 * l3.resolution) < 1e-6);
  });

  it('builds a scheme for a projected SR from scales', () => {
    const info = tileInfoFromScales({ spatialReference: { wkid: 32630 }, origin: { x: 0, y: 10000000 }, scales: [250000, 50000, 25000], format: 'JPEG' });
    assert.deepEqual(info.lods.map((l) => l.level), [0, 1, 2]);
    assert.ok(Math.abs(info.lods[1]!.resolution - 50000 / (96 * 39.37)) < 1e-9);
    assert.deepEqual(validateTileInfo(info), []);
    const json = tileInfoJson(info);
    assert.equal(json.tileInfo.compressionQuality, 75);
    assert.deepEqual([json.minLOD, json.maxLOD], [0, 2]);
    assert.equal(tileInfoJson(webMercatorTileInfo()).tileInfo.compressionQuality, 0);
  });

  it('validates a stored tileInfo, also as part of a service definition', () => {
    const bad = { ...webMercatorTileInfo(), rows: 0, format: 'GIF', origin: { x: 'a', y: 0 }, lods: [{ level: 1, resolution: 2, scale: 3 }, { level: 0, resolution: 4, scale: 5 }] };
    const paths = validateTileInfo(bad).map((i) => i.path);
    assert.deepEqual(paths, ['tileInfo.rows', 'tileInfo.format', 'tileInfo.origin', 'tileInfo.lods[1].level', 'tileInfo.lods[1].resolution']);
    assert.deepEqual(validateServiceDefinition(sampleServiceDefinition()), []);
    assert.deepEqual(validateServiceDefinition({ ...sampleServiceDefinition(), tileInfo: { ...webMercatorTileInfo(), spatialReference: { wkid: 999999 } } }).map((i) => i.path), ['tileInfo.spatialReference']);
  });
});
