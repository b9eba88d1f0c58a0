import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freshDataDir } from '../../test/support/test-server.js';
import { openFeatureSource } from '../data/source-registry.js';
import { ringArea } from '../geo/esri-json.js';
import type { Envelope, Position } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { SAMPLE_EXTENT } from '../sample/crs.js';
import { buildSheetIndex, quarterParentOf, SheetIndexError, sheetNumber, type SheetFeature } from './sheet-index-builder.js';

const run = promisify(execFile);
const library = new TemplateLibrary();
const grid = (name: string) => library.grid(name)!;
const allGrids = () => library.gridNames().map(grid);
const quarterOf = (name: string) => quarterParentOf(grid(name), allGrids())?.sheetMinutes ?? null;
const ring = (f: SheetFeature) => f.geometry.coordinates[0]!;

/** Runs gdaltransform over points; answers the transformed points. */
async function gdaltransform(from: string, to: string, points: Position[]): Promise<Position[]> {
  const child = execFile('gdaltransform', ['-s_srs', from, '-t_srs', to, '-output_xy']);
  let out = '';
  child.stdout!.on('data', (d: string | Buffer) => { out += String(d); });
  child.stdin!.end(points.map((p) => `${p[0]!.toFixed(10)} ${p[1]!.toFixed(10)}`).join('\n') + '\n');
  await new Promise<void>((resolve, reject) => child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`gdaltransform exited ${code}`)))));
  return out.trim().split('\n').map((line) => line.trim().split(/\s+/).map(Number));
}

describe('sheet numbers', () => {
  it('write both hemispheres from the south-west corner, and seconds when asked', () => {
    assert.equal(sheetNumber(56.75, -5.25), '5645N00515W');
    assert.equal(sheetNumber(-34, 151), '3400S15100E');
    assert.equal(sheetNumber(-0.25, -0.5), '0015S00030W');
    assert.equal(sheetNumber(0, 0), '0000N00000E');
    assert.equal(sheetNumber(56.875, -5.125, { seconds: true }), '565230N0050730W');
  });

  it('number quarters only for a grid that quarters another of its family', () => {
    assert.equal(quarterParentOf(grid('TM25'), allGrids())?.name, 'TM50');
    assert.equal(quarterParentOf(grid('CTM25'), allGrids())?.name, 'CTM50');
    assert.equal(quarterParentOf(grid('TM50'), allGrids()), undefined, 'TM100 is twice TM50 but TM50 has its own numbers');
    assert.equal(quarterParentOf(grid('USTopo24'), allGrids()), undefined);
  });
});

describe('sheet index over the sample region', () => {
  let dataDir: string;
  before(async () => { dataDir = await freshDataDir(); });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  for (const name of ['TM25', 'TM50', 'TM100']) {
    it(`gives the sample GeoPackage's ${name} sheets: numbers, corners and outlines within centimetres`, () => {
      const built = buildSheetIndex(grid(name), SAMPLE_EXTENT, { wkid: 32630 }, { quarterOf: quarterOf(name) });
      const source = openFeatureSource({ type: 'geopackage', path: 'sample/region.gpkg', table: `sheets_${name.toLowerCase()}` }, dataDir);
      try {
        const stored = [...source.scan({ fields: ['NRN', 'SERIES', 'SCALE', 'LAT_S', 'LAT_N', 'LON_W', 'LON_E'], geometry: true })];
        assert.ok(stored.length > 0);
        assert.deepEqual(built.map((f) => f.properties.NRN).sort(), stored.map((r) => String(r.attributes.NRN)).sort());
        for (const row of stored) {
          const f = built.find((b) => b.properties.NRN === row.attributes.NRN)!;
          for (const key of ['SERIES', 'SCALE', 'LAT_S', 'LAT_N', 'LON_W', 'LON_E'] as const) assert.equal(f.properties[key], row.attributes[key], `${row.attributes.NRN} ${key}`);
          const theirs = (row.geometry as { coordinates: number[][][] }).coordinates[0]!;
          const ours = ring(f);
          assert.equal(ours.length, theirs.length, `${row.attributes.NRN}: vertex count`);
          for (let i = 0; i < ours.length; i++) {
            assert.ok(Math.hypot(ours[i]![0]! - theirs[i]![0]!, ours[i]![1]! - theirs[i]![1]!) < 0.05, `${row.attributes.NRN} vertex ${i}`);
          }
        }
      } finally { source.close(); }
    });
  }
});

describe('sheet index in the southern and eastern hemispheres', () => {
  // About 10 km around 33.9°S 151.2°E (Sydney) in WGS 84 / UTM zone 56S.
  const extent: Envelope = { xmin: 328000, ymin: 6242000, xmax: 338000, ymax: 6252000 };
  const sr = { wkid: 32756 };

  it('numbers the sheets with S and E from their south-west corner', () => {
    const tm50 = buildSheetIndex(grid('TM50'), extent, sr);
    assert.ok(tm50.length >= 1);
    for (const f of tm50) assert.match(f.properties.NRN, /^\d{4}S\d{5}E$/);
    assert.ok(tm50.some((f) => f.properties.NRN === '3400S15100E'), tm50.map((f) => f.properties.NRN).join());
    const sheet = tm50.find((f) => f.properties.NRN === '3400S15100E')!.properties;
    assert.deepEqual([sheet.LAT_S, sheet.LAT_N, sheet.LON_W, sheet.LON_E], [-34, -33.75, 151, 151.25]);
    assert.equal(sheet.NAME, null, 'no place names it');
    const tm25 = buildSheetIndex(grid('TM25'), extent, sr, { quarterOf: quarterOf('TM25') });
    for (const f of tm25) assert.match(f.properties.NRN, /^\d{4}S\d{5}E-[NS][EW]$/);
    assert.ok(tm25.some((f) => f.properties.NRN === '3400S15100E-SE'));
    assert.deepEqual(buildSheetIndex(grid('TM100'), extent, sr).map((f) => f.properties.NRN), ['3400S15100E']);
  });

  it('draws outlines that gdaltransform puts on the sheet corners, meridians and parallels', async () => {
    const tm50 = buildSheetIndex(grid('TM50'), extent, sr);
    for (const f of tm50) {
      const p = f.properties;
      const outline = ring(f);
      assert.deepEqual(outline[0], outline[outline.length - 1]);
      assert.ok(ringArea(outline) > 0, 'counter-clockwise');
      for (let i = 1; i < outline.length; i++) assert.ok(Math.hypot(outline[i]![0]! - outline[i - 1]![0]!, outline[i]![1]! - outline[i - 1]![1]!) < 1100);
      // The south-west corner is the ring's first vertex; the others are on it too.
      const corners = await gdaltransform('EPSG:4326', 'EPSG:32756', [[p.LON_W, p.LAT_S], [p.LON_E, p.LAT_S], [p.LON_E, p.LAT_N], [p.LON_W, p.LAT_N]]);
      assert.ok(Math.hypot(corners[0]![0]! - outline[0]![0]!, corners[0]![1]! - outline[0]![1]!) < 0.1, `${p.NRN} south-west corner`);
      for (const c of corners) assert.ok(outline.some((v) => Math.hypot(v[0]! - c[0]!, v[1]! - c[1]!) < 0.1), `${p.NRN} corner ${c}`);
      // Every vertex, taken back to degrees by GDAL, lies on an edge of the sheet.
      const lonLat = await gdaltransform('EPSG:32756', 'EPSG:4326', outline);
      for (const [lon, lat] of lonLat) {
        const onEdge = Math.min(Math.abs(lon! - p.LON_W), Math.abs(lon! - p.LON_E), Math.abs(lat! - p.LAT_S), Math.abs(lat! - p.LAT_N));
        assert.ok(onEdge < 2e-6, `${p.NRN}: ${lon} ${lat} is ${onEdge}° off the sheet's edges`);
        assert.ok(lon! > p.LON_W - 1e-6 && lon! < p.LON_E + 1e-6 && lat! > p.LAT_S - 1e-6 && lat! < p.LAT_N + 1e-6);
      }
    }
  });

  it('covers the whole extent', () => {
    const tm25 = buildSheetIndex(grid('TM25'), extent, sr, { quarterOf: quarterOf('TM25') });
    const toLonLat = getTransform(sr, { wkid: 4326 })!;
    for (let x = extent.xmin; x <= extent.xmax; x += 2500) {
      for (let y = extent.ymin; y <= extent.ymax; y += 2500) {
        const [lon, lat] = toLonLat([x, y]);
        assert.ok(tm25.some((f) => lon! >= f.properties.LON_W && lon! <= f.properties.LON_E && lat! >= f.properties.LAT_S && lat! <= f.properties.LAT_N), `${x},${y}`);
      }
    }
  });
});

describe('sheet index: other grids and places', () => {
  it('doubles the longitude span poleward of 60°, quarters included', () => {
    // Around 65°N 15°E in UTM zone 33N.
    const extent = { xmin: 480000, ymin: 7200000, xmax: 520000, ymax: 7240000 };
    const tm50 = buildSheetIndex(grid('TM50'), extent, { wkid: 32633 });
    assert.ok(tm50.length > 1);
    for (const f of tm50) {
      assert.equal(f.properties.LAT_N - f.properties.LAT_S, 0.25);
      assert.equal(f.properties.LON_E - f.properties.LON_W, 0.5);
      assert.equal(f.properties.LON_W % 0.5, 0);
      assert.match(f.properties.NRN, /^\d{2}(00|15|30|45)N\d{3}(00|30)E$/);
    }
    const tm25 = buildSheetIndex(grid('TM25'), extent, { wkid: 32633 }, { quarterOf: quarterOf('TM25') });
    for (const f of tm25) assert.equal(f.properties.LON_E - f.properties.LON_W, 0.25);
    const quarters = new Set(tm25.map((f) => f.properties.NRN.slice(-2)));
    assert.deepEqual([...quarters].sort(), ['NE', 'NW', 'SE', 'SW']);
    // The quarters of one parent share its number, and the parent is a TM50 sheet.
    const parents = new Set(tm25.map((f) => f.properties.NRN.slice(0, 11)));
    for (const p of parents) assert.ok(tm50.some((f) => f.properties.NRN === p), p);
  });

  it('writes seconds for a grid without whole-minute corners, in a geographic spatial reference', () => {
    const extent = { xmin: -5.2, ymin: 56.8, xmax: -5.1, ymax: 56.9 };
    const quads = buildSheetIndex(grid('USTopo24'), extent, { wkid: 4326 });
    assert.ok(quads.some((f) => f.properties.NRN === '565230N0051500W'), quads.map((f) => f.properties.NRN).join());
    const f = quads.find((q) => q.properties.NRN === '565230N0051500W')!;
    assert.deepEqual(f.geometry.coordinates[0]![0], [-5.25, 56.875], 'outline in degrees');
  });

  it('crosses the 180° meridian', () => {
    // UTM zone 60S around 179.9°E 16.5°S (Fiji); the extent runs into west longitudes.
    const toUtm = getTransform({ wkid: 4326 }, { wkid: 32760 })!;
    const [x0, y0] = toUtm([179.8, -16.6]), [x1, y1] = toUtm([-179.8, -16.4]);
    const sheets = buildSheetIndex(grid('TM50'), { xmin: x0!, ymin: y0!, xmax: x1!, ymax: y1! }, { wkid: 32760 });
    const numbers = sheets.map((f) => f.properties.NRN);
    assert.ok(numbers.includes('1645S17945E') && numbers.includes('1645S18000W'), numbers.join());
    assert.ok(sheets.every((f) => f.properties.LON_W >= -180 && f.properties.LON_E <= 180));
    assert.ok(sheets.length <= 8, `${sheets.length} sheets: only those near the meridian`);
  });

  it('names sheets after their most prominent place not yet used', () => {
    const extent = { xmin: 328000, ymin: 6242000, xmax: 338000, ymax: 6252000 };
    const toUtm = getTransform({ wkid: 4326 }, { wkid: 32756 })!;
    const places = [
      { name: 'Small', position: toUtm([151.2, -33.9]), priority: 3, weight: 10 },
      { name: 'Big', position: toUtm([151.21, -33.89]), priority: 1, weight: 1000 },
    ];
    const [sheet] = buildSheetIndex(grid('TM100'), extent, { wkid: 32756 }, { places });
    assert.equal(sheet!.properties.NAME, 'Big');
  });

  it('refuses an extent in the wrong order, and one too large for the grid', () => {
    assert.throws(() => buildSheetIndex(grid('TM50'), { xmin: 338000, ymin: 6242000, xmax: 328000, ymax: 6252000 }, { wkid: 32756 }),
      (e: Error) => e instanceof SheetIndexError && /^extent: xmin must be less than xmax/.test(e.message));
    assert.throws(() => buildSheetIndex(grid('TM25'), { xmin: -170, ymin: -60, xmax: 170, ymax: 60 }, { wkid: 4326 }),
      (e: Error) => e instanceof SheetIndexError && /more than the 10,000 one index may hold/.test(e.message));
  });
});
