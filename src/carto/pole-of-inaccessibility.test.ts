import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poleOfInaccessibility } from './pole-of-inaccessibility.js';

const rings = (...rs: number[][]) => ({
  coords: Float64Array.from(rs.flat()),
  offsets: Uint32Array.from(rs.reduce<number[]>((o, r) => [...o, o[o.length - 1]! + r.length / 2], [0])),
});

describe('poleOfInaccessibility', () => {
  it('finds the centre of a square', () => {
    const { coords, offsets } = rings([0, 0, 100, 0, 100, 100, 0, 100]);
    const [x, y, d] = poleOfInaccessibility(coords, offsets, 0.5);
    assert.ok(Math.abs(x - 50) < 1 && Math.abs(y - 50) < 1 && Math.abs(d - 50) < 1);
  });

  it('stays inside an L shape, in its thicker arm', () => {
    const { coords, offsets } = rings([0, 0, 100, 0, 100, 20, 20, 20, 20, 100, 0, 100]);
    const [x, y, d] = poleOfInaccessibility(coords, offsets, 0.5);
    assert.ok(d >= 9.5, `distance ${d}`);
    assert.ok((x <= 20 && y >= 0) || (y <= 20 && x >= 0));
  });

  it('keeps out of holes', () => {
    const { coords, offsets } = rings([0, 0, 100, 0, 100, 100, 0, 100], [30, 30, 70, 30, 70, 70, 30, 70]);
    const [x, y] = poleOfInaccessibility(coords, offsets, 0.5);
    assert.ok(!(x > 30 && x < 70 && y > 30 && y < 70), `${x}, ${y} is in the hole`);
  });
});
