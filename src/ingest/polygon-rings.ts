/**
 * Turns the flat ring list of a shapefile polygon into simple-features polygons. A shapefile
 * polygon record is a bag of rings: outer rings clockwise, holes counter-clockwise, in any
 * order. Each hole goes to the smallest outer ring that contains it (bounding box, then a
 * point-in-ring test on a hole vertex not on the outer's boundary). A hole inside no outer
 * ring becomes a polygon of its own, and a record whose rings are all counter-clockwise
 * (written by software that ignored the winding rule) is organised by nesting instead:
 * rings at even depth are outers, rings at odd depth holes of the ring around them.
 * @module ingest/polygon-rings
 */
import type { MultiPolygon, Polygon, Position } from '../geo/geometry.js';

interface RingInfo {
  ring: Position[];
  /** Signed shoelace area: negative for clockwise rings (with y pointing up). */
  area: number;
  xmin: number; ymin: number; xmax: number; ymax: number;
}

function describe(ring: Position[]): RingInfo {
  let area = 0;
  let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
  for (let i = 0, n = ring.length; i < n; i++) {
    const p = ring[i]!;
    const q = ring[(i + 1) % n]!;
    area += p[0]! * q[1]! - q[0]! * p[1]!;
    if (p[0]! < xmin) xmin = p[0]!;
    if (p[0]! > xmax) xmax = p[0]!;
    if (p[1]! < ymin) ymin = p[1]!;
    if (p[1]! > ymax) ymax = p[1]!;
  }
  return { ring, area: area / 2, xmin, ymin, xmax, ymax };
}

/** 1 inside, -1 outside, 0 on the boundary (even-odd crossing test). */
function pointInRing(x: number, y: number, ring: Position[]): number {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]![0]!, yi = ring[i]![1]!, xj = ring[j]![0]!, yj = ring[j]![1]!;
    // On the segment?
    const cross = (x - xi) * (yj - yi) - (y - yi) * (xj - xi);
    if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return 0;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? 1 : -1;
}

/** Whether ring `inner` lies inside ring `outer`, judged on its first vertex off `outer`'s boundary. */
function ringInside(inner: RingInfo, outer: RingInfo): boolean {
  if (inner.xmin < outer.xmin || inner.xmax > outer.xmax || inner.ymin < outer.ymin || inner.ymax > outer.ymax) return false;
  for (const p of inner.ring) {
    const r = pointInRing(p[0]!, p[1]!, outer.ring);
    if (r !== 0) return r > 0;
  }
  return true; // every vertex on the boundary: the same ring traced again
}

/** Closes a ring that does not repeat its first position at the end. */
export function closeRing(ring: Position[]): Position[] {
  const a = ring[0], b = ring[ring.length - 1];
  if (a && b && (a[0] !== b[0] || a[1] !== b[1])) ring.push(a.slice());
  return ring;
}

/**
 * Groups a shapefile polygon's rings into a Polygon (one outer ring) or a MultiPolygon;
 * `null` when there are no rings.
 */
export function assemblePolygon(rings: Position[][]): Polygon | MultiPolygon | null {
  if (rings.length === 0) return null;
  if (rings.length === 1) return { type: 'Polygon', coordinates: [rings[0]!] };
  const infos = rings.map(describe);
  // Zero-area rings count as outers so their vertices are not lost.
  let outers = infos.filter((r) => r.area <= 0);
  let holes = infos.filter((r) => r.area > 0);
  let parents: (RingInfo | null)[];
  if (outers.length === 0) {
    ({ outers, holes, parents } = byNesting(infos));
  } else {
    parents = holes.map((h) => smallestContaining(h, outers));
  }
  const polygons = new Map<RingInfo, Position[][]>(outers.map((o) => [o, [o.ring]]));
  holes.forEach((h, k) => {
    const parent = parents[k];
    if (parent) polygons.get(parent)!.push(h.ring);
    else polygons.set(h, [h.ring]); // an orphan hole: keep it as a polygon
  });
  const parts = [...polygons.values()];
  return parts.length === 1 ? { type: 'Polygon', coordinates: parts[0]! } : { type: 'MultiPolygon', coordinates: parts };
}

function smallestContaining(ring: RingInfo, candidates: RingInfo[]): RingInfo | null {
  let best: RingInfo | null = null;
  for (const c of candidates) {
    if (c === ring) continue;
    if ((!best || Math.abs(c.area) < Math.abs(best.area)) && ringInside(ring, c)) best = c;
  }
  return best;
}

/** Even-odd organisation by containment depth, for records whose winding cannot be trusted. */
function byNesting(infos: RingInfo[]): { outers: RingInfo[]; holes: RingInfo[]; parents: (RingInfo | null)[] } {
  const sorted = [...infos].sort((a, b) => Math.abs(b.area) - Math.abs(a.area));
  const depth = new Map<RingInfo, number>();
  const parentOf = new Map<RingInfo, RingInfo | null>();
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    const parent = smallestContaining(r, sorted.slice(0, i));
    depth.set(r, parent ? depth.get(parent)! + 1 : 0);
    parentOf.set(r, parent);
  }
  const outers = infos.filter((r) => depth.get(r)! % 2 === 0);
  const holes = infos.filter((r) => depth.get(r)! % 2 === 1);
  return { outers, holes, parents: holes.map((h) => parentOf.get(h)!) };
}
