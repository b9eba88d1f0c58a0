import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { hillshade, shade } from './hillshade.js';

/** A plane z = px·x_east + qy·y_north sampled on a grid of `cell` m, top row first (north). */
function plane(width: number, height: number, cell: number, px: number, qy: number): { width: number; height: number; z: Float32Array; pixelWidth: number; pixelHeight: number } {
  const z = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) z[r * width + c] = 500 + px * c * cell + qy * (height - 1 - r) * cell;
  return { width, height, z, pixelWidth: cell, pixelHeight: cell };
}

const close = (a: number, b: number, eps = 1e-4) => assert.ok(Math.abs(a - b) < eps, `${a} ≠ ${b}`);

describe('hillshade (Horn)', () => {
  it('shades a flat surface with the sine of the light altitude', () => {
    const out = hillshade(plane(8, 6, 25, 0, 0));
    for (const v of out) close(v, Math.SQRT1_2);
    close(hillshade(plane(4, 4, 25, 0, 0), { altitude: 30 })[5]!, 0.5);
  });

  it('gives the textbook value for a 45° slope, edges included', () => {
    // Rising east at 45° faces west; light from 315° at 45°: cos(zenith)cos(slope) + sin(zenith)sin(slope)cos(45°).
    const expected = 0.5 + 0.5 * Math.SQRT1_2;
    const out = hillshade(plane(9, 7, 10, 1, 0));
    for (const v of out) close(v, expected);
    // Facing the light squarely (rising south-east, i.e. facing north-west) at 45°: fully lit.
    const g = Math.tan(Math.PI / 4) / Math.SQRT2;
    close(hillshade(plane(5, 5, 10, g, -g))[12]!, 1);
    // Facing away (rising north-west) at 45°: the light grazes it, 0.
    close(hillshade(plane(5, 5, 10, -g, g))[12]!, 0);
  });

  it('honours the z-factor, azimuth and a stride', () => {
    const slope = hillshade(plane(5, 5, 10, 0.5, 0), { zFactor: 2 })[12]!;
    close(slope, 0.5 + 0.5 * Math.SQRT1_2);
    // Light from the east on an east-rising slope (facing west): in shadow at 45°.
    close(hillshade(plane(5, 5, 10, 1, 0), { azimuth: 90 })[12]!, 0);
    close(hillshade({ ...plane(12, 12, 10, 1, 0), stride: 3 })[66]!, 0.5 + 0.5 * Math.SQRT1_2);
  });

  it('leaves no-data transparent and treats missing neighbours as flat', () => {
    const grid = plane(5, 5, 10, 0, 0);
    grid.z[0] = NaN;
    const out = hillshade(grid);
    assert.ok(Number.isNaN(out[0]!));
    close(out[6]!, Math.SQRT1_2);
  });

  it('blends four lights in the multidirectional variant', () => {
    close(shade(0, 0, { multidirectional: true }), Math.SQRT1_2);
    // A slope facing north-west (the 315° light's favourite) is lit less than by that light alone, more than 0.
    const g = 0.5;
    const multi = shade(g, -g, { multidirectional: true }), single = shade(g, -g);
    assert.ok(multi > 0 && multi <= single, `${multi} vs ${single}`);
    // A slope facing south-east, away from all four lights, stays darker than flat ground.
    assert.ok(shade(-g, g, { multidirectional: true }) < Math.SQRT1_2 / 2);
    // A west-facing slope: weights cos² of each light's angle to the gradient (270°: 1, 225° and 315°: ½, 360°: 0), halved.
    close(shade(1, 0, { multidirectional: true }), shade(1, 0, { azimuth: 270 }) * 0.5 + shade(1, 0, { azimuth: 225 }) * 0.25 + shade(1, 0, { azimuth: 315 }) * 0.25);
  });

  it('shades 1024 × 768 in well under 100 ms', () => {
    const width = 1024, height = 768;
    const z = new Float32Array(width * height);
    for (let i = 0; i < z.length; i++) z[i] = Math.sin((i % width) / 37) * 200 + Math.cos(i / width / 23) * 150;
    hillshade({ width, height, z, pixelWidth: 25, pixelHeight: 25 });
    const t0 = performance.now();
    hillshade({ width, height, z, pixelWidth: 25, pixelHeight: 25 });
    const ms = performance.now() - t0;
    assert.ok(ms < 100, `${ms.toFixed(1)} ms`);
  });
});
