import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { featureCollection, ogr2ogr, tempDir, type TempDir } from './gdal-test-fixtures.js';
import { inspectGeoPackage } from './geopackage-inspect.js';
import { IngestError } from './ingest-error.js';

let dir: TempDir;
let gpkg: string;
before(() => {
  dir = tempDir('gpkg-inspect-');
  gpkg = dir.file('survey.gpkg');
  writeFileSync(dir.file('spots.json'), featureCollection(
    Array.from({ length: 12 }, (_, i) => ({ properties: { name: `Spot ${i}`, z: i * 1.5 }, geometry: { type: 'Point', coordinates: [400000 + i * 10, 100000 + i * 20, i] } })),
  ));
  writeFileSync(dir.file('woods.json'), featureCollection([
    { properties: { kind: 'Forêt' }, geometry: { type: 'Polygon', coordinates: [[[2.1, 48.5], [2.3, 48.5], [2.3, 48.7], [2.1, 48.5]]] } },
    { properties: { kind: 'Bois' }, geometry: { type: 'Polygon', coordinates: [[[2.0, 48.4], [2.05, 48.4], [2.05, 48.45], [2.0, 48.4]]] } },
  ]));
  ogr2ogr(['-f', 'GPKG', gpkg, dir.file('spots.json'), '-nln', 'spot_heights', '-a_srs', 'EPSG:27700']);
  ogr2ogr(['-f', 'GPKG', '-update', gpkg, dir.file('woods.json'), '-nln', 'Woods', '-nlt', 'MULTIPOLYGON']);
});
after(() => dir.remove());

describe('inspectGeoPackage', () => {
  it('lists the feature tables of a GDAL GeoPackage without converting it', () => {
    const tables = inspectGeoPackage(gpkg);
    assert.deepEqual(tables.map((t) => t.table), ['Woods', 'spot_heights']);
    const [woods, spots] = tables as [typeof tables[0], typeof tables[0]];
    assert.equal(spots.geometryType, 'POINT');
    assert.equal(spots.hasZ, true);
    assert.equal(spots.featureCount, 12);
    assert.equal(spots.srs!.organization, 'EPSG');
    assert.equal(spots.srs!.organizationCoordsysId, 27700);
    assert.match(spots.srs!.definition, /British National Grid/);
    assert.deepEqual(spots.extent, { xmin: 400000, ymin: 100000, xmax: 400110, ymax: 100220 });
    assert.equal(spots.hasSpatialIndex, true);
    assert.equal(spots.geometryColumn, 'geom');
    assert.deepEqual(spots.columns, [{ name: 'name', type: 'TEXT' }, { name: 'z', type: 'REAL' }]);

    assert.equal(woods.geometryType, 'MULTIPOLYGON');
    assert.equal(woods.hasZ, false);
    assert.equal(woods.featureCount, 2);
    assert.equal(woods.srs!.organizationCoordsysId, 4326);
    const e = woods.extent!;
    for (const [got, want] of [[e.xmin, 2.0], [e.ymin, 48.4], [e.xmax, 2.3], [e.ymax, 48.7]]) assert.ok(Math.abs(got! - want!) < 1e-9, `${got} ≈ ${want}`);
  });

  it('falls back to the R-tree when gpkg_contents has no extent', () => {
    const copy = dir.file('noextent.gpkg');
    ogr2ogr(['-f', 'GPKG', copy, gpkg, 'spot_heights']);
    const db = new Database(copy);
    db.prepare('UPDATE gpkg_contents SET min_x = NULL, min_y = NULL, max_x = NULL, max_y = NULL').run();
    db.close();
    assert.deepEqual(inspectGeoPackage(copy)[0]!.extent, { xmin: 400000, ymin: 100000, xmax: 400110, ymax: 100220 });
  });

  it('refuses files that are not GeoPackages', () => {
    writeFileSync(dir.file('notes.gpkg'), 'just text');
    assert.throws(() => inspectGeoPackage(dir.file('notes.gpkg')), (e: unknown) => e instanceof IngestError && /notes\.gpkg is not a GeoPackage \(not an SQLite database\)/.test(e.message));
    const plain = new Database(dir.file('plain.sqlite'));
    plain.exec('CREATE TABLE t (a)');
    plain.close();
    assert.throws(() => inspectGeoPackage(dir.file('plain.sqlite')), /plain\.sqlite is an SQLite database but not a GeoPackage/);
    assert.throws(() => inspectGeoPackage(dir.file('missing.gpkg')), /missing\.gpkg cannot be read \(ENOENT\)/);
  });
});
