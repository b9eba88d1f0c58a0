import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { layer, mapRequest, point } from '../carto/carto-test-fixture.js';
import { MAP_FORMATS, renderMap, UnsupportedMapFormatError } from './render-map.js';
import { decodePixels, near } from './render-test-fixture.js';

const request = mapRequest([layer('esriGeometryPoint', { type: 'simple', symbol: { type: 'esriSMS', style: 'esriSMSSquare', color: [255, 0, 0, 255], size: 15 } }, [point(50, 50)])]);

describe('renderMap', () => {
  it('writes every format with its content type', async () => {
    const types = Object.fromEntries(await Promise.all(MAP_FORMATS.map(async (f) => [f, (await renderMap(request, f)).contentType])));
    assert.deepEqual(types, {
      png: 'image/png', png8: 'image/png', png24: 'image/png', png32: 'image/png', jpg: 'image/jpeg', gif: 'image/gif',
      pdf: 'application/pdf', svg: 'image/svg+xml', svgz: 'image/svg+xml', tiff: 'image/tiff',
    });
  });

  it('draws the same map in raster, JPEG, GIF and (gzipped) SVG', async () => {
    for (const format of ['png', 'png8', 'jpg', 'gif', 'svgz']) {
      const { data } = await renderMap(request, format);
      const px = await decodePixels(format === 'svgz' ? gunzipSync(data) : data);
      assert.ok(near(px.at(50, 50), [255, 0, 0, 255], 40), `${format} centre ${px.at(50, 50)}`);
      assert.ok(near(px.at(10, 10), [255, 255, 255, 255], 40), `${format} corner ${px.at(10, 10)}`);
    }
    assert.equal((await renderMap(request, 'pdf')).data.subarray(0, 5).toString(), '%PDF-');
  });

  it('keeps a transparent background transparent in GIF', async () => {
    const { data } = await renderMap({ ...request, background: null }, 'gif');
    assert.equal(data.subarray(0, 6).toString('latin1'), 'GIF89a');
    assert.equal((await decodePixels(data)).at(5, 5)[3], 0);
  });

  it('refuses other formats', async () => {
    for (const format of ['bmp', 'ps', 'emf']) {
      await assert.rejects(renderMap(request, format), (e) => e instanceof UnsupportedMapFormatError && e.message === `Unsupported image format: ${format}`);
    }
  });
});
