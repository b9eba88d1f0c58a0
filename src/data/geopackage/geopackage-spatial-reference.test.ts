import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { getTransform } from '../../geo/projection.js';
import { GeoPackageFeatureSource } from './geopackage-feature-source.js';

const hasGdal = spawnSync('ogr2ogr', ['--version']).status === 0;

/** A user-defined Transverse Mercator no registry CRS has. */
const CUSTOM_TM = '+proj=tmerc +lat_0=12.5 +lon_0=-3.25 +k=0.99955 +x_0=123456.7 +y_0=-54321 +ellps=intl +towgs84=-87,-98,-121,0,0,0,0 +units=m +no_defs';

describe('GeoPackage spatial references from gpkg_spatial_ref_sys', { skip: !hasGdal && 'GDAL is not installed' }, () => {
  let dir: string;
  const points = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'a' }, geometry: { type: 'Point', coordinates: [130000, -40000] } }] });
  /** Writes one point layer with ogr2ogr, assigning `srs` (anything `-a_srs` takes). */
  const write = (name: string, srs: string | null): string => {
    // A CSV with a WKT column carries no SR at all.
    const src = join(dir, srs ? `${name}.geojson` : `${name}.csv`), out = join(dir, `${name}.gpkg`);
    writeFileSync(src, srs ? points : 'WKT,name\n"POINT (130000 -40000)",a\n');
    execFileSync('ogr2ogr', ['-f', 'GPKG', ...(srs ? ['-a_srs', srs] : []), out, src, '-nln', name]);
    return out;
  };
  const srsRow = (path: string, table: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return db.prepare(`SELECT s.srs_id, s.organization, s.organization_coordsys_id AS code, s.definition FROM gpkg_spatial_ref_sys s JOIN gpkg_geometry_columns g ON g.srs_id = s.srs_id WHERE g.table_name = ?`).get(table) as
        { srs_id: number; organization: string; code: number; definition: string };
    } finally { db.close(); }
  };
  const open = (path: string, table: string) => {
    const source = new GeoPackageFeatureSource(path, table);
    try { return source.schema.spatialReference; } finally { source.close(); }
  };

  before(() => { dir = mkdtempSync(join(tmpdir(), 'gpkg-srs-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('an EPSG organisation with a known code stays that code', () => {
    assert.deepEqual(open(write('bng', 'EPSG:27700'), 'bng'), { wkid: 27700, latestWkid: 27700 });
  });

  it('a custom WKT written by ogr2ogr -a_srs becomes a custom SR that transforms as GDAL does', () => {
    const wkt = execFileSync('gdalsrsinfo', ['--single-line', '-o', 'wkt1', CUSTOM_TM]).toString().trim();
    const path = write('custom', wkt);
    const row = srsRow(path, 'custom');
    assert.equal(row.organization.toUpperCase(), 'NONE');
    const sr = open(path, 'custom');
    assert.ok(sr.wkt && sr.wkid === undefined, JSON.stringify(sr));
    const got = getTransform(sr, { wkid: 4326 })!([130000, -40000]);
    const [lon, lat] = execFileSync('gdaltransform', ['-s_srs', CUSTOM_TM, '-t_srs', 'EPSG:4326', '-output_xy'], { input: '130000 -40000\n' }).toString().trim().split(/\s+/).map(Number);
    assert.ok(Math.abs(got[0]! - lon!) < 1e-8 && Math.abs(got[1]! - lat!) < 1e-8, `${got} vs ${lon} ${lat}`);
  });

  it('an Esri .prj without a code, and an EPSG code the registry lacks, are matched from the WKT', () => {
    const esri = execFileSync('gdalsrsinfo', ['--single-line', '-o', 'wkt_esri', 'EPSG:2154']).toString().trim();
    const path = write('lambert', esri);
    const row = srsRow(path, 'lambert');
    assert.ok(!(row.organization.toUpperCase() === 'EPSG' && row.code === 2154) || row.definition.includes('Lambert'), 'ogr2ogr kept the WKT');
    assert.deepEqual(open(path, 'lambert'), { wkid: 2154, latestWkid: 2154 });
    // An organisation code nobody knows, with WKT that says what it is.
    const utm = write('utm', 'EPSG:32630');
    const db = new Database(utm);
    db.prepare(`UPDATE gpkg_spatial_ref_sys SET organization_coordsys_id = 999999 WHERE organization_coordsys_id = 32630`).run();
    db.close();
    assert.deepEqual(open(utm, 'utm'), { wkid: 32630, latestWkid: 32630 });
  });

  it('undefined and unusable definitions are refused, naming the table', () => {
    const none = write('nosrs', null);
    const row = srsRow(none, 'nosrs');
    assert.ok(row.srs_id === -1 || row.srs_id === 0, `srs_id ${row.srs_id}`);
    assert.throws(() => open(none, 'nosrs'), /table 'nosrs' has an undefined spatial reference \(srs_id -?[01]\)/);
    const bad = write('bad', CUSTOM_TM);
    const db = new Database(bad);
    db.prepare(`UPDATE gpkg_spatial_ref_sys SET definition = 'PROJCS["x",GEOGCS["y",DATUM["z",SPHEROID["s",6378137,298.257]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["No_Such_Projection"],UNIT["metre",1]]' WHERE organization <> 'EPSG' AND srs_id > 0`).run();
    db.close();
    assert.throws(() => open(bad, 'bad'), /bad\.gpkg: table 'bad' \(srs_id \d+\): proj4 cannot read the WKT/);
  });
});
