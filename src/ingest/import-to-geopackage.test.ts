import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GeoPackageFeatureSource } from '../data/geopackage/geopackage-feature-source.js';
import type { FeatureRow } from '../data/feature-source.js';
import type { Geometry } from '../geo/geometry.js';
import { featureCollection, gdalWrite, ogr2ogr, ogrinfo, POLYGONS, POLYGONS_27700, simpleResolver, tempDir, type TempDir } from './gdal-test-fixtures.js';
import { inspectGeoPackage } from './geopackage-inspect.js';
import { importVectorFiles, type ImportedTable } from './import-to-geopackage.js';
import { IngestError } from './ingest-error.js';

const CUSTOM_TM = '+proj=tmerc +lat_0=0 +lon_0=10.5 +k=0.9999 +x_0=600000 +y_0=-4000000 +ellps=GRS80 +units=m +no_defs';

let dir: TempDir;
let inputs: Record<string, string>;
let gpkg: string;
let tables: ImportedTable[];

function rows(table: string): FeatureRow[] {
  const source = new GeoPackageFeatureSource(gpkg, table);
  try {
    return [...source.scan({ fields: source.schema.fields.map((f) => f.name), geometry: true })];
  } finally { source.close(); }
}

/** Rings as sets of corner points, so the check does not depend on the start vertex or winding. */
function corners(g: Geometry | null): string[][][] {
  assert.ok(g && g.type === 'MultiPolygon', `a MultiPolygon, not ${g?.type}`);
  return g.coordinates.map((rings) => rings.map((r) => [...new Set(r.map((p) => `${p[0]} ${p[1]}`))].sort()));
}

before(async () => {
  dir = tempDir('gpkg-import-');
  mkdirSync(dir.file('other'));
  inputs = {
    // Communes: windows-1252 .dbf, British National Grid .prj, polygons with holes and a Null shape.
    communes: gdalWrite(dir, 'Communes.shp', POLYGONS_27700, ['-lco', 'ENCODING=CP1252', '-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:27700']),
    // Places: a UTF-8 .dbf with a non-ASCII field name, WGS 84, in a file whose name needs folding.
    places: gdalWrite(dir, 'Lieux-dits été.shp', [
      { properties: { 'Nom': 'Sainte-Anne-d’Auray', 'Région': 'Bretagne', 'OBJECTID': 77 }, geometry: { type: 'Point', coordinates: [-2.95, 47.7] } },
      { properties: { 'Nom': 'Œuvre', 'Région': 'Île-de-France', 'OBJECTID': 78 }, geometry: { type: 'Point', coordinates: [2.35, 48.85] } },
    ], ['-lco', 'ENCODING=UTF-8', '-a_srs', 'EPSG:4326']),
    // Contours: 3D lines in a custom transverse Mercator that has no EPSG code.
    contours: gdalWrite(dir, 'contours.shp', [
      { properties: { elev: 100 }, geometry: { type: 'LineString', coordinates: [[600000, 1000000, 100], [600100, 1000050, 100]] } },
      { properties: { elev: 110 }, geometry: { type: 'MultiLineString', coordinates: [[[600000, 1000100, 110], [600100, 1000150, 110]], [[600200, 1000100, 110], [600300, 1000150, 110]]] } },
    ], ['-nlt', 'MULTILINESTRING25D', '-a_srs', CUSTOM_TM]),
    // A second "Communes" from another folder: the table name must not clash.
    communes2: gdalWrite(dir, 'other/communes.shp', POLYGONS_27700.slice(0, 1), ['-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:27700']),
    parcels: gdalWrite(dir, 'parcels.fgb', POLYGONS_27700.slice(0, 2), ['-f', 'FlatGeobuf', '-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:27700']),
  };
  const mixedSrc = dir.file('mixed.src.json');
  writeFileSync(mixedSrc, featureCollection([
    { properties: { name: 'Tour', h: 1 }, geometry: { type: 'Point', coordinates: [450000, 200000] } },
    { properties: { name: 'Ligne', h: 2.5 }, geometry: { type: 'LineString', coordinates: [[450000, 200000], [450100, 200100]] } },
    { properties: { name: 'Île', h: 3 }, geometry: { type: 'Polygon', coordinates: [[[450000, 200000], [450010, 200000], [450010, 200010], [450000, 200000]]] } },
  ]));
  inputs.mixed = dir.file('mixed.geojson');
  ogr2ogr(['-f', 'GeoJSON', '-a_srs', 'EPSG:27700', '-lco', 'RFC7946=NO', inputs.mixed, mixedSrc]);
  gpkg = dir.file('published.gpkg');
  tables = await importVectorFiles(Object.values(inputs), gpkg, { resolveCrs: simpleResolver(), batchSize: 2 });
});
after(() => dir.remove());

describe('importVectorFiles', () => {
  it('writes one table per layer with safe, unique names', () => {
    assert.deepEqual(tables.map((t) => [t.table, t.identifier, t.geometryType, t.featureCount]), [
      ['communes', 'Communes', 'MULTIPOLYGON', 3],
      ['lieux_dits_ete', 'Lieux-dits été', 'POINT', 2],
      ['contours', 'contours', 'MULTILINESTRING', 2],
      ['communes_2', 'communes_2', 'MULTIPOLYGON', 1],
      ['parcels', 'parcels', 'MULTIPOLYGON', 2],
      ['mixed_points', 'mixed_points', 'POINT', 1],
      ['mixed_lines', 'mixed_lines', 'MULTILINESTRING', 1],
      ['mixed_polygons', 'mixed_polygons', 'MULTIPOLYGON', 1],
    ]);
    assert.deepEqual(readdirSync(dir.path).filter((f) => f.includes('importing')), [], 'no temporary file is left');
  });

  it('describes fields with their Esri types and source names', () => {
    const communes = tables[0]!;
    assert.deepEqual(communes.fields.map((f) => [f.name, f.sourceName, f.type]), [
      ['name', 'name', 'esriFieldTypeString'], ['Region', 'Région', 'esriFieldTypeString'], ['count', 'count', 'esriFieldTypeInteger'],
      ['big', 'big', 'esriFieldTypeDouble'], ['ratio', 'ratio', 'esriFieldTypeDouble'], ['since', 'since', 'esriFieldTypeDate'], ['ok', 'ok', 'esriFieldTypeSmallInteger'],
    ]);
    assert.equal(communes.esriGeometryType, 'esriGeometryPolygon');
    assert.deepEqual(communes.extent, { xmin: 400000, ymin: 100000, xmax: 400500, ymax: 100100 });
    // A source field named OBJECTID is kept beside the table's own object IDs.
    assert.deepEqual(tables[1]!.fields.map((f) => f.name), ['Nom', 'Region', 'OBJECTID_1']);
  });

  it('keeps attributes, accents included, and serves them through GeoPackageFeatureSource', () => {
    const source = new GeoPackageFeatureSource(gpkg, 'communes');
    try {
      assert.equal(source.count({}), 3);
      assert.equal(source.schema.geometryType, 'esriGeometryPolygon');
      // The .prj is stored as it is; the source serves it as WKT or as the EPSG code it matches.
      const sr = source.schema.spatialReference;
      assert.ok(sr.wkt === readFileSync(dir.file('Communes.prj'), 'utf8') || sr.wkid === 27700, JSON.stringify(sr));
      assert.deepEqual(Object.fromEntries(source.schema.fields.map((f) => [f.name, f.type])), {
        OBJECTID: 'esriFieldTypeOID', name: 'esriFieldTypeString', Region: 'esriFieldTypeString', count: 'esriFieldTypeInteger', big: 'esriFieldTypeDouble',
        ratio: 'esriFieldTypeDouble', since: 'esriFieldTypeDate', ok: 'esriFieldTypeSmallInteger',
      });
    } finally { source.close(); }
    const r = rows('communes');
    assert.deepEqual(r.map((x) => x.attributes), [
      { OBJECTID: 1, name: "Château d'Eau", Region: 'Île-de-France', count: 12, big: 12345678901, ratio: 0.25, since: Date.UTC(1999, 11, 31), ok: 1 },
      { OBJECTID: 2, name: '€uro Ørsted', Region: 'Zürich', count: -3, big: null, ratio: 0.001, since: null, ok: 0 },
      { OBJECTID: 3, name: null, Region: null, count: null, big: null, ratio: null, since: null, ok: null },
    ]);
    const places = rows('lieux_dits_ete');
    assert.deepEqual(places.map((x) => x.attributes), [
      { OBJECTID: 1, Nom: 'Sainte-Anne-d’Auray', Region: 'Bretagne', OBJECTID_1: 77 },
      { OBJECTID: 2, Nom: 'Œuvre', Region: 'Île-de-France', OBJECTID_1: 78 },
    ]);
    assert.deepEqual(places[1]!.geometry, { type: 'Point', coordinates: [2.35, 48.85] });
  });

  it('stores polygons with their holes as multipolygons, and Null shapes as rows without geometry', () => {
    const r = rows('communes');
    assert.deepEqual(corners(r[0]!.geometry), [[['400000 100000', '400000 100100', '400100 100000', '400100 100100'], ['400020 100020', '400020 100040', '400040 100020', '400040 100040']]]);
    assert.deepEqual(corners(r[1]!.geometry), [
      [['400200 100000', '400200 100100', '400300 100000', '400300 100100']],
      [['400400 100000', '400400 100100', '400500 100000', '400500 100100'], ['400420 100020', '400420 100040', '400440 100020', '400440 100040']],
    ]);
    assert.equal(r[2]!.geometry, null);
    const parcels = rows('parcels');
    assert.equal(parcels.length, 2);
    assert.ok(parcels.every((p) => p.geometry?.type === 'MultiPolygon'));
  });

  it('keeps Z and a custom CRS', () => {
    const source = new GeoPackageFeatureSource(gpkg, 'contours');
    try {
      assert.equal(source.schema.hasZ, true);
      assert.match(source.schema.spatialReference.wkt!, /PARAMETER\["central_meridian",10\.5\]/i);
    } finally { source.close(); }
    assert.equal(tables[2]!.srs.organization, 'NONE');
    const stored = inspectGeoPackage(gpkg).find((t) => t.table === 'contours')!;
    assert.equal(stored.srs!.definition, readFileSync(dir.file('contours.prj'), 'utf8'));
    assert.equal(stored.hasZ, true);
    assert.ok(tables[2]!.srs.srsId >= 100000);
    assert.deepEqual(rows('contours').map((r) => r.geometry), [
      { type: 'MultiLineString', coordinates: [[[600000, 1000000, 100], [600100, 1000050, 100]]] },
      { type: 'MultiLineString', coordinates: [[[600000, 1000100, 110], [600100, 1000150, 110]], [[600200, 1000100, 110], [600300, 1000150, 110]]] },
    ]);
  });

  it('splits the mixed GeoJSON by family in its legacy crs', () => {
    for (const t of tables.slice(5)) assert.equal(t.srs.srsId, 27700);
    const source = new GeoPackageFeatureSource(gpkg, 'mixed_lines');
    try {
      assert.deepEqual(source.schema.spatialReference, { wkid: 27700, latestWkid: 27700 });
    } finally { source.close(); }
    assert.deepEqual(rows('mixed_points').map((r) => [r.attributes.name, r.geometry]), [['Tour', { type: 'Point', coordinates: [450000, 200000] }]]);
    assert.deepEqual(rows('mixed_lines')[0]!.geometry, { type: 'MultiLineString', coordinates: [[[450000, 200000], [450100, 200100]]] });
    assert.equal(rows('mixed_polygons')[0]!.attributes.name, 'Île');
  });

  it('writes a GeoPackage GDAL reads without complaint', () => {
    for (const t of tables) {
      const info = ogrinfo(['-so', gpkg, t.table]);
      assert.equal(info.status, 0, info.stderr);
      assert.equal(info.stderr.trim(), '', `${t.table}: ${info.stderr}`);
      assert.match(info.stdout, new RegExp(`Feature Count: ${t.featureCount}\\b`));
    }
    assert.match(ogrinfo(['-so', gpkg, 'contours']).stdout, /Geometry: 3D Multi Line String/);
    const all = ogrinfo(['-al', '-q', gpkg, 'communes']).stdout;
    assert.match(all, /name \(String\) = €uro Ørsted/);
    assert.match(all, /Region \(String\) = Île-de-France/);
    assert.match(all, /MULTIPOLYGON \(\(\(400000 100000,/);
  });
});

describe('importVectorFiles refuses bad input and leaves nothing half-written', () => {
  const noTemp = () => assert.deepEqual(readdirSync(dir.path).filter((f) => f.includes('importing')), []);

  it('a text file named .shp', async () => {
    writeFileSync(dir.file('roads.shp'), 'id,name\n1,High Street\n');
    const target = dir.file('refused.gpkg');
    await assert.rejects(importVectorFiles([inputs.places!, dir.file('roads.shp')], target, { resolveCrs: simpleResolver() }),
      (e: unknown) => e instanceof IngestError && /roads\.shp is not a shapefile/.test(e.message));
    assert.deepEqual(readdirSync(dir.path).filter((f) => f.startsWith('refused') || f.startsWith('.refused')), []);
  });

  it('a record found corrupt half way through: the existing GeoPackage stays as it was', async () => {
    gdalWrite(dir, 'broken.shp', POLYGONS, ['-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:27700']);
    const shp = readFileSync(dir.file('broken.shp'));
    const shx = readFileSync(dir.file('broken.shx'));
    const second = shx.readUInt32BE(100 + 8) * 2 + 8; // content of record 2
    shp.writeInt32LE(1_000_000, second + 36); // numParts far beyond the record
    writeFileSync(dir.file('broken.shp'), shp);
    const target = dir.file('kept.gpkg');
    writeFileSync(target, 'the previous GeoPackage');
    await assert.rejects(importVectorFiles([inputs.contours!, dir.file('broken.shp')], target, { resolveCrs: simpleResolver(), batchSize: 1 }),
      (e: unknown) => e instanceof IngestError && /broken\.shp: record 2 is corrupt/.test(e.message));
    assert.equal(readFileSync(target, 'utf8'), 'the previous GeoPackage');
    noTemp();
  });

  it('a layer the CRS resolver cannot place, a GeoPackage, a companion file', async () => {
    gdalWrite(dir, 'noprj.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    rmSync(dir.file('noprj.prj'), { force: true });
    await assert.rejects(importVectorFiles([dir.file('noprj.shp')], dir.file('x.gpkg'), { resolveCrs: simpleResolver() }),
      (e: unknown) => e instanceof IngestError && /noprj\.shp has no coordinate reference system/.test(e.message));
    await assert.rejects(importVectorFiles([gpkg], dir.file('x.gpkg'), { resolveCrs: simpleResolver() }), /published\.gpkg is a GeoPackage: GeoPackages are published in place/);
    await assert.rejects(importVectorFiles([dir.file('Communes.dbf')], dir.file('x.gpkg'), { resolveCrs: simpleResolver() }), /Communes\.dbf is one of a shapefile's companion files/);
    noTemp();
  });
});
