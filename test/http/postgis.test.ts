/**
 * The sample region served twice — from its GeoPackage and from a PostGIS copy loaded by
 * ogr2ogr — through the real server, whose worker threads read PostGIS: queries, identify,
 * find and export must answer the same.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteCatalogStore } from '../../src/catalog/sqlite-catalog-store.js';
import { createTestDatabase, postgisUnavailable, type TestDatabase } from '../../src/data/postgis/postgis-test-database.js';
import { SAMPLE_GPKG, sampleServiceDefinition } from '../../src/sample/sample-service.js';
import { freshDataDir, getJson, startTestServer, type TestServer } from '../support/test-server.js';

const unavailable = await postgisUnavailable();

describe('a map service over PostGIS answers as over the GeoPackage', { skip: unavailable }, () => {
  let db: TestDatabase;
  let server: TestServer;
  let gpkg: string;
  let pg: string;
  const layerId: Record<string, number> = {};

  before(async () => {
    const dataDir = await freshDataDir();
    db = await createTestDatabase();
    db.load(join(dataDir, SAMPLE_GPKG), ['-lco', 'LAUNDER=NO']);
    await db.exec('ANALYZE');
    // A named connection: the definition holds no URL; the worker threads inherit the variable.
    process.env.QUADRANGLE_POSTGIS_REGION = db.url;
    const sample = sampleServiceDefinition();
    const copy = structuredClone(sample);
    copy.serviceName = 'PostgisRegion';
    copy.layers = copy.layers.map((l) => (l.source?.type === 'geopackage' ? { ...l, source: { type: 'postgis', connection: 'region', table: l.source.table } } : l));
    for (const l of sample.layers) if (l.source?.type === 'geopackage') layerId[l.source.table] = l.id;
    const store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
    await store.putService(sample);
    await store.putService(copy);
    await store.close();
    server = await startTestServer({ dataDir });
    gpkg = `${server.base}/services/${sample.folder}/${sample.serviceName}/MapServer`;
    pg = `${server.base}/services/${copy.folder}/${copy.serviceName}/MapServer`;
  });
  after(async () => {
    await server?.close();
    delete process.env.QUADRANGLE_POSTGIS_REGION;
    await db?.drop();
  });

  /** Both services' answers to the same request; GDAL writes the GeoPackage's 64-bit integers as bigint, so field types are left out. */
  const both = async (path: string, params: Record<string, string | number | boolean>) => {
    const [a, b] = await Promise.all([getJson(`${pg}${path}`, params), getJson(`${gpkg}${path}`, params)]);
    assert.equal(a.error, undefined, JSON.stringify(a.error));
    const strip = (r: any) => { if (r?.fields) r.fields = r.fields.map((f: any) => f.name); return r; };
    return [strip(a), strip(b)];
  };

  it('describes the same layers', async () => {
    const [a, b] = await both('', { f: 'json' });
    assert.deepEqual(a.layers, b.layers);
    // The GeoPackage's extents come from its R-tree's 32-bit floats, rounded outward.
    for (const k of ['xmin', 'ymin', 'xmax', 'ymax']) assert.ok(Math.abs(a.fullExtent[k] - b.fullExtent[k]) <= 1, `${k}: ${a.fullExtent[k]} vs ${b.fullExtent[k]}`);
    const roads = layerId.roads!;
    const [la, lb] = await Promise.all([getJson(`${pg}/${roads}`, { f: 'json' }), getJson(`${gpkg}/${roads}`, { f: 'json' })]);
    assert.deepEqual(la.fields.map((f: any) => f.name), lb.fields.map((f: any) => f.name));
    assert.deepEqual(la.geometryType, lb.geometryType);
  });

  it('answers layer queries alike: where, geometry, order, paging, counts, IDs and statistics', async () => {
    const roads = layerId.roads!;
    const where = "CLASS <> 'Street' OR NAM LIKE '%Road%'";
    const geometry = JSON.stringify({ rings: [[[352000, 6298000], [360000, 6322000], [372000, 6301000], [352000, 6298000]]], spatialReference: { wkid: 32630 } });
    const page = { where, geometry, geometryType: 'esriGeometryPolygon', spatialRel: 'esriSpatialRelIntersects', outFields: '*', orderByFields: 'NAM DESC', resultOffset: 2, resultRecordCount: 15, f: 'json' };
    const [a, b] = await both(`/${roads}/query`, page);
    assert.ok(b.features.length > 5, `${b.features.length} features`);
    assert.deepEqual(a, b);
    for (const extra of ['returnCountOnly', 'returnIdsOnly', 'returnExtentOnly'].map((k): Record<string, boolean> => ({ [k]: true }))) {
      const [x, y] = await both(`/${roads}/query`, { where, geometry, geometryType: 'esriGeometryPolygon', f: 'json', ...extra });
      assert.deepEqual(x, y);
    }
    const stats = JSON.stringify([{ statisticType: 'count', onStatisticField: 'OBJECTID', outStatisticFieldName: 'N' }, { statisticType: 'avg', onStatisticField: 'WID', outStatisticFieldName: 'W' }]);
    const [s1, s2] = await both(`/${roads}/query`, { where: '1=1', outStatistics: stats, groupByFieldsForStatistics: 'CLASS', f: 'json' });
    assert.deepEqual(s1, s2);
    const [p1, p2] = await both(`/${layerId.place_names}/query`, { where: "TYPE = 'Town'", outFields: 'NAM,POP', outSR: 4326, f: 'json' });
    assert.deepEqual(p1, p2);
  });

  it('identifies and finds the same features', async () => {
    const [town] = (await getJson(`${gpkg}/${layerId.place_names}/query`, { where: "TYPE = 'Town'", outFields: 'NAM', orderByFields: 'POP DESC', resultRecordCount: 1, returnGeometry: true, f: 'json' })).features;
    const { x, y } = town.geometry;
    const [a, b] = await both('/identify', { geometry: `${x},${y}`, tolerance: 4, mapExtent: `${x - 2000},${y - 1500},${x + 2000},${y + 1500}`, imageDisplay: '800,600,96', layers: 'all', f: 'json' });
    assert.ok(b.results.length > 1);
    assert.deepEqual(a, b);
    const [f1, f2] = await both('/find', { searchText: town.attributes.NAM, searchFields: 'NAM', layers: `${layerId.place_names},${layerId.roads}`, f: 'json' });
    assert.ok(f2.results.length >= 1);
    assert.deepEqual(f1, f2);
  });

  it('draws the same map', async () => {
    const params = { bbox: '352000,6312000,358000,6318000', size: '600,600', format: 'png', f: 'image' };
    const [a, b] = await Promise.all([fetch(`${pg}/export?${new URLSearchParams(params)}`), fetch(`${gpkg}/export?${new URLSearchParams(params)}`)]);
    assert.equal(a.headers.get('content-type'), 'image/png');
    const [pa, pb] = [Buffer.from(await a.arrayBuffer()), Buffer.from(await b.arrayBuffer())];
    assert.ok(pb.length > 10_000);
    assert.ok(pa.equals(pb), 'the two PNGs differ');
  });
});
