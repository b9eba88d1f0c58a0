import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { freshDataDir } from '../../test/support/test-server.js';
import { ensureSampleService } from '../app/quadrangle-app.js';
import type { MapService } from '../catalog/map-service.js';
import { ServiceManager } from '../catalog/service-manager.js';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { loadConfig } from '../config/config.js';
import { parseWhere } from '../data/where/index.js';
import { GeoPackageFeatureSource } from '../data/geopackage/geopackage-feature-source.js';
import { queryIds } from '../data/layer-query.js';
import { envelopeToPolygon } from '../geo/geometry.js';
import { getTransform, transformGeometry } from '../geo/projection.js';
import { prepareFilter } from '../geo/spatial-relation.js';
import { geometryEnvelope, type Envelope, type MultiPolygon, type Polygon } from '../geo/geometry.js';
import { exportLayers } from '../mapping/service-map-layers.js';
import { bindExtractedLayers, clipToRectangle, extractData, ExtractDataError, extractionEnvelope, selectExtractLayers, type ExtractResult } from './extract-data.js';

const SHEET = '5645N00515W';
const TM50_INDEX = 15;

/** ogrinfo's summary of every layer: feature count by table, and whatever it printed on stderr. */
function ogrinfo(path: string): { counts: Map<string, number>; stderr: string } {
  const run = spawnSync('ogrinfo', ['-ro', '-so', '-al', path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const counts = new Map<string, number>();
  for (const block of run.stdout.split(/\nLayer name: /).slice(1)) {
    const name = block.split('\n')[0]!.trim();
    counts.set(name, Number(/Feature Count: (\d+)/.exec(block)![1]));
  }
  return { counts, stderr: run.stderr.trim() };
}

describe('clipToRectangle', () => {
  const r = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };

  it('splits a line where it leaves the rectangle and drops what lies outside', () => {
    const g = clipToRectangle({ type: 'LineString', coordinates: [[-5, 5], [5, 5], [5, 15], [8, 15], [8, 5], [15, 5]] }, r);
    assert.deepEqual(g, { type: 'MultiLineString', coordinates: [[[0, 5], [5, 5], [5, 10]], [[8, 10], [8, 5], [10, 5]]] });
    assert.equal(clipToRectangle({ type: 'LineString', coordinates: [[-5, -5], [-1, 20]] }, r), null);
  });

  it('cuts rings along the edges, keeps holes inside and drops a polygon that only touches', () => {
    const square = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
    const g = clipToRectangle({ type: 'Polygon', coordinates: [square(-5, -5, 5, 5), square(1, 1, 2, 2)] }, r) as MultiPolygon;
    assert.equal(g.type, 'MultiPolygon');
    assert.equal(g.coordinates[0]!.length, 2);
    const e = geometryEnvelope(g);
    assert.deepEqual(e, { xmin: 0, ymin: 0, xmax: 5, ymax: 5 });
    assert.deepEqual(g.coordinates[0]![0]![0], g.coordinates[0]![0]!.at(-1), 'rings stay closed');
    assert.equal(clipToRectangle({ type: 'Polygon', coordinates: [square(10, 0, 20, 10)] }, r), null);
    assert.deepEqual(clipToRectangle({ type: 'Point', coordinates: [10, 10] }, r), { type: 'Point', coordinates: [10, 10] });
    assert.equal(clipToRectangle({ type: 'Point', coordinates: [10.1, 10] }, r), null);
  });
});

describe('extractData over a TM50 sheet of the sample region', () => {
  let dataDir: string, jobDir: string, store: SqliteCatalogStore, services: ServiceManager, service: MapService;
  let aoi: { geometry: Polygon | MultiPolygon; spatialReference: { wkid: number } };
  let whole: ExtractResult, clipped: ExtractResult;

  before(async () => {
    dataDir = await freshDataDir();
    jobDir = mkdtempSync(join(tmpdir(), 'quadrangle-extract-'));
    store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
    await ensureSampleService(loadConfig({ dataDir }, {}), store, () => {});
    services = new ServiceManager(store, dataDir);
    service = (await services.get('Topo', 'SampleRegion'))!;
    const index = service.layer(TM50_INDEX)!;
    const [row] = [...index.source!.scan({ where: parseWhere(`NRN = '${SHEET}'`), fields: ['NRN'], geometry: true })];
    aoi = { geometry: row!.geometry as Polygon, spatialReference: { wkid: 32630 } };
    whole = await extractData({ service, layers: '*', aoi, buffer: 500, clip: false, path: join(jobDir, 'whole.gpkg'), jobFolder: jobDir });
    clipped = await extractData({ service, layers: '*', aoi, buffer: 500, clip: true, path: join(jobDir, 'sub', 'clipped.gpkg'), jobFolder: jobDir });
  });
  after(async () => {
    services.close();
    await store.close();
    rmSync(jobDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('copies every feature layer into its own table, which GDAL reads without a warning', () => {
    const featureLayers = service.definition.layers.filter((l) => l.type === 'Feature Layer').map((l) => l.id);
    assert.deepEqual(whole.layers.map((l) => l.layerId), featureLayers);
    assert.ok(whole.features > 1000, `${whole.features} features`);
    for (const path of [whole.path, clipped.path]) {
      const { counts, stderr } = ogrinfo(path);
      assert.equal(stderr, '');
      const result = path === whole.path ? whole : clipped;
      assert.deepEqual(Object.fromEntries(counts), Object.fromEntries(result.layers.map((l) => [l.table, l.count])));
    }
    assert.deepEqual(readdirSync(jobDir).sort(), ['sub', 'whole.gpkg'], 'no temporary file is left');
  });

  it('holds, with clip off, exactly the features a layer query over the same envelope returns', () => {
    for (const extracted of whole.layers) {
      const layer = service.layer(extracted.layerId)!;
      // The layer query engine's exact intersects test over the same envelope (EPSG:32630).
      const envelope = transformGeometry(envelopeToPolygon(extracted.envelope), getTransform({ wkid: 32630 }, layer.spatialReference));
      const answer = { objectIds: queryIds(layer.source!, { spatial: prepareFilter(envelope, 'esriSpatialRelIntersects') }) };
      const source = new GeoPackageFeatureSource(whole.path, extracted.table);
      try {
        const ids = [...source.scan({ fields: [], geometry: false })].map((r) => r.id);
        assert.deepEqual(ids, [...answer.objectIds].sort((a, b) => a - b), extracted.name);
        assert.equal(ids.length, extracted.count);
      } finally { source.close(); }
    }
    const roads = whole.layers.find((l) => l.name === 'Roads')!;
    assert.ok(roads.count > 50, `${roads.count} roads`);
    // The sheet index holds the AOI's sheet and its neighbours touching the buffer.
    assert.ok(whole.layers.find((l) => l.layerId === TM50_INDEX)!.count >= 1);
  });

  it('keeps the fields, their types, aliases-free names, object IDs and the SR of each layer', () => {
    const db = new Database(whole.path, { readonly: true });
    try {
      assert.deepEqual(db.prepare('SELECT srs_id, organization FROM gpkg_spatial_ref_sys WHERE srs_id = 32630').get(), { srs_id: 32630, organization: 'EPSG' });
      const contents = db.prepare("SELECT table_name, min_x, max_x FROM gpkg_contents WHERE table_name = 'roads'").get() as { min_x: number; max_x: number };
      assert.ok(contents.min_x < contents.max_x);
      assert.deepEqual(db.prepare("SELECT geometry_type_name AS t FROM gpkg_geometry_columns WHERE table_name = 'roads'").get(), { t: 'MULTILINESTRING' });
      assert.ok(db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'rtree_roads_geom'").get(), 'each table has an R-tree');
    } finally { db.close(); }
    const roads = service.layer(4)!;
    const copy = new GeoPackageFeatureSource(whole.path, 'roads');
    try {
      assert.deepEqual(copy.schema.fields.map((f) => [f.name, f.type]), roads.source!.schema.fields.map((f) => [f.name, f.type]));
      assert.equal(copy.schema.objectIdField, roads.source!.schema.objectIdField);
      assert.deepEqual(copy.schema.spatialReference, { wkid: 32630, latestWkid: 32630 });
      const [first] = [...copy.scan({ fields: ['NAM', 'CLASS'], geometry: false, limit: 1 })];
      const [original] = [...roads.source!.scan({ objectIds: [first!.id], fields: ['NAM', 'CLASS'], geometry: false })];
      assert.deepEqual(first!.attributes, original!.attributes);
    } finally { copy.close(); }
  });

  it('with clip, cuts geometries to the AOI envelope plus buffer', () => {
    let cut = 0;
    for (const extracted of clipped.layers) {
      const full = whole.layers.find((l) => l.layerId === extracted.layerId)!;
      assert.ok(extracted.count <= full.count);
      const r: Envelope = extracted.envelope;
      const source = new GeoPackageFeatureSource(clipped.path, extracted.table);
      try {
        for (const row of source.scan({ fields: [], geometry: true })) {
          const e = geometryEnvelope(row.geometry!);
          assert.ok(e.xmin >= r.xmin - 1e-6 && e.xmax <= r.xmax + 1e-6 && e.ymin >= r.ymin - 1e-6 && e.ymax <= r.ymax + 1e-6, `${extracted.name} ${row.id}`);
          if (e.xmin <= r.xmin + 1e-6 || e.xmax >= r.xmax - 1e-6) cut++;
        }
      } finally { source.close(); }
    }
    assert.ok(cut > 10, `${cut} geometries end on the rectangle's edge`);
    // The rectangle is the AOI's envelope grown by 500 m.
    const e = geometryEnvelope(aoi.geometry);
    assert.deepEqual(extractionEnvelope(aoi, 500, { wkid: 32630 }), { xmin: e.xmin - 500, ymin: e.ymin - 500, xmax: e.xmax + 500, ymax: e.ymax + 500 });
  });

  it('binds the sheet\'s layers to the extracted tables', () => {
    const drawn = exportLayers(service, { mode: 'default' });
    const bound = bindExtractedLayers(drawn, clipped);
    try {
      assert.equal(bound.layers.length, drawn.length);
      assert.deepEqual(bound.missing, []);
      const roads = bound.layers.find((l) => l.definition.id === 4)!;
      assert.equal(roads.definition.drawingInfo, drawn.find((l) => l.definition.id === 4)!.definition.drawingInfo);
      assert.equal(roads.source!.count({}), clipped.layers.find((l) => l.layerId === 4)!.count);
      assert.equal(roads.fields.find((f) => f.name === 'RTN')!.alias, 'Route number');
      assert.ok(bound.layers.some((l) => l.raster), 'raster layers stay as they are');
    } finally { bound.close(); }
    const partial = bindExtractedLayers(drawn, { ...clipped, layers: clipped.layers.filter((l) => l.layerId !== 4) });
    try { assert.deepEqual(partial.missing.map((l) => l.definition.id), [4]); } finally { partial.close(); }
  });

  it('extracts named layers only, and refuses unknown layers and paths outside the job folder', async () => {
    assert.deepEqual(selectExtractLayers(service, ['roads', '6']).map((l) => l.definition.id), [4, 6]);
    assert.throws(() => selectExtractLayers(service, ['Nope']), ExtractDataError);
    assert.throws(() => selectExtractLayers(service, ['17']), /not a feature layer/);
    const some = await extractData({ service, layers: ['Lakes'], aoi, buffer: 0, clip: true, path: join(jobDir, 'lakes.gpkg'), jobFolder: jobDir });
    assert.deepEqual(some.layers.map((l) => l.table), ['lakes']);
    await assert.rejects(extractData({ service, layers: '*', aoi, buffer: 0, clip: true, path: join(jobDir, '..', 'escape.gpkg'), jobFolder: jobDir }), /must lie in the job folder/);
    const outside = mkdtempSync(join(tmpdir(), 'quadrangle-outside-'));
    try {
      symlinkSync(outside, join(jobDir, 'link'));
      await assert.rejects(extractData({ service, layers: '*', aoi, buffer: 0, clip: true, path: join(jobDir, 'link', 'x.gpkg'), jobFolder: jobDir }), /must lie in the job folder/);
      assert.equal(existsSync(join(outside, 'x.gpkg')), false);
    } finally { rmSync(outside, { recursive: true, force: true }); }
  });
});
