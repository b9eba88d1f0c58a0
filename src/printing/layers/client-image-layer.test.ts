import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getTransform } from '../../geo/projection.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { PrintRequestError } from '../web-map.js';
import { resolveClientImageLayer } from './client-image-layer.js';
import { contextOf, frameOf, layerOf, paintOf, png, startServer, testFetcher, type TestServer } from './layer-test-fixture.js';

const MERCATOR: SpatialReference = { wkid: 102100, latestWkid: 3857 };
const RED = [255, 0, 0, 255], BLUE = [0, 0, 255, 255], NONE = [0, 0, 0, 0];

/** 20 × 10 px: left half red, right half blue. */
const HALVES = png(20, 10, (ctx) => { ctx.fillStyle = '#f00'; ctx.fillRect(0, 0, 10, 10); ctx.fillStyle = '#00f'; ctx.fillRect(10, 0, 10, 10); });

let server: TestServer;
before(async () => {
  server = await startServer((url) => (url.pathname === '/picture.png' ? { body: HALVES } : { status: 200, type: 'text/plain', body: 'hello' }));
});
after(() => server.close());

/** A 200 × 200 px Web Mercator frame over (0, 0)–(2000, 2000); the image sits on its middle. */
const frame = () => frameOf({ xmin: 0, ymin: 0, xmax: 2000, ymax: 2000 }, MERCATOR, 200, 200);
const extent = { xmin: 500, ymin: 750, xmax: 1500, ymax: 1250 };

describe('client images', () => {
  test('base64 imageData over its extent, in the frame SR when the extent names none', async () => {
    const layer = layerOf('image', { extent, imageData: HALVES.toString('base64'), copyright: 'Sketch © Ann' }, { opacity: 0.5 });
    const resolved = await resolveClientImageLayer(layer, contextOf(frame()));
    assert.equal(resolved.credits, 'Sketch © Ann');
    assert.equal(resolved.layers[0]!.kind === 'raster' && resolved.layers[0]!.transparency, 50);
    const px = paintOf(resolved, frame());
    assert.deepEqual(px.at(60, 100), RED);
    assert.deepEqual(px.at(140, 100), BLUE);
    assert.deepEqual(px.at(100, 60), NONE);
    assert.deepEqual(px.at(40, 100), NONE);
  });

  test('an extent in another SR is reprojected', async () => {
    const toGeo = getTransform(MERCATOR, { wkid: 4326 })!;
    const [xmin, ymin] = toGeo([extent.xmin, extent.ymin]), [xmax, ymax] = toGeo([extent.xmax, extent.ymax]);
    const layer = layerOf('image', { extent: { xmin, ymin, xmax, ymax, spatialReference: { wkid: 4326 } }, imageData: HALVES.toString('base64') });
    const px = paintOf(await resolveClientImageLayer(layer, contextOf(frame())), frame());
    assert.deepEqual(px.at(60, 100), RED);
    assert.deepEqual(px.at(140, 100), BLUE);
    assert.deepEqual(px.at(40, 100), NONE);
  });

  test('an image by url, fetched through the fetcher with the layer token', async () => {
    const fetcher = testFetcher();
    const layer = layerOf('image', { extent, url: `${server.base}/picture.png` }, { token: 'ct' });
    const px = paintOf(await resolveClientImageLayer(layer, contextOf(frame(), fetcher)), frame());
    assert.deepEqual(px.at(60, 100), RED);
    assert.deepEqual(fetcher.calls.map((c) => [c.url, c.options.token]), [[`${server.base}/picture.png`, 'ct']]);
  });

  test('bad base64, an undecodable picture, a url answering no image or no extent fail the layer', async () => {
    const context = contextOf(frame());
    const fails = (json: Record<string, unknown>, message: string) => assert.rejects(resolveClientImageLayer(layerOf('image', json), context),
      (e: Error) => e instanceof PrintRequestError && e.message === `Layer 'Test layer': ${message}`);
    await fails({ extent, imageData: 'not base64!' }, 'imageData is not base64 text');
    await fails({ extent, imageData: Buffer.from('GIF89a but no more').toString('base64') }, 'imageData: the image cannot be decoded');
    await fails({ extent, imageData: Buffer.from('plain text').toString('base64') }, 'imageData: not a PNG, JPEG, GIF or WebP image');
    await fails({ extent, url: `${server.base}/other` }, 'the image URL answered no image: hello');
    await fails({ imageData: HALVES.toString('base64') }, 'a client image needs an extent');
    await fails({ extent: { xmin: 0, ymin: 0, xmax: 0, ymax: 5 }, imageData: HALVES.toString('base64') }, 'the extent of a client image must not be empty');
    await fails({ extent }, 'a client image needs imageData or a url');
  });
});
