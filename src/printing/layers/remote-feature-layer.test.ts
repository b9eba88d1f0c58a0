import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { PrintRequestError } from '../web-map.js';
import { contextOf, drawFrame, featureLayers, featuresOf, frameOf, layerOf, solidPng, startServer, testFetcher, type Answer, type TestServer } from './layer-test-fixture.js';
import { MAX_REMOTE_FEATURES, resolveRemoteFeatureLayer } from './remote-feature-layer.js';

type Json = Record<string, unknown>;

const frame = frameOf({ xmin: 0, ymin: 0, xmax: 1000, ymax: 1000 }, { wkid: 3857 }, 100, 100);
const RED = [255, 0, 0, 255], GREEN = [0, 255, 0, 255], CYAN = [0, 255, 255, 255];
const sms = (color: number[], size = 10) => ({ type: 'esriSMS', style: 'esriSMSCircle', color, size, outline: null });

/** Five points in a row across the frame, OBJECTID 1–5. */
const POINTS = [1, 2, 3, 4, 5].map((id) => ({ attributes: { OBJECTID: id, NAME: `P${id}` }, geometry: { x: id * 160, y: 500 } }));
const PIN = solidPng(4, 4, '#00ff00');

/** Requests the server saw: path, and parameters from the query and a POST's form. */
let requests: { path: string; params: Json }[] = [];
let server: TestServer;

/**
 * A feature service with layers: `Points/FeatureServer/0` (pages of two, PMS renderer by relative
 * URL), `Stubborn/FeatureServer/0` (ignores resultOffset), `Broken/FeatureServer/0` (error
 * envelope), `Huge/FeatureServer/0` (pages of 10,000 without end).
 */
before(async () => {
  server = await startServer((url, form): Answer => {
    const p: Json = Object.fromEntries([...url.searchParams, ...form]);
    requests.push({ path: url.pathname, params: p });
    const json = (body: unknown): Answer => ({ type: 'application/json; charset=utf-8', body: JSON.stringify(body) });
    const [, service, type, , op] = url.pathname.split('/');
    if (type !== 'FeatureServer') return { status: 404, type: 'text/plain', body: 'Not found' };
    if (url.pathname.endsWith('/images/pin.png')) return { body: PIN };
    if (service === 'Broken') return json({ error: { code: 400, message: 'Invalid query', details: [] } });
    if (op === undefined) {
      return json({
        name: 'Points', geometryType: 'esriGeometryPoint', objectIdField: 'OBJECTID', copyrightText: 'Point survey',
        drawingInfo: { renderer: { type: 'simple', label: 'Point', symbol: { type: 'esriPMS', url: 'pin.png', width: 12, height: 12 } }, labelingInfo: [{ labelExpression: '[NAME]' }] },
      });
    }
    if (service === 'Huge') {
      const offset = Number(p.resultOffset ?? 0);
      return json({
        objectIdFieldName: 'OBJECTID', exceededTransferLimit: true,
        features: Array.from({ length: 10_000 }, (_, i) => ({ attributes: { OBJECTID: offset + i }, geometry: { x: 1, y: 1 } })),
      });
    }
    const offset = service === 'Stubborn' ? 0 : Number(p.resultOffset ?? 0);
    const ids = typeof p.objectIds === 'string' ? p.objectIds.split(',').map(Number) : null;
    const matching = POINTS.filter((f) => !ids || ids.includes(f.attributes.OBJECTID));
    return json({
      objectIdFieldName: 'OBJECTID', geometryType: 'esriGeometryPoint', spatialReference: { wkid: 102100, latestWkid: 3857 },
      features: matching.slice(offset, offset + 2), exceededTransferLimit: offset + 2 < matching.length,
    });
  });
});
after(() => server.close());
beforeEach(() => { requests = []; });

const layer = (service: string, json: Json = {}, extra = {}) => layerOf('featureLayer', { url: `${server.base}/${service}/FeatureServer/0`, ...json }, { title: 'Survey', ...extra });

describe('resolveRemoteFeatureLayer', () => {
  it('queries the frame in its SR, page after page, and draws with the layer’s own renderer', async () => {
    const fetcher = testFetcher();
    const context = contextOf(frame, fetcher);
    const { layers, legend, credits } = await resolveRemoteFeatureLayer(layer('Points', { layerDefinition: { definitionExpression: "NAME <> 'x'" } }, { token: 'secret', customParameters: { key: 'k1' } }), context);
    assert.deepEqual(requests.map((r) => [r.path, r.params.resultOffset]), [
      ['/Points/FeatureServer/0', undefined], ['/Points/FeatureServer/0/query', undefined], ['/Points/FeatureServer/0/query', '2'], ['/Points/FeatureServer/0/query', '4'],
      ['/Points/FeatureServer/0/images/pin.png', undefined],
    ]);
    const query = requests[1]!.params;
    assert.deepEqual(JSON.parse(query.geometry as string), { xmin: 0, ymin: 0, xmax: 1000, ymax: 1000, spatialReference: { wkid: 3857, latestWkid: 3857 } });
    assert.deepEqual([query.geometryType, query.inSR, query.outSR, query.where, query.outFields, query.returnGeometry, query.f, query.key, query.token],
      ['esriGeometryEnvelope', '{"wkid":3857,"latestWkid":3857}', '{"wkid":3857,"latestWkid":3857}', "NAME <> 'x'", '*', 'true', 'json', 'k1', 'secret']);
    assert.equal(requests[0]!.params.f, 'json');
    assert.ok(fetcher.calls.slice(0, 4).every((c) => c.options.token === 'secret'));
    assert.equal(fetcher.calls[4]!.options.token, 'secret', 'the image is on the layer’s host');

    assert.deepEqual(layers.flatMap(featuresOf).map((f) => f.attributes.OBJECTID), [1, 2, 3, 4, 5]);
    assert.equal(featureLayers(layers)[0]!.drawingInfo.labelingInfo, null, 'labels only with showLabels');
    const at = await drawFrame(frame, layers);
    assert.deepEqual(at(16, 50), GREEN, 'the picture marker read from <url>/images/');
    assert.deepEqual(at(80, 50), GREEN);
    assert.equal(legend[0]!.title, 'Survey');
    assert.equal(legend[0]!.subLayerId, 0);
    assert.equal(credits, 'Point survey');
  });

  it('uses the layerDefinition drawingInfo without asking the layer, and draws the selection on top', async () => {
    const context = contextOf(frame);
    const { layers } = await resolveRemoteFeatureLayer(layer('Points', {
      layerDefinition: { objectIds: [2, 3, 4], drawingInfo: { renderer: { type: 'simple', symbol: sms(RED) } } },
      selectionObjectIds: [3], selectionSymbol: sms(CYAN),
    }), context);
    assert.deepEqual(requests.map((r) => r.path), ['/Points/FeatureServer/0/query', '/Points/FeatureServer/0/query']);
    assert.equal(requests[0]!.params.objectIds, '2,3,4');
    const [all, selection] = featureLayers(layers);
    assert.deepEqual(featuresOf(all!).map((f) => f.attributes.OBJECTID), [2, 3, 4]);
    assert.deepEqual(featuresOf(selection!).map((f) => f.attributes.OBJECTID), [3]);
    const at = await drawFrame(frame, layers);
    assert.deepEqual([at(32, 50), at(48, 50), at(64, 50), at(16, 50)], [RED, CYAN, RED, [255, 255, 255, 255]]);
  });

  it('asks the layer for label classes when showLabels is set and the layerDefinition has none', async () => {
    const { layers } = await resolveRemoteFeatureLayer(layer('Points', { showLabels: true, layerDefinition: { drawingInfo: { renderer: { type: 'simple', symbol: sms(RED) } } } }), contextOf(frame));
    assert.deepEqual(featureLayers(layers)[0]!.drawingInfo.labelingInfo, [{ labelExpression: '[NAME]' }]);
    assert.equal(requests[0]!.path, '/Points/FeatureServer/0');
  });

  it('draws with the layer’s own renderer when the one given is not drawable', async () => {
    const context = contextOf(frame);
    const { layers } = await resolveRemoteFeatureLayer(layer('Points', { layerDefinition: { drawingInfo: { renderer: { type: 'heatmap' } } } }), context);
    assert.equal((featureLayers(layers)[0]!.drawingInfo.renderer as { label: string }).label, 'Point');
    assert.deepEqual(context.warnings, ["Layer 'Survey': renderer type 'heatmap' is not supported; the layer's own renderer is drawn"]);
  });

  it('stops paging when a service ignores resultOffset', async () => {
    const { layers } = await resolveRemoteFeatureLayer(layer('Stubborn', { layerDefinition: { drawingInfo: { renderer: { type: 'simple', symbol: sms(RED) } } } }), contextOf(frame));
    assert.deepEqual(layers.flatMap(featuresOf).map((f) => f.attributes.OBJECTID), [1, 2]);
    assert.equal(requests.length, 2);
  });

  it(`draws at most ${MAX_REMOTE_FEATURES} features, with a warning`, async () => {
    const context = contextOf(frame);
    const { layers } = await resolveRemoteFeatureLayer(layer('Huge', { layerDefinition: { drawingInfo: { renderer: { type: 'simple', symbol: sms(RED) } } } }), context);
    assert.equal(layers.flatMap(featuresOf).length, MAX_REMOTE_FEATURES);
    assert.equal(requests.length, MAX_REMOTE_FEATURES / 10_000);
    assert.deepEqual(context.warnings, [`Layer 'Survey': only the first ${MAX_REMOTE_FEATURES} features are drawn`]);
  });

  it('fails on an error answer, naming the layer and the service', async () => {
    await assert.rejects(resolveRemoteFeatureLayer(layer('Broken'), contextOf(frame)),
      (e: unknown) => e instanceof PrintRequestError && e.message === `Layer 'Survey': ${server.base}/Broken/FeatureServer/0 answered error 400: Invalid query`);
    await assert.rejects(resolveRemoteFeatureLayer(layer('Points', {}, { url: `${server.base}/Missing` }), contextOf(frame)), /answered HTTP/);
  });
});
