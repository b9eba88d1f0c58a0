import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ViewTransform } from './view-transform.js';

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≈ ${b}`);

describe('ViewTransform', () => {
  it('maps the extent onto the image with y flipped', () => {
    const v = new ViewTransform({ xmin: 1000, ymin: 2000, xmax: 1200, ymax: 2100 }, 400, 200);
    close(v.x(1000, 2100), 0);
    close(v.y(1000, 2100), 0);
    close(v.x(1200, 2000), 400);
    close(v.y(1200, 2000), 200);
  });

  it('turns the content counter-clockwise about the centre', () => {
    const v = new ViewTransform({ xmin: 0, ymin: 0, xmax: 100, ymax: 100 }, 100, 100, 90);
    // East of the centre goes to the top of the image.
    close(v.x(100, 50), 50);
    close(v.y(100, 50), 0);
    close(v.x(50, 100), 0);
    close(v.y(50, 100), 50);
  });

  it('inverts its mapping and covers the rotated image', () => {
    const v = new ViewTransform({ xmin: 0, ymin: 0, xmax: 100, ymax: 100 }, 100, 100, 45);
    const [x, y] = v.toMap(v.x(12, 34), v.y(12, 34));
    close(x, 12);
    close(y, 34);
    assert.ok(v.view.xmin < -20 && v.view.xmax > 120);
  });
});
