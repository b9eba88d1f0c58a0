/**
 * Output shaping for query results: Douglas–Peucker generalisation (`maxAllowableOffset`)
 * and coordinate rounding (`geometryPrecision`), mapserver.md §13.
 * @module geo/simplify
 */
import type { Geometry, Position } from './geometry.js';
import { mapPositions } from './geometry.js';

function segmentDistanceSq(p: Position, a: Position, b: Position): number {
  const dx = b[0]! - a[0]!, dy = b[1]! - a[1]!;
  const len = dx * dx + dy * dy;
  let t = len ? ((p[0]! - a[0]!) * dx + (p[1]! - a[1]!) * dy) / len : 0;
  t = Math.max(0, Math.min(1, t));
  const x = a[0]! + t * dx - p[0]!, y = a[1]! + t * dy - p[1]!;
  return x * x + y * y;
}

/** Douglas–Peucker with an explicit stack (no recursion depth limit). */
export function simplifyLine(line: Position[], tolerance: number): Position[] {
  if (line.length <= 2 || tolerance <= 0) return line;
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const tolSq = tolerance * tolerance;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop()!;
    let maxD = 0, index = -1;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistanceSq(line[i]!, line[first]!, line[last]!);
      if (d > maxD) { maxD = d; index = i; }
    }
    if (index >= 0 && maxD > tolSq) { keep[index] = 1; stack.push([first, index], [index, last]); }
  }
  return line.filter((_, i) => keep[i]);
}

/** A ring keeps at least four positions (a closed triangle) or is dropped. */
function simplifyRing(ring: Position[], tolerance: number): Position[] | null {
  const out = simplifyLine(ring, tolerance);
  if (out.length >= 4) return out;
  return ring.length >= 4 && tolerance > 0 ? null : ring;
}

/** Generalises lines and polygons; points are returned unchanged. Empty results become `null`. */
export function generalize(g: Geometry, tolerance: number): Geometry | null {
  if (!(tolerance > 0)) return g;
  const poly = (rings: Position[][]) => {
    const out: Position[][] = [];
    rings.forEach((r, i) => { const s = simplifyRing(r, tolerance); if (s) out.push(s); else if (i === 0) out.length = 0; });
    return out.length && rings[0] && out[0] ? out : null;
  };
  switch (g.type) {
    case 'LineString': return { type: g.type, coordinates: simplifyLine(g.coordinates, tolerance) };
    case 'MultiLineString': return { type: g.type, coordinates: g.coordinates.map((l) => simplifyLine(l, tolerance)) };
    case 'Polygon': { const p = poly(g.coordinates); return p ? { type: g.type, coordinates: p } : null; }
    case 'MultiPolygon': {
      const ps = g.coordinates.map(poly).filter((p): p is Position[][] => !!p);
      return ps.length ? { type: g.type, coordinates: ps } : null;
    }
    default: return g;
  }
}

/** Rounds every coordinate to `decimals` places. */
export function roundGeometry<G extends Geometry>(g: G, decimals: number): G {
  const f = 10 ** decimals;
  return mapPositions(g, (p) => p.map((v) => Math.round(v * f) / f));
}

/** Shortest distance from a point to a polyline's segments. */
export function pointToLineDistance(p: Position, line: Position[]): number {
  let best = Infinity;
  for (let i = 1; i < line.length; i++) best = Math.min(best, segmentDistanceSq(p, line[i - 1]!, line[i]!));
  return Math.sqrt(best);
}
