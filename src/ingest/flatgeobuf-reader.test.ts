import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { gdalWrite, tempDir, type TempDir } from './gdal-test-fixtures.js';
import { openFlatGeobuf } from './flatgeobuf-reader.js';
import { IngestError } from './ingest-error.js';
import type { ImportFeature, VectorLayerSource } from './vector-layer.js';

let dir: TempDir;
before(() => { dir = tempDir('fgb-reader-'); });
after(() => dir.remove());

async function all(layer: VectorLayerSource): Promise<ImportFeature[]> {
  const out: ImportFeature[] = [];
  for await (const f of layer.features()) out.push(f);
  return out;
}

const PARCELS = [
  {
    properties: { name: 'Château', area: 1234.5, rank: 3, big: 9007199254740991, built: '2001-02-03', surveyed: '2024-05-06T07:08:09Z', ok: true },
    geometry: { type: 'Polygon', coordinates: [[[400000, 100000], [400100, 100000], [400100, 100100], [400000, 100100], [400000, 100000]], [[400020, 100020], [400020, 100040], [400040, 100040], [400020, 100020]]] },
  },
  {
    properties: { name: 'Søndre', area: null, rank: -1, big: null, built: null, surveyed: null, ok: false },
    geometry: { type: 'MultiPolygon', coordinates: [[[[401000, 100000], [401100, 100000], [401100, 100100], [401000, 100000]]], [[[402000, 100000], [402100, 100000], [402100, 100100], [402000, 100000]]]] },
  },
];

describe('openFlatGeobuf', () => {
  it('reads a GDAL FlatGeobuf: columns, CRS, geometry and attributes', async () => {
    const path = gdalWrite(dir, 'parcels.fgb', PARCELS, ['-f', 'FlatGeobuf', '-nlt', 'MULTIPOLYGON', '-a_srs', 'EPSG:27700']);
    const [layer, ...rest] = await openFlatGeobuf(path);
    assert.equal(rest.length, 0);
    assert.equal(layer!.name, 'parcels');
    assert.equal(layer!.geometryType, 'polygon');
    assert.equal(layer!.hasZ, false);
    assert.equal(layer!.featureCount, 2);
    assert.equal(layer!.crs!.epsg, 27700);
    assert.match(layer!.crs!.wkt!, /British National Grid/);
    assert.deepEqual(layer!.fields.map((f) => [f.name, f.type]), [
      ['name', 'string'], ['area', 'double'], ['rank', 'integer'], ['big', 'double'], ['built', 'dateTime'], ['surveyed', 'dateTime'], ['ok', 'boolean'],
    ]);
    // GDAL writes features in its spatial index's order: sort by name.
    const features = (await all(layer!)).sort((a, b) => String(a.attributes.name).localeCompare(String(b.attributes.name)));
    assert.deepEqual(features.map((f) => f.attributes), [
      { name: 'Château', area: 1234.5, rank: 3, big: 9007199254740991, built: Date.UTC(2001, 1, 3), surveyed: Date.UTC(2024, 4, 6, 7, 8, 9), ok: true },
      { name: 'Søndre', area: null, rank: -1, big: null, built: null, surveyed: null, ok: false },
    ]);
    assert.deepEqual(features[0]!.geometry, { type: 'MultiPolygon', coordinates: [PARCELS[0]!.geometry.coordinates] });
    assert.deepEqual(features[1]!.geometry, PARCELS[1]!.geometry);
  });

  it('reads Z from a 3D layer', async () => {
    const path = gdalWrite(dir, 'pz.fgb', [{ properties: { k: 1 }, geometry: { type: 'Point', coordinates: [1, 2, 3] } }], ['-f', 'FlatGeobuf', '-a_srs', 'EPSG:4979']);
    const [layer] = await openFlatGeobuf(path);
    assert.equal(layer!.hasZ, true);
    assert.equal(layer!.geometryType, 'point');
    assert.deepEqual(await all(layer!), [{ geometry: { type: 'Point', coordinates: [1, 2, 3] }, attributes: { k: 1 } }]);
  });

  it('splits a file of unknown geometry type by family', async () => {
    const path = gdalWrite(dir, 'mixed.fgb', [
      { properties: { n: 'p' }, geometry: { type: 'Point', coordinates: [1, 2] } },
      { properties: { n: 'l' }, geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] } },
      { properties: { n: 'q' }, geometry: { type: 'Point', coordinates: [3, 4] } },
    ], ['-f', 'FlatGeobuf', '-nlt', 'GEOMETRY', '-lco', 'SPATIAL_INDEX=NO']);
    const layers = await openFlatGeobuf(path);
    assert.deepEqual(layers.map((l) => [l.name, l.geometryType, l.featureCount]), [['mixed_points', 'point', 2], ['mixed_lines', 'line', 1]]);
    assert.deepEqual((await all(layers[0]!)).map((f) => f.attributes.n), ['p', 'q']);
    assert.deepEqual((await all(layers[1]!))[0]!.geometry, { type: 'LineString', coordinates: [[0, 0], [1, 1]] });
  });

  it('refuses a truncated file and one that is not FlatGeobuf', async () => {
    const bytes = readFileSync(dir.file('parcels.fgb'));
    writeFileSync(dir.file('cut.fgb'), bytes.subarray(0, bytes.length - 30));
    const [layer] = await openFlatGeobuf(dir.file('cut.fgb'));
    await assert.rejects(all(layer!), (e: unknown) => e instanceof IngestError && /cut\.fgb is truncated: feature \d+ needs \d+ bytes/.test(e.message));
    writeFileSync(dir.file('head.fgb'), bytes.subarray(0, 40));
    await assert.rejects(openFlatGeobuf(dir.file('head.fgb')), /head\.fgb is truncated: its header needs/);
    writeFileSync(dir.file('text.fgb'), 'not a flatgeobuf');
    await assert.rejects(openFlatGeobuf(dir.file('text.fgb')), /text\.fgb is not a FlatGeobuf file/);
  });
});
