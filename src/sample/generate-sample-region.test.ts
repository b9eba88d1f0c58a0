import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import Flatbush from 'flatbush';
import { fromFile } from 'geotiff';
import type { Geometry, Position } from '../geo/geometry.js';
import { geometryEnvelope } from '../geo/geometry.js';
import { decodeGpkgGeometry } from '../data/geopackage/gpkg-geometry.js';
import { buildSampleFeatures, generateSampleRegion, sampleGrid, type SampleRegionSummary } from './generate-sample-region.js';
import { pointInPolygon, segmentsIntersect } from './polyline.js';
import type { RasterGrid } from './raster.js';
import { SAMPLE_TABLES } from './schema.js';

const gdalVersion = (() => {
  const run = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
  const m = run.status === 0 ? /GDAL (\d+)\.(\d+)/.exec(run.stdout) : null;
  return m ? Number(m[1]) * 100 + Number(m[2]) : 0;
})();
const noGdal = gdalVersion === 0 && 'GDAL command-line tools not installed';

/** ogrinfo's stderr lines: there must be none. */
function ogrWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '');
}

type Row = { geometry: Geometry; [field: string]: unknown };

describe('generateSampleRegion (the full 60 × 60 km region, generated once)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sample-region-'));
  let summary: SampleRegionSummary;
  let dem: Float32Array;
  let db: Database.Database;
  const grid = sampleGrid();
  const rows = (table: string): Row[] =>
    (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]).map((r) => ({ ...r, geometry: decodeGpkgGeometry(r.geom as Buffer).geometry! }));
  const elevation = (p: Position) => {
    const col = Math.min(grid.width - 1, Math.floor((p[0]! - grid.originX) / grid.cellSize));
    const row = Math.min(grid.height - 1, Math.floor((grid.originY - p[1]!) / grid.cellSize));
    return dem[row * grid.width + col]!;
  };

  before(async () => {
    const steps: number[] = [];
    summary = await generateSampleRegion({ outDir: dir, onProgress: (_, f) => steps.push(f) });
    assert.deepEqual(steps, steps.slice().sort((a, b) => a - b), 'progress only moves forward');
    assert.equal(steps[steps.length - 1], 1);
    const image = await (await fromFile(join(dir, 'dem.tif'))).getImage();
    dem = ((await image.readRasters()) as unknown as Float32Array[])[0]!;
    db = new Database(summary.geopackage, { readonly: true });
  });
  after(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('summarises at least 50,000 features in every table, generated within a minute', () => {
    assert.equal(summary.seed, 1);
    assert.equal(summary.srid, 32630);
    assert.deepEqual(summary.extent, { xmin: 340000, ymin: 6280000, xmax: 400000, ymax: 6340000 });
    assert.deepEqual(summary.tables.map((t) => t.table), SAMPLE_TABLES.map((t) => t.table));
    for (const t of summary.tables) assert.ok(t.count > 0, `${t.table} is empty`);
    assert.equal(summary.totalFeatures, summary.tables.reduce((s, t) => s + t.count, 0));
    assert.ok(summary.totalFeatures >= 50000, `${summary.totalFeatures} features`);
    assert.ok(summary.elapsedMs < 60000, `${summary.elapsedMs} ms`);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'region.json'), 'utf8')), summary);
    assert.ok(summary.dem.minElevation < -20 && summary.dem.maxElevation > 900 && summary.dem.maxElevation < 1300);
  });

  it('writes a DEM that gdalinfo -stats reads without warnings', { skip: noGdal }, () => {
    const run = spawnSync('gdalinfo', ['-stats', '-json', summary.dem.path], { encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.equal(run.stderr, '');
    const info = JSON.parse(run.stdout);
    assert.deepEqual(info.size, [2400, 2400]);
    assert.deepEqual(info.geoTransform, [340000, 25, 0, 6340000, 0, -25]);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",32630\]\]$/);
    const band = info.bands[0];
    assert.equal(band.type, 'Float32');
    assert.equal(band.noDataValue, -9999);
    assert.ok(Math.abs(band.minimum - summary.dem.minElevation) < 0.1 && Math.abs(band.maximum - summary.dem.maxElevation) < 0.1);
  });

  it('lists every layer in ogrinfo without warnings, in EPSG:32630, with a spatial index', { skip: noGdal }, () => {
    const run = spawnSync('ogrinfo', ['-ro', '-al', '-so', summary.geopackage], { encoding: 'utf8' });
    assert.equal(run.status, 0);
    assert.deepEqual(ogrWarnings(run.stderr), []);
    for (const t of summary.tables) {
      const block = run.stdout.split('Layer name: ').find((b) => b.startsWith(`${t.table}\n`));
      assert.ok(block, `layer ${t.table} listed`);
      assert.match(block, new RegExp(`Feature Count: ${t.count}\\n`));
      assert.match(block, /ID\["EPSG",32630\]\]/);
      assert.match(block, /FID Column = OBJECTID\nGeometry Column = geom/);
    }
    const index = spawnSync('ogrinfo', ['-ro', summary.geopackage, '-sql', "SELECT HasSpatialIndex('roads','geom')"], { encoding: 'utf8' });
    assert.match(index.stdout, /HasSpatialIndex \(Integer\) = 1/);
  });

  it('indexes every table in an R-tree and stores the real EPSG:32630 definition', () => {
    for (const t of summary.tables) {
      const n = (db.prepare(`SELECT count(*) AS n FROM "rtree_${t.table}_geom"`).get() as { n: number }).n;
      assert.equal(n, t.count, `rtree_${t.table}_geom`);
    }
    const srs = db.prepare('SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 32630').get() as { definition: string };
    assert.match(srs.definition, /^PROJCS\["WGS 84 \/ UTM zone 30N".*AUTHORITY\["EPSG","32630"\]\]$/);
  });

  it('keeps coordinates inside the region and rounded to 0.1 m', () => {
    for (const t of ['buildings', 'roads', 'watercourses', 'coastline']) {
      for (const r of rows(t).slice(0, 2000)) {
        const e = geometryEnvelope(r.geometry);
        assert.ok(e.xmin >= 340000 && e.xmax <= 400000 && e.ymin >= 6280000 && e.ymax <= 6340000, `${t} outside the region`);
        const p = (r.geometry.coordinates as Position[][] | Position[]).flat(2) as number[];
        for (const v of p) assert.equal(Math.round(v * 10) / 10, v);
      }
    }
  });

  it('draws watercourses downstream, never ending higher than they start', () => {
    for (const r of rows('watercourses')) {
      const line = r.geometry.coordinates as Position[];
      assert.ok(elevation(line[0]!) >= elevation(line[line.length - 1]!), `watercourse ${r.OBJECTID} runs uphill`);
    }
  });

  it('puts no building in a lake or the sea, or on another building', () => {
    const lakes = rows('lakes').map((r) => r.geometry.coordinates as Position[][]);
    const index = new Flatbush(lakes.length);
    for (const rings of lakes) {
      const e = geometryEnvelope({ type: 'Polygon', coordinates: rings });
      index.add(e.xmin, e.ymin, e.xmax, e.ymax);
    }
    index.finish();
    const buildings = rows('buildings');
    for (const b of buildings) {
      const ring = (b.geometry.coordinates as Position[][])[0]!;
      const e = geometryEnvelope(b.geometry);
      for (const k of index.search(e.xmin, e.ymin, e.xmax, e.ymax)) {
        const lake = lakes[k]!;
        assert.ok(!ring.some((p) => pointInPolygon(p[0]!, p[1]!, lake)), `building ${b.OBJECTID} stands in a lake`);
        for (const lr of lake) {
          for (let i = 1; i < lr.length; i++) {
            for (let j = 1; j < ring.length; j++) {
              assert.ok(!segmentsIntersect(lr[i - 1]![0]!, lr[i - 1]![1]!, lr[i]![0]!, lr[i]![1]!, ring[j - 1]![0]!, ring[j - 1]![1]!, ring[j]![0]!, ring[j]![1]!), `building ${b.OBJECTID} crosses a lake shore`);
            }
          }
        }
      }
      assert.ok(elevation(ring[0]!) > 0, `building ${b.OBJECTID} in the sea`);
    }
    // Buildings do not overlap: no building's centre lies inside another.
    const boxes = new Flatbush(buildings.length);
    for (const b of buildings) { const e = geometryEnvelope(b.geometry); boxes.add(e.xmin, e.ymin, e.xmax, e.ymax); }
    boxes.finish();
    buildings.forEach((b, k) => {
      const ring = (b.geometry.coordinates as Position[][])[0]!;
      const cx = (ring[0]![0]! + ring[2]![0]!) / 2, cy = (ring[0]![1]! + ring[2]![1]!) / 2;
      for (const o of boxes.search(cx, cy, cx, cy)) {
        if (o !== k) assert.ok(!pointInPolygon(cx, cy, buildings[o]!.geometry.coordinates as Position[][]), `buildings ${b.OBJECTID} and ${buildings[o]!.OBJECTID} overlap`);
      }
    });
  });

  it('places every settlement on land and names it uniquely', () => {
    const lakes = rows('lakes').map((r) => r.geometry.coordinates as Position[][]);
    const settlements = rows('place_names').filter((r) => ['City', 'Town', 'Village', 'Hamlet'].includes(r.TYPE as string));
    assert.ok(settlements.length >= 40);
    assert.equal(settlements.filter((s) => s.PRIORITY === 1).length, 1, 'one main town');
    for (const s of settlements) {
      const p = s.geometry.coordinates as Position;
      assert.ok(elevation(p) > 0, `${s.NAM} is in the sea`);
      assert.ok(!lakes.some((l) => pointInPolygon(p[0]!, p[1]!, l)), `${s.NAM} is in a lake`);
      assert.ok((s.POP as number) > 0);
    }
    const names = settlements.map((s) => s.NAM);
    assert.equal(new Set(names).size, names.length);
  });

  it('gives every feature table its feature code and attribute values from the documented lists', () => {
    const codes = (t: string) => new Set((db.prepare(`SELECT DISTINCT F_CODE AS c FROM "${t}"`).all() as { c: string }[]).map((r) => r.c));
    assert.deepEqual(codes('roads'), new Set(['AP030']));
    assert.deepEqual(codes('vegetation'), new Set(['EC015', 'EB010', 'EB020', 'ED010']));
    const classes = new Set((db.prepare('SELECT DISTINCT CLASS AS c FROM roads').all() as { c: string }[]).map((r) => r.c));
    assert.deepEqual(classes, new Set(['Primary', 'Secondary', 'Minor', 'Street']));
    const primary = db.prepare("SELECT DISTINCT RTY AS t, substr(RTN, 1, 1) AS r FROM roads WHERE CLASS = 'Primary'").all();
    assert.deepEqual(primary, [{ t: 2, r: 'A' }]);
    const spots = new Set((db.prepare('SELECT DISTINCT TYPE AS t FROM spot_heights').all() as { t: string }[]).map((r) => r.t));
    assert.deepEqual(spots, new Set(['Summit', 'Saddle', 'Spot']));
    assert.ok((db.prepare("SELECT count(*) AS n FROM watercourses WHERE NAM LIKE 'River %'").get() as { n: number }).n > 0);
    assert.ok((db.prepare("SELECT count(*) AS n FROM lakes WHERE NAM LIKE 'Loch%'").get() as { n: number }).n > 0);
    assert.ok((db.prepare("SELECT count(*) AS n FROM sea WHERE NAM LIKE 'Loch %'").get() as { n: number }).n > 0);
    assert.ok((db.prepare('SELECT count(*) AS n FROM admin_areas').get() as { n: number }).n >= 2);
  });
});

describe('buildSampleFeatures', () => {
  it('gives byte-identical features for the same seed', async () => {
    // A coarse grid keeps this quick; the generator is resolution independent.
    const grid: RasterGrid = { width: 300, height: 300, cellSize: 200, originX: 340000, originY: 6340000 };
    const serialise = async () => {
      const { tables } = await buildSampleFeatures(5, grid);
      return JSON.stringify([...tables]);
    };
    assert.equal(await serialise(), await serialise());
  });
});
