/**
 * Clipping of a polyline to a rectangle (Liang–Barsky per segment), for labels, which must lie
 * on the visible part of a line.
 * @module carto/clip-polyline
 */

/** Parameter range [t0, t1] of the segment inside the rectangle, or null. */
function clipSegment(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): [number, number] | null {
  const dx = bx - ax, dy = by - ay;
  let t0 = 0, t1 = 1;
  const p = [-dx, dx, -dy, dy];
  const q = [ax - x0, x1 - ax, ay - y0, y1 - ay];
  for (let i = 0; i < 4; i++) {
    if (p[i] === 0) {
      if (q[i]! < 0) return null;
      continue;
    }
    const t = q[i]! / p[i]!;
    if (p[i]! < 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return null;
  }
  return [t0, t1];
}

/**
 * The pieces of a polyline (x, y pairs) inside the rectangle [x0, x1] × [y0, y1], each as x, y pairs.
 */
export function clipPolyline(line: ArrayLike<number>, x0: number, y0: number, x1: number, y1: number): number[][] {
  const pieces: number[][] = [];
  let current: number[] | null = null;
  for (let i = 2; i < line.length; i += 2) {
    const ax = line[i - 2]!, ay = line[i - 1]!, bx = line[i]!, by = line[i + 1]!;
    const t = clipSegment(ax, ay, bx, by, x0, y0, x1, y1);
    if (!t) { current = null; continue; }
    const sx = ax + (bx - ax) * t[0], sy = ay + (by - ay) * t[0];
    const ex = ax + (bx - ax) * t[1], ey = ay + (by - ay) * t[1];
    if (!current || t[0] > 0) {
      current = [sx, sy];
      pieces.push(current);
    }
    current.push(ex, ey);
    if (t[1] < 1) current = null;
  }
  return pieces;
}
