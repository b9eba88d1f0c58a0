/**
 * A sparse spatial hash of what already occupies the ground — line corridors (roads, the
 * railway, streams, each with a clearance) and building footprints (oriented rectangles) — so
 * new buildings can be tested for overlap cheaply. Coordinates in map metres.
 * @module sample/occupancy
 */
import type { Position } from '../geo/geometry.js';
import { distanceToSegment, segmentsIntersect } from './polyline.js';

/** Four corners (x0, y0, … x3, y3) of a convex quadrilateral, in order around it. */
export type Quad = Float64Array;

/** The corners of a w × d rectangle centred at (cx, cy) with its w side along (ux, uy). */
export function orientedRect(cx: number, cy: number, ux: number, uy: number, w: number, d: number): Quad {
  const hx = (ux * w) / 2, hy = (uy * w) / 2; // half of the w side
  const vx = (-uy * d) / 2, vy = (ux * d) / 2; // half of the d side
  return Float64Array.of(cx - hx - vx, cy - hy - vy, cx + hx - vx, cy + hy - vy, cx + hx + vx, cy + hy + vy, cx - hx + vx, cy - hy + vy);
}

/** Separating-axis test: true when the two convex quads overlap by more than `gap` metres. */
function quadsOverlap(a: Quad, b: Quad, gap: number): boolean {
  for (const q of [a, b]) {
    for (let e = 0; e < 4; e++) {
      const x1 = q[2 * e]!, y1 = q[2 * e + 1]!, x2 = q[(2 * e + 2) % 8]!, y2 = q[(2 * e + 3) % 8]!;
      let nx = y2 - y1, ny = x1 - x2;
      const len = Math.hypot(nx, ny);
      nx /= len; ny /= len;
      let minA = Infinity, maxA = -Infinity, minB = Infinity, maxB = -Infinity;
      for (let k = 0; k < 4; k++) {
        const pa = a[2 * k]! * nx + a[2 * k + 1]! * ny, pb = b[2 * k]! * nx + b[2 * k + 1]! * ny;
        if (pa < minA) minA = pa; if (pa > maxA) maxA = pa;
        if (pb < minB) minB = pb; if (pb > maxB) maxB = pb;
      }
      if (maxA + gap <= minB || maxB + gap <= minA) return false;
    }
  }
  return true;
}

function pointInQuad(q: Quad, x: number, y: number): boolean {
  let sign = 0;
  for (let e = 0; e < 4; e++) {
    const x1 = q[2 * e]!, y1 = q[2 * e + 1]!, x2 = q[(2 * e + 2) % 8]!, y2 = q[(2 * e + 3) % 8]!;
    const cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1);
    const s = cross > 0 ? 1 : cross < 0 ? -1 : 0;
    if (s === 0) continue;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** Distance between a segment and a convex quad (0 when they touch or overlap). */
function segmentQuadDistance(q: Quad, ax: number, ay: number, bx: number, by: number): number {
  if (pointInQuad(q, ax, ay) || pointInQuad(q, bx, by)) return 0;
  let d = Infinity;
  for (let e = 0; e < 4; e++) {
    const x1 = q[2 * e]!, y1 = q[2 * e + 1]!, x2 = q[(2 * e + 2) % 8]!, y2 = q[(2 * e + 3) % 8]!;
    if (segmentsIntersect(ax, ay, bx, by, x1, y1, x2, y2)) return 0;
    d = Math.min(d, distanceToSegment(x1, y1, ax, ay, bx, by), distanceToSegment(ax, ay, x1, y1, x2, y2), distanceToSegment(bx, by, x1, y1, x2, y2));
  }
  return d;
}

/** Growable store of fixed-size float records. */
class Records {
  data = new Float64Array(1024);
  count = 0;
  constructor(private readonly stride: number) {}
  add(values: ArrayLike<number>): number {
    if ((this.count + 1) * this.stride > this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data.set(values, this.count * this.stride);
    return this.count++;
  }
}

/** Occupied ground, hashed into square buckets of `bucket` metres. */
export class Occupancy {
  private readonly buckets = new Map<number, { segments: number[]; quads: number[] }>();
  private readonly segments = new Records(5);
  private readonly quads = new Records(8);
  private readonly scratch = new Float64Array(8);

  /** @param bucket Hash cell size, m. */
  constructor(private readonly bucket = 50) {}

  private keysFor(minX: number, minY: number, maxX: number, maxY: number, visit: (key: number) => void): void {
    const b = this.bucket;
    for (let gy = Math.floor(minY / b); gy <= Math.floor(maxY / b); gy++) {
      for (let gx = Math.floor(minX / b); gx <= Math.floor(maxX / b); gx++) visit(gy * 1_000_003 + gx);
    }
  }

  private bucketAt(key: number) {
    let entry = this.buckets.get(key);
    if (!entry) { entry = { segments: [], quads: [] }; this.buckets.set(key, entry); }
    return entry;
  }

  /** Adds a line corridor: nothing may come within `clearance` metres of it. */
  addLine(line: Position[], clearance: number): void {
    for (let k = 1; k < line.length; k++) {
      const ax = line[k - 1]![0]!, ay = line[k - 1]![1]!, bx = line[k]![0]!, by = line[k]![1]!;
      const id = this.segments.add([ax, ay, bx, by, clearance]);
      this.keysFor(Math.min(ax, bx) - clearance, Math.min(ay, by) - clearance, Math.max(ax, bx) + clearance, Math.max(ay, by) + clearance, (key) => this.bucketAt(key).segments.push(id));
    }
  }

  /** True when the quad keeps `gap` metres from every stored quad and clear of every corridor. */
  isFree(q: Quad, gap: number): boolean {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let k = 0; k < 4; k++) {
      minX = Math.min(minX, q[2 * k]!); maxX = Math.max(maxX, q[2 * k]!);
      minY = Math.min(minY, q[2 * k + 1]!); maxY = Math.max(maxY, q[2 * k + 1]!);
    }
    let free = true;
    const seenS = new Set<number>(), seenQ = new Set<number>();
    this.keysFor(minX, minY, maxX, maxY, (key) => {
      if (!free) return;
      const entry = this.buckets.get(key);
      if (!entry) return;
      for (const id of entry.segments) {
        if (seenS.has(id)) continue;
        seenS.add(id);
        const s = this.segments.data, o = id * 5;
        if (segmentQuadDistance(q, s[o]!, s[o + 1]!, s[o + 2]!, s[o + 3]!) < s[o + 4]!) { free = false; return; }
      }
      for (const id of entry.quads) {
        if (seenQ.has(id)) continue;
        seenQ.add(id);
        this.scratch.set(this.quads.data.subarray(id * 8, id * 8 + 8));
        if (quadsOverlap(q, this.scratch, gap)) { free = false; return; }
      }
    });
    return free;
  }

  /** Stores a building footprint. */
  addQuad(q: Quad): void {
    const id = this.quads.add(q);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let k = 0; k < 4; k++) {
      minX = Math.min(minX, q[2 * k]!); maxX = Math.max(maxX, q[2 * k]!);
      minY = Math.min(minY, q[2 * k + 1]!); maxY = Math.max(maxY, q[2 * k + 1]!);
    }
    // Register with the buckets a gap-width around it too, so neighbours' queries find it.
    this.keysFor(minX - 2, minY - 2, maxX + 2, maxY + 2, (key) => this.bucketAt(key).quads.push(id));
  }
}
