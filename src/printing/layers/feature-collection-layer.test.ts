import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { buildDisplayList } from '../../carto/build-display-list.js';
import type { TextItem } from '../../carto/display-list.js';
import type { Point } from '../../geo/geometry.js';
import { PrintRequestError } from '../web-map.js';
import { resolveFeatureCollectionLayer } from './feature-collection-layer.js';
import { contextOf, drawFrame, featureLayers, featuresOf, frameOf, layerOf } from './layer-test-fixture.js';

type Json = Record<string, unknown>;

const MERCATOR = { wkid: 102100, latestWkid: 3857 };
/** 1 km of Web Mercator drawn 100 px wide: 10 m per px. */
const frame = frameOf({ xmin: 0, ymin: 0, xmax: 1000, ymax: 1000 }, { wkid: 3857 }, 100, 100);
const RED = [255, 0, 0, 255], BLUE = [0, 0, 255, 255], WHITE = [255, 255, 255, 255];
const sfs = (color: number[]) => ({ type: 'esriSFS', style: 'esriSFSSolid', color, outline: null });
const sms = (color: number[], size = 8) => ({ type: 'esriSMS', style: 'esriSMSCircle', color, size });
/** A square polygon in map units of the frame. */
const square = (x: number, y: number, s: number) => ({ rings: [[[x, y], [x, y + s], [x + s, y + s], [x + s, y], [x, y]]] });

/** A collection layer in Web Mercator drawn by `renderer`. */
const collectionLayer = (name: string, features: Json[], definition: Json = {}, featureSet: Json = {}) => ({
  layerDefinition: { name, geometryType: 'esriGeometryPolygon', drawingInfo: { renderer: { type: 'simple', label: name, symbol: sfs(RED) } }, ...definition },
  featureSet: { spatialReference: MERCATOR, features, ...featureSet },
});
const resolve = (layers: unknown[], json: Json = {}, context = contextOf(frame)) =>
  resolveFeatureCollectionLayer(layerOf('featureCollection', { featureCollection: { layers }, ...json }, { title: 'Graphics' }), context);

describe('resolveFeatureCollectionLayer', () => {
  it('keeps draw order across features with their own symbols', async () => {
    // A (renderer red) below B (own blue) below C (renderer red): runs of three layers.
    const { layers, legend } = await resolve([collectionLayer('shapes', [
      { geometry: square(100, 100, 400), attributes: { n: 'A' } },
      { geometry: square(300, 300, 400), attributes: { n: 'B' }, symbol: sfs(BLUE) },
      { geometry: square(500, 500, 400), attributes: { n: 'C' } },
    ])]);
    assert.deepEqual(layers.map((l) => l.id), [0, 1, 2]);
    assert.deepEqual(layers.map((l) => featuresOf(l).map((f) => f.attributes.n)), [['A'], ['B'], ['C']]);
    const at = await drawFrame(frame, layers);
    // Pixel (x, 100 − y) shows map (10x, 10y).
    assert.deepEqual(at(20, 80), RED, 'A alone');
    assert.deepEqual(at(40, 60), BLUE, 'B over A');
    assert.deepEqual(at(60, 40), RED, 'C over B');
    assert.deepEqual(at(5, 95), WHITE);
    assert.deepEqual(legend, [{ subLayerId: 0, title: 'shapes', entries: [{ label: 'shapes', symbol: sfs(RED), geometryType: 'polygon' }] }]);
  });

  it('draws a run of different own symbols as one layer', async () => {
    const { layers } = await resolve([collectionLayer('points', [
      { geometry: { x: 200, y: 500 }, symbol: sms(RED, 12) },
      { geometry: { x: 800, y: 500 }, symbol: sms(BLUE, 12) },
    ], { geometryType: 'esriGeometryPoint' })]);
    assert.equal(layers.length, 1);
    const at = await drawFrame(frame, layers);
    assert.deepEqual(at(20, 50), RED);
    assert.deepEqual(at(80, 50), BLUE);
  });

  it('draws text graphics as text with their own symbol and alignment', async () => {
    const text = (t: string, extra: Json = {}) => ({ type: 'esriTS', color: [0, 0, 255, 255], text: t, font: { family: 'DejaVu Sans', size: 10 }, horizontalAlignment: 'center', verticalAlignment: 'middle', ...extra });
    const { layers } = await resolve([collectionLayer('text', [
      { geometry: { x: 500, y: 800 }, symbol: text('North') },
      { geometry: { x: 500, y: 200 }, symbol: text('South', { color: [255, 0, 0, 255], horizontalAlignment: 'left' }) },
    ], { geometryType: 'esriGeometryPoint', drawingInfo: {} })]);
    assert.equal(layers.length, 1);
    const list = buildDisplayList({ extent: frame.extent, width: 100, height: 100, dpi: 96, background: null, layers, scale: frame.scale }, { warn: () => {} });
    const texts = list.items.filter((i): i is TextItem => i.kind === 'text');
    assert.deepEqual(texts.map((t) => [t.text, t.color, t.align]).sort(), [['North', [0, 0, 255, 255], 'center'], ['South', [255, 0, 0, 255], 'left']]);
    const north = texts.find((t) => t.text === 'North')!;
    assert.ok(Math.abs(north.x - 50) < 1 && north.y > 20 && north.y < 25, `North at ${north.x}, ${north.y}`);
  });

  it('projects geometries from their own SR, else the feature set’s, else the frame’s, leaving out what the frame cannot hold', async () => {
    const { layers } = await resolve([collectionLayer('points', [
      { geometry: { x: 10, y: 50, spatialReference: { wkid: 4326 } } },
      { geometry: { x: 1, y: 2 } },
      { geometry: { x: 0, y: 90, spatialReference: { wkid: 4326 } } },
    ], { geometryType: 'esriGeometryPoint' }, { spatialReference: undefined }), {
      layerDefinition: { name: 'wgs', drawingInfo: { renderer: { type: 'simple', symbol: sms(RED) } }, spatialReference: { wkid: 4326 } },
      featureSet: { features: [{ geometry: { x: 10, y: 50 } }] },
    }]);
    const points = layers.flatMap(featuresOf).map((f) => (f.geometry as Point).coordinates);
    assert.equal(points.length, 3);
    const near = (p: number[], x: number, y: number) => Math.abs(p[0]! - x) < 0.5 && Math.abs(p[1]! - y) < 0.5;
    assert.ok(near(points[0]!, 1113194.9, 6446275.8), String(points[0]));
    assert.ok(near(points[1]!, 1, 2), String(points[1]));
    assert.ok(near(points[2]!, 1113194.9, 6446275.8), String(points[2]));
  });

  it('applies label classes only with showLabels, and skips tables', async () => {
    const labelingInfo = [{ labelExpression: '[n]', symbol: { type: 'esriTS', color: [0, 0, 0, 255], font: { size: 8 } } }];
    const layers = [
      collectionLayer('shapes', [{ geometry: square(100, 100, 400), attributes: { n: 'A' } }], { drawingInfo: { renderer: { type: 'simple', symbol: sfs(RED) }, labelingInfo } }),
      { layerDefinition: { name: 'table', type: 'Table' }, featureSet: { features: [{ attributes: { n: 1 } }] } },
    ];
    const plain = await resolve(layers);
    assert.equal(plain.layers.length, 1);
    assert.equal(featureLayers(plain.layers)[0]!.drawingInfo.labelingInfo, null);
    const labelled = await resolve(layers, { showLabels: true });
    assert.deepEqual(featureLayers(labelled.layers)[0]!.drawingInfo.labelingInfo, labelingInfo);
  });

  it('applies the web map opacity over the layer transparency', async () => {
    const context = contextOf(frame);
    const layer = layerOf('featureCollection', {
      featureCollection: { layers: [collectionLayer('shapes', [{ geometry: square(0, 0, 10) }], { drawingInfo: { renderer: { type: 'simple', symbol: sfs(RED) }, transparency: 20 } })] },
    }, { opacity: 0.5 });
    const { layers } = await resolveFeatureCollectionLayer(layer, context);
    assert.equal(featureLayers(layers)[0]!.drawingInfo.transparency, 60);
  });

  it('fails on a geometry it cannot read, naming the layer and the feature', async () => {
    await assert.rejects(resolve([collectionLayer('shapes', [{ geometry: square(0, 0, 10) }, { geometry: { rings: [[[0, 0], ['a', 1]]] } }])]),
      (e: unknown) => e instanceof PrintRequestError && /^Layer 'Graphics': feature 1 of 'shapes' has a geometry that cannot be read/.test(e.message));
    await assert.rejects(resolve([collectionLayer('shapes', [{ geometry: { x: 1, y: 2, spatialReference: { wkid: 999999 } } }])]), /feature 0 of 'shapes'.*unknown wkid/);
    await assert.rejects(resolve('x' as unknown as unknown[]), /featureCollection\.layers must be an array/);
  });

  it('draws a temporal renderer as tracks, observations and the latest observation of each track', async () => {
    const renderer = {
      type: 'temporal',
      observationRenderer: { type: 'simple', label: 'Seen', symbol: sms(BLUE, 6) },
      latestObservationRenderer: { type: 'simple', symbol: sms(RED, 10) },
      trackRenderer: { type: 'simple', symbol: { type: 'esriSLS', style: 'esriSLSSolid', color: [0, 0, 0, 255], width: 1 } },
    };
    const observation = (track: string, t: number, x: number, y: number) => ({ geometry: { x, y }, attributes: { track, t } });
    const { layers, legend } = await resolve([collectionLayer('moves', [
      observation('a', 3, 300, 300), observation('a', 1, 100, 100), observation('b', 5, 900, 100), observation('a', 2, 200, 200), observation('b', 4, 800, 100),
    ], { geometryType: 'esriGeometryPoint', drawingInfo: { renderer }, timeInfo: { trackIdField: 'track', startTimeField: 't' } })]);
    const [tracks, observations, latest] = featureLayers(layers);
    assert.deepEqual(featuresOf(tracks!).map((f) => [f.attributes.track, f.geometry.coordinates]), [['a', [[100, 100], [200, 200], [300, 300]]], ['b', [[800, 100], [900, 100]]]]);
    assert.deepEqual(featuresOf(observations!).map((f) => f.attributes.t), [1, 2, 4]);
    assert.deepEqual(featuresOf(latest!).map((f) => f.attributes.t), [3, 5]);
    assert.deepEqual(latest!.drawingInfo.renderer, renderer.latestObservationRenderer);
    assert.deepEqual(legend[0]!.entries.map((e) => e.label), ['Seen']);
  });

  it('inlines picture symbols given by a data: URL', async () => {
    const canvas = createCanvas(4, 4);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#00ff00';
    ctx.fillRect(0, 0, 4, 4);
    const url = `data:image/png;base64,${canvas.toBuffer('image/png').toString('base64')}`;
    const { layers } = await resolve([collectionLayer('pins', [{ geometry: { x: 500, y: 500 }, symbol: { type: 'esriPMS', url, width: 12, height: 12 } }], { geometryType: 'esriGeometryPoint' })]);
    const renderer = featureLayers(layers)[0]!.drawingInfo.renderer as { uniqueValueInfos: { symbol: Json }[] };
    assert.equal(renderer.uniqueValueInfos[0]!.symbol.contentType, 'image/png');
    assert.deepEqual((await drawFrame(frame, layers))(50, 50), [0, 255, 0, 255]);
  });
});
