import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseWhere } from '../where/index.js';
import { queryFeatures, queryStatistics } from '../layer-query.js';
import { prepareFilter } from '../../geo/spatial-relation.js';
import { envelopeToPolygon } from '../../geo/geometry.js';
import { GeoPackageFeatureSource } from './geopackage-feature-source.js';

// A GeoPackage exactly as GDAL writes one (R-tree, DATE/DATETIME columns, a projected SR).
let dir: string;
let gpkg: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'gpkg-source-'));
  const features = Array.from({ length: 50 }, (_, i) => ({
    type: 'Feature',
    properties: { NAME: `Site ${i}`, KIND: i % 3 === 0 ? 'Hill' : 'Farm', HEIGHT: i * 10.5, BUILT: `20${10 + (i % 10)}-0${1 + (i % 9)}-15`, SEEN: `2024-03-0${1 + (i % 9)}T12:00:00Z` },
    geometry: { type: 'Point', coordinates: [350000 + i * 100, 6300000 + i * 50] },
  }));
  const src = join(dir, 'in.geojson');
  writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32630' } }, features }));
  gpkg = join(dir, 'sites.gpkg');
  execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, src, '-nln', 'sites', '-lco', 'FID=OBJECTID', '-mapFieldType', 'String=String', '-oo', 'DATE_AS_STRING=NO']);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('GeoPackageFeatureSource on a GDAL-written file', () => {
  it('reads schema, SR and extent from the file', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'sites');
    try {
      assert.equal(s.schema.objectIdField, 'OBJECTID');
      assert.equal(s.schema.geometryType, 'esriGeometryPoint');
      assert.deepEqual(s.schema.spatialReference, { wkid: 32630, latestWkid: 32630 });
      const types = Object.fromEntries(s.schema.fields.map((f) => [f.name, f.type]));
      assert.equal(types.HEIGHT, 'esriFieldTypeDouble');
      assert.equal(types.NAME, 'esriFieldTypeString');
      assert.deepEqual(s.extent(), { xmin: 350000, ymin: 6300000, xmax: 354900, ymax: 6302450 });
    } finally { s.close(); }
  });

  it('filters with where clauses and the R-tree, pages and orders', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'sites');
    try {
      assert.equal(s.count({ where: parseWhere("KIND = 'Hill' AND HEIGHT > 100") }), 13);
      assert.equal(s.count({ bbox: { xmin: 350000, ymin: 6300000, xmax: 350950, ymax: 6301000 } }), 10);
      const rows = [...s.scan({ fields: ['NAME'], geometry: true, orderBy: [{ field: 'HEIGHT', descending: true }], limit: 3, offset: 1 })];
      assert.deepEqual(rows.map((r) => r.attributes.NAME), ['Site 48', 'Site 47', 'Site 46']);
      assert.deepEqual(rows[0]!.geometry, { type: 'Point', coordinates: [354800, 6302400] });
      assert.equal(s.count({ objectIds: [1, 2, 999] }), 2);
    } finally { s.close(); }
  });

  it('answers a layer query with exact spatial refinement and statistics', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'sites');
    try {
      const spatial = prepareFilter(envelopeToPolygon({ xmin: 350000, ymin: 6300000, xmax: 351000, ymax: 6300500 }), 'esriSpatialRelIntersects');
      const page = queryFeatures(s, { spatial, outFields: ['OBJECTID'], returnGeometry: false, offset: 0, limit: 5, shape: { transform: null } });
      assert.equal(page.features.length, 5);
      assert.equal(page.exceededTransferLimit, true);
      const stats = queryStatistics(s, {}, [{ type: 'avg', field: 'HEIGHT', outName: 'AVG_H' }, { type: 'count', field: '*', outName: 'N' }], ['KIND']);
      assert.deepEqual(stats, [{ KIND: 'Farm', AVG_H: (817 / 33) * 10.5, N: 33 }, { KIND: 'Hill', AVG_H: 24 * 10.5, N: 17 }]);
    } finally { s.close(); }
  });

  it('returns dates as epoch milliseconds and compares them as dates', () => {
    const s = new GeoPackageFeatureSource(gpkg, 'sites');
    try {
      const types = Object.fromEntries(s.schema.fields.map((f) => [f.name, f.type]));
      if (types.BUILT !== 'esriFieldTypeDate') return; // GDAL kept the text as text: nothing date-like to check
      const [row] = [...s.scan({ fields: ['BUILT'], geometry: false, objectIds: [1] })];
      assert.equal(row!.attributes.BUILT, Date.UTC(2010, 0, 15));
      assert.equal(s.count({ where: parseWhere("BUILT >= DATE '2019-01-01'") }), 5);
    } finally { s.close(); }
  });

  it('refuses a table that is not there', () => {
    assert.throws(() => new GeoPackageFeatureSource(gpkg, 'nope'), /not in the GeoPackage/);
  });
});
