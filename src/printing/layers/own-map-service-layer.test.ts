import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sampleDataDir } from '../../../test/support/test-server.js';
import { MapService } from '../../catalog/map-service.js';
import { pointInRing } from '../../geo/esri-json.js';
import type { Envelope, Polygon } from '../../geo/geometry.js';
import { sampleServiceDefinition } from '../../sample/sample-service.js';
import type { OwnServiceTarget } from '../print-layer.js';
import { PrintRequestError, type WebMapLayerKind } from '../web-map.js';
import { resolveOwnServiceLayer } from './own-map-service-layer.js';
import { contextOf, drawFrame, featureLayers, featuresOf, frameOf, layerOf } from './layer-test-fixture.js';

const UTM = { wkid: 32630 };
/** 20 km around the two largest lakes, drawn 200 px wide: about 1:378,000. */
const REGION: Envelope = { xmin: 375000, ymin: 6320000, xmax: 395000, ymax: 6340000 };
const RED = [255, 0, 0, 255];
const LAKE = [190, 225, 245, 255];
const fill = (color: number[], label = '') => ({ type: 'simple', label, symbol: { type: 'esriSFS', style: 'esriSFSSolid', color, outline: null } });

let service: MapService;
/** A point well inside the largest lake. */
let lake: [number, number];

before(async () => {
  service = new MapService(sampleServiceDefinition(), 1, await sampleDataDir());
  await service.prepare();
  const [largest] = service.layer(6)!.source!.scan({ fields: [], geometry: true, orderBy: [{ field: 'AREA_KM2', descending: true }], limit: 1 });
  const rings = (largest!.geometry as Polygon).coordinates;
  const xs = rings[0]!.map((p) => p[0]!), ys = rings[0]!.map((p) => p[1]!);
  let best = -1;
  for (let i = 1; i < 30; i++) for (let j = 1; j < 30; j++) {
    const x = Math.min(...xs) + ((Math.max(...xs) - Math.min(...xs)) * i) / 30, y = Math.min(...ys) + ((Math.max(...ys) - Math.min(...ys)) * j) / 30;
    if (!rings.every((ring, k) => pointInRing(x, y, ring) === (k === 0))) continue;
    const d = Math.min(...rings.flat().map((p) => Math.hypot(p[0]! - x, p[1]! - y)));
    if (d > best) { best = d; lake = [x, y]; }
  }
  assert.ok(best > 100, 'the lake has an interior');
});
after(() => service.close());

const target = (layerId: number | null = null): OwnServiceTarget => ({ service, layerId });
const resolve = (kind: WebMapLayerKind, json: Record<string, unknown>, options: { extent?: Envelope; layerId?: number | null; opacity?: number } = {}) => {
  const context = contextOf(frameOf(options.extent ?? REGION, UTM));
  const layer = layerOf(kind, { url: 'https://maps.example.org/arcgis/rest/services/Topo/SampleRegion/MapServer', ...json }, { opacity: options.opacity ?? 1 });
  return { context, result: resolveOwnServiceLayer(layer, target(options.layerId), context) };
};
/** 100 m around the lake point. */
const lakeBox = (): Envelope => ({ xmin: lake[0] - 50, ymin: lake[1] - 50, xmax: lake[0] + 50, ymax: lake[1] + 50 });

describe('resolveOwnServiceLayer: map services', () => {
  it('draws the default visibility, bottom first, with terrain, honouring scale ranges', async () => {
    const { layers, legend, credits } = await resolve('mapService', {}).result;
    // Bottom first: hillshade (17) at the bottom; buildings (2, ≤ 1:60,000) and spot heights (1, ≤ 1:120,000) are out of range; the group (13) and admin areas (12) are hidden.
    assert.deepEqual(layers.map((l) => l.id), [17, 11, 10, 9, 8, 7, 6, 5, 4, 3, 0]);
    assert.equal(layers[0]!.kind, 'raster');
    assert.deepEqual(legend.map((g) => g.subLayerId), [0, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.deepEqual(legend.find((g) => g.subLayerId === 4)!.entries.map((e) => e.label), ['Primary road', 'Secondary road', 'Minor road', 'Street', 'Other']);
    assert.equal(legend.find((g) => g.subLayerId === 6)!.title, 'Lakes');
    assert.equal(credits, 'Quadrangle sample data (generated)');
  });

  it('draws a tiled map service of this server like a dynamic one', async () => {
    const { layers } = await resolve('tiledMapService', { visibleLayers: [6] }).result;
    assert.deepEqual(layers.map((l) => l.id), [17, 11, 10, 9, 8, 7, 6, 5, 4, 3, 0], 'visibleLayers is a dynamic service key');
  });

  it('draws the visibleLayers, a group bringing its children', async () => {
    assert.deepEqual((await resolve('mapService', { visibleLayers: [6, 3] }).result).layers.map((l) => l.id), [6, 3]);
    const sheets = await resolve('mapService', { visibleLayers: [13] }).result;
    assert.deepEqual(sheets.layers.map((l) => l.id), [16, 15, 14]);
    assert.deepEqual(sheets.legend.map((g) => [g.subLayerId, g.title]), [[14, 'TM25 sheets'], [15, 'TM50 sheets'], [16, 'TM100 sheets']]);
    assert.deepEqual((await resolve('mapService', { visibleLayers: [-1] }).result).layers, []);
    await assert.rejects(resolve('mapService', { visibleLayers: 'all' }).result, (e: unknown) => e instanceof PrintRequestError && /visibleLayers/.test(e.message));
  });

  it('applies the web map opacity over each layer transparency', async () => {
    const { layers } = await resolve('mapService', { visibleLayers: [9, 6] }, { opacity: 0.5 }).result;
    const transparency = Object.fromEntries(featureLayers(layers).map((l) => [l.id, l.drawingInfo.transparency]));
    assert.deepEqual(transparency, { 9: 62.5, 6: 50 });
  });

  it('draws `layers` instead of visibleLayers: own renderer, definitionExpression ANDed, source.mapLayerId, name', async () => {
    const all = featuresOf((await resolve('mapService', { visibleLayers: [6] }).result).layers[0]!);
    const big = all.filter((f) => (f.attributes.AREA_KM2 as number) > 1);
    assert.ok(big.length > 0 && big.length < all.length);
    const { layers, legend } = await resolve('mapService', {
      visibleLayers: [3, 4],
      layers: [
        { id: 42, name: 'Big lakes', layerDefinition: { source: { type: 'mapLayer', mapLayerId: 6 }, definitionExpression: 'AREA_KM2 > 1', drawingInfo: { renderer: fill(RED, 'Big') } } },
        { id: 13 },
        { id: 7, layerDefinition: { drawingInfo: { showLabels: false } } },
      ],
    }).result;
    assert.deepEqual(layers.map((l) => l.id), [7, 42], 'the group 13 draws nothing; the first entry is on top');
    const [coast, lakes] = featureLayers(layers);
    assert.deepEqual(featuresOf(lakes!).map((f) => f.attributes.OBJECTID).sort(), big.map((f) => f.attributes.OBJECTID).sort());
    assert.equal((lakes!.drawingInfo.renderer as { label: string }).label, 'Big');
    assert.equal(coast!.drawingInfo.labelingInfo, null);
    assert.deepEqual(legend.map((g) => [g.subLayerId, g.title, g.entries.map((e) => e.label)]), [[42, 'Big lakes', ['Big']], [7, 'Coastline', ['Coastline']]]);
  });

  it('draws `layers` renderers to pixels', async () => {
    const extent = lakeBox();
    const own = await resolve('mapService', { layers: [{ id: 6 }] }, { extent }).result;
    const red = await resolve('mapService', { layers: [{ id: 6, layerDefinition: { drawingInfo: { renderer: fill(RED) } } }] }, { extent }).result;
    const none = await resolve('mapService', { layers: [{ id: 6, layerDefinition: { definitionExpression: 'AREA_KM2 < 0', drawingInfo: { renderer: fill(RED) } } }] }, { extent }).result;
    const frame = frameOf(extent, UTM);
    assert.deepEqual((await drawFrame(frame, own.layers))(100, 100), LAKE);
    assert.deepEqual((await drawFrame(frame, red.layers))(100, 100), RED);
    assert.deepEqual((await drawFrame(frame, none.layers))(100, 100), [255, 255, 255, 255]);
  });

  it('refuses `layers` the service cannot draw, naming the layer and entry', async () => {
    const cases: [unknown, RegExp][] = [
      [[{ id: 1, layerDefinition: { source: { type: 'mapLayer', mapLayerId: 99 } } }], /Layer 'Test layer': layers\[0\] source\.mapLayerId 99 is not a layer/],
      [[{ id: 6, layerDefinition: { definitionExpression: 'AREA_KM2 >' } }], /layers\[0\] definitionExpression is invalid/],
      [[{ id: 6 }, { id: 6 }], /layers\[1\] repeats id 6/],
      [['x'], /layers\[0\] must be an object/],
    ];
    for (const [layers, re] of cases) {
      await assert.rejects(resolve('mapService', { layers }).result, (e: unknown) => e instanceof PrintRequestError && re.test(e.message), JSON.stringify(layers));
    }
  });

  it('warns about a renderer the map engine cannot draw and keeps the service renderer', async () => {
    const { context, result } = resolve('mapService', { layers: [{ id: 6, layerDefinition: { drawingInfo: { renderer: { type: 'heatmap' } } } }] });
    const [lakes] = featureLayers((await result).layers);
    assert.equal((lakes!.drawingInfo.renderer as { type: string }).type, 'simple');
    assert.match(context.warnings.join(), /renderer type 'heatmap' is not supported/);
  });
});

describe('resolveOwnServiceLayer: feature layers', () => {
  it('draws one layer with its layerDefinition, objectIds, labels on showLabels, and the selection on top', async () => {
    const selectionSymbol = { type: 'esriSFS', style: 'esriSFSSolid', color: [0, 255, 255, 255], outline: null };
    const { layers, legend } = await resolve('featureLayer', {
      layerDefinition: { definitionExpression: 'AREA_KM2 > 0.1', objectIds: [1, 3], drawingInfo: { renderer: fill(RED, 'Lake') } },
      selectionObjectIds: [1, 2, 99], selectionSymbol, showLabels: true,
    }, { layerId: 6 }).result;
    const [main, selection] = featureLayers(layers);
    assert.equal(layers.length, 2);
    // The region holds lakes 1, 2 and 4, not 3.
    assert.deepEqual(featuresOf(main!).map((f) => f.attributes.OBJECTID), [1]);
    assert.deepEqual(featuresOf(selection!).map((f) => f.attributes.OBJECTID), [1]);
    assert.deepEqual(selection!.drawingInfo.renderer, { type: 'simple', symbol: selectionSymbol });
    assert.deepEqual(legend.map((g) => [g.subLayerId, g.title, g.entries.map((e) => e.label)]), [[6, 'Lakes', ['Lake']]]);

    const places = featureLayers((await resolve('featureLayer', {}, { layerId: 0 }).result).layers)[0]!;
    assert.equal(places.drawingInfo.labelingInfo, null, 'labels only with showLabels');
    const labelled = featureLayers((await resolve('featureLayer', { showLabels: true }, { layerId: 0 }).result).layers)[0]!;
    assert.equal(labelled.drawingInfo.labelingInfo?.length, 4);
  });

  it('needs a layer ID in the URL', async () => {
    await assert.rejects(resolve('featureLayer', {}).result, /Layer 'Test layer': a feature layer URL must end in a layer ID/);
  });
});
