import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DrawCache } from './draw-cache.js';
import type { FeatureSource, ScanRequest } from './feature-source.js';
import { GeoPackageFeatureSource } from './geopackage/geopackage-feature-source.js';
import { parseWhere } from './where/index.js';

// Two GDAL-written layers: 400 points on a grid and 100 squares.
let dir: string;
let gpkg: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'draw-cache-'));
  const points = Array.from({ length: 400 }, (_, i) => ({
    type: 'Feature', properties: { KIND: ['Hill', 'Farm', 'Well'][i % 3], HEIGHT: i },
    geometry: { type: 'Point', coordinates: [350000 + (i % 20) * 100, 6300000 + Math.floor(i / 20) * 100] },
  }));
  const squares = Array.from({ length: 100 }, (_, i) => {
    const x = 350000 + (i % 10) * 200, y = 6300000 + Math.floor(i / 10) * 200;
    return { type: 'Feature', properties: { NAME: `Block ${i}` }, geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 150, y], [x + 150, y + 150], [x, y + 150], [x, y]]] } };
  });
  const crs = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32630' } };
  gpkg = join(dir, 'layers.gpkg');
  for (const [name, features] of [['points', points], ['squares', squares]] as const) {
    const src = join(dir, `${name}.geojson`);
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', crs, features }));
    execFileSync('ogr2ogr', ['-f', 'GPKG', ...(name === 'squares' ? ['-update'] : []), gpkg, src, '-nln', name, '-lco', 'FID=OBJECTID']);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The source's own rows for a request, for comparison. */
const direct = (s: FeatureSource, r: ScanRequest) => [...s.scan(r)].map((row) => ({ id: row.id, attributes: row.attributes, geometry: row.geometry }));
const cached = (c: DrawCache, s: FeatureSource, r: ScanRequest) => [...c.scan(s, r)].map((row) => ({ id: row.id, attributes: row.attributes, geometry: row.geometry }));
const all = (s: FeatureSource) => s.schema.fields.map((f) => f.name);

describe('DrawCache', () => {
  it('gives exactly the rows the source gives, in object ID order, from memory', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'points');
    const cache = new DrawCache(64 * 2 ** 20);
    try {
      const requests: ScanRequest[] = [
        { bbox: { xmin: 350250, ymin: 6300150, xmax: 351050, ymax: 6301020 }, fields: all(s), geometry: true },
        { bbox: { xmin: 350000, ymin: 6300000, xmax: 352000, ymax: 6302000 }, where: parseWhere("KIND = 'Hill' AND HEIGHT > 100"), fields: all(s), geometry: true },
        { where: parseWhere("KIND LIKE 'f%'"), fields: all(s), geometry: true },
        { bbox: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, fields: all(s), geometry: true },
      ];
      for (const r of requests) {
        const expected = direct(s, r);
        assert.deepEqual(cached(cache, s, r), expected);
        assert.deepEqual(cached(cache, s, r), expected, 'the second answer, from memory, is the same');
      }
      assert.ok(cache.bytes > 0, 'the layer is held');
      assert.equal(cached(cache, s, requests[1]!).length, 100);
    } finally { s.close(); }
  });

  it('passes requests it cannot answer from memory to the source', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'points');
    const cache = new DrawCache(64 * 2 ** 20);
    try {
      const paged: ScanRequest = { fields: all(s), geometry: true, orderBy: [{ field: 'HEIGHT', descending: true }], limit: 3 };
      assert.deepEqual(cached(cache, s, paged).map((r) => r.attributes.HEIGHT), [399, 398, 397]);
      const fewer: ScanRequest = { fields: ['KIND'], geometry: true, bbox: { xmin: 350000, ymin: 6300000, xmax: 350100, ymax: 6300000 } };
      assert.deepEqual(cached(cache, s, fewer), direct(s, fewer));
      assert.equal(cache.bytes, 0, 'nothing was loaded for them');
    } finally { s.close(); }
  });

  it('sees rows another connection commits to the file', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'squares');
    const cache = new DrawCache(64 * 2 ** 20);
    try {
      assert.equal(cached(cache, s, { fields: all(s), geometry: true }).length, 100);
      const writer = new Database(gpkg);
      writer.prepare('DELETE FROM squares WHERE OBJECTID = 2').run();
      writer.close();
      const after = cached(cache, s, { fields: all(s), geometry: true });
      assert.equal(after.length, 99);
      assert.ok(!after.some((r) => r.id === 2));
    } finally { s.close(); }
  });

  it('keeps within its budget: a layer too large is read from the source every time', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'points');
    const cache = new DrawCache(10_000);
    try {
      const r: ScanRequest = { bbox: { xmin: 350000, ymin: 6300000, xmax: 350500, ymax: 6300500 }, fields: all(s), geometry: true };
      assert.deepEqual(cached(cache, s, r), direct(s, r));
      assert.equal(cache.bytes, 0);
    } finally { s.close(); }
  });

  it('makes room by dropping the layer drawn least recently, and releases closed sources', () => {
    const points = new GeoPackageFeatureSource(gpkg, 'points');
    const squares = new GeoPackageFeatureSource(gpkg, 'squares');
    const full = (s: FeatureSource) => ({ fields: all(s), geometry: true });
    try {
      const probe = new DrawCache(64 * 2 ** 20);
      cached(probe, points, full(points));
      const pointBytes = probe.bytes;
      cached(probe, squares, full(squares));
      const squareBytes = probe.bytes - pointBytes;
      const cache = new DrawCache(Math.max(pointBytes, squareBytes) + 1);
      cached(cache, points, full(points));
      assert.equal(cache.bytes, pointBytes);
      cached(cache, squares, full(squares));
      assert.equal(cache.bytes, squareBytes, 'points were dropped for squares');
      cache.release(squares);
      assert.equal(cache.bytes, 0);
    } finally { points.close(); squares.close(); }
  });
});
