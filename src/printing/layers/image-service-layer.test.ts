import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { lookupEpsg, type SpatialReference } from '../../geo/spatial-reference.js';
import { PrintRequestError } from '../web-map.js';
import { contextOf, frameOf, layerOf, paintOf, png, solidPng, startServer, testFetcher, type TestServer } from './layer-test-fixture.js';
import { resolveImageServiceLayer, resolveRemoteMapServiceLayer } from './image-service-layer.js';

const MERCATOR: SpatialReference = { wkid: 102100, latestWkid: 3857 };
const RED = [255, 0, 0, 255], BLUE = [0, 0, 255, 255];
const SWATCH = solidPng(20, 20, '#0a0').toString('base64');

/** An image of `size=w,h`: its left half red, its right half blue. */
const halves = (size: string | null) => {
  const [w, h] = (size ?? '1,1').split(',').map(Number) as [number, number];
  return png(w, h, (ctx) => { ctx.fillStyle = '#f00'; ctx.fillRect(0, 0, w / 2, h); ctx.fillStyle = '#00f'; ctx.fillRect(w / 2, 0, w - w / 2, h); });
};
const json = (body: unknown) => ({ type: 'application/json', body: JSON.stringify(body) });

let server: TestServer;
before(async () => {
  server = await startServer((url) => {
    const path = url.pathname.replace('/arcgis/rest/services', '');
    const f = url.searchParams.get('f');
    if (path === '/Ortho/ImageServer/exportImage' || path.endsWith('/MapServer/export')) return { body: halves(url.searchParams.get('size')) };
    if (path === '/Bad/ImageServer/exportImage') return json({ error: { code: 400, message: 'Invalid renderingRule', details: [] } });
    if (path === '/Remote/MapServer' && f === 'json') return json({ supportsDynamicLayers: true });
    if (path === '/Static/MapServer' && f === 'json') return json({ supportsDynamicLayers: false });
    if (path === '/Remote/MapServer/legend') {
      return json({ layers: [
        { layerId: 0, layerName: 'Roads', minScale: 0, maxScale: 0, legend: [
          { label: 'Motorway', imageData: SWATCH, contentType: 'image/png', width: 20, height: 20 },
          { label: '', imageData: SWATCH, contentType: 'image/png', width: 20, height: 20 }] },
        { layerId: 1, layerName: 'Hidden', legend: [{ label: 'x', imageData: SWATCH, contentType: 'image/png', width: 20, height: 20 }] },
        { layerId: 2, layerName: 'Rivers', minScale: 0, maxScale: 0, legend: [{ label: 'River', imageData: SWATCH, contentType: 'image/png', width: 16, height: 12 }] },
        { layerId: 3, layerName: 'Detail', minScale: 5000, maxScale: 0, legend: [{ label: 'y', imageData: SWATCH, contentType: 'image/png', width: 20, height: 20 }] },
      ] });
    }
    return { status: 500, type: 'text/plain', body: 'server error' };
  });
});
after(() => server.close());

const frame = () => frameOf({ xmin: 1000000, ymin: 6000000, xmax: 1200000, ymax: 6100000 }, MERCATOR, 200, 100);
const requestsTo = (n: number, suffix: string) => server.requests.slice(n).filter((u) => u.pathname.endsWith(suffix));

describe('image services', () => {
  test('exportImage with every parameter of the layer, in the frame SR', async () => {
    const n = server.requests.length;
    const layer = layerOf('imageService', {
      url: `${server.base}/arcgis/rest/services/Ortho/ImageServer`, format: 'png', interpolation: 'RSP_NearestNeighbor', compressionQuality: 80,
      bandIds: [3, 2, 1], mosaicRule: { mosaicMethod: 'esriMosaicLockRaster', lockRasterIds: [7] }, renderingRule: { rasterFunction: 'Hillshade' },
      noData: 0, noDataInterpretation: 'esriNoDataMatchAny', credits: 'Ortho © Land survey',
    }, { token: 'it', customParameters: { app: 'p' }, opacity: 0.8 });
    const f = { ...frame(), time: [1000, 2000] as [number, number] };
    const resolved = await resolveImageServiceLayer(layer, contextOf(f));
    const [url] = requestsTo(n, '/exportImage');
    assert.deepEqual(Object.fromEntries(url!.searchParams), {
      bbox: '1000000,6000000,1200000,6100000', bboxSR: '102100', imageSR: '102100', size: '200,100', time: '1000,2000',
      format: 'png', interpolation: 'RSP_NearestNeighbor', compressionQuality: '80', bandIds: '3,2,1',
      mosaicRule: '{"mosaicMethod":"esriMosaicLockRaster","lockRasterIds":[7]}', renderingRule: '{"rasterFunction":"Hillshade"}',
      noData: '0', noDataInterpretation: 'esriNoDataMatchAny', f: 'image', app: 'p', token: 'it',
    });
    assert.equal(resolved.credits, 'Ortho © Land survey');
    assert.equal(resolved.layers[0]!.kind === 'raster' && Math.round(resolved.layers[0]!.transparency), 20);
    const px = paintOf(resolved, f);
    assert.deepEqual(px.at(50, 50), RED);
    assert.deepEqual(px.at(150, 50), BLUE);
  });

  test('a tiled image service is drawn through exportImage too; jpgpng by default, png32 for formats a print cannot decode; a WKT frame SR goes as JSON', async () => {
    const n = server.requests.length;
    const wkt = lookupEpsg(3857)!.wkt;
    const f = frameOf({ xmin: 1000000, ymin: 6000000, xmax: 1200000, ymax: 6100000 }, { wkt }, 200, 100);
    await resolveImageServiceLayer(layerOf('tiledImageService', { url: `${server.base}/arcgis/rest/services/Ortho/ImageServer` }), contextOf(f));
    const [url] = requestsTo(n, '/exportImage');
    assert.equal(url!.searchParams.get('format'), 'jpgpng');
    assert.deepEqual(JSON.parse(url!.searchParams.get('bboxSR')!), { wkt });
    assert.equal(url!.searchParams.has('renderingRule'), false);
    await resolveImageServiceLayer(layerOf('imageService', { url: `${server.base}/arcgis/rest/services/Ortho/ImageServer`, format: 'tiff' }), contextOf(f));
    assert.equal(server.requests[server.requests.length - 1]!.searchParams.get('format'), 'png32');
  });

  test('an error answer fails the layer with its message', async () => {
    await assert.rejects(
      resolveImageServiceLayer(layerOf('imageService', { url: `${server.base}/arcgis/rest/services/Bad/ImageServer` }), contextOf(frame())),
      (e: Error) => e instanceof PrintRequestError && e.message === "Layer 'Test layer': the exportImage request answered no image: Invalid renderingRule",
    );
  });
});

describe('remote map services', () => {
  test('export with visible layers and definition expressions; the legend from the service', async () => {
    const n = server.requests.length;
    const layer = layerOf('mapService', {
      url: `${server.base}/arcgis/rest/services/Remote/MapServer`, visibleLayers: [0, 2, 3], credits: 'Remote data',
      layers: [{ id: 0, layerDefinition: { definitionExpression: "TYPE = 'A'" } }, { id: 2, layerDefinition: {} }],
    }, { token: 'mt' });
    const context = contextOf({ ...frame(), dpi: 150 });
    const resolved = await resolveRemoteMapServiceLayer(layer, context);
    const [url] = requestsTo(n, '/export');
    assert.deepEqual(Object.fromEntries(url!.searchParams), {
      bbox: '1000000,6000000,1200000,6100000', bboxSR: '102100', imageSR: '102100', size: '200,100',
      dpi: '150', format: 'png32', transparent: 'true', layers: 'show:0,2,3', layerDefs: '{"0":"TYPE = \'A\'"}', f: 'image', token: 'mt',
    });
    // No renderer or source among the sublayers: the service description is not needed.
    assert.equal(server.requests.slice(n).some((u) => u.searchParams.get('f') === 'json' && u.pathname.endsWith('/MapServer')), false);
    assert.equal(requestsTo(n, '/legend')[0]!.searchParams.get('token'), 'mt');
    const pms = (width: number, height: number) => ({ type: 'esriPMS', imageData: SWATCH, contentType: 'image/png', width, height });
    // Layer 1 is not visible, layer 3 is out of its scale range.
    assert.deepEqual(resolved.legend, [
      { subLayerId: 0, title: 'Roads', entries: [
        { label: 'Motorway', geometryType: 'point', symbol: pms(15, 15) }, { label: 'Roads', geometryType: 'point', symbol: pms(15, 15) }] },
      { subLayerId: 2, title: 'Rivers', entries: [{ label: 'River', geometryType: 'point', symbol: pms(12, 9) }] },
    ]);
    assert.equal(resolved.credits, 'Remote data');
    assert.deepEqual(context.warnings, []);
    assert.deepEqual(paintOf(resolved, frame()).at(150, 50), BLUE);
  });

  test('sublayers with renderers become dynamicLayers when the service has them', async () => {
    const n = server.requests.length;
    const renderer = { type: 'simple', symbol: { type: 'esriSLS', color: [0, 0, 255, 255], width: 2 } };
    const layer = layerOf('mapService', {
      url: `${server.base}/arcgis/rest/services/Remote/MapServer`, visibleLayers: [0],
      layers: [{ id: 0, layerDefinition: { definitionExpression: 'A > 1', drawingInfo: { renderer } } }, { id: 5, layerDefinition: { source: { type: 'mapLayer', mapLayerId: 2 } } }],
    });
    await resolveRemoteMapServiceLayer(layer, contextOf(frame()));
    const [url] = requestsTo(n, '/export');
    assert.equal(url!.searchParams.has('layers'), false);
    assert.deepEqual(JSON.parse(url!.searchParams.get('dynamicLayers')!), [
      { id: 0, source: { type: 'mapLayer', mapLayerId: 0 }, definitionExpression: 'A > 1', drawingInfo: { renderer } },
      { id: 5, source: { type: 'mapLayer', mapLayerId: 2 } },
    ]);
  });

  test('without dynamic layers only definition expressions apply; a failing legend only warns', async () => {
    const n = server.requests.length;
    const layer = layerOf('mapService', {
      url: `${server.base}/arcgis/rest/services/Static/MapServer`,
      layers: [{ id: 4, layerDefinition: { definitionExpression: 'B = 2', drawingInfo: { renderer: { type: 'simple' } } } }],
    });
    const context = contextOf(frame());
    const resolved = await resolveRemoteMapServiceLayer(layer, context);
    const [url] = requestsTo(n, '/export');
    assert.equal(url!.searchParams.get('layerDefs'), '{"4":"B = 2"}');
    assert.equal(url!.searchParams.has('layers'), false);
    assert.equal(url!.searchParams.has('dynamicLayers'), false);
    assert.deepEqual(resolved.legend, []);
    assert.equal(resolved.layers.length, 1);
    assert.deepEqual(context.warnings, [
      "Layer 'Test layer': the service has no dynamic layers; only the layers' definition expressions are applied",
      "Layer 'Test layer': the legend could not be read (the legend request answered HTTP 500: server error)",
    ]);
  });

  test('no visible sublayer draws nothing and asks for nothing', async () => {
    const fetcher = testFetcher();
    const resolved = await resolveRemoteMapServiceLayer(layerOf('mapService', { url: `${server.base}/arcgis/rest/services/Remote/MapServer`, visibleLayers: [] }), contextOf(frame(), fetcher));
    assert.deepEqual(resolved, { layers: [], legend: [] });
    assert.equal(fetcher.calls.length, 0);
  });
});
