/**
 * Polyline and ring helpers for generated features: simplification, smoothing, measurement,
 * rounding and small predicates. Coordinates are map units (metres, EPSG:32630).
 * @module sample/polyline
 */
import type { Position } from '../geo/geometry.js';

/** Distance from p to segment ab. */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(ax + t * dx - px, ay + t * dy - py);
}

/** Douglas–Peucker simplification of an open line; keeps both end points. */
export function simplifyLine(points: Position[], tolerance: number): Position[] {
  const n = points.length;
  if (n <= 2) return points.slice();
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack: number[] = [0, n - 1];
  while (stack.length > 0) {
    const last = stack.pop()!, first = stack.pop()!;
    const a = points[first]!, b = points[last]!;
    let worst = -1, worstD = tolerance;
    for (let i = first + 1; i < last; i++) {
      const p = points[i]!;
      const d = distanceToSegment(p[0]!, p[1]!, a[0]!, a[1]!, b[0]!, b[1]!);
      if (d > worstD) { worstD = d; worst = i; }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push(first, worst, worst, last);
    }
  }
  return points.filter((_, i) => keep[i]);
}

/** Douglas–Peucker for a closed ring (first = last), split at the vertex farthest from the start. */
export function simplifyRing(ring: Position[], tolerance: number): Position[] {
  if (ring.length <= 4) return ring.slice();
  const p0 = ring[0]!;
  let far = 1, farD = -1;
  for (let i = 1; i < ring.length - 1; i++) {
    const d = Math.hypot(ring[i]![0]! - p0[0]!, ring[i]![1]! - p0[1]!);
    if (d > farD) { farD = d; far = i; }
  }
  const a = simplifyLine(ring.slice(0, far + 1), tolerance);
  const b = simplifyLine(ring.slice(far), tolerance);
  return a.concat(b.slice(1));
}

/** Chaikin corner cutting; end points stay fixed. Each iteration doubles the vertex count. */
export function smoothLine(points: Position[], iterations: number): Position[] {
  let line = points;
  for (let it = 0; it < iterations && line.length > 2; it++) {
    const out: Position[] = [line[0]!];
    for (let i = 0; i < line.length - 1; i++) {
      const a = line[i]!, b = line[i + 1]!;
      if (i > 0) out.push([0.75 * a[0]! + 0.25 * b[0]!, 0.75 * a[1]! + 0.25 * b[1]!]);
      if (i < line.length - 2) out.push([0.25 * a[0]! + 0.75 * b[0]!, 0.25 * a[1]! + 0.75 * b[1]!]);
    }
    out.push(line[line.length - 1]!);
    line = out;
  }
  return line;
}

/** Length of a polyline. */
export function lineLength(points: Position[]): number {
  let len = 0;
  for (let i = 1; i < points.length; i++) len += Math.hypot(points[i]![0]! - points[i - 1]![0]!, points[i]![1]! - points[i - 1]![1]!);
  return len;
}

/** Points every `spacing` along a polyline (first point included; the last only if it falls on the spacing). */
export function pointsAlong(points: Position[], spacing: number, offset = 0): { x: number; y: number; dx: number; dy: number }[] {
  const out: { x: number; y: number; dx: number; dy: number }[] = [];
  let next = offset;
  let walked = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!, b = points[i]!;
    const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
    if (len === 0) continue;
    const ux = (b[0]! - a[0]!) / len, uy = (b[1]! - a[1]!) / len;
    while (next <= walked + len) {
      const t = next - walked;
      out.push({ x: a[0]! + ux * t, y: a[1]! + uy * t, dx: ux, dy: uy });
      next += spacing;
    }
    walked += len;
  }
  return out;
}

/** Rounds to 0.1 m and drops consecutive duplicates that rounding creates. */
export function roundLine(points: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of points) {
    const x = Math.round(p[0]! * 10) / 10, y = Math.round(p[1]! * 10) / 10;
    const last = out[out.length - 1];
    if (last && last[0] === x && last[1] === y) continue;
    out.push([x, y]);
  }
  return out;
}

/** Twice the signed area of a ring (positive when counter-clockwise in a y-up CRS). */
export function ringArea2(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return a;
}

/** Absolute area of a ring, m². */
export function ringArea(ring: Position[]): number {
  return Math.abs(ringArea2(ring)) / 2;
}

/** Area of a polygon (exterior minus holes), m². */
export function polygonArea(rings: Position[][]): number {
  return rings.reduce((sum, r, k) => sum + (k === 0 ? 1 : -1) * ringArea(r), 0);
}

/** Even-odd point-in-ring test. */
export function pointInRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!, yi = ring[i]![1]!, xj = ring[j]![0]!, yj = ring[j]![1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Point in polygon with holes. */
export function pointInPolygon(x: number, y: number, rings: Position[][]): boolean {
  if (!pointInRing(x, y, rings[0]!)) return false;
  for (let k = 1; k < rings.length; k++) if (pointInRing(x, y, rings[k]!)) return false;
  return true;
}

/** True when segments ab and cd cross or touch. */
export function segmentsIntersect(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const onSeg = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) =>
    Math.min(px, qx) <= rx && rx <= Math.max(px, qx) && Math.min(py, qy) <= ry && ry <= Math.max(py, qy);
  return (d1 === 0 && onSeg(cx, cy, dx, dy, ax, ay)) || (d2 === 0 && onSeg(cx, cy, dx, dy, bx, by))
    || (d3 === 0 && onSeg(ax, ay, bx, by, cx, cy)) || (d4 === 0 && onSeg(ax, ay, bx, by, dx, dy));
}

/** Intersection parameter t along ab where it properly crosses cd, or -1. */
export function crossingParameter(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): number {
  const rx = bx - ax, ry = by - ay, sx = dx - cx, sy = dy - cy;
  const den = rx * sy - ry * sx;
  if (den === 0) return -1;
  const t = ((cx - ax) * sy - (cy - ay) * sx) / den;
  const u = ((cx - ax) * ry - (cy - ay) * rx) / den;
  return t > 1e-9 && t < 1 - 1e-9 && u > 1e-9 && u < 1 - 1e-9 ? t : -1;
}
