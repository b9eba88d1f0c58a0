import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ColorRamp, DEFAULT_TINT_STOPS, elevationTint } from './elevation-tint.js';

describe('elevation tint', () => {
  const ramp = new ColorRamp([[0, [0, 100, 0]], [1000, [200, 100, 255]], [500, [100, 200, 50]]]);

  it('hits the stops, interpolates between them and clamps beyond them', () => {
    assert.deepEqual(ramp.color(0), [0, 100, 0]);
    assert.deepEqual(ramp.color(500), [100, 200, 50]);
    assert.deepEqual(ramp.color(1000), [200, 100, 255]);
    const mid = ramp.color(250);
    assert.ok(Math.abs(mid[0] - 50) <= 1 && Math.abs(mid[1] - 150) <= 1 && Math.abs(mid[2] - 25) <= 1, String(mid));
    assert.deepEqual(ramp.color(-50), [0, 100, 0]);
    assert.deepEqual(ramp.color(5000), [200, 100, 255]);
  });

  it('colours a grid as opaque RGBA, no-data transparent', () => {
    const px = elevationTint(Float32Array.from([0, NaN, 1000]), ramp);
    assert.deepEqual([...px], [0, 100, 0, 255, 0, 0, 0, 0, 200, 100, 255, 255]);
  });

  it('runs the default ramp from sea blue through lowland green and upland brown to white', () => {
    const ramp = new ColorRamp(DEFAULT_TINT_STOPS);
    const [sr, sg, sb] = ramp.color(-50);
    assert.ok(sb > sr && sb > sg, 'sea is blue');
    const [lr, lg, lb] = ramp.color(30);
    assert.ok(lg > lr && lg > lb, 'lowland is green');
    const [ur, ug, ub] = ramp.color(650);
    assert.ok(ur > ug && ug > ub, 'upland is brown');
    assert.ok(ramp.color(1100).every((c) => c >= 240), 'summits are white');
  });

  it('refuses an empty ramp', () => {
    assert.throws(() => new ColorRamp([]), RangeError);
  });
});
