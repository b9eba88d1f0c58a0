import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { ViewTransform } from '../../carto/view-transform.js';
import type { Envelope } from '../../geo/geometry.js';
import { getTransform } from '../../geo/projection.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import type { FetchedResource } from '../print-layer.js';
import { answerText, decodeImage, frameImageRequest, georeferencedImageLayer, paintImages, requestUrl, type GeoreferencedImage } from './georeferenced-image.js';
import { frameOf, near, png } from './layer-test-fixture.js';

const WGS84: SpatialReference = { wkid: 4326 };
const MERCATOR: SpatialReference = { wkid: 102100, latestWkid: 3857 };
const UTM32: SpatialReference = { wkid: 32632 };

const RED = [255, 0, 0, 255], GREEN = [0, 255, 0, 255], BLUE = [0, 0, 255, 255], WHITE = [255, 255, 255, 255], NONE = [0, 0, 0, 0];

/** Pixels painted by `images` on a frame. */
function paint(images: GeoreferencedImage[], extent: Envelope, sr: SpatialReference, width: number, height: number, rotation = 0) {
  const rgba = paintImages(images, sr, { width, height, view: new ViewTransform(extent, width, height, rotation) });
  return (x: number, y: number) => { const i = (y * width + x) * 4; return [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!, rgba[i + 3]!]; };
}

/** A 4 × 4 px image, quadrants red (top left), green (top right), blue (bottom left), white. */
function quadrants(extent: Envelope, spatialReference: SpatialReference): GeoreferencedImage {
  const rgba = new Uint8ClampedArray(4 * 4 * 4);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) rgba.set(y < 2 ? (x < 2 ? RED : GREEN) : (x < 2 ? BLUE : WHITE), (y * 4 + x) * 4);
  return { rgba, width: 4, height: 4, extent, spatialReference };
}

/** A white image over `extent` (in `sr`) with a red square of 4 px centred on a lon/lat position. */
async function markedImage(extent: Envelope, sr: SpatialReference, lonLat: [number, number], size = 200): Promise<GeoreferencedImage> {
  const to = getTransform(WGS84, sr);
  const p = to ? to(lonLat) : lonLat;
  const col = ((p[0]! - extent.xmin) / (extent.xmax - extent.xmin)) * size, row = ((extent.ymax - p[1]!) / (extent.ymax - extent.ymin)) * size;
  const bytes = png(size, size, (ctx) => {
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = '#f00'; ctx.fillRect(Math.round(col) - 2, Math.round(row) - 2, 4, 4);
  });
  return { ...await decodeImage(bytes), extent, spatialReference: sr };
}

describe('decodeImage', () => {
  test('decodes PNG, JPEG and GIF to straight RGBA', async () => {
    const canvas = createCanvas(3, 2);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#00f'; ctx.fillRect(0, 0, 3, 2);
    ctx.fillStyle = 'rgba(255, 0, 0, 0.5)'; ctx.clearRect(2, 0, 1, 2); ctx.fillRect(2, 0, 1, 2);
    const decoded = await decodeImage(canvas.toBuffer('image/png'));
    assert.equal(decoded.width, 3);
    assert.equal(decoded.height, 2);
    assert.ok(near([...decoded.rgba.subarray(0, 4)], BLUE));
    assert.ok(near([...decoded.rgba.subarray(8, 12)], [255, 0, 0, 128], 2), `${[...decoded.rgba.subarray(8, 12)]}`);
    const jpeg = await decodeImage(canvas.toBuffer('image/jpeg', 95));
    assert.ok(near([...jpeg.rgba.subarray(0, 4)], BLUE, 40));
    const gif = await decodeImage(canvas.toBuffer('image/gif'));
    assert.ok(near([...gif.rgba.subarray(0, 4)], BLUE, 40));
  });

  test('refuses what is no PNG, JPEG, GIF or WebP picture', async () => {
    await assert.rejects(decodeImage(Buffer.alloc(0)), /not a PNG/);
    await assert.rejects(decodeImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')), /not a PNG/);
    const truncated = png(8, 8, (ctx) => ctx.fillRect(0, 0, 8, 8)).subarray(0, 30);
    await assert.rejects(decodeImage(truncated), /cannot be decoded/);
  });
});

describe('paintImages', () => {
  test('places an image of the frame SR by its extent and leaves the rest transparent', () => {
    const at = paint([quadrants({ xmin: 0, ymin: 0, xmax: 4, ymax: 4 }, MERCATOR)], { xmin: -2, ymin: -2, xmax: 6, ymax: 6 }, MERCATOR, 80, 80);
    assert.deepEqual(at(30, 30), RED);
    assert.deepEqual(at(50, 30), GREEN);
    assert.deepEqual(at(30, 50), BLUE);
    assert.deepEqual(at(50, 50), WHITE);
    assert.deepEqual(at(21, 21), RED);
    assert.deepEqual(at(5, 5), NONE);
    assert.deepEqual(at(70, 40), NONE);
    assert.deepEqual(at(19, 40), NONE);
  });

  test('turns the image with a rotated frame', () => {
    const extent = { xmin: 0, ymin: 0, xmax: 4, ymax: 4 };
    const at = paint([quadrants(extent, MERCATOR)], extent, MERCATOR, 40, 40, 90);
    // Turned a quarter counter-clockwise: the top left quadrant is now bottom left.
    assert.deepEqual(at(10, 30), RED);
    assert.deepEqual(at(10, 10), GREEN);
    assert.deepEqual(at(30, 30), BLUE);
    assert.deepEqual(at(30, 10), WHITE);
  });

  test('reprojects a Web Mercator image onto a geographic frame', async () => {
    const to = getTransform(WGS84, MERCATOR)!;
    const [x0, y0] = to([0, 40]), [x1, y1] = to([20, 60]);
    const image = await markedImage({ xmin: x0!, ymin: y0!, xmax: x1!, ymax: y1! }, MERCATOR, [10, 50]);
    // 0.1° per px: 10°E 50°N is at pixel (100, 100).
    const at = paint([image], { xmin: 0, ymin: 40, xmax: 20, ymax: 60 }, WGS84, 200, 200);
    assert.ok(near(at(100, 100), RED, 30), `${at(100, 100)}`);
    assert.ok(near(at(99, 99), RED, 30), `${at(99, 99)}`);
    // Drawn without reprojection, the mark would sit 10 px lower (Mercator stretches latitude).
    assert.ok(near(at(100, 110), WHITE, 30), `${at(100, 110)}`);
    assert.ok(near(at(110, 100), WHITE, 30), `${at(110, 100)}`);
  });

  test('reprojects a geographic image onto a UTM frame', async () => {
    const image = await markedImage({ xmin: 8, ymin: 47, xmax: 10, ymax: 49 }, WGS84, [9, 48]);
    const [e, n] = getTransform(WGS84, UTM32)!([9, 48]);
    assert.ok(Math.abs(e! - 500000) < 1e-3 && Math.abs(n! - 5316300) < 5, `${e} ${n}`);
    // 200 m per px, the point at the centre.
    const at = paint([image], { xmin: e! - 20000, ymin: n! - 20000, xmax: e! + 20000, ymax: n! + 20000 }, UTM32, 200, 200);
    assert.ok(near(at(100, 100), RED, 30), `${at(100, 100)}`);
    assert.ok(near(at(99, 99), RED, 30), `${at(99, 99)}`);
    assert.ok(near(at(100, 130), WHITE, 30), `${at(100, 130)}`);
    assert.ok(near(at(130, 100), WHITE, 30), `${at(130, 100)}`);
  });

  test('interpolates colours by alpha, so transparent pixels do not darken edges', () => {
    const rgba = Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 0, 0]);
    const at = paint([{ rgba, width: 2, height: 1, extent: { xmin: 0, ymin: 0, xmax: 2, ymax: 1 }, spatialReference: MERCATOR }], { xmin: 0, ymin: 0, xmax: 2, ymax: 1 }, MERCATOR, 40, 20);
    assert.deepEqual(at(5, 10), RED);
    assert.deepEqual(at(35, 10), NONE);
    let fading = 0;
    for (let x = 0; x < 40; x++) {
      const p = at(x, 10);
      if (p[3]! > 0 && p[3]! < 255) { fading++; assert.ok(p[0]! >= 250 && p[1]! === 0 && p[2]! === 0, `${x}: ${p}`); }
    }
    assert.ok(fading >= 15, `${fading} pixels fade`);
  });

  test('draws later images over earlier ones', () => {
    const extent = { xmin: 0, ymin: 0, xmax: 4, ymax: 4 };
    const blue: GeoreferencedImage = { rgba: Uint8ClampedArray.from([0, 0, 255, 255]), width: 1, height: 1, extent: { xmin: 1, ymin: 1, xmax: 3, ymax: 3 }, spatialReference: MERCATOR };
    const at = paint([quadrants(extent, MERCATOR), blue], extent, MERCATOR, 40, 40);
    assert.deepEqual(at(20, 20), BLUE);
    assert.deepEqual(at(5, 5), RED);
  });

  test('a raster layer paints through the frame SR with the given transparency', () => {
    const layer = georeferencedImageLayer([quadrants({ xmin: 0, ymin: 0, xmax: 4, ymax: 4 }, MERCATOR)], MERCATOR, 40);
    assert.equal(layer.kind, 'raster');
    assert.equal(layer.transparency, 40);
    const rgba = layer.paint({ width: 4, height: 4, view: new ViewTransform({ xmin: 0, ymin: 0, xmax: 4, ymax: 4 }, 4, 4) });
    assert.deepEqual([...rgba.subarray(0, 4)], RED);
  });
});

describe('requests', () => {
  test('requestUrl adds a path and parameters, replacing names whatever their case, custom parameters last', () => {
    const url = new URL(requestUrl('https://maps.example.org/wms/?map=a.map&service=wfs', '', { SERVICE: 'WMS', BBOX: '1,2,3,4', SKIP: undefined }, { key: 'k', Service: 'WMS' }));
    assert.equal(url.searchParams.get('map'), 'a.map');
    assert.deepEqual(url.searchParams.getAll('service'), []);
    assert.equal(url.searchParams.get('Service'), 'WMS');
    assert.equal(url.searchParams.get('BBOX'), '1,2,3,4');
    assert.equal(url.searchParams.get('key'), 'k');
    assert.equal(url.searchParams.has('SKIP'), false);
    assert.equal(new URL(requestUrl('https://h/arcgis/rest/services/A/MapServer/', '/export', {})).pathname, '/arcgis/rest/services/A/MapServer/export');
  });

  test('answerText gives the message of an ArcGIS error or an OGC exception', () => {
    const answer = (body: string): FetchedResource => ({ url: 'x', status: 200, contentType: 'text/xml', body: Buffer.from(body) });
    assert.equal(answerText(answer('{"error":{"code":400,"message":"Invalid bbox","details":["bbox is empty"]}}')), 'Invalid bbox bbox is empty');
    assert.equal(answerText(answer('<?xml version="1.0"?><ServiceExceptionReport><ServiceException code="LayerNotDefined">\n  Unknown layer: roads\n</ServiceException></ServiceExceptionReport>')), 'Unknown layer: roads');
  });

  test('frameImageRequest covers the rotated view at the frame resolution, within 4096 px', () => {
    const frame = frameOf({ xmin: 0, ymin: 0, xmax: 1000, ymax: 500 }, MERCATOR, 200, 100, { rotation: 90 });
    const r = frameImageRequest(frame);
    assert.ok(Math.abs(r.bbox.xmin - frame.view.xmin) < 1e-6 && Math.abs(r.bbox.ymax - frame.view.ymax) < 1e-6);
    assert.equal(r.width, 100);
    assert.equal(r.height, 200);
    const big = frameImageRequest(frameOf({ xmin: 0, ymin: 0, xmax: 8000, ymax: 2000 }, MERCATOR, 8000, 2000));
    assert.equal(big.width, 4096);
    assert.equal(big.height, 1024);
  });
});
