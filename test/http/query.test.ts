import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { getJson, postForm, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
let gpkg: Database.Database;
before(async () => {
  server = await startTestServer();
  ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
  gpkg = new Database(join(server.dataDir, 'sample', 'region.gpkg'), { readonly: true });
});
after(async () => { gpkg.close(); await server.close(); });

const count = (sql: string, ...params: unknown[]) => (gpkg.prepare(sql).get(...params) as { n: number }).n;

describe('layer query', () => {
  it('counts with a where clause exactly as the GeoPackage', async () => {
    const r = await getJson(`${ms}/4/query`, { where: "CLASS = 'Primary' OR RTY = 3", returnCountOnly: true });
    assert.equal(r.count, count(`SELECT count(*) n FROM roads WHERE CLASS = 'Primary' OR RTY = 3`));
    assert.ok(r.count > 0);
  });

  it('returns features with attributes and Esri geometry, paging with exceededTransferLimit', async () => {
    const first = await getJson(`${ms}/2/query`, { where: '1=1', outFields: '*', resultRecordCount: 10, orderByFields: 'OBJECTID' });
    assert.equal(first.features.length, 10);
    assert.equal(first.exceededTransferLimit, true);
    assert.equal(first.geometryType, 'esriGeometryPolygon');
    assert.deepEqual(first.spatialReference, { wkid: 32630, latestWkid: 32630 });
    assert.ok(Array.isArray(first.features[0].geometry.rings));
    const second = await getJson(`${ms}/2/query`, { where: '1=1', outFields: 'OBJECTID', resultOffset: 10, resultRecordCount: 10 });
    assert.equal(second.features[0].attributes.OBJECTID, first.features[9].attributes.OBJECTID + 1);
    const row = gpkg.prepare('SELECT * FROM buildings WHERE OBJECTID = ?').get(first.features[0].attributes.OBJECTID) as Record<string, unknown>;
    for (const [k, v] of Object.entries(first.features[0].attributes)) assert.equal(v, row[k], k);
  });

  it('caps resultRecordCount at maxRecordCount', async () => {
    const r = await getJson(`${ms}/2/query`, { where: '1=1', outFields: 'OBJECTID', returnGeometry: false, resultRecordCount: 5000 });
    assert.equal(r.features.length, 2000);
    assert.equal(r.exceededTransferLimit, true);
    const last = await getJson(`${ms}/1/query`, { where: '1=1', returnGeometry: false, resultOffset: count('SELECT count(*) n FROM spot_heights') - 3 });
    assert.equal(last.features.length, 3);
    assert.equal(last.exceededTransferLimit, undefined);
  });

  it('filters by envelope, by polygon and with spatialRel, in another SR', async () => {
    const env = { xmin: 360000, ymin: 6300000, xmax: 370000, ymax: 6310000 };
    const truth = (gpkg.prepare('SELECT OBJECTID, geom FROM spot_heights').all() as { OBJECTID: number; geom: Buffer }[])
      .filter((r) => { const x = r.geom.readDoubleLE(13), y = r.geom.readDoubleLE(21); return x >= env.xmin && x <= env.xmax && y >= env.ymin && y <= env.ymax; })
      .map((r) => r.OBJECTID);
    const ids = await getJson(`${ms}/1/query`, { geometry: JSON.stringify(env), geometryType: 'esriGeometryEnvelope', returnIdsOnly: true });
    assert.deepEqual(ids.objectIds, truth);
    assert.equal(ids.objectIdFieldName, 'OBJECTID');
    // The same box as a WGS 84 polygon is not the same area; it must still be a proper subset test.
    const poly = { rings: [[[env.xmin, env.ymin], [env.xmin, env.ymax], [env.xmax, env.ymax], [env.xmax, env.ymin], [env.xmin, env.ymin]]], spatialReference: { wkid: 32630 } };
    const viaPolygon = await getJson(`${ms}/1/query`, { geometry: JSON.stringify(poly), geometryType: 'esriGeometryPolygon', spatialRel: 'esriSpatialRelContains', returnCountOnly: true });
    assert.equal(viaPolygon.count, truth.length);
    const wgs = await getJson(`${ms}/1/query`, { where: '1=1', geometry: '-5.2,56.9', geometryType: 'esriGeometryPoint', inSR: 4326, distance: 2, units: 'esriSRUnit_Kilometer', outSR: 4326, outFields: 'ZVH' });
    assert.ok(wgs.features.length > 0);
    for (const f of wgs.features) assert.ok(Math.abs(f.geometry.x + 5.2) < 0.05 && Math.abs(f.geometry.y - 56.9) < 0.03, JSON.stringify(f.geometry));
    assert.equal(wgs.spatialReference.wkid, 4326);
  });

  it('returns extents, distinct values and statistics', async () => {
    const ext = await getJson(`${ms}/0/query`, { where: "TYPE = 'Town'", returnExtentOnly: true, returnCountOnly: true });
    assert.equal(ext.count, count(`SELECT count(*) n FROM place_names WHERE TYPE = 'Town'`));
    assert.ok(ext.extent.xmin <= ext.extent.xmax);
    const distinct = await getJson(`${ms}/4/query`, { where: '1=1', outFields: 'CLASS', returnDistinctValues: true, returnGeometry: false });
    assert.deepEqual(distinct.features.map((f: any) => f.attributes.CLASS), (gpkg.prepare('SELECT DISTINCT CLASS FROM roads ORDER BY CLASS').all() as { CLASS: string }[]).map((r) => r.CLASS));
    const stats = await getJson(`${ms}/4/query`, {
      where: '1=1', groupByFieldsForStatistics: 'CLASS', orderByFields: 'CLASS',
      outStatistics: JSON.stringify([{ statisticType: 'count', onStatisticField: 'OBJECTID', outStatisticFieldName: 'N' }, { statisticType: 'max', onStatisticField: 'WID', outStatisticFieldName: 'MAXW' }]),
    });
    const expected = gpkg.prepare('SELECT CLASS, count(OBJECTID) N, max(WID) MAXW FROM roads GROUP BY CLASS ORDER BY CLASS').all();
    assert.deepEqual(stats.features.map((f: any) => f.attributes), expected);
    assert.deepEqual(stats.fields.map((f: any) => f.name), ['CLASS', 'N', 'MAXW']);
  });

  it('answers GeoJSON in WGS 84', async () => {
    const res = await fetch(`${ms}/0/query?where=${encodeURIComponent("TYPE='Town'")}&outFields=NAM&f=geojson`);
    const fc = await res.json();
    assert.equal(fc.type, 'FeatureCollection');
    const [lon, lat] = fc.features[0].geometry.coordinates;
    assert.ok(lon > -6 && lon < -4.4 && lat > 56.5 && lat < 57.3, `${lon},${lat}`);
    assert.equal(typeof fc.features[0].properties.NAM, 'string');
  });

  it('generalises and rounds geometries', async () => {
    const full = await getJson(`${ms}/8/query`, { where: '1=1', outFields: 'OBJECTID', resultRecordCount: 1 });
    const simple = await getJson(`${ms}/8/query`, { where: '1=1', outFields: 'OBJECTID', resultRecordCount: 1, maxAllowableOffset: 200, geometryPrecision: 0 });
    const n = (g: any) => g.rings.reduce((s: number, r: number[][]) => s + r.length, 0);
    assert.ok(n(simple.features[0].geometry) < n(full.features[0].geometry));
    assert.ok(simple.features[0].geometry.rings[0].every((p: number[]) => Number.isInteger(p[0]) && Number.isInteger(p[1])));
  });

  it('accepts POST form bodies and text searches', async () => {
    const town = (gpkg.prepare(`SELECT NAM FROM place_names WHERE TYPE = 'Town' LIMIT 1`).get() as { NAM: string }).NAM;
    const r = await postForm(`${ms}/0/query`, { text: town.slice(1, 5), outFields: 'NAM', returnGeometry: false });
    assert.ok(r.features.some((f: any) => f.attributes.NAM === town));
  });
});

describe('query: bad input', () => {
  const bad = async (params: Record<string, string | number | boolean>, layer = 4) => getJson(`${ms}/${layer}/query`, params);

  it('refuses where clauses outside the grammar and runs nothing', async () => {
    for (const where of ['1=1; DROP TABLE roads', "CLASS = 'x' --", '/* */ 1=1', 'OBJECTID IN (SELECT OBJECTID FROM roads)', "load_extension('x')", 'NOPE = 1', "CLASS = 'unterminated"]) {
      const r = await bad({ where });
      assert.equal(r.error?.code, 400, where);
      assert.equal(r.error.message, 'Cannot perform query. Invalid query parameters.');
    }
    assert.ok(count('SELECT count(*) n FROM roads') > 0, 'the table is intact');
  });

  it('names the bad parameter', async () => {
    const cases: [Record<string, string | number | boolean>, RegExp][] = [
      [{ where: '1=1', outSR: 999999 }, /'outSR'/], [{ geometry: '{"x":' }, /'geometry'/], [{ where: '1=1', resultOffset: -1 }, /'resultOffset'/],
      [{ where: '1=1', spatialRel: 'esriSpatialRelNope', geometry: '0,0,1,1' }, /'spatialRel'/], [{ where: '1=1', outFields: 'NOPE' }, /outFields/],
      [{ where: '1=1', orderByFields: 'CLASS SIDEWAYS' }, /'orderByFields'/], [{ where: '1=1', outStatistics: '[{"statisticType":"median","onStatisticField":"WID"}]' }, /'outStatistics'/],
      [{ where: '1=1', returnGeometry: 'yes' }, /'returnGeometry'/], [{ objectIds: '1,two' }, /'objectIds'/], [{}, /where/],
    ];
    for (const [params, re] of cases) {
      const r = await bad(params);
      assert.equal(r.error?.code, 400, JSON.stringify(params));
      assert.match(r.error.details.join(' '), re, JSON.stringify(params));
    }
    assert.equal((await getJson(`${ms}/4/query`, { where: '1=1', f: 'pbf' })).error.code, 400);
  });

  it('survives hostile input without crashing', async () => {
    const deep = `${'('.repeat(5000)}1=1${')'.repeat(5000)}`;
    assert.equal((await postForm(`${ms}/4/query`, { where: deep })).error.code, 400);
    assert.equal((await postForm(`${ms}/4/query`, { where: `CLASS = '${'x'.repeat(200000)}'`, returnCountOnly: true })).error?.code ?? 200, 400);
    assert.equal((await postForm(`${ms}/4/query`, { geometry: `{"rings":${'['.repeat(3000)}${']'.repeat(3000)}}` })).error.code, 400);
    const tooLong = await fetch(`${ms}/4/query?f=json&where=${'1%3D1%20AND%20'.repeat(3000)}1%3D1`);
    assert.equal(tooLong.status, 431, 'a URL beyond what HTTP parsing takes');
    assert.match((await tooLong.json()).error.details[0], /POST/);
    const root = await getJson(ms);
    assert.equal(root.mapName, 'Layers', 'the server is still up');
  });
});
