/**
 * Polygon labels (esriServerPolygonPlacementAlwaysHorizontal, mapserver.md §15.5): horizontal,
 * centred on the pole of inaccessibility of the visible part of the largest polygon.
 * @module carto/polygon-label-placement
 */
import type { TextItem } from './display-list.js';
import { clipRing } from './clip-ring.js';
import type { PlacementEnv, PolygonCandidate } from './label-candidate.js';
import { poleOfInaccessibility } from './pole-of-inaccessibility.js';
import { placeStraightLabel } from './straight-label-placement.js';

/** Pole search precision, px: finer would not move a label visibly. */
const POLE_PRECISION_PX = 1;

/** Shoelace area in y-down px: positive for clockwise rings on screen (exteriors here). */
function ringArea(ring: readonly number[]): number {
  let a = 0;
  for (let i = 0, n = ring.length / 2, j = n - 1; i < n; j = i++) a += ring[j * 2]! * ring[i * 2 + 1]! - ring[i * 2]! * ring[j * 2 + 1]!;
  return a / 2;
}

/**
 * The visible rings, clipped to the image, with the largest exterior first: the pole search
 * covers that exterior's box, and the other rings still count as edges (holes, neighbours).
 */
function visibleRings(c: PolygonCandidate, width: number, height: number): { coords: Float64Array; offsets: Uint32Array } | null {
  const { coords, offsets } = c.parts;
  const rings: number[][] = [];
  for (let r = 0; r + 1 < offsets.length; r++) {
    const ring = clipRing(coords.subarray(offsets[r]! * 2, offsets[r + 1]! * 2), 0, 0, width, height);
    if (ring.length >= 6) rings.push(ring);
  }
  let best = -1, bestArea = 0;
  rings.forEach((ring, i) => {
    const a = ringArea(ring);
    if (a > bestArea) { bestArea = a; best = i; }
  });
  if (best < 0) return null;
  rings.unshift(...rings.splice(best, 1));
  const out = new Float64Array(rings.reduce((s, r) => s + r.length, 0));
  const outOffsets = new Uint32Array(rings.length + 1);
  let o = 0;
  rings.forEach((ring, i) => {
    outOffsets[i] = o / 2;
    out.set(ring, o);
    o += ring.length;
  });
  outOffsets[rings.length] = o / 2;
  return { coords: out, offsets: outOffsets };
}

/** Places a polygon label at the pole of inaccessibility, horizontally, if it fits. */
export function placePolygonLabel(c: PolygonCandidate, env: PlacementEnv): TextItem | null {
  const rings = visibleRings(c, env.index.width, env.index.height);
  if (!rings) return null;
  const [x, y] = poleOfInaccessibility(rings.coords, rings.offsets, POLE_PRECISION_PX);
  const style = c.labelClass.style;
  return placeStraightLabel(c, env, x + style.dx, y + style.dy, { hx: 0, vy: 0, radius: 0 }, 0);
}
