import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantize } from './palette-quantizer.js';

const pixelsOf = (colors: number[][]) => Uint8Array.from(colors.flat());

describe('quantize', () => {
  it('keeps the exact colours of an image with at most 256 of them', () => {
    const colors = [[255, 0, 0, 255], [0, 0, 0, 0], [255, 0, 0, 255], [10, 20, 30, 128]];
    const { indices, palette } = quantize(pixelsOf(colors));
    assert.equal(palette.length / 4, 3);
    colors.forEach((c, i) => assert.deepEqual(Array.from(palette.subarray(indices[i]! * 4, indices[i]! * 4 + 4)), c));
  });

  it('reduces many colours to 256 entries close to the originals', () => {
    const colors = Array.from({ length: 64 * 64 }, (_, i) => [(i * 7) % 256, (i * 13) % 256, (i * 29) % 256, 255]);
    const { indices, palette } = quantize(pixelsOf(colors));
    assert.ok(palette.length / 4 <= 256);
    let worst = 0;
    colors.forEach((c, i) => c.forEach((v, k) => { worst = Math.max(worst, Math.abs(palette[indices[i]! * 4 + k]! - v)); }));
    assert.ok(worst <= 48, `worst channel error ${worst}`);
  });

  it('gives a flat colour its exact value even among many others', () => {
    const colors = Array.from({ length: 5000 }, (_, i) => (i < 3000 ? [190, 225, 245, 255] : [i % 256, (i * 3) % 256, (i * 7) % 256, 255]));
    const { indices, palette } = quantize(pixelsOf(colors));
    assert.deepEqual(Array.from(palette.subarray(indices[0]! * 4, indices[0]! * 4 + 4)), [190, 225, 245, 255]);
  });
});
