import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { encodePng } from './png-encoder.js';

/** The IDAT data of a PNG, inflated by zlib, which checks the stream's header and Adler-32. */
function inflateIdat(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 8; i < png.length;) {
    const n = png.readUInt32BE(i);
    if (png.toString('latin1', i + 4, i + 8) === 'IDAT') parts.push(png.subarray(i + 8, i + 8 + n));
    i += 12 + n;
  }
  return inflateSync(Buffer.concat(parts));
}

describe('encodePng', () => {
  it('deflates a large image in parallel parts into one valid zlib stream', async () => {
    const width = 1024, height = 768;
    const pixels = new Uint8Array(width * height * 4);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i % 4 === 3) ? 255 : (i * 7 + (i >> 11)) & 255;
    for (const [color, bpp] of [['rgb', 3], ['rgba', 4]] as const) {
      const rows = inflateIdat(await encodePng(pixels, width, height, { color }));
      assert.equal(rows.length, height * (width * bpp + 1));
      for (const y of [0, 383, 384, 767]) {
        assert.equal(rows[y * (width * bpp + 1)], 0, 'filter type None');
        for (const x of [0, 511, 1023]) {
          for (let k = 0; k < bpp; k++) assert.equal(rows[y * (width * bpp + 1) + 1 + x * bpp + k], pixels[(y * width + x) * 4 + k]);
        }
      }
    }
  });

  it('keeps a small image in one part', async () => {
    const pixels = new Uint8Array(16 * 16).fill(3);
    const png = await encodePng(pixels, 16, 16, { color: 'palette', palette: new Uint8Array([0, 0, 0, 255, 1, 1, 1, 255, 2, 2, 2, 255, 200, 10, 10, 255]) });
    assert.deepEqual([...inflateIdat(png).subarray(0, 3)], [0, 3, 3]);
  });
});
