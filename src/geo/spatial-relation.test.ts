import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import booleanIntersects from '@turf/boolean-intersects';
import type { Geometry } from './geometry.js';
import { envelopeToPolygon } from './geometry.js';
import { rectangleIntersects } from './spatial-relation.js';

const r = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };

describe('rectangleIntersects', () => {
  const cases: [string, Geometry, boolean][] = [
    ['point inside', { type: 'Point', coordinates: [5, 5] }, true],
    ['point on the edge', { type: 'Point', coordinates: [10, 3] }, true],
    ['point outside', { type: 'Point', coordinates: [11, 3] }, false],
    ['line crossing without a vertex inside', { type: 'LineString', coordinates: [[-5, 5], [15, 5]] }, true],
    ['line passing by a corner', { type: 'LineString', coordinates: [[9, 12], [12, 9]] }, false],
    ['polygon around the rectangle', envelopeToPolygon({ xmin: -5, ymin: -5, xmax: 20, ymax: 20 }), true],
    ['polygon with the rectangle in its hole', { type: 'Polygon', coordinates: [[[-5, -5], [20, -5], [20, 20], [-5, 20], [-5, -5]], [[-1, -1], [-1, 11], [11, 11], [11, -1], [-1, -1]]] }, false],
    ['polygon overlapping a side', envelopeToPolygon({ xmin: 8, ymin: 2, xmax: 14, ymax: 4 }), true],
    ['polygon beside it', envelopeToPolygon({ xmin: 11, ymin: 2, xmax: 14, ymax: 4 }), false],
  ];
  for (const [name, g, expected] of cases) {
    it(`${name}: ${expected}, as the general predicate says`, () => {
      assert.equal(rectangleIntersects(r, g), expected);
      assert.equal(booleanIntersects(envelopeToPolygon(r), g), expected);
    });
  }
});
