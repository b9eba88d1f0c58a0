/**
 * The pole of inaccessibility of a polygon: the interior point farthest from its boundary, where
 * a horizontal label sits best (after Mapbox's polylabel: a best-first search over square cells,
 * each bounded by its centre's distance plus its half-diagonal).
 * @module carto/pole-of-inaccessibility
 */

interface Cell { x: number; y: number; h: number; d: number; max: number }

/** Signed distance from (x, y) to the rings' edges: positive inside (even-odd), negative outside. */
function signedDistance(x: number, y: number, coords: Float64Array, offsets: Uint32Array): number {
  let inside = false;
  let min = Infinity;
  for (let r = 0; r + 1 < offsets.length; r++) {
    const start = offsets[r]!, end = offsets[r + 1]!;
    for (let i = start, j = end - 1; i < end; j = i++) {
      const ax = coords[i * 2]!, ay = coords[i * 2 + 1]!, bx = coords[j * 2]!, by = coords[j * 2 + 1]!;
      if ((ay > y) !== (by > y) && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      let dx = bx - ax, dy = by - ay;
      let px = ax, py = ay;
      const len = dx * dx + dy * dy;
      if (len > 0) {
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len));
        px += dx * t;
        py += dy * t;
      }
      dx = x - px;
      dy = y - py;
      min = Math.min(min, dx * dx + dy * dy);
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(min);
}

/** A square cell of half-size `h` centred at (x, y), with its distance and the best any point in it could reach. */
function cell(x: number, y: number, h: number, coords: Float64Array, offsets: Uint32Array): Cell {
  const d = signedDistance(x, y, coords, offsets);
  return { x, y, h, d, max: d + h * Math.SQRT2 };
}

/** A max-heap of cells by their potential. */
class CellQueue {
  private readonly items: Cell[] = [];
  get length(): number { return this.items.length; }
  push(c: Cell): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.max >= c.max) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = c;
  }
  pop(): Cell {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      let i = 0;
      for (;;) {
        const l = i * 2 + 1, r = l + 1;
        let m = i, mMax = last.max;
        if (l < a.length && a[l]!.max > mMax) { m = l; mMax = a[l]!.max; }
        if (r < a.length && a[r]!.max > mMax) m = r;
        if (m === i) break;
        a[i] = a[m]!;
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * The interior point of a polygon farthest from its edges, within `precision`.
 * @param coords ring vertices, x, y pairs in px (rings open or closed).
 * @param offsets start of each ring as a point index, then the point count.
 * @param precision px.
 * @returns [x, y, distance to the boundary] in px.
 */
export function poleOfInaccessibility(coords: Float64Array, offsets: Uint32Array, precision = 1): [number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = offsets[0]!; i < offsets[1]!; i++) {
    const x = coords[i * 2]!, y = coords[i * 2 + 1]!;
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const size = Math.min(maxX - minX, maxY - minY);
  // Slivers thinner than the precision would need a great many cells for no visible gain.
  if (!(size > precision)) return [(minX + maxX) / 2, (minY + maxY) / 2, 0];
  const queue = new CellQueue();
  const h0 = size / 2;
  for (let x = minX; x < maxX; x += size) for (let y = minY; y < maxY; y += size) queue.push(cell(x + h0, y + h0, h0, coords, offsets));
  // Start from the bounding-box centre, which wins for most convex shapes straight away.
  let best = cell((minX + maxX) / 2, (minY + maxY) / 2, 0, coords, offsets);
  while (queue.length) {
    const c = queue.pop();
    if (c.d > best.d) best = c;
    if (c.max - best.d <= precision) continue;
    const h = c.h / 2;
    queue.push(cell(c.x - h, c.y - h, h, coords, offsets));
    queue.push(cell(c.x + h, c.y - h, h, coords, offsets));
    queue.push(cell(c.x - h, c.y + h, h, coords, offsets));
    queue.push(cell(c.x + h, c.y + h, h, coords, offsets));
  }
  return [best.x, best.y, best.d];
}
