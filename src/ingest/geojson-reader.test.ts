import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { featureCollection, ogr2ogr, tempDir, type TempDir } from './gdal-test-fixtures.js';
import { geoJsonCrs, openGeoJson } from './geojson-reader.js';
import { IngestError } from './ingest-error.js';
import type { ImportFeature, VectorLayerSource } from './vector-layer.js';

let dir: TempDir;
before(() => { dir = tempDir('geojson-reader-'); });
after(() => dir.remove());

async function all(layer: VectorLayerSource): Promise<ImportFeature[]> {
  const out: ImportFeature[] = [];
  for await (const f of layer.features()) out.push(f);
  return out;
}

const MIXED = [
  { properties: { name: 'Tour Eiffel', h: 1, since: '1889-03-31' }, geometry: { type: 'Point', coordinates: [450000, 200000] } },
  { properties: { name: 'Ørsted', h: 7 }, geometry: { type: 'MultiPoint', coordinates: [[450010, 200010], [450020, 200020]] } },
  { properties: { name: 'Ligne', h: 2.5, seen: '2024-05-06T07:08:09Z' }, geometry: { type: 'LineString', coordinates: [[450000, 200000], [450100, 200100]] } },
  { properties: { name: 'Île', tags: ['a', 'b'] }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 0]]] } },
  { properties: { name: 'Nowhere' }, geometry: null },
];

describe('openGeoJson', () => {
  it('splits a GDAL-written file mixing geometry types into one layer per family, with its legacy crs', async () => {
    const src = dir.file('mixed.src.json');
    writeFileSync(src, featureCollection(MIXED));
    const path = dir.file('mixed.geojson');
    ogr2ogr(['-f', 'GeoJSON', '-a_srs', 'EPSG:27700', '-lco', 'RFC7946=NO', path, src]);
    const layers = await openGeoJson(path);
    assert.deepEqual(layers.map((l) => [l.name, l.geometryType, l.featureCount]), [
      ['mixed_points', 'multipoint', 2], ['mixed_lines', 'line', 1], ['mixed_polygons', 'polygon', 1], ['mixed_nogeometry', null, 1],
    ]);
    for (const l of layers) assert.deepEqual(l.crs, { epsg: 27700, source: `crs member of ${path}` });
    const [points, lines, polygons, none] = layers as [VectorLayerSource, VectorLayerSource, VectorLayerSource, VectorLayerSource];
    assert.deepEqual(points.fields, [{ name: 'name', type: 'string', width: 11 }, { name: 'h', type: 'integer' }, { name: 'since', type: 'date' }]);
    assert.deepEqual(await all(points), [
      { geometry: { type: 'Point', coordinates: [450000, 200000] }, attributes: { name: 'Tour Eiffel', h: 1, since: Date.UTC(1889, 2, 31) } },
      { geometry: { type: 'MultiPoint', coordinates: [[450010, 200010], [450020, 200020]] }, attributes: { name: 'Ørsted', h: 7, since: null } },
    ]);
    assert.deepEqual(lines.fields.map((f) => [f.name, f.type]), [['name', 'string'], ['h', 'double'], ['seen', 'dateTime']]);
    assert.deepEqual((await all(lines))[0]!.attributes, { name: 'Ligne', h: 2.5, seen: Date.UTC(2024, 4, 6, 7, 8, 9) });
    assert.deepEqual((await all(polygons))[0]!.attributes, { name: 'Île', tags: '["a","b"]' });
    assert.deepEqual(await all(none), [{ geometry: null, attributes: { name: 'Nowhere' } }]);
  });

  it('keeps one family in one layer, Z padded where a position lacks it, null geometries included', async () => {
    const path = dir.file('roads.geojson');
    writeFileSync(path, featureCollection([
      { properties: { ref: 'A1', lanes: 2 }, geometry: { type: 'LineString', coordinates: [[0, 0, 5], [1, 1, 6]] } },
      { properties: { ref: 'B2', lanes: 2.5 }, geometry: { type: 'MultiLineString', coordinates: [[[2, 2], [3, 3]]] } },
      { properties: { ref: 'C3', lanes: true }, geometry: null },
    ]));
    const [layer, ...rest] = await openGeoJson(path);
    assert.equal(rest.length, 0);
    assert.equal(layer!.name, 'roads');
    assert.equal(layer!.geometryType, 'line');
    assert.equal(layer!.hasZ, true);
    assert.deepEqual(layer!.crs, { epsg: 4326, source: `${path} (GeoJSON without crs member: WGS 84)` });
    assert.deepEqual(layer!.fields.map((f) => [f.name, f.type]), [['ref', 'string'], ['lanes', 'double']]);
    const features = await all(layer!);
    assert.deepEqual(features.map((f) => f.geometry), [
      { type: 'LineString', coordinates: [[0, 0, 5], [1, 1, 6]] },
      { type: 'MultiLineString', coordinates: [[[2, 2, 0], [3, 3, 0]]] },
      null,
    ]);
    assert.deepEqual(features.map((f) => f.attributes.lanes), [2, 2.5, 1]);
  });

  it('reads a single Feature and a bare geometry', async () => {
    writeFileSync(dir.file('one.json'), JSON.stringify({ type: 'Feature', id: 'x-1', properties: { a: 'b' }, geometry: { type: 'Point', coordinates: [1, 2] } }));
    const [one] = await openGeoJson(dir.file('one.json'));
    assert.deepEqual(await all(one!), [{ geometry: { type: 'Point', coordinates: [1, 2] }, attributes: { id: 'x-1', a: 'b' } }]);
    writeFileSync(dir.file('bare.json'), '\uFEFF  {"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}');
    const [bare] = await openGeoJson(dir.file('bare.json'));
    assert.equal(bare!.geometryType, 'polygon');
    assert.deepEqual((await all(bare!))[0]!.geometry, { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] });
  });

  it('streams a large collection whose crs member comes after the features', async () => {
    const n = 20000;
    const features = Array.from({ length: n }, (_, i) => ({ type: 'Feature', properties: { i, label: i === n - 1 ? 'last' : i }, geometry: { type: 'Point', coordinates: [i, -i] } }));
    writeFileSync(dir.file('big.json'), JSON.stringify({ type: 'FeatureCollection', features, crs: { type: 'name', properties: { name: 'EPSG:3857' } } }));
    const [layer] = await openGeoJson(dir.file('big.json'));
    assert.equal(layer!.crs!.epsg, 3857);
    assert.equal(layer!.featureCount, n);
    // A text value in the last feature makes the whole field text: the schema comes from every feature.
    assert.deepEqual(layer!.fields, [{ name: 'i', type: 'integer' }, { name: 'label', type: 'string', width: 4 }]);
    let count = 0;
    let last: ImportFeature | null = null;
    for await (const f of layer!.features()) { count++; last = f; }
    assert.equal(count, n);
    assert.deepEqual(last, { geometry: { type: 'Point', coordinates: [n - 1, -(n - 1)] }, attributes: { i: n - 1, label: 'last' } });
  });

  it('refuses what it cannot read, naming the file', async () => {
    const cases: [string, string, RegExp][] = [
      ['notjson.geojson', 'hello world', /notjson\.geojson is not valid JSON/],
      ['cut.geojson', '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null', /cut\.geojson is not valid JSON/],
      ['array.geojson', '[1,2]', /array\.geojson is not GeoJSON: the document is not a JSON object/],
      ['other.geojson', '{"hello":"world"}', /other\.geojson is not GeoJSON: no FeatureCollection, Feature or geometry/],
      ['badpos.geojson', featureCollection([{ geometry: { type: 'Point', coordinates: ['a', 1] } }]), /badpos\.geojson: feature 0: a position is not an array of numbers/],
      ['gc.geojson', featureCollection([{ geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }, { type: 'LineString', coordinates: [[0, 0], [1, 1]] }] } }]), /gc\.geojson: feature 0: a GeometryCollection mixes point, line geometries/],
      ['link.geojson', JSON.stringify({ type: 'FeatureCollection', crs: { type: 'link', properties: { href: 'x.prj' } }, features: [] }), /link\.geojson: the crs member .* is not a named CRS/],
    ];
    for (const [name, text, pattern] of cases) {
      writeFileSync(dir.file(name), text);
      await assert.rejects(openGeoJson(dir.file(name)), (e: unknown) => e instanceof IngestError && pattern.test(e.message), name);
    }
  });

  it('merges a one-family GeometryCollection into a multi geometry', async () => {
    writeFileSync(dir.file('gc1.json'), featureCollection([{ geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [0, 0] }, { type: 'MultiPoint', coordinates: [[1, 1]] }] } }]));
    const [layer] = await openGeoJson(dir.file('gc1.json'));
    assert.deepEqual((await all(layer!))[0]!.geometry, { type: 'MultiPoint', coordinates: [[0, 0], [1, 1]] });
  });
});

describe('geoJsonCrs', () => {
  it('reads the legacy crs names', () => {
    const name = (n: string) => geoJsonCrs({ type: 'name', properties: { name: n } }, 'f.json');
    assert.equal(name('urn:ogc:def:crs:EPSG::27700')!.epsg, 27700);
    assert.equal(name('urn:ogc:def:crs:EPSG:8.5:2154')!.epsg, 2154);
    assert.equal(name('EPSG:27700')!.epsg, 27700);
    assert.equal(name('urn:ogc:def:crs:OGC:1.3:CRS84')!.epsg, 4326);
    assert.equal(name('http://www.opengis.net/def/crs/EPSG/0/32631')!.epsg, 32631);
    assert.deepEqual(name('urn:ogc:def:crs:ESRI::102100'), { identifier: 'urn:ogc:def:crs:ESRI::102100', source: 'crs member of f.json' });
    assert.equal(geoJsonCrs({ type: 'EPSG', properties: { code: 3035 } }, 'f.json')!.epsg, 3035);
    assert.equal(geoJsonCrs(null, 'f.json'), null);
  });
});
