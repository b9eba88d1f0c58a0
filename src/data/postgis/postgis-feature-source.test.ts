import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshDataDir } from '../../../test/support/test-server.js';
import type { Envelope, Geometry } from '../../geo/geometry.js';
import { envelopesIntersect, envelopeToPolygon, geometryEnvelope } from '../../geo/geometry.js';
import { prepareFilter } from '../../geo/spatial-relation.js';
import type { FeatureRow, FeatureSource, ScanRequest } from '../feature-source.js';
import { FeatureQueryError } from '../feature-source.js';
import { GeoPackageFeatureSource } from '../geopackage/geopackage-feature-source.js';
import { queryCount, queryDistinct, queryExtent, queryFeatures, queryIds, queryStatistics } from '../layer-query.js';
import { openFeatureSource, sourceConfigProblems } from '../source-registry.js';
import { parseWhere, WhereClauseError } from '../where/index.js';
import { PostgisFeatureSource, type PostgisSourceConfig } from './postgis-feature-source.js';
import { createTestDatabase, postgisUnavailable, type TestDatabase } from './postgis-test-database.js';

const unavailable = await postgisUnavailable();

/** Rows as plain data, without the GeoPackage's stored envelopes (PostGIS has none to give). */
const plain = (rows: Iterable<FeatureRow>) => [...rows].map((r) => ({ id: r.id, attributes: r.attributes, geometry: r.geometry }));
const ids = (rows: Iterable<FeatureRow>) => [...rows].map((r) => r.id);

describe('PostgisFeatureSource gives the GeoPackage source\'s answers over the sample region', { skip: unavailable }, () => {
  let db: TestDatabase;
  let dataDir: string;
  let gpkgPath: string;
  const opened: FeatureSource[] = [];

  before(async () => {
    dataDir = await freshDataDir();
    gpkgPath = join(dataDir, 'sample', 'region.gpkg');
    // A database whose collation (ICU en-US) orders strings unlike SQLite, to show answers do not depend on it.
    db = await createTestDatabase({ icuLocale: 'en-US' });
    db.load(gpkgPath, ['-lco', 'LAUNDER=NO']);
    await db.exec('CREATE SCHEMA laundered');
    db.load(gpkgPath, ['-nln', 'laundered.roads', 'roads']);
    await db.exec('ANALYZE');
  });
  after(async () => {
    for (const s of opened) s.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const config = (table: string, more: Partial<PostgisSourceConfig> = {}): PostgisSourceConfig => ({ type: 'postgis', connection: db.url, table, ...more });
  const postgis = (table: string, more: Partial<PostgisSourceConfig> = {}) => {
    const s = new PostgisFeatureSource(config(table, more));
    opened.push(s);
    return s;
  };
  const geopackage = (table: string) => {
    const s = new GeoPackageFeatureSource(gpkgPath, table);
    opened.push(s);
    return s;
  };
  const pair = (table: string) => ({ gpkg: geopackage(table), pg: postgis(table) });

  /** GDAL writes the GeoPackage's INTEGER (64-bit) columns as bigint. */
  const typeOf = (t: string) => (t === 'esriFieldTypeBigInteger' ? 'esriFieldTypeInteger' : t);

  it('reads the same schema, spatial reference and extent', () => {
    for (const table of ['roads', 'place_names', 'buildings', 'watercourses', 'sea', 'spot_heights', 'lakes', 'sheets_tm50']) {
      const { gpkg, pg } = pair(table);
      assert.deepEqual(pg.schema.fields.map((f) => [f.name, typeOf(f.type), f.nullable]), gpkg.schema.fields.map((f) => [f.name, f.type, f.nullable]), table);
      assert.equal(pg.schema.objectIdField, gpkg.schema.objectIdField);
      assert.equal(pg.schema.geometryType, gpkg.schema.geometryType, table);
      assert.equal(pg.schema.hasZ, gpkg.schema.hasZ);
      assert.deepEqual(pg.schema.spatialReference, { wkid: 32630, latestWkid: 32630 });
      assert.deepEqual(pg.schema.spatialReference, gpkg.schema.spatialReference);
      const [a, b] = [pg.extent()!, gpkg.extent()!];
      // The GeoPackage's extent comes from its R-tree, which keeps 32-bit floats rounded outward:
      // half a metre apart at these coordinates.
      for (const k of ['xmin', 'ymin', 'xmax', 'ymax'] as const) assert.ok(Math.abs(a[k] - b[k]) <= 1, `${table} ${k}: ${a[k]} vs ${b[k]}`);
    }
  });

  const WHERE: [string, string][] = [
    ['roads', "CLASS = 'Primary'"],
    ['roads', "CLASS IN ('Primary', 'Secondary') AND WID >= 6"],
    ['roads', "CLASS NOT IN ('Street')"],
    ['roads', "NAM LIKE 'A%'"],
    ['roads', "NAM LIKE '%na%' AND NAM NOT LIKE 'S%'"],
    ['roads', "UPPER(NAM) LIKE '%ROAD%'"],
    ['roads', 'NAM IS NULL'],
    ['roads', "NAM > 'M'"],
    ['roads', "NAM BETWEEN 'Carn' AND 'sgurr'"],
    ['roads', 'RTY BETWEEN 2 AND 3'],
    ['roads', "SURFACE <> 'Paved' OR WID < 4"],
    ['roads', 'CHAR_LENGTH(NAM) > 12'],
    ['roads', "SUBSTRING(NAM FROM 1 FOR 4) = 'Hill'"],
    ['place_names', "TYPE IN ('Town', 'Village') AND POP > 500"],
    ['place_names', 'POP / 2 > 1000'],
    ['place_names', "NAM LIKE '%''%'"],
    ['place_names', 'MOD(POP, 10) = 0 AND POP > 0'],
    // Code-point order: every capitalised name lies between; in the database's ICU order none does.
    ['place_names', "NAM >= 'Sgurr' AND NAM < 'sgurr'"],
    ['place_names', "LOWER(NAM) < 'carn'"],
    ['place_names', "TYPE || ':' || NAM LIKE 'Peak:Sgurr%'"],
    ['buildings', 'HGT > 8.5'],
    ['buildings', 'FFN = 930 AND HGT < 6'],
    ['buildings', 'ROUND(HGT, 0) = 6'],
    ['buildings', 'OBJECTID < 100 OR OBJECTID IN (30000, 40000)'],
    ['buildings', 'SQRT(HGT - 7) > 1'],
    ['spot_heights', 'ZVH >= 1000'],
    ['watercourses', 'HYP = 1 AND ORD >= 3'],
  ];
  for (const [table, where] of WHERE) {
    it(`${table} where ${where}: same count and rows`, () => {
      const { gpkg, pg } = pair(table);
      const w = parseWhere(where);
      const expected = ids(gpkg.scan({ where: w, fields: [], geometry: false }));
      assert.ok(expected.length > 0 && expected.length < gpkg.count({}), `the clause should select some rows only (${expected.length})`);
      assert.equal(pg.count({ where: w }), expected.length);
      assert.deepEqual(ids(pg.scan({ where: w, fields: [], geometry: false })), expected);
    });
  }

  /** Around Ardglass, one of the sample's villages. */
  const BUILDINGS_BOX = { xmin: 352803.3, ymin: 6317907.7, xmax: 353601.1, ymax: 6318799.9 };
  const BOXES: [string, { xmin: number; ymin: number; xmax: number; ymax: number }][] = [
    ['roads', { xmin: 355003.3, ymin: 6300007.7, xmax: 361001.1, ymax: 6305999.9 }],
    ['buildings', BUILDINGS_BOX],
    ['place_names', { xmin: 342003.3, ymin: 6280007.7, xmax: 372001.1, ymax: 6310999.9 }],
    ['sea', { xmin: 345003.3, ymin: 6290007.7, xmax: 350001.1, ymax: 6295999.9 }],
  ];
  /** Whether a geometry's exact envelope meets the box: what a bounding-box scan selects. */
  const meets = (g: Geometry, box: Envelope) => envelopesIntersect(geometryEnvelope(g), box);
  for (const [table, bbox] of BOXES) {
    it(`${table}: a bounding-box scan gives the same rows and geometries`, () => {
      const { gpkg, pg } = pair(table);
      const fields = gpkg.schema.fields.map((f) => f.name);
      const candidates = plain(gpkg.scan({ bbox, fields, geometry: true }));
      const expected = candidates.filter((r) => meets(r.geometry!, bbox));
      assert.ok(expected.length > 0 && expected.length < gpkg.count({}));
      assert.equal(pg.count({ bbox }), expected.length);
      assert.deepEqual(plain(pg.scan({ bbox, fields, geometry: true })), expected);
      // The GeoPackage's R-tree (32-bit floats rounded outward) may add rows that miss the box by less than a metre.
      const grown = { xmin: bbox.xmin - 1, ymin: bbox.ymin - 1, xmax: bbox.xmax + 1, ymax: bbox.ymax + 1 };
      assert.ok(candidates.every((r) => meets(r.geometry!, grown)));
    });
  }

  it('streams a whole table larger than one fetch through a cursor', () => {
    const { gpkg, pg } = pair('buildings');
    const expected = plain(gpkg.scan({ fields: ['HGT'], geometry: true }));
    assert.ok(expected.length > 40_000);
    assert.deepEqual(plain(pg.scan({ fields: ['HGT'], geometry: true })), expected);
  });

  const PAGES: [string, ScanRequest][] = [
    ['place_names', { fields: ['NAM', 'TYPE'], geometry: true, orderBy: [{ field: 'NAM', descending: false }], offset: 20, limit: 25 }],
    ['place_names', { fields: ['NAM'], geometry: false, orderBy: [{ field: 'TYPE', descending: true }, { field: 'NAM', descending: false }], offset: 100, limit: 50 }],
    ['roads', { fields: ['NAM', 'CLASS'], geometry: false, orderBy: [{ field: 'NAM', descending: false }], offset: 1000, limit: 30 }],
    ['roads', { fields: ['NAM'], geometry: false, orderBy: [{ field: 'NAM', descending: true }], offset: 2100, limit: 30 }],
    ['buildings', { fields: ['HGT', 'FFN'], geometry: true, orderBy: [{ field: 'HGT', descending: true }], offset: 500, limit: 40 }],
    ['buildings', { fields: ['HGT'], geometry: false, where: parseWhere('FFN = 850'), orderBy: [{ field: 'hgt', descending: false }], limit: 5000 }],
    ['roads', { fields: ['RTN'], geometry: false, objectIds: [5, 3, 77, 2000, 999_999], offset: 1 }],
  ];
  PAGES.forEach(([table, request], i) => {
    it(`${table}: ordered page ${i + 1} is the same`, () => {
      const { gpkg, pg } = pair(table);
      const expected = plain(gpkg.scan(request));
      assert.ok(expected.length > 0);
      assert.deepEqual(plain(pg.scan(request)), expected);
    });
  });

  it('orders text by code point, whatever the database\'s collation says', async () => {
    const request: ScanRequest = { fields: ['NAM'], geometry: false, orderBy: [{ field: 'NAM', descending: false }] };
    const ordered = ids(postgis('place_names').scan(request));
    assert.deepEqual(ordered, ids(geopackage('place_names').scan(request)));
    const collated = (await db.exec('SELECT "OBJECTID" FROM place_names ORDER BY "NAM", "OBJECTID"')).map(Number);
    assert.notDeepEqual(collated, ordered, 'the database\'s own order should differ, or this test shows nothing');
  });

  it('answers layer queries (layer-query.ts) as the GeoPackage does', () => {
    const { gpkg, pg } = pair('roads');
    const triangle: Geometry = { type: 'Polygon', coordinates: [[[352000, 6298000], [372000, 6301000], [360000, 6322000], [352000, 6298000]]] };
    const filter = { where: parseWhere("CLASS <> 'Street'"), spatial: prepareFilter(triangle, 'esriSpatialRelIntersects') };
    for (const source of [gpkg, pg]) assert.ok(queryCount(source, filter) > 10);
    const both = <T>(f: (s: FeatureSource) => T) => assert.deepEqual(f(pg), f(gpkg));
    both((s) => queryCount(s, filter));
    both((s) => queryIds(s, filter, [{ field: 'NAM', descending: false }]));
    both((s) => queryExtent(s, filter, null));
    const page = (s: FeatureSource) => {
      const r = queryFeatures(s, { ...filter, outFields: ['NAM', 'CLASS', 'WID'], returnGeometry: true, orderBy: [{ field: 'WID', descending: true }], offset: 3, limit: 10, shape: { transform: null, geometryPrecision: 1 } });
      return { exceeded: r.exceededTransferLimit, rows: plain(r.features) };
    };
    both(page);
    assert.equal(page(pg).rows.length, 10);
    both((s) => queryStatistics(s, filter, [{ type: 'count', field: '*', outName: 'N' }, { type: 'avg', field: 'WID', outName: 'W' }, { type: 'max', field: 'NAM', outName: 'LAST' }], ['CLASS']));
    both((s) => queryDistinct(s, filter, ['CLASS', 'SURFACE']));
    const envelopeOnly = { spatial: prepareFilter(envelopeToPolygon({ xmin: 355003.3, ymin: 6300007.7, xmax: 361001.1, ymax: 6305999.9 }), 'esriSpatialRelEnvelopeIntersects') };
    both((s) => plain(queryFeatures(s, { ...envelopeOnly, outFields: ['NAM'], returnGeometry: false, offset: 5, limit: 20, shape: { transform: null } }).features));
  });

  it('lets the GiST index answer the bounding box (EXPLAIN)', () => {
    const pg = postgis('buildings');
    const plan = pg.explainScan({ bbox: BUILDINGS_BOX, fields: ['HGT'], geometry: true });
    assert.match(plan, /Index Scan using buildings_geom_geom_idx|Bitmap Index Scan on buildings_geom_geom_idx/, plan);
    assert.doesNotMatch(plan, /Seq Scan/, plan);
  });

  it('serves a view with an id column, and says what is missing without one', async () => {
    await db.exec(`CREATE VIEW tall_buildings AS SELECT "OBJECTID", "HGT", "FFN", geom FROM buildings WHERE "HGT" > 8;
      CREATE VIEW building_centres AS SELECT "OBJECTID" AS id, "FFN", ST_Centroid(geom) AS centre FROM buildings`);
    assert.throws(() => postgis('tall_buildings'), (e: Error) => e instanceof FeatureQueryError
      && /'public\.tall_buildings' is a view, which has no primary key: set source\.idColumn .*OBJECTID/.test(e.message));
    assert.throws(() => postgis('tall_buildings', { idColumn: 'HGT' }), /source\.idColumn 'HGT' of 'public\.tall_buildings' is not an integer column/);
    assert.throws(() => postgis('tall_buildings', { idColumn: 'nope' }), /source\.idColumn 'nope' is not a column/);

    const view = postgis('public.tall_buildings', { idColumn: 'OBJECTID' });
    const gpkg = geopackage('buildings');
    assert.equal(view.schema.geometryType, 'esriGeometryPolygon');
    assert.equal(view.schema.objectIdField, 'OBJECTID');
    const tall = parseWhere('HGT > 8');
    assert.equal(view.count({}), gpkg.count({ where: tall }));
    const bbox = BUILDINGS_BOX;
    const expected = plain(gpkg.scan({ bbox, where: parseWhere('HGT > 8 AND FFN = 930'), fields: ['HGT'], geometry: true })).filter((r) => meets(r.geometry!, bbox));
    assert.ok(expected.length > 0);
    assert.deepEqual(plain(view.scan({ bbox, where: parseWhere('FFN = 930'), fields: ['HGT'], geometry: true })), expected);

    // A computed geometry declares no type or SRID: both come from the data.
    const centres = postgis('building_centres', { idColumn: 'id' });
    assert.equal(centres.schema.geometryType, 'esriGeometryPoint');
    assert.deepEqual(centres.schema.spatialReference, { wkid: 32630, latestWkid: 32630 });
    assert.equal(centres.count({}), gpkg.count({}));
    const inside = [...centres.scan({ bbox, fields: ['FFN'], geometry: true })];
    assert.ok(inside.length > 100);
    assert.ok(inside.every((r) => r.geometry!.type === 'Point' && meets(r.geometry!, bbox)));
  });

  it('resolves field names case-insensitively on a laundered (lower-case) copy', () => {
    const pg = postgis('laundered.roads');
    const gpkg = geopackage('roads');
    assert.equal(pg.schema.objectIdField, 'objectid');
    const w = parseWhere("CLASS = 'Primary' AND Wid > 5");
    assert.deepEqual(ids(pg.scan({ where: w, fields: ['NAM'], geometry: false, orderBy: [{ field: 'Nam', descending: false }] })),
      ids(gpkg.scan({ where: w, fields: ['NAM'], geometry: false, orderBy: [{ field: 'NAM', descending: false }] })));
  });

  it('refuses injection through where clauses and names, and leaves the data intact', async () => {
    const pg = postgis('roads');
    assert.throws(() => parseWhere("NAM = 'x'; DROP TABLE roads"), WhereClauseError);
    assert.throws(() => parseWhere("NAM = 'x' OR 1=1 --"), WhereClauseError);
    assert.throws(() => pg.count({ where: parseWhere('"NAM"" = 1 OR ""x" = 1') }), /unknown field/);
    // Quotes inside a literal stay inside the bound value.
    assert.equal(pg.count({ where: parseWhere("NAM = 'x''; DROP TABLE roads; --'") }), 0);
    assert.equal(pg.count({ where: parseWhere("NAM = 'a'' OR ''1''=''1'") }), 0);
    assert.equal(pg.count({ where: parseWhere("NAM = '$1) OR (1=1'") }), 0);
    assert.throws(() => postgis('roads; DROP TABLE roads'), /is not a table or view/);
    assert.throws(() => postgis('roads" --'), /source\.table must be/);
    assert.throws(() => postgis('roads', { geometryColumn: 'geom); DROP TABLE roads; --' }), /is not a geometry column/);
    assert.throws(() => postgis('roads', { idColumn: '"OBJECTID"; DROP TABLE roads' }), /is not a column/);
    assert.deepEqual(await db.exec('SELECT count(*) FROM roads'), ['3141']);
  });

  it('turns a clause PostgreSQL cannot evaluate into a query error, without disturbing open scans', () => {
    const roads = postgis('roads');
    const buildings = postgis('buildings');
    const bad = parseWhere('CAST(NAM AS INTEGER) = 1');
    let n = 0;
    for (const _ of buildings.scan({ fields: [], geometry: false })) {
      if (++n === 100) assert.throws(() => roads.count({ where: bad }), (e: Error) => e instanceof FeatureQueryError && /cannot be evaluated on 'public\.roads'/.test(e.message));
      if (n === 200) assert.equal(roads.count({ where: parseWhere("CLASS = 'Primary'") }), 181);
    }
    assert.equal(n, 40066);
    assert.throws(() => [...roads.scan({ where: bad, fields: [], geometry: false })], FeatureQueryError);
    assert.equal(roads.count({}), 3141);
  });

  it('opens through the registry, by URL or by a configured connection name', () => {
    const byUrl = openFeatureSource(config('lakes'), dataDir);
    opened.push(byUrl);
    assert.equal(byUrl.count({}), 24);
    process.env.QUADRANGLE_POSTGIS_SAMPLEDB = db.url;
    try {
      const byName = openFeatureSource({ type: 'postgis', connection: 'sampledb', table: 'lakes' }, dataDir);
      opened.push(byName);
      assert.equal(byName.count({}), 24);
    } finally { delete process.env.QUADRANGLE_POSTGIS_SAMPLEDB; }
    assert.throws(() => openFeatureSource({ type: 'postgis', connection: 'elsewhere', table: 'lakes' }, dataDir), /connection 'elsewhere' is not configured: set QUADRANGLE_POSTGIS_ELSEWHERE/);
    assert.throws(() => postgis('no_such_table'), /'no_such_table' is not a table or view/);
    assert.deepEqual(sourceConfigProblems({ type: 'postgis', table: 'lakes' }), [['.connection', 'is required for a PostGIS source (a postgresql:// URL or the name of a configured connection)']]);
    assert.deepEqual(sourceConfigProblems(config('lakes')), []);
  });

  it('never shows a connection password', () => {
    assert.throws(() => new PostgisFeatureSource({ type: 'postgis', connection: 'postgresql://quadrangle:s3cret@127.0.0.1:1/gis', table: 'lakes' }), (e: Error) => {
      assert.ok(e instanceof FeatureQueryError);
      assert.match(e.message, /cannot connect to PostgreSQL \(postgresql:\/\/quadrangle@127\.0\.0\.1:1\/gis\)/);
      assert.doesNotMatch(e.message, /s3cret/);
      return true;
    });
  });
});

describe('PostgisFeatureSource dates and booleans', { skip: unavailable }, () => {
  let db: TestDatabase;
  let dir: string;
  let gpkg: GeoPackageFeatureSource;
  let pg: PostgisFeatureSource;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'postgis-dates-'));
    const features = Array.from({ length: 40 }, (_, i) => ({
      type: 'Feature',
      properties: {
        NAME: `Survey ${i}`, ACTIVE: i % 4 === 0,
        SURVEYED: i % 7 === 6 ? null : `20${10 + (i % 12)}-0${1 + (i % 9)}-1${i % 10}`,
        UPDATED: `2024-0${1 + (i % 9)}-0${1 + (i % 9)}T${10 + (i % 12)}:30:00Z`,
      },
      geometry: { type: 'Point', coordinates: [350000 + i * 100, 6300000 + i * 50] },
    }));
    const src = join(dir, 'surveys.geojson');
    writeFileSync(src, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32630' } }, features }));
    const gpkgPath = join(dir, 'surveys.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkgPath, src, '-nln', 'surveys', '-lco', 'FID=OBJECTID']);
    db = await createTestDatabase();
    db.load(src, ['-nln', 'surveys', '-lco', 'FID=OBJECTID', '-lco', 'LAUNDER=NO']);
    gpkg = new GeoPackageFeatureSource(gpkgPath, 'surveys');
    pg = new PostgisFeatureSource({ type: 'postgis', connection: db.url, table: 'surveys' });
  });
  after(async () => {
    gpkg?.close();
    pg?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads dates as epoch milliseconds and booleans as 0/1, as the GeoPackage does', () => {
    const types = Object.fromEntries(pg.schema.fields.map((f) => [f.name, f.type]));
    assert.equal(types.SURVEYED, 'esriFieldTypeDate');
    assert.equal(types.UPDATED, 'esriFieldTypeDate');
    assert.equal(types.ACTIVE, 'esriFieldTypeSmallInteger');
    const request: ScanRequest = { fields: ['NAME', 'ACTIVE', 'SURVEYED', 'UPDATED'], geometry: true };
    const rows = plain(pg.scan(request));
    assert.deepEqual(rows, plain(gpkg.scan(request)));
    assert.equal(rows[1]!.attributes.SURVEYED, Date.UTC(2011, 1, 11));
    assert.equal(rows[0]!.attributes.ACTIVE, 1);
  });

  for (const where of [
    "SURVEYED >= DATE '2015-01-01'",
    "SURVEYED BETWEEN DATE '2012-01-01' AND TIMESTAMP '2016-06-30 12:00:00'",
    "UPDATED < TIMESTAMP '2024-05-05 14:30:00'",
    "UPDATED > DATE '2024-07-01' AND ACTIVE = 1",
    'EXTRACT(YEAR FROM SURVEYED) = 2013',
    'EXTRACT(HOUR FROM UPDATED) >= 18',
    'SURVEYED IS NULL',
    'SURVEYED < CURRENT_DATE',
    'ACTIVE = 0',
  ]) {
    it(`where ${where}`, () => {
      const w = parseWhere(where);
      const expected = ids(gpkg.scan({ where: w, fields: [], geometry: false }));
      assert.ok(expected.length > 0);
      assert.deepEqual(ids(pg.scan({ where: w, fields: [], geometry: false })), expected);
      assert.equal(pg.count({ where: w }), expected.length);
    });
  }

  it('orders by dates with NULLs first, as SQLite does', () => {
    const request: ScanRequest = { fields: ['SURVEYED'], geometry: false, orderBy: [{ field: 'SURVEYED', descending: false }], limit: 12 };
    assert.deepEqual(plain(pg.scan(request)), plain(gpkg.scan(request)));
  });
});
