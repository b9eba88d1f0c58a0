import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { geometryEnvelope } from '../../geo/geometry.js';
import { decodeGpkgGeometry, encodeGpkgGeometry } from './gpkg-geometry.js';
import { GeoPackageWriteError, GeoPackageWriter, GPKG_APPLICATION_ID, GPKG_USER_VERSION } from './geopackage-writer.js';

const UTM30N_WKT = 'PROJCS["WGS 84 / UTM zone 30N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",-3],PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","32630"]]';

const gdalVersion = (() => {
  const run = spawnSync('ogrinfo', ['--version'], { encoding: 'utf8' });
  const m = run.status === 0 ? /GDAL (\d+)\.(\d+)/.exec(run.stdout) : null;
  return m ? Number(m[1]) * 100 + Number(m[2]) : 0;
})();

/**
 * ogrinfo's stderr, less the one notice GDAL releases before 3.7 print for any GeoPackage 1.4
 * file (they predate the 1.4 specification). Anything else is a real warning.
 */
function ogrinfoStderr(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.trim() !== '' && !(gdalVersion < 307 && /user_version=.*10400.*may only be partially supported/.test(line)));
}

const dir = mkdtempSync(join(tmpdir(), 'gpkg-writer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeSample(path: string): void {
  const w = new GeoPackageWriter(path, { lastChange: new Date(Date.UTC(2024, 4, 1)) });
  w.addSpatialRef({ srsId: 32630, name: 'WGS 84 / UTM zone 30N', organization: 'EPSG', organizationCoordsysId: 32630, definition: UTM30N_WKT });
  w.createFeatureTable({
    table: 'roads', identifier: 'Roads', description: 'Road links', geometryType: 'LINESTRING', srsId: 32630,
    fields: [{ name: 'NAM', type: 'TEXT' }, { name: 'RTY', type: 'INTEGER' }, { name: 'WID', type: 'REAL' }, { name: 'OPENED', type: 'DATE' }, { name: 'SURVEYED', type: 'DATETIME' }],
  });
  w.createFeatureTable({ table: 'spots', geometryType: 'POINT', srsId: 32630, fields: [{ name: 'ZVH', type: 'REAL' }] });
  w.insertFeatures('roads', [
    { geometry: { type: 'LineString', coordinates: [[350000, 6290000], [351000, 6291500]] }, properties: { NAM: 'High Street', RTY: 5, WID: 5.5, OPENED: new Date(Date.UTC(1901, 2, 3)), SURVEYED: new Date(Date.UTC(2023, 5, 6, 7, 8, 9)) } },
    { geometry: { type: 'LineString', coordinates: [[352000, 6289000], [353000, 6289500], [354000, 6292000]] }, properties: { NAM: null, RTY: 4 } },
  ]);
  w.insertFeatures('spots', Array.from({ length: 500 }, (_, k) => ({ geometry: { type: 'Point' as const, coordinates: [340000 + k * 10, 6280000 + k * 7] }, properties: { ZVH: k / 10 } })));
  w.close();
}

describe('GeoPackageWriter', () => {
  const path = join(dir, 'sample.gpkg');
  writeSample(path);

  it('writes the GeoPackage 1.4 header and required metadata', () => {
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('application_id', { simple: true }), GPKG_APPLICATION_ID);
      assert.equal(db.pragma('user_version', { simple: true }), GPKG_USER_VERSION);
      const srs = db.prepare('SELECT srs_id, organization, organization_coordsys_id FROM gpkg_spatial_ref_sys ORDER BY srs_id').all();
      assert.deepEqual(srs.map((r: any) => r.srs_id), [-1, 0, 4326, 32630]);
      const contents = db.prepare('SELECT * FROM gpkg_contents ORDER BY table_name').all() as any[];
      assert.equal(contents.length, 2);
      assert.deepEqual({ ...contents[0], last_change: undefined }, {
        table_name: 'roads', data_type: 'features', identifier: 'Roads', description: 'Road links', last_change: undefined,
        min_x: 350000, min_y: 6289000, max_x: 354000, max_y: 6292000, srs_id: 32630,
      });
      assert.equal(contents[0].last_change, '2024-05-01T00:00:00.000Z');
      const columns = db.prepare('SELECT table_name, column_name, geometry_type_name, srs_id, z, m FROM gpkg_geometry_columns ORDER BY table_name').all();
      assert.deepEqual(columns, [
        { table_name: 'roads', column_name: 'geom', geometry_type_name: 'LINESTRING', srs_id: 32630, z: 0, m: 0 },
        { table_name: 'spots', column_name: 'geom', geometry_type_name: 'POINT', srs_id: 32630, z: 0, m: 0 },
      ]);
    } finally {
      db.close();
    }
  });

  it('stores typed attributes and GeoPackage geometries under an OBJECTID key', () => {
    const db = new Database(path, { readonly: true });
    try {
      const rows = db.prepare('SELECT OBJECTID, geom, NAM, RTY, WID, OPENED, SURVEYED, typeof(RTY) AS rty_type FROM roads ORDER BY OBJECTID').all() as any[];
      assert.deepEqual(rows.map((r) => r.OBJECTID), [1, 2]);
      assert.equal(rows[0].NAM, 'High Street');
      assert.equal(rows[0].rty_type, 'integer');
      assert.equal(rows[0].WID, 5.5);
      assert.equal(rows[0].OPENED, '1901-03-03');
      assert.equal(rows[0].SURVEYED, '2023-06-06T07:08:09.000Z');
      assert.equal(rows[1].NAM, null);
      const decoded = decodeGpkgGeometry(rows[1].geom);
      assert.equal(decoded.srsId, 32630);
      assert.deepEqual(decoded.geometry, { type: 'LineString', coordinates: [[352000, 6289000], [353000, 6289500], [354000, 6292000]] });
    } finally {
      db.close();
    }
  });

  it('builds an R-tree index with the 1.4 triggers and extension rows', () => {
    const db = new Database(path, { readonly: true });
    try {
      assert.equal((db.prepare('SELECT count(*) AS n FROM rtree_spots_geom').get() as any).n, 500);
      const hit = db.prepare('SELECT id FROM rtree_roads_geom WHERE minx <= 350500 AND maxx >= 350500 AND miny <= 6290700 AND maxy >= 6290700').all();
      assert.deepEqual(hit, [{ id: 1 }]);
      const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'roads' ORDER BY name").all().map((r: any) => r.name);
      assert.deepEqual(triggers, ['rtree_roads_geom_delete', 'rtree_roads_geom_insert', 'rtree_roads_geom_update2', 'rtree_roads_geom_update4', 'rtree_roads_geom_update5', 'rtree_roads_geom_update6', 'rtree_roads_geom_update7']);
      const ext = db.prepare("SELECT table_name, column_name, scope FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' ORDER BY table_name").all();
      assert.deepEqual(ext, [{ table_name: 'roads', column_name: 'geom', scope: 'write-only' }, { table_name: 'spots', column_name: 'geom', scope: 'write-only' }]);
    } finally {
      db.close();
    }
  });

  it('keeps the R-tree in step through its triggers when a client edits the table', () => {
    const copy = join(dir, 'edited.gpkg');
    copyFileSync(path, copy);
    const db = new Database(copy);
    try {
      // The GeoPackage SQL functions the triggers call, as GDAL and other clients register them.
      const env = (blob: Buffer | null) => (blob ? geometryEnvelope(decodeGpkgGeometry(blob).geometry!) : null);
      db.function('ST_IsEmpty', (b: Buffer | null) => (b ? 0 : 1));
      db.function('ST_MinX', (b: Buffer | null) => env(b)?.xmin ?? null);
      db.function('ST_MaxX', (b: Buffer | null) => env(b)?.xmax ?? null);
      db.function('ST_MinY', (b: Buffer | null) => env(b)?.ymin ?? null);
      db.function('ST_MaxY', (b: Buffer | null) => env(b)?.ymax ?? null);
      const box = (id: number) => db.prepare('SELECT minx, maxx, miny, maxy FROM rtree_roads_geom WHERE id = ?').get(id);
      const line = encodeGpkgGeometry({ type: 'LineString', coordinates: [[360000, 6300000], [361000, 6302000]] }, 32630);
      db.prepare('UPDATE roads SET geom = ? WHERE OBJECTID = 1').run(line);
      assert.deepEqual(box(1), { minx: 360000, maxx: 361000, miny: 6300000, maxy: 6302000 });
      db.prepare('UPDATE roads SET OBJECTID = 10 WHERE OBJECTID = 1').run();
      assert.equal(box(1), undefined);
      assert.deepEqual(box(10), { minx: 360000, maxx: 361000, miny: 6300000, maxy: 6302000 });
      db.prepare('DELETE FROM roads WHERE OBJECTID = 2').run();
      assert.equal(box(2), undefined);
      db.prepare('INSERT INTO roads (OBJECTID, geom) VALUES (11, ?)').run(line);
      assert.deepEqual(box(11), { minx: 360000, maxx: 361000, miny: 6300000, maxy: 6302000 });
    } finally {
      db.close();
    }
  });

  it('rejects unknown fields, values of the wrong type and writes after close', () => {
    const w = new GeoPackageWriter(join(dir, 'errors.gpkg'));
    w.createFeatureTable({ table: 't', geometryType: 'POINT', srsId: 4326, fields: [{ name: 'N', type: 'INTEGER' }] });
    assert.throws(() => w.insertFeatures('t', [{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: { X: 1 } }]), GeoPackageWriteError);
    assert.throws(() => w.insertFeatures('t', [{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: { N: 1.5 } }]), GeoPackageWriteError);
    assert.throws(() => w.createFeatureTable({ table: 'bad name', geometryType: 'POINT', srsId: 4326, fields: [] }), GeoPackageWriteError);
    w.close();
    assert.throws(() => w.insertFeatures('t', []), GeoPackageWriteError);
  });

  it('opens in GDAL without warnings and with a usable spatial index', { skip: gdalVersion === 0 && 'ogrinfo not installed' }, () => {
    const info = spawnSync('ogrinfo', ['-ro', '-al', '-so', path], { encoding: 'utf8' });
    assert.equal(info.status, 0);
    assert.deepEqual(ogrinfoStderr(info.stderr), []);
    assert.match(info.stdout, /Layer name: roads[\s\S]*Geometry: Line String[\s\S]*Feature Count: 2[\s\S]*FID Column = OBJECTID[\s\S]*RTY: Integer64[\s\S]*OPENED: Date[\s\S]*SURVEYED: DateTime/);
    assert.match(info.stdout, /Layer name: spots[\s\S]*Feature Count: 500/);
    const sql = spawnSync('ogrinfo', ['-ro', path, '-sql', "SELECT HasSpatialIndex('roads','geom')"], { encoding: 'utf8' });
    assert.match(sql.stdout, /HasSpatialIndex \(Integer\) = 1/);
  });
});
