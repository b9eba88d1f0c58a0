/**
 * Sutherland–Hodgman clipping of a ring to a rectangle, for label placement inside the visible
 * part of a polygon.
 * @module carto/clip-ring
 */

/** Clips against one edge; `inside` and `cut` describe the edge. */
function clipEdge(
  src: number[], inside: (x: number, y: number) => boolean, cut: (ax: number, ay: number, bx: number, by: number) => [number, number],
): number[] {
  const out: number[] = [];
  const n = src.length / 2;
  for (let i = 0; i < n; i++) {
    const ax = src[((i + n - 1) % n) * 2]!, ay = src[((i + n - 1) % n) * 2 + 1]!;
    const bx = src[i * 2]!, by = src[i * 2 + 1]!;
    const ain = inside(ax, ay), bin = inside(bx, by);
    if (bin) {
      if (!ain) out.push(...cut(ax, ay, bx, by));
      out.push(bx, by);
    } else if (ain) {
      out.push(...cut(ax, ay, bx, by));
    }
  }
  return out;
}

const atX = (x: number) => (ax: number, ay: number, bx: number, by: number): [number, number] => [x, ay + ((by - ay) * (x - ax)) / (bx - ax)];
const atY = (y: number) => (ax: number, ay: number, bx: number, by: number): [number, number] => [ax + ((bx - ax) * (y - ay)) / (by - ay), y];

/**
 * Clips a ring (x, y pairs, open) to the rectangle [x0, x1] × [y0, y1].
 * @returns the clipped ring's x, y pairs; fewer than three points when nothing is left.
 */
export function clipRing(ring: ArrayLike<number>, x0: number, y0: number, x1: number, y1: number): number[] {
  let pts = Array.from(ring);
  pts = clipEdge(pts, (x) => x >= x0, atX(x0));
  pts = clipEdge(pts, (x) => x <= x1, atX(x1));
  pts = clipEdge(pts, (_, y) => y >= y0, atY(y0));
  return clipEdge(pts, (_, y) => y <= y1, atY(y1));
}
