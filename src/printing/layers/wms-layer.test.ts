import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { PrintRequestError } from '../web-map.js';
import { contextOf, frameOf, layerOf, paintOf, png, startServer, type TestServer } from './layer-test-fixture.js';
import { imageMimeType, resolveWmsLayer } from './wms-layer.js';

const WGS84: SpatialReference = { wkid: 4326 };
const MERCATOR: SpatialReference = { wkid: 102100, latestWkid: 3857 };
const UTM32: SpatialReference = { wkid: 32632 };
const RED = [255, 0, 0, 255], BLUE = [0, 0, 255, 255];

let server: TestServer;
before(async () => {
  server = await startServer((url) => {
    const p = new URLSearchParams([...url.searchParams].map(([k, v]) => [k.toUpperCase(), v]));
    if (p.get('LAYERS')?.includes('bad')) {
      return { type: 'application/vnd.ogc.se_xml', body: '<?xml version="1.0"?>\n<ServiceExceptionReport version="1.1.1"><ServiceException code="LayerNotDefined">Layer bad is not defined</ServiceException></ServiceExceptionReport>' };
    }
    // The map asked for: its left half red, its right half blue.
    const w = Number(p.get('WIDTH')), h = Number(p.get('HEIGHT'));
    return { body: png(w, h, (ctx) => { ctx.fillStyle = '#f00'; ctx.fillRect(0, 0, w / 2, h); ctx.fillStyle = '#00f'; ctx.fillRect(w / 2, 0, w - w / 2, h); }) };
  });
});
after(() => server.close());

/** The parameters of the last request to the server. */
const lastParams = () => server.requests[server.requests.length - 1]!.searchParams;

describe('WMS layers', () => {
  test('1.3.0 in a geographic CRS: latitude first in BBOX, every parameter of GetMap', async () => {
    const frame = frameOf({ xmin: 5, ymin: 45, xmax: 15, ymax: 50 }, WGS84, 200, 100);
    const layer = layerOf('wms', {
      url: `${server.base}/wms?map=topo.map`, version: '1.3.0', format: 'png32', transparentBackground: true,
      layers: [{ name: 'roads', title: 'Roads' }, { name: 'rivers', title: 'Rivers' }, { name: 'towns' }],
      visibleLayers: ['roads', 'rivers'], styles: ['dashed'], customLayerParameters: { DIM_SEASON: 'winter' }, copyright: '© WMS host',
    }, { token: 'wt', customParameters: { apikey: 'k1' } });
    const resolved = await resolveWmsLayer(layer, contextOf(frame));
    const p = lastParams();
    assert.deepEqual(Object.fromEntries(p), {
      map: 'topo.map', SERVICE: 'WMS', REQUEST: 'GetMap', VERSION: '1.3.0', LAYERS: 'roads,rivers', STYLES: 'dashed,',
      CRS: 'EPSG:4326', BBOX: '45,5,50,15', WIDTH: '200', HEIGHT: '100', FORMAT: 'image/png', TRANSPARENT: 'TRUE', EXCEPTIONS: 'XML',
      DIM_SEASON: 'winter', apikey: 'k1', token: 'wt',
    });
    assert.deepEqual(resolved.legend, [{ subLayerId: 'roads', title: 'Roads', entries: [] }, { subLayerId: 'rivers', title: 'Rivers', entries: [] }]);
    assert.equal(resolved.credits, '© WMS host');
    const px = paintOf(resolved, frame);
    assert.deepEqual(px.at(50, 50), RED);
    assert.deepEqual(px.at(150, 50), BLUE);
  });

  test('1.1.1: SRS and x first; every layer when none is listed visible; JPEG opaque', async () => {
    const frame = frameOf({ xmin: 5, ymin: 45, xmax: 15, ymax: 50 }, WGS84, 200, 100);
    await resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, version: '1.1.1', format: 'jpg', transparentBackground: false, layers: [{ name: 'a' }, { name: 'b' }] }), contextOf(frame));
    const p = lastParams();
    assert.equal(p.get('SRS'), 'EPSG:4326');
    assert.equal(p.has('CRS'), false);
    assert.equal(p.get('BBOX'), '5,45,15,50');
    assert.equal(p.get('LAYERS'), 'a,b');
    assert.equal(p.get('STYLES'), ',');
    assert.equal(p.get('FORMAT'), 'image/jpeg');
    assert.equal(p.get('TRANSPARENT'), 'FALSE');
    assert.equal(p.get('EXCEPTIONS'), 'application/vnd.ogc.se_xml');
  });

  test('1.3.0 in a projected CRS keeps x first; Esri Web Mercator is EPSG:3857', async () => {
    const frame = frameOf({ xmin: 1000000, ymin: 6000000, xmax: 1200000, ymax: 6100000 }, MERCATOR, 200, 100);
    await resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, layers: [{ name: 'a' }] }), contextOf(frame));
    const p = lastParams();
    assert.equal(p.get('VERSION'), '1.3.0');
    assert.equal(p.get('CRS'), 'EPSG:3857');
    assert.equal(p.get('BBOX'), '1000000,6000000,1200000,6100000');
  });

  test('a rotated frame asks for the envelope it shows, at its resolution', async () => {
    const frame = frameOf({ xmin: 1000000, ymin: 6000000, xmax: 1200000, ymax: 6100000 }, MERCATOR, 200, 100, { rotation: 90 });
    const resolved = await resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, layers: [{ name: 'a' }] }), contextOf(frame));
    const p = lastParams();
    assert.equal(p.get('WIDTH'), '100');
    assert.equal(p.get('HEIGHT'), '200');
    assert.deepEqual(p.get('BBOX')!.split(',').map((v) => Math.round(Number(v))), [1050000, 5950000, 1150000, 6150000]);
    // The map's west (red) is turned to the bottom of the frame.
    const px = paintOf(resolved, frame);
    assert.deepEqual(px.at(100, 90), RED);
    assert.deepEqual(px.at(100, 10), BLUE);
  });

  test('a frame CRS the server does not offer: asks in one it does and reprojects', async () => {
    const frame = frameOf({ xmin: 400000, ymin: 5300000, xmax: 600000, ymax: 5400000 }, UTM32, 200, 100);
    const resolved = await resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, version: '1.1.1', layers: [{ name: 'a' }], spatialReferences: [25832] }), contextOf(frame));
    const p = lastParams();
    assert.equal(p.get('SRS'), 'EPSG:25832');
    const resolved2 = await resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, version: '1.3.0', layers: [{ name: 'a' }], spatialReferences: [{ wkid: 4326 }, { wkid: 102100 }] }), contextOf(frame));
    const q = lastParams();
    assert.equal(q.get('CRS'), 'EPSG:3857');
    const [xmin, ymin, xmax, ymax] = q.get('BBOX')!.split(',').map(Number);
    assert.ok(xmin! < 1001875 && xmax! > 1001875 && ymin! > 6000000 && ymax! < 6300000, q.get('BBOX')!);
    for (const r of [resolved, resolved2]) {
      const px = paintOf(r, frame);
      assert.deepEqual(px.at(20, 50), RED);
      assert.deepEqual(px.at(180, 50), BLUE);
    }
  });

  test('a ServiceException fails the layer with its text', async () => {
    const frame = frameOf({ xmin: 5, ymin: 45, xmax: 15, ymax: 50 }, WGS84, 200, 100);
    await assert.rejects(
      resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, layers: [{ name: 'bad' }] }), contextOf(frame)),
      (e: Error) => e instanceof PrintRequestError && e.message === "Layer 'Test layer': the WMS GetMap request answered no image: Layer bad is not defined",
    );
  });

  test('no visible layer draws nothing, with a warning', async () => {
    const context = contextOf(frameOf({ xmin: 5, ymin: 45, xmax: 15, ymax: 50 }, WGS84, 200, 100));
    const resolved = await resolveWmsLayer(layerOf('wms', { url: `${server.base}/wms`, layers: [{ name: 'a' }], visibleLayers: [] }), context);
    assert.deepEqual(resolved, { layers: [], legend: [] });
    assert.equal(context.warnings.length, 1);
  });

  test('formats map to media types', () => {
    assert.deepEqual(['png', 'png8', 'png24', 'png32', 'jpg', 'JPEG', 'gif', 'image/png; mode=8bit'].map(imageMimeType),
      ['image/png', 'image/png', 'image/png', 'image/png', 'image/jpeg', 'image/jpeg', 'image/gif', 'image/png; mode=8bit']);
    assert.equal(imageMimeType(undefined), undefined);
  });
});
