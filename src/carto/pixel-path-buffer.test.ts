import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Position } from '../geo/geometry.js';
import { PixelPathBuffer } from './pixel-path-buffer.js';
import { ViewTransform } from './view-transform.js';

// Map units equal px, with y flipped: px (x, y) is map (x, 100 − y).
const view = new ViewTransform({ xmin: 0, ymin: 0, xmax: 100, ymax: 100 }, 100, 100);
const box = { xmin: -5, ymin: -5, xmax: 105, ymax: 105 };
const points = (parts: { coords: Float64Array }): number[][] => {
  const out: number[][] = [];
  for (let i = 0; i < parts.coords.length; i += 2) out.push([Math.round(parts.coords[i]!), Math.round(parts.coords[i + 1]!)]);
  return out;
};

describe('PixelPathBuffer clipping', () => {
  // A line that wanders 20 vertices beyond the left edge, then crosses the image.
  const wander: Position[] = [...Array.from({ length: 20 }, (_, i) => [-50 - (i % 2) * 10, 90 - i * 2]), [50, 50], [150, 50]];

  it('drops vertices beyond one side between neighbours beyond the same side', () => {
    const b = new PixelPathBuffer();
    b.beginFeature(box);
    b.addPart(wander, view, false);
    assert.ok(b.endFeature(100, 100, 1));
    assert.deepEqual(points(b.take()), [[-50, 10], [-60, 48], [50, 50], [150, 50]]);
  });

  it('keeps every vertex without a clip box (dashed lines)', () => {
    const b = new PixelPathBuffer();
    b.beginFeature(null);
    b.addPart(wander, view, false);
    b.endFeature(100, 100, 1);
    assert.equal(b.take().coords.length / 2, 22);
  });

  it('keeps corners where a line passes from one side to another', () => {
    // Beyond the left, then the top-left corner, then beyond the top: no side is shared by all three.
    const b = new PixelPathBuffer();
    b.beginFeature(box);
    b.addPart([[-20, 50], [-20, 120], [50, 120], [50, 50]], view, false);
    b.endFeature(100, 100, 1);
    assert.deepEqual(points(b.take()), [[-20, 50], [-20, -20], [50, -20], [50, 50]]);
  });
});
