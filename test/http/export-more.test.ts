import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { decodeImage, exportImage as exportAt, pointInLargestLake } from '../support/map-images.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
/** A point well inside the largest lake (more than 60 m from its shore), and a 100 m box around it. */
let lake: [number, number];
let bbox: string;
before(async () => {
  server = await startTestServer();
  ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
  lake = await pointInLargestLake(ms);
  bbox = `${lake[0] - 50},${lake[1] - 50},${lake[0] + 50},${lake[1] + 50}`;
});
after(async () => { await server.close(); });

const LAKE: number[] = [190, 225, 245, 255];
const WHITE: number[] = [255, 255, 255, 255];
const RED = [255, 0, 0, 255], BLUE = [0, 0, 255, 255];

const exportImage = (params: Record<string, string | number | boolean>) => exportAt(ms, params);

/** The lake box drawn as a 100 × 100 PNG (1 px per metre), with a pixel reader. */
async function lakeImage(params: Record<string, string | number | boolean>): Promise<(x: number, y: number) => number[]> {
  const res = await exportImage({ bbox, size: '100,100', format: 'png32', ...params });
  assert.equal(res.status, 200, await res.clone().text());
  return (await decodeImage(await res.arrayBuffer())).at;
}

/** A simple fill renderer of one colour, labelled. */
const fill = (color: number[], label = '') => ({ type: 'simple', label, symbol: { type: 'esriSFS', style: 'esriSFSSolid', color, outline: null } });
/** A dynamic layer drawing the lakes (map layer 6). */
const lakes = (id: number, extra: Record<string, unknown> = {}) => ({ id, source: { type: 'mapLayer', mapLayerId: 6 }, ...extra });

describe('export format=tiff', () => {
  it('writes a GeoTIFF placed by the drawn extent, named by EPSG, with the map colours', async () => {
    const res = await exportImage({ bbox, size: '100,100', layers: 'show:6', format: 'tiff' });
    assert.equal(res.headers.get('content-type'), 'image/tiff');
    const file = join(server.dataDir, 'map.tif');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', file]).toString());
    assert.deepEqual(info.size, [100, 100]);
    assert.deepEqual(info.geoTransform, [lake[0] - 50, 1, 0, lake[1] + 50, 0, -1]);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",32630\]\]$/);
    assert.equal(info.bands.length, 3, 'opaque: RGB');
    assert.equal(info.metadata.IMAGE_STRUCTURE.COMPRESSION, 'DEFLATE');
    const values = execFileSync('gdallocationinfo', ['-valonly', file, '50', '50']).toString().trim().split(/\s+/).map(Number);
    assert.deepEqual(values, LAKE.slice(0, 3));
  });

  it('is RGBA when transparent, geographic in WGS 84, and keeps rotation as a transformation', async () => {
    const file = join(server.dataDir, 'wgs84.tif');
    const res = await exportImage({ bbox: '-5.5,56.7,-4.8,57.1', bboxSR: 4326, imageSR: 4326, size: '70,40', layers: 'show:6', format: 'tiff', transparent: true });
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', file]).toString());
    assert.equal(info.bands.length, 4);
    assert.match(info.coordinateSystem.wkt, /ID\["EPSG",4326\]\]$/);
    assert.ok(Math.abs(info.geoTransform[0] - -5.5) < 1e-9 && Math.abs(info.geoTransform[1] - 0.01) < 1e-9, JSON.stringify(info.geoTransform));
    const rotated = join(server.dataDir, 'rotated.tif');
    writeFileSync(rotated, Buffer.from(await (await exportImage({ bbox, size: '100,100', layers: 'show:6', format: 'tiff', rotation: 30 })).arrayBuffer()));
    const gt: number[] = JSON.parse(execFileSync('gdalinfo', ['-json', rotated]).toString()).geoTransform;
    assert.ok(Math.abs(gt[2]!) > 0.1 && Math.abs(gt[4]!) > 0.1, `rotation terms: ${JSON.stringify(gt)}`);
    assert.ok(Math.abs(Math.hypot(gt[1]!, gt[4]!) - 1) < 1e-9, 'pixel size kept');
  });
});

describe('export f=kmz', () => {
  it('answers a KMZ whose ground overlay is the map drawn in WGS 84', async () => {
    const res = await exportImage({ f: 'kmz', bbox, size: '100,100', layers: 'show:6' });
    assert.equal(res.headers.get('content-type'), 'application/vnd.google-earth.kmz');
    const files = unzipSync(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(Object.keys(files), ['doc.kml', 'files/map.png']);
    const doc = strFromU8(files['doc.kml']!);
    assert.match(doc, /<GroundOverlay>[\s\S]*<href>files\/map\.png<\/href>/);
    const north = Number(/<north>([^<]+)</.exec(doc)![1]), west = Number(/<west>([^<]+)</.exec(doc)![1]);
    assert.ok(north > 55 && north < 60 && west > -8 && west < -2, doc);
    assert.deepEqual([...files['files/map.png']!.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  });
});

describe('export dynamicLayers', () => {
  it('draws in array order, the first on top', async () => {
    const layers = (top: number[], below: number[]) => JSON.stringify([
      lakes(101, { drawingInfo: { renderer: fill(top) } }), lakes(102, { drawingInfo: { renderer: fill(below) } }),
    ]);
    assert.deepEqual((await lakeImage({ dynamicLayers: layers(RED, BLUE) }))(50, 50), RED);
    assert.deepEqual((await lakeImage({ dynamicLayers: layers(BLUE, RED) }))(50, 50), BLUE);
  });

  it('ignores layers and layerDefs, keeps the map renderer unless overridden, and filters by definitionExpression', async () => {
    const own = await lakeImage({ dynamicLayers: JSON.stringify([lakes(7)]), layers: 'show:0', layerDefs: JSON.stringify({ 6: '1=0' }) });
    assert.deepEqual(own(50, 50), LAKE);
    assert.deepEqual((await lakeImage({ dynamicLayers: JSON.stringify([lakes(7, { drawingInfo: { renderer: fill(RED) } })]) }))(50, 50), RED);
    const none = await lakeImage({ dynamicLayers: JSON.stringify([lakes(7, { definitionExpression: 'AREA_KM2 < 0' })]), transparent: true });
    assert.equal(none(50, 50)[3], 0);
  });

  it('refuses dataLayer sources, bad JSON and CIM symbols with 400', async () => {
    const cases: [unknown, RegExp][] = [
      ['[{', /'dynamicLayers'.*not valid JSON/],
      [{ id: 1 }, /'dynamicLayers'.*expected a JSON array/],
      [[{ id: 1, source: { type: 'dataLayer', dataSource: {} } }], /'dynamicLayers'.*\[0\] dataLayer sources are not supported/],
      [[lakes(1), lakes(2, { source: { type: 'mapLayer', mapLayerId: 99 } })], /\[1\] source\.mapLayerId 99/],
      [[lakes(1, { definitionExpression: 'AREA_KM2 >' })], /\[0\] definitionExpression is invalid/],
      [[lakes(1), lakes(1)], /\[1\] repeats id 1/],
      [[lakes(1, { drawingInfo: { renderer: { type: 'heatmap' } } })], /\[0\] renderer type/],
    ];
    for (const [value, re] of cases) {
      const r = await getJson(`${ms}/export`, { bbox, dynamicLayers: typeof value === 'string' ? value : JSON.stringify(value) });
      assert.equal(r.error?.code, 400, JSON.stringify(value));
      assert.match(r.error.details.join(' '), re, JSON.stringify(value));
    }
    const cim = { type: 'simple', symbol: { type: 'CIMSymbolReference', symbol: { type: 'CIMPolygonSymbol' } } };
    const r = await getJson(`${ms}/export`, { bbox, dynamicLayers: JSON.stringify([lakes(1, { drawingInfo: { renderer: cim } })]) });
    assert.equal(r.error?.code, 400);
    assert.equal(r.error.message, 'CIM symbols are not supported');
  });

  it('identify searches only the dynamic layers, under their IDs', async () => {
    const [x, y] = lake;
    const common = { geometry: `${x},${y}`, tolerance: 1, mapExtent: bbox, imageDisplay: '100,100,96', layers: 'all' };
    const plain = await getJson(`${ms}/identify`, common);
    assert.ok(plain.results.some((r: { layerId: number }) => r.layerId !== 6), 'without dynamic layers other layers answer too');
    const r = await getJson(`${ms}/identify`, { ...common, dynamicLayers: JSON.stringify([lakes(42)]) });
    assert.ok(r.results.length > 0);
    assert.deepEqual([...new Set(r.results.map((x: { layerId: number }) => x.layerId))], [42]);
    assert.equal(r.results[0].layerName, 'Lakes');
    const found = await getJson(`${ms}/find`, { searchText: 'a', layers: '42', dynamicLayers: JSON.stringify([lakes(42, { definitionExpression: '1=0' })]) });
    assert.deepEqual(found.results, [], 'find honours the dynamic definitionExpression');
  });

  it('legend and layers describe the dynamic layers with their overrides', async () => {
    const dynamicLayers = JSON.stringify([lakes(42, { drawingInfo: { renderer: fill(RED, 'Dynamic lakes') } })]);
    const legend = await getJson(`${ms}/legend`, { dynamicLayers });
    assert.equal(legend.layers.length, 1);
    assert.equal(legend.layers[0].layerId, 42);
    assert.deepEqual(legend.layers[0].legend.map((i: { label: string }) => i.label), ['Dynamic lakes']);
    const layers = await getJson(`${ms}/layers`, { dynamicLayers });
    assert.deepEqual(layers.layers.map((l: { id: number; name: string }) => [l.id, l.name]), [[42, 'Lakes']]);
    assert.equal(layers.layers[0].drawingInfo.renderer.label, 'Dynamic lakes');
    assert.equal((await getJson(`${ms}/legend`, { dynamicLayers: '[1]' })).error?.code, 400);
  });
});

describe('export clipping and spatialFilter', () => {
  it('leaves pixels outside the clip polygon at the background, unless their layer is excluded', async () => {
    const [x, y] = lake;
    // The left half of the image.
    const rings = [[[x - 50, y - 50], [x - 50, y + 50], [x, y + 50], [x, y - 50], [x - 50, y - 50]]];
    const clipping = (excludedLayers: number[]) => JSON.stringify({ geometryType: 'esriGeometryPolygon', geometry: { rings }, excludedLayers });
    const clipped = await lakeImage({ layers: 'show:6', clipping: clipping([]) });
    assert.deepEqual(clipped(25, 50), LAKE);
    assert.deepEqual(clipped(75, 50), WHITE);
    assert.deepEqual((await lakeImage({ layers: 'show:6', clipping: clipping([6]) }))(75, 50), LAKE);
    const envelope = JSON.stringify({ geometryType: 'esriGeometryEnvelope', geometry: { xmin: x, ymin: y - 50, xmax: x + 50, ymax: y + 50 } });
    const right = await lakeImage({ layers: 'show:6', clipping: envelope });
    assert.deepEqual([right(25, 50), right(75, 50)], [WHITE, LAKE]);
    const svg = await (await exportImage({ bbox, size: '100,100', layers: 'show:6', clipping: envelope, format: 'svg' })).text();
    assert.match(svg, /<clipPath id="(\w+)"><path d="[^"]+" clip-rule="evenodd"\/><\/clipPath>[\s\S]*<g clip-path="url\(#\1\)">/);
    assert.equal((await getJson(`${ms}/export`, { bbox, clipping: JSON.stringify({ geometryType: 'esriGeometryPoint', geometry: { x, y } }) })).error?.code, 400);
  });

  it('draws only the features meeting the spatialFilter', async () => {
    const [x, y] = lake;
    const filter = (dx: number) => JSON.stringify({ spatialRel: 'esriSpatialRelIntersects', geometryType: 'esriGeometryEnvelope', geometry: { xmin: x + dx - 1, ymin: y - 1, xmax: x + dx + 1, ymax: y + 1 } });
    assert.deepEqual((await lakeImage({ layers: 'show:6', spatialFilter: filter(0) }))(50, 50), LAKE);
    assert.deepEqual((await lakeImage({ layers: 'show:6', spatialFilter: filter(-200000) }))(50, 50), WHITE);
    assert.equal((await getJson(`${ms}/export`, { bbox, spatialFilter: JSON.stringify({ spatialRel: 'esriSpatialRelNear', geometryType: 'esriGeometryEnvelope', geometry: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 } }) })).error?.code, 400);
  });
});
