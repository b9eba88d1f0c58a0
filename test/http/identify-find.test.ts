import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { decodeGpkgGeometry } from '../../src/data/geopackage/gpkg-geometry.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
let town: { OBJECTID: number; NAM: string; x: number; y: number; POP: number };
before(async () => {
  server = await startTestServer();
  ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
  const db = new Database(join(server.dataDir, 'sample', 'region.gpkg'), { readonly: true });
  const row = db.prepare(`SELECT OBJECTID, NAM, POP, geom FROM place_names WHERE TYPE = 'Town' ORDER BY POP DESC LIMIT 1`).get() as { OBJECTID: number; NAM: string; POP: number; geom: Buffer };
  const p = decodeGpkgGeometry(row.geom).geometry as { coordinates: number[] };
  town = { OBJECTID: row.OBJECTID, NAM: row.NAM, POP: row.POP, x: p.coordinates[0]!, y: p.coordinates[1]! };
  db.close();
});
after(async () => { await server.close(); });

describe('identify', () => {
  const view = () => ({ mapExtent: `${town.x - 2000},${town.y - 1500},${town.x + 2000},${town.y + 1500}`, imageDisplay: '800,600,96' });

  it('finds the feature under a point on the top layer, formatted by alias', async () => {
    const r = await getJson(`${ms}/identify`, { geometry: `${town.x + 5},${town.y - 5}`, tolerance: 3, ...view(), layers: 'top' });
    assert.ok(r.results.length >= 1);
    const hit = r.results.find((x: any) => x.attributes.OBJECTID === String(town.OBJECTID));
    assert.ok(hit, JSON.stringify(r.results.slice(0, 2)));
    assert.equal(hit.layerId, 0);
    assert.equal(hit.value, town.NAM);
    assert.equal(hit.attributes.Population, String(town.POP));
    assert.equal(hit.geometry.spatialReference.wkid, 32630);
    assert.ok(r.results.every((x: any) => x.layerId === 0), 'top: only the topmost layer with hits');
  });

  it('honours layers all:ids, returnFieldName, returnUnformattedValues and sr', async () => {
    const wgs = await getJson(`${ms}/identify`, { geometry: JSON.stringify({ x: town.x, y: town.y, spatialReference: { wkid: 32630 } }), sr: 4326, tolerance: 2,
      mapExtent: '-5.6,56.6,-4.6,57.2', imageDisplay: '1000,600,96', layers: 'all:0,4', returnFieldName: true, returnUnformattedValues: true });
    const hit = wgs.results.find((x: any) => x.layerId === 0 && x.attributes.OBJECTID === town.OBJECTID);
    assert.ok(hit);
    assert.equal(hit.attributes.POP, town.POP);
    assert.ok(hit.geometry.x < -4 && hit.geometry.x > -6);
    assert.ok(wgs.results.every((x: any) => [0, 4].includes(x.layerId)));
  });

  it('needs geometry, tolerance, mapExtent and imageDisplay', async () => {
    for (const missing of ['geometry', 'tolerance', 'mapExtent', 'imageDisplay']) {
      const params: Record<string, string | number> = { geometry: `${town.x},${town.y}`, tolerance: 3, ...view() };
      delete params[missing];
      const r = await getJson(`${ms}/identify`, params);
      assert.equal(r.error?.code, 400, missing);
      assert.match(r.error.details[0], new RegExp(`'${missing}'`));
    }
    assert.match((await getJson(`${ms}/identify`, { geometry: '1,2', tolerance: 3, ...view(), layers: 'some' })).error.details[0], /'layers'/);
  });
});

describe('find', () => {
  it('finds a place by part of its name, case-insensitively', async () => {
    const r = await getJson(`${ms}/find`, { searchText: town.NAM.slice(1, 5).toLowerCase(), layers: '0', searchFields: 'NAM' });
    const hit = r.results.find((x: any) => x.value === town.NAM);
    assert.ok(hit);
    assert.equal(hit.foundFieldName, 'Name');
    assert.equal(hit.displayFieldName, 'NAM');
    assert.equal(hit.geometryType, 'esriGeometryPoint');
  });

  it('matches exactly with contains=false and treats LIKE wildcards literally', async () => {
    const exact = await getJson(`${ms}/find`, { searchText: town.NAM, contains: false, layers: '0' });
    assert.ok(exact.results.length >= 1 && exact.results.every((x: any) => x.value === town.NAM));
    const lower = await getJson(`${ms}/find`, { searchText: town.NAM.toLowerCase(), contains: false, layers: '0', searchFields: 'NAM' });
    assert.equal(lower.results.length, 0, 'exact matching is case-sensitive');
    const wild = await getJson(`${ms}/find`, { searchText: '%', layers: '0,4' });
    assert.equal(wild.results.length, 0);
  });

  it('needs searchText and layers, and refuses unknown layers', async () => {
    assert.match((await getJson(`${ms}/find`, { layers: '0' })).error.details[0], /'searchText'/);
    assert.match((await getJson(`${ms}/find`, { searchText: 'x' })).error.details[0], /'layers'/);
    assert.match((await getJson(`${ms}/find`, { searchText: 'x', layers: '0,99' })).error.details[0], /'layers'/);
  });
});
