import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Geometry } from '../geo/geometry.js';
import { gdalWrite, POLYGONS, POLYGONS_27700, tempDir, type TempDir } from './gdal-test-fixtures.js';
import { IngestError } from './ingest-error.js';
import { openShapefile } from './shapefile-reader.js';
import type { ImportFeature } from './vector-layer.js';

async function readAll(path: string): Promise<ImportFeature[]> {
  const out: ImportFeature[] = [];
  for await (const f of (await openShapefile(path)).features()) out.push(f);
  return out;
}

/** Rings as sets of corner points, so the test does not depend on the start vertex or winding. */
function ringCorners(g: Geometry | null): string[][][] {
  assert.ok(g && (g.type === 'Polygon' || g.type === 'MultiPolygon'));
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.map((rings) => rings.map((r) => [...new Set(r.map((p) => `${p[0]} ${p[1]}`))].sort()));
}

let dir: TempDir;
before(() => { dir = tempDir('shp-reader-'); });
after(() => dir.remove());

describe('openShapefile on shapefiles written by GDAL', () => {
  it('reads a windows-1252 .dbf declared by its .cpg, with every dBASE type GDAL writes', async () => {
    const shp = gdalWrite(dir, 'cp1252.shp', POLYGONS_27700, ['-lco', 'ENCODING=CP1252', '-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:27700']);
    const layer = await openShapefile(shp);
    assert.equal(layer.name, 'cp1252');
    assert.equal(layer.geometryType, 'polygon');
    assert.equal(layer.hasZ, false);
    assert.equal(layer.featureCount, 3);
    assert.deepEqual(layer.codePage, { label: 'windows-1252', declaredBy: dir.file('cp1252.cpg') });
    assert.match(layer.crs!.wkt!, /^PROJCS\["British_National_Grid"/);
    assert.equal(layer.crs!.source, dir.file('cp1252.prj'));
    assert.deepEqual(layer.fields, [
      { name: 'name', type: 'string', width: 80 },
      { name: 'Région', type: 'string', width: 80 },
      { name: 'count', type: 'integer', width: 9, decimals: 0 },
      { name: 'big', type: 'double', width: 18, decimals: 0 }, // 18 digits exceed a 32-bit integer
      { name: 'ratio', type: 'double', width: 24, decimals: 15 },
      { name: 'since', type: 'date', width: 8 },
      { name: 'ok', type: 'smallInteger', width: 1, decimals: 0 },
    ]);
    const features = await readAll(shp);
    assert.deepEqual(features.map((f) => f.attributes), [
      { name: "Château d'Eau", 'Région': 'Île-de-France', count: 12, big: 12345678901, ratio: 0.25, since: Date.UTC(1999, 11, 31), ok: 1 },
      { name: '€uro Ørsted', 'Région': 'Zürich', count: -3, big: null, ratio: 0.001, since: null, ok: 0 },
      { name: null, 'Région': null, count: null, big: null, ratio: null, since: null, ok: null },
    ]);
  });

  it('groups holes into their outer rings: a polygon with a hole, a multipolygon, a Null shape', async () => {
    const features = await readAll(dir.file('cp1252.shp'));
    const [a, b, c] = features.map((f) => f.geometry);
    assert.equal(a!.type, 'Polygon');
    assert.deepEqual(ringCorners(a!), [[['400000 100000', '400000 100100', '400100 100000', '400100 100100'], ['400020 100020', '400020 100040', '400040 100020', '400040 100040']]]);
    assert.equal(b!.type, 'MultiPolygon');
    // The hole lies in the second outer ring, which GDAL writes after the first: it must not join the first.
    assert.deepEqual(ringCorners(b!), [
      [['400200 100000', '400200 100100', '400300 100000', '400300 100100']],
      [['400400 100000', '400400 100100', '400500 100000', '400500 100100'], ['400420 100020', '400420 100040', '400440 100020', '400440 100040']],
    ]);
    assert.equal(c, null);
    // Rings are closed.
    const ring = (a as { coordinates: number[][][] }).coordinates[0]!;
    assert.deepEqual(ring[0], ring[ring.length - 1]);
  });

  it('reads a UTF-8 .dbf with non-ASCII field names', async () => {
    const shp = gdalWrite(dir, 'utf8.shp', POLYGONS, ['-lco', 'ENCODING=UTF-8', '-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:4326']);
    const layer = await openShapefile(shp);
    assert.equal(layer.codePage.label, 'utf-8');
    assert.deepEqual(layer.fields.map((f) => f.name), ['name', 'Région', 'count', 'big', 'ratio', 'since', 'ok']);
    assert.match(layer.crs!.wkt!, /^GEOGCS\["GCS_WGS_1984"/);
    const features = await readAll(shp);
    assert.equal(features[0]!.attributes['Région'], 'Île-de-France');
    assert.equal(features[1]!.attributes.name, '€uro Ørsted');
  });

  it('reads GDAL’s default encoding (no .cpg, language driver 0x57) as ISO-8859-1', async () => {
    const shp = gdalWrite(dir, 'default.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    rmSync(dir.file('default.cpg'), { force: true });
    rmSync(dir.file('default.prj'));
    assert.equal(readFileSync(dir.file('default.dbf'))[29], 0x57);
    const layer = await openShapefile(shp);
    assert.deepEqual(layer.codePage, { label: 'iso-8859-1', declaredBy: `language driver 0x57 of ${dir.file('default.dbf')}` });
    assert.equal(layer.crs, null); // no .prj
    const [f] = await readAll(shp);
    assert.equal(f!.attributes.name, "Château d'Eau");
  });

  it('reads Z lines and keeps z; M lines lose their measures', async () => {
    const lines = [
      { properties: { h: 1 }, geometry: { type: 'LineString', coordinates: [[0, 0, 10], [1, 1, 11], [2, 0, 12]] } },
      { properties: { h: 2 }, geometry: { type: 'MultiLineString', coordinates: [[[0, 0, 1], [1, 1, 2]], [[5, 5, 3], [6, 6, 4]]] } },
    ];
    const z = await openShapefile(gdalWrite(dir, 'linez.shp', lines, ['-nlt', 'MULTILINESTRING25D']));
    assert.equal(z.shapeType, 13);
    assert.equal(z.geometryType, 'line');
    assert.equal(z.hasZ, true);
    const zf = await readAll(z.file);
    assert.deepEqual(zf[0]!.geometry, { type: 'LineString', coordinates: [[0, 0, 10], [1, 1, 11], [2, 0, 12]] });
    assert.deepEqual(zf[1]!.geometry, { type: 'MultiLineString', coordinates: [[[0, 0, 1], [1, 1, 2]], [[5, 5, 3], [6, 6, 4]]] });
    const m = await openShapefile(gdalWrite(dir, 'linem.shp', lines, ['-nlt', 'LINESTRINGM', '-dim', 'XYM']));
    assert.equal(m.shapeType, 23);
    assert.equal(m.hasZ, false);
    assert.deepEqual((await readAll(m.file))[0]!.geometry, { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0]] });
  });

  it('reads Z points, Z polygons and multipoints', async () => {
    const pz = await openShapefile(gdalWrite(dir, 'pointz.shp', [{ geometry: { type: 'Point', coordinates: [1.5, 2.5, 30] } }], ['-nlt', 'POINT25D']));
    assert.equal(pz.geometryType, 'point');
    assert.equal(pz.hasZ, true);
    assert.deepEqual((await readAll(pz.file))[0]!.geometry, { type: 'Point', coordinates: [1.5, 2.5, 30] });
    const polyz = await openShapefile(gdalWrite(dir, 'polyz.shp', [{ geometry: { type: 'Polygon', coordinates: [[[0, 0, 5], [0, 10, 6], [10, 10, 7], [0, 0, 5]]] } }], ['-nlt', 'POLYGON25D']));
    assert.equal(polyz.shapeType, 15);
    const g = (await readAll(polyz.file))[0]!.geometry!;
    assert.equal(g.type, 'Polygon');
    assert.deepEqual(new Set((g as { coordinates: number[][][] }).coordinates[0]!.map((p) => p.join(' '))), new Set(['0 0 5', '0 10 6', '10 10 7']));
    const mp = await openShapefile(gdalWrite(dir, 'mpoint.shp', [{ geometry: { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] } }], ['-nlt', 'MULTIPOINT']));
    assert.equal(mp.geometryType, 'multipoint');
    assert.deepEqual((await readAll(mp.file))[0]!.geometry, { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] });
  });

  it('reads a hand-made dBASE table: logical, F numbers, memo fields left out, DOS code page 437', async () => {
    const shp = gdalWrite(dir, 'dos.shp', [{ geometry: { type: 'Point', coordinates: [1, 2] } }, { geometry: { type: 'Point', coordinates: [3, 4] } }], ['-nlt', 'POINT']);
    const fields: [string, string, number, number][] = [['FLAG', 'L', 1, 0], ['SIZE', 'F', 8, 2], ['NOTE', 'M', 10, 0], ['WIDE', 'N', 12, 0], ['TOWN', 'C', 12, 0]];
    const headerLength = 32 + fields.length * 32 + 1;
    const recordLength = 1 + fields.reduce((n, f) => n + f[2], 0);
    const header = Buffer.alloc(headerLength);
    header[0] = 0x03;
    header.writeUInt32LE(2, 4);
    header.writeUInt16LE(headerLength, 8);
    header.writeUInt16LE(recordLength, 10);
    header[29] = 0x01; // code page 437
    fields.forEach(([name, type, width, dec], i) => {
      header.write(name, 32 + i * 32, 'latin1');
      header.write(type, 32 + i * 32 + 11, 'latin1');
      header[32 + i * 32 + 16] = width;
      header[32 + i * 32 + 17] = dec;
    });
    header[headerLength - 1] = 0x0d;
    const record = (flag: string, size: string, wide: string, town: Buffer) => Buffer.concat([
      Buffer.from(` ${flag}${size.padStart(8)}${'7'.padStart(10)}${wide.padStart(12)}`, 'latin1'), Buffer.concat([town, Buffer.alloc(12 - town.length, 0x20)]),
    ]);
    writeFileSync(dir.file('dos.dbf'), Buffer.concat([
      header,
      record('T', '3.25', '4000000000', Buffer.from([0x4d, 0x81, 0x6e, 0x63, 0x68, 0x65, 0x6e])), // "München" in cp437
      record('?', '********', '', Buffer.from('Oslo', 'latin1')),
      Buffer.from([0x1a]),
    ]));
    rmSync(dir.file('dos.cpg'), { force: true });
    const layer = await openShapefile(shp);
    assert.equal(layer.codePage.label, 'cp437');
    assert.deepEqual(layer.fields.map((f) => [f.name, f.type]), [['FLAG', 'boolean'], ['SIZE', 'double'], ['WIDE', 'double'], ['TOWN', 'string']]);
    assert.deepEqual((await readAll(shp)).map((f) => f.attributes), [
      { FLAG: true, SIZE: 3.25, WIDE: 4000000000, TOWN: 'München' },
      { FLAG: null, SIZE: null, WIDE: null, TOWN: 'Oslo' },
    ]);
  });
});

describe('openShapefile refuses broken shapefiles with a clear error', () => {
  const rejectsWith = (promise: Promise<unknown>, pattern: RegExp) => assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof IngestError, String(e));
    assert.match(e.message, pattern);
    return true;
  });

  it('a text file named .shp', async () => {
    writeFileSync(dir.file('notes.shp'), 'These are my notes, not a shapefile at all. '.repeat(5));
    await rejectsWith(openShapefile(dir.file('notes.shp')), /notes\.shp is not a shapefile \(file code \d+, expected 9994\)/);
    writeFileSync(dir.file('tiny.shp'), 'hello');
    await rejectsWith(openShapefile(dir.file('tiny.shp')), /tiny\.shp is not a shapefile \(only 5 bytes\)/);
  });

  it('a truncated .shp', async () => {
    gdalWrite(dir, 'cut.shp', POLYGONS_27700, ['-nlt', 'MULTIPOLYGON']);
    const size = readFileSync(dir.file('cut.shp')).length;
    truncateSync(dir.file('cut.shp'), size - 40);
    await rejectsWith(openShapefile(dir.file('cut.shp')), /cut\.shp is truncated: its header says \d+ bytes but the file has \d+/);
  });

  it('a .shp cut and its header patched to match: the index shows the last record past the end', async () => {
    gdalWrite(dir, 'cut2.shp', POLYGONS_27700, ['-nlt', 'MULTIPOLYGON']);
    const bytes = readFileSync(dir.file('cut2.shp'));
    const cut = bytes.subarray(0, bytes.length - 100);
    cut.writeUInt32BE(cut.length / 2, 24);
    writeFileSync(dir.file('cut2.shp'), cut);
    await rejectsWith(openShapefile(dir.file('cut2.shp')), /cut2\.shp is truncated: record \d+ ends at byte \d+ but the file has \d+/);
  });

  it('an unknown code page in the .cpg', async () => {
    gdalWrite(dir, 'klingon.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    writeFileSync(dir.file('klingon.cpg'), 'KLINGON-42\r\n');
    await rejectsWith(openShapefile(dir.file('klingon.shp')), /klingon\.cpg: unknown code page 'KLINGON-42'/);
  });

  it('missing .dbf and .shx', async () => {
    gdalWrite(dir, 'nodbf.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    rmSync(dir.file('nodbf.dbf'));
    await rejectsWith(openShapefile(dir.file('nodbf.shp')), /nodbf\.shp: the attribute file nodbf\.dbf is missing/);
    gdalWrite(dir, 'noshx.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    rmSync(dir.file('noshx.shx'));
    await rejectsWith(openShapefile(dir.file('noshx.shp')), /noshx\.shp: the index file noshx\.shx is missing/);
  });

  it('a .dbf whose record count differs from the shapes', async () => {
    gdalWrite(dir, 'three.shp', POLYGONS, ['-nlt', 'MULTIPOLYGON']);
    gdalWrite(dir, 'one.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    copyFileSync(dir.file('one.dbf'), dir.file('three.dbf'));
    await rejectsWith(openShapefile(dir.file('three.shp')), /three\.dbf has 1 records but .*three\.shx indexes 3 shapes/);
  });

  it('finds companions whatever their case', async () => {
    gdalWrite(dir, 'upper.shp', POLYGONS.slice(0, 1), ['-nlt', 'MULTIPOLYGON']);
    renameSync(dir.file('upper.dbf'), dir.file('UPPER.DBF'));
    const layer = await openShapefile(dir.file('upper.shp'));
    assert.equal(layer.files.dbf, dir.file('UPPER.DBF'));
  });
});
