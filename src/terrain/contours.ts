/**
 * Contour lines from an elevation grid (topographic-sheet.md §6): marching-squares isolines
 * joined into polylines, then cleaned for the sheet. Written here rather than taken from a
 * package because the sheet needs isolines (not the filled bands d3-contour gives) with a fixed
 * orientation — higher ground always on the right of the line direction — which is what lets
 * labels read uphill and depressions be told from hills by orientation alone.
 *
 * The grid's cell centres are the corners of the marching squares. A square with a no-data
 * corner yields nothing, so lines stop at holes and at the grid's edge and never bridge them.
 * Saddle squares (two diagonal corners above the level, two below) are resolved by the mean of
 * the four corners, the same rule for every level, so contours of neighbouring levels never
 * cross inside a square.
 * @module terrain/contours
 */
import type { DemGrid } from './dem-grid.js';

/** One contour polyline. */
export interface ContourLine {
  /** Elevation of the contour, grid vertical units. */
  elevation: number;
  /** Every `indexEvery`-th contour counting from `base`: drawn heavier and labelled. */
  index: boolean;
  /** A half-interval contour in flat ground (drawn dashed). */
  supplementary: boolean;
  /** A closed ring; its last point repeats its first. */
  closed: boolean;
  /** A closed contour around lower ground (counter-clockwise, as higher ground is on the right). */
  depression: boolean;
  /** x, y pairs in map units; higher ground lies to the right of the direction of travel. */
  coords: Float64Array;
}

/** What {@link traceContours} draws. */
export interface TraceOptions {
  /** Vertical interval, grid vertical units (> 0). */
  interval: number;
  /** [base=0] Elevation from which intervals count. */
  base?: number;
  /** [indexEvery=5] Every n-th contour from `base` is an index contour (0 for none). */
  indexEvery?: number;
  /** [supplementary=false] Add half-interval contours where the ground is flat. */
  supplementary?: boolean;
  /**
   * [flatSpacing=20 cells] Ground counts as flat, and takes supplementary contours, where
   * ordinary contours would lie more than this far apart (map units; about 10 mm at map scale).
   */
  flatSpacing?: number;
}

/** How {@link cleanContours} tidies lines for the sheet; all distances in map units. */
export interface CleanOptions {
  /** Smoothing may move a line at most this far from where it was traced (0: no smoothing). */
  smoothTolerance: number;
  /** Closed contours shorter than this are dropped. */
  minLength: number;
  /** Non-index contours closer than this to a contour of another elevation are interrupted there (0: never). */
  crowdingDistance: number;
}

// ---------------------------------------------------------------------------------------------
// Marching squares

/**
 * Corners of a square clockwise seen on the map: a = north-west (the cell at col, row),
 * b = north-east, c = south-east, d = south-west. Edge j runs from corner j to corner j + 1:
 * 0 top (a→b), 1 right (b→c), 2 bottom (c→d), 3 left (d→a).
 */
const CORNER_BIT = [8, 4, 2, 1];

/**
 * For each corner pattern (bit set = corner at or above the level) and saddle resolution
 * (centre below, centre above): the square's segments as (from edge, to edge) pairs, four
 * slots, -1 for none. Walking the boundary clockwise, a crossing leaving the higher ground is
 * "falling" and one entering it "rising"; a segment runs from a falling to a rising crossing,
 * which puts the higher ground on its right.
 */
const SEGMENTS = (() => {
  const table = new Int8Array(16 * 2 * 4).fill(-1);
  for (let pattern = 0; pattern < 16; pattern++) {
    const above = (corner: number) => (pattern & CORNER_BIT[corner & 3]!) !== 0;
    const crossings: { edge: number; falling: boolean }[] = [];
    for (let edge = 0; edge < 4; edge++) if (above(edge) !== above(edge + 1)) crossings.push({ edge, falling: above(edge) });
    for (let centreAbove = 0; centreAbove < 2; centreAbove++) {
      const at = (pattern * 2 + centreAbove) * 4;
      let slot = 0;
      crossings.forEach((x, p) => {
        if (!x.falling) return;
        // Crossings alternate falling/rising round the square. With the centre above, the higher
        // corners join through it and each segment cuts off a lower corner: pair with the next
        // crossing; otherwise each segment cuts off a higher corner: pair with the previous one.
        const partner = crossings.length === 2 ? crossings[1 - p]! : crossings[(p + (centreAbove ? 1 : 3)) % 4]!;
        table[at + slot++] = x.edge;
        table[at + slot++] = partner.edge;
      });
    }
  }
  return table;
})();

/** Isolines of one family of levels `base + k·step`, in map units. */
interface Isoline { k: number; closed: boolean; coords: Float64Array }

/** Growable store of directed segments: level k and the ids of the edges it leaves and enters. */
class SegmentStore {
  data = new Int32Array(3 << 14);
  count = 0;
  push(k: number, from: number, to: number): void {
    if ((this.count + 1) * 3 > this.data.length) { const grown = new Int32Array(this.data.length * 2); grown.set(this.data); this.data = grown; }
    const at = this.count++ * 3;
    this.data[at] = k; this.data[at + 1] = from; this.data[at + 2] = to;
  }
}

/**
 * Traces every level `base + k·step` the grid crosses (only in squares whose four corners are
 * set in `mask`, when given: lines then stop where the mask ends). Edge ids: the horizontal edge from cell
 * (c, r) east is `r·W + c`; the vertical edge from (c, r) south is `W·H + r·W + c`. A crossing
 * is unique per edge and level, and in the two squares sharing an edge it is the end of one
 * segment and the start of the next, so chains join by edge id without comparing coordinates.
 */
function isolines(grid: DemGrid, base: number, step: number, mask?: Uint8Array): Isoline[] {
  const { z, width: W, height: H } = grid;
  const nH = W * H;
  const segments = new SegmentStore();
  const edgeOf = new Int32Array(4);
  for (let r = 0; r < H - 1; r++) {
    for (let c = 0; c < W - 1; c++) {
      const i = r * W + c;
      if (mask && !(mask[i] && mask[i + 1] && mask[i + W] && mask[i + W + 1])) continue;
      const za = z[i]!, zb = z[i + 1]!, zc = z[i + W + 1]!, zd = z[i + W]!;
      if (za !== za || zb !== zb || zc !== zc || zd !== zd) continue;
      const lo = Math.min(za, zb, zc, zd), hi = Math.max(za, zb, zc, zd);
      if (lo === hi) continue;
      // Levels with lo < level ≤ hi; the division may round either way, so the ends are
      // checked against `base + k·step`, the value every square compares its corners with.
      let k0 = Math.floor((lo - base) / step) + 1, k1 = Math.floor((hi - base) / step);
      if (base + (k0 - 1) * step > lo) k0--;
      if (base + (k1 + 1) * step <= hi) k1++;
      if (k0 > k1) continue;
      edgeOf[0] = i; edgeOf[1] = nH + i + 1; edgeOf[2] = i + W; edgeOf[3] = nH + i;
      for (let k = k0; k <= k1; k++) {
        const level = base + k * step;
        const pattern = (za >= level ? 8 : 0) | (zb >= level ? 4 : 0) | (zc >= level ? 2 : 0) | (zd >= level ? 1 : 0);
        if (pattern === 0 || pattern === 15) continue;
        const centreAbove = (pattern === 5 || pattern === 10) && (za + zb + zc + zd) / 4 >= level ? 1 : 0;
        const at = (pattern * 2 + centreAbove) * 4;
        segments.push(k, edgeOf[SEGMENTS[at]!]!, edgeOf[SEGMENTS[at + 1]!]!);
        if (SEGMENTS[at + 2]! >= 0) segments.push(k, edgeOf[SEGMENTS[at + 2]!]!, edgeOf[SEGMENTS[at + 3]!]!);
      }
    }
  }
  return chain(grid, segments, base, step);
}

/** Joins the segments of each level into polylines and places their points on the map. */
function chain(grid: DemGrid, segments: SegmentStore, base: number, step: number): Isoline[] {
  const { z, width: W, height: H, x0, y0, cell } = grid;
  const nH = W * H;
  const n = segments.count, seg = segments.data;
  if (n === 0) return [];
  // Counting sort of the segments by level.
  let kMin = Infinity, kMax = -Infinity;
  for (let s = 0; s < n; s++) { const k = seg[s * 3]!; if (k < kMin) kMin = k; if (k > kMax) kMax = k; }
  const starts = new Int32Array(kMax - kMin + 2);
  for (let s = 0; s < n; s++) starts[seg[s * 3]! - kMin + 1]!++;
  for (let k = 1; k < starts.length; k++) starts[k]! += starts[k - 1]!;
  const order = new Int32Array(n), fill = starts.slice();
  for (let s = 0; s < n; s++) order[fill[seg[s * 3]! - kMin]!++] = s;

  const startAt = new Int32Array(2 * nH).fill(-1);
  const hasEnd = new Uint8Array(2 * nH);
  const visited = new Uint8Array(n);
  const out: Isoline[] = [];
  const edges: number[] = [];

  const emit = (k: number, closed: boolean) => {
    const level = base + k * step;
    const coords = new Float64Array(edges.length * 2);
    let m = 0;
    for (const e of edges) {
      let col: number, row: number;
      if (e < nH) {
        row = Math.floor(e / W); col = e - row * W;
        col += (level - z[e]!) / (z[e + 1]! - z[e]!);
      } else {
        const v = e - nH;
        row = Math.floor(v / W); col = v - row * W;
        row += (level - z[v]!) / (z[v + W]! - z[v]!);
      }
      const x = x0 + col * cell, y = y0 - row * cell;
      // A corner exactly on the level puts neighbouring crossings on the same point.
      if (m > 0 && coords[m - 2] === x && coords[m - 1] === y) continue;
      coords[m++] = x; coords[m++] = y;
    }
    if (m < (closed ? 8 : 4)) return;
    out.push({ k, closed, coords: m === coords.length ? coords : coords.slice(0, m) });
  };

  for (let g = 0; g < starts.length - 1; g++) {
    const from = starts[g]!, to = starts[g + 1]!;
    if (from === to) continue;
    const k = g + kMin;
    for (let j = from; j < to; j++) { const s = order[j]!; startAt[seg[s * 3 + 1]!] = s; hasEnd[seg[s * 3 + 2]!] = 1; }
    // Open lines first, from their heads (segments nothing leads into); what is left are rings.
    for (const rings of [false, true]) {
      for (let j = from; j < to; j++) {
        const s = order[j]!;
        if (visited[s] || (!rings && hasEnd[seg[s * 3 + 1]!])) continue;
        edges.length = 0;
        edges.push(seg[s * 3 + 1]!);
        for (let cur = s; cur >= 0 && !visited[cur]; cur = startAt[seg[cur * 3 + 2]!]!) {
          visited[cur] = 1;
          edges.push(seg[cur * 3 + 2]!);
        }
        emit(k, rings);
      }
    }
    for (let j = from; j < to; j++) { const s = order[j]!; startAt[seg[s * 3 + 1]!] = -1; hasEnd[seg[s * 3 + 2]!] = 0; }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers

/** Twice the signed area of a ring (positive counter-clockwise with y north). */
function signedArea2(c: Float64Array): number {
  let a = 0;
  for (let i = 0; i + 3 < c.length; i += 2) a += c[i]! * c[i + 3]! - c[i + 2]! * c[i + 1]!;
  return a;
}

/** Length of a polyline. */
export function lineLength(c: ArrayLike<number>): number {
  let len = 0;
  for (let i = 2; i < c.length; i += 2) len += Math.hypot(c[i]! - c[i - 2]!, c[i + 1]! - c[i - 1]!);
  return len;
}

/** Squared distance from (px, py) to the segment (ax, ay)–(bx, by). */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - px, ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

const roundLevel = (v: number) => Math.round(v * 1e6) / 1e6;

// ---------------------------------------------------------------------------------------------
// Tracing

/**
 * Contour lines of `grid` every `interval` from `base`, higher ground on the right of every
 * line. Closed rings whose inside is lower are flagged as depressions. With `supplementary`,
 * half-interval contours are added, cut down to where the ground is flat.
 */
export function traceContours(grid: DemGrid, options: TraceOptions): ContourLine[] {
  const { interval, base = 0, indexEvery = 5, supplementary = false } = options;
  if (!(interval > 0)) throw new RangeError('the contour interval must be larger than zero');
  const lines: ContourLine[] = [];
  for (const line of isolines(grid, base, interval)) {
    const index = indexEvery > 0 && ((line.k % indexEvery) + indexEvery) % indexEvery === 0;
    const depression = line.closed && signedArea2(line.coords) > 0;
    lines.push({ elevation: roundLevel(base + line.k * interval), index, supplementary: false, closed: line.closed, depression, coords: line.coords });
  }
  if (supplementary) {
    // Traced in flat ground only; pieces shorter than half the flat spacing are left out.
    const flatSpacing = options.flatSpacing ?? 20 * grid.cell;
    for (const line of isolines(grid, base + interval / 2, interval, flatMask(grid, interval, flatSpacing))) {
      if (lineLength(line.coords) < flatSpacing / 2) continue;
      const depression = line.closed && signedArea2(line.coords) > 0;
      lines.push({ elevation: roundLevel(base + (line.k + 0.5) * interval), index: false, supplementary: true, closed: line.closed, depression, coords: line.coords });
    }
  }
  return lines;
}

/**
 * Which cells stand in flat ground: the steepest rise or fall over half the flat spacing either
 * way along rows and columns is gentler than the slope at which ordinary contours would be
 * exactly `flatSpacing` apart. One-sided differences keep a sharp ridge or valley, where the two
 * sides would cancel, from passing as flat; no-data within reach makes a cell steep.
 */
function flatMask(grid: DemGrid, interval: number, flatSpacing: number): Uint8Array {
  const { z, width: W, height: H, cell } = grid;
  const reach = Math.max(1, Math.round(flatSpacing / (2 * cell)));
  const limit = interval / flatSpacing;
  const mask = new Uint8Array(W * H);
  const probes = new Int32Array(8);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      const here = z[r * W + c]!;
      if (here !== here) continue;
      probes[0] = Math.min(W - 1, c + reach); probes[1] = r;
      probes[2] = Math.max(0, c - reach); probes[3] = r;
      probes[4] = c; probes[5] = Math.min(H - 1, r + reach);
      probes[6] = c; probes[7] = Math.max(0, r - reach);
      let flat = true;
      for (let p = 0; p < 8 && flat; p += 2) {
        const cc = probes[p]!, rr = probes[p + 1]!, run = Math.abs(cc - c) + Math.abs(rr - r);
        // NaN compares false, so no-data within reach counts as steep.
        if (run > 0 && !(Math.abs(z[rr * W + cc]! - here) / (run * cell) < limit)) flat = false;
      }
      mask[r * W + c] = flat ? 1 : 0;
    }
  }
  return mask;
}

// ---------------------------------------------------------------------------------------------
// Cleaning

/**
 * Readies traced contours for the sheet: smooths them within `smoothTolerance`, drops closed
 * rings shorter than `minLength`, and interrupts non-index contours where they come closer than
 * `crowdingDistance` to a contour of another elevation (index contours are always kept whole).
 * Interrupted lines come back as open pieces with the original's metadata.
 */
export function cleanContours(lines: readonly ContourLine[], options: CleanOptions): ContourLine[] {
  const { smoothTolerance, minLength, crowdingDistance } = options;
  // Three quarters of the tolerance for smoothing, a quarter for simplifying: within it together.
  let out = lines.map((l) => (smoothTolerance > 0 ? { ...l, coords: smooth(l.coords, l.closed, smoothTolerance * 0.75) } : l));
  out = out.filter((l) => !l.closed || lineLength(l.coords) >= minLength);
  if (smoothTolerance > 0) out = out.map((l) => ({ ...l, coords: simplify(l.coords, l.closed, smoothTolerance * 0.25) }));
  return crowdingDistance > 0 ? interruptCrowded(out, crowdingDistance) : out;
}

/** Binomial passes that take out the marching-squares staircase. */
const SMOOTH_PASSES = 4;

/**
 * Smooths a polyline by repeated [¼ ½ ¼] averaging of its points, then pulls every point back to
 * within `maxShift` of where it was, so the line never strays further than that from the
 * traced one. Open lines keep their ends (they sit on the edge of the data).
 */
function smooth(coords: Float64Array, closed: boolean, maxShift: number): Float64Array {
  const n = coords.length / 2;
  const m = closed ? n - 1 : n; // distinct points
  if (m < 3) return coords;
  let a = coords.slice(0, m * 2), b = new Float64Array(m * 2);
  const last = (m - 1) * 2;
  for (let pass = 0; pass < SMOOTH_PASSES; pass++) {
    for (let i = 2; i < last; i += 2) {
      b[i] = (a[i - 2]! + 2 * a[i]! + a[i + 2]!) / 4;
      b[i + 1] = (a[i - 1]! + 2 * a[i + 1]! + a[i + 3]!) / 4;
    }
    if (closed) {
      b[0] = (a[last]! + 2 * a[0]! + a[2]!) / 4; b[1] = (a[last + 1]! + 2 * a[1]! + a[3]!) / 4;
      b[last] = (a[last - 2]! + 2 * a[last]! + a[0]!) / 4; b[last + 1] = (a[last - 1]! + 2 * a[last + 1]! + a[1]!) / 4;
    } else {
      b[0] = a[0]!; b[1] = a[1]!; b[last] = a[last]!; b[last + 1] = a[last + 1]!;
    }
    const t = a; a = b; b = t;
  }
  const out = new Float64Array(coords.length);
  for (let i = 0; i < m; i++) {
    const ox = coords[i * 2]!, oy = coords[i * 2 + 1]!;
    let dx = a[i * 2]! - ox, dy = a[i * 2 + 1]! - oy;
    const d = Math.hypot(dx, dy);
    if (d > maxShift) { dx *= maxShift / d; dy *= maxShift / d; }
    out[i * 2] = ox + dx; out[i * 2 + 1] = oy + dy;
  }
  if (closed) { out[m * 2] = out[0]!; out[m * 2 + 1] = out[1]!; }
  return out;
}

/** Douglas–Peucker simplification; a ring is split at its first point and the point farthest from it. */
function simplify(coords: Float64Array, closed: boolean, tolerance: number): Float64Array {
  const n = coords.length / 2;
  if (n <= (closed ? 4 : 2) || tolerance <= 0) return coords;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const tol2 = tolerance * tolerance;
  const stack: number[] = [];
  if (closed) {
    let far = 1, best = -1;
    for (let i = 1; i < n - 1; i++) {
      const d = (coords[i * 2]! - coords[0]!) ** 2 + (coords[i * 2 + 1]! - coords[1]!) ** 2;
      if (d > best) { best = d; far = i; }
    }
    keep[far] = 1;
    stack.push(0, far, far, n - 1);
  } else stack.push(0, n - 1);
  while (stack.length) {
    const last = stack.pop()!, first = stack.pop()!;
    let worst = 0, at = -1;
    for (let i = first + 1; i < last; i++) {
      const d = segmentDistance2(coords[i * 2]!, coords[i * 2 + 1]!, coords[first * 2]!, coords[first * 2 + 1]!, coords[last * 2]!, coords[last * 2 + 1]!);
      if (d > worst) { worst = d; at = i; }
    }
    if (at >= 0 && worst > tol2) { keep[at] = 1; stack.push(first, at, at, last); }
  }
  let m = 0;
  for (let i = 0; i < n; i++) m += keep[i]!;
  if (closed && m < 4) return coords;
  const out = new Float64Array(m * 2);
  let j = 0;
  for (let i = 0; i < n; i++) if (keep[i]) { out[j++] = coords[i * 2]!; out[j++] = coords[i * 2 + 1]!; }
  return out;
}

/** Which side of p→q the point r lies: positive on the left. */
const cross = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => (qx - px) * (ry - py) - (qy - py) * (rx - px);

/** Squared distance between two segments (0 when they cross). */
function segmentsDistance2(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): number {
  const d1 = cross(ax, ay, bx, by, cx, cy), d2 = cross(ax, ay, bx, by, dx, dy), d3 = cross(cx, cy, dx, dy, ax, ay), d4 = cross(cx, cy, dx, dy, bx, by);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 0;
  return Math.min(segmentDistance2(ax, ay, cx, cy, dx, dy), segmentDistance2(bx, by, cx, cy, dx, dy), segmentDistance2(cx, cy, ax, ay, bx, by), segmentDistance2(dx, dy, ax, ay, bx, by));
}

/** Whether (x, y) is within √d2 of any of the `near` segments. */
function crowdedAt(seg: Float64Array, near: readonly number[], x: number, y: number, d2: number): boolean {
  for (const t of near) if (segmentDistance2(x, y, seg[t * 4]!, seg[t * 4 + 1]!, seg[t * 4 + 2]!, seg[t * 4 + 3]!) < d2) return true;
  return false;
}

/** The pieces of a line being cut: runs of points between crowded ones. */
class Runs {
  private run: number[] = [];
  private readonly pieces: number[][] = [];
  started = false;
  cut = false;
  /** Starts copying, from the points walked so far (all kept). */
  start(prefix: ArrayLike<number>): void { this.run = Array.from(prefix); this.started = true; }
  /** A point on a segment with nothing near: kept if copying has started. */
  keep(x: number, y: number): void { if (this.started) this.run.push(x, y); }
  /** A probed point: kept, or it ends the current run. */
  visit(x: number, y: number, crowded: boolean): void {
    if (!crowded) { this.run.push(x, y); return; }
    this.cut = true;
    if (this.run.length >= 4) this.pieces.push(this.run);
    this.run = [];
  }
  finish(): number[][] { if (this.run.length >= 4) this.pieces.push(this.run); this.run = []; return this.pieces; }
}

/** At most this many buckets in the crowding index, whatever the distance. */
const MAX_BUCKETS = 1 << 21;

/**
 * Cuts non-index lines where they pass within `distance` of a line of another elevation
 * (same-elevation lines meet at saddles, which must stay drawn). Segments are bucketed on a
 * grid; a segment with no other segment within `distance` is kept whole at the cost of one
 * bucket look-up, the others are probed every half `distance` against their few neighbours.
 * Pieces left shorter than three times `distance` are dropped as specks.
 */
function interruptCrowded(lines: readonly ContourLine[], distance: number): ContourLine[] {
  let total = 0, length = 0, xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
  for (const l of lines) {
    total += l.coords.length / 2 - 1;
    length += lineLength(l.coords);
    const c = l.coords;
    for (let i = 0; i < c.length; i += 2) {
      if (c[i]! < xmin) xmin = c[i]!; if (c[i]! > xmax) xmax = c[i]!;
      if (c[i + 1]! < ymin) ymin = c[i + 1]!; if (c[i + 1]! > ymax) ymax = c[i + 1]!;
    }
  }
  if (total <= 0) return [...lines];
  // Every segment flat: end points, line and elevation.
  const seg = new Float64Array(total * 4), segLine = new Int32Array(total), segElevation = new Float64Array(total);
  let s = 0;
  lines.forEach((l, li) => {
    const c = l.coords;
    for (let i = 0; i + 3 < c.length; i += 2, s++) {
      seg[s * 4] = c[i]!; seg[s * 4 + 1] = c[i + 1]!; seg[s * 4 + 2] = c[i + 2]!; seg[s * 4 + 3] = c[i + 3]!;
      segLine[s] = li; segElevation[s] = l.elevation;
    }
  });
  // Buckets about as large as a segment (or the search reach) keep both lists and look-ups short;
  // stored as compressed rows: count, prefix sums, fill.
  let size = Math.max(2 * distance, length / total);
  while (((xmax - xmin) / size + 1) * ((ymax - ymin) / size + 1) > MAX_BUCKETS) size *= 2;
  const nx = Math.floor((xmax - xmin) / size) + 1, ny = Math.floor((ymax - ymin) / size) + 1;
  const first = new Int32Array(nx * ny + 1);
  const range = new Int32Array(4);
  /** Bucket range [c0, c1] × [r0, r1] of segment t's box grown by `grow`. */
  const bucketsOf = (t: number, grow: number) => {
    const x0 = seg[t * 4]!, y0 = seg[t * 4 + 1]!, x1 = seg[t * 4 + 2]!, y1 = seg[t * 4 + 3]!;
    range[0] = Math.max(0, Math.floor((Math.min(x0, x1) - grow - xmin) / size));
    range[1] = Math.min(nx - 1, Math.floor((Math.max(x0, x1) + grow - xmin) / size));
    range[2] = Math.max(0, Math.floor((Math.min(y0, y1) - grow - ymin) / size));
    range[3] = Math.min(ny - 1, Math.floor((Math.max(y0, y1) + grow - ymin) / size));
  };
  for (s = 0; s < total; s++) {
    bucketsOf(s, 0);
    for (let r = range[2]!; r <= range[3]!; r++) for (let b = r * nx + range[0]!; b <= r * nx + range[1]!; b++) first[b + 1]!++;
  }
  for (let b = 1; b < first.length; b++) first[b]! += first[b - 1]!;
  const members = new Int32Array(first[first.length - 1]!), fill = first.slice();
  for (s = 0; s < total; s++) {
    bucketsOf(s, 0);
    for (let r = range[2]!; r <= range[3]!; r++) for (let b = r * nx + range[0]!; b <= r * nx + range[1]!; b++) members[fill[b]!++] = s;
  }

  const d2 = distance * distance;
  const seen = new Int32Array(total).fill(-1);
  const near: number[] = [];
  const out: ContourLine[] = [];
  let at = 0; // first segment of the current line
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!, c = line.coords, segments = c.length / 2 - 1, elevation = line.elevation;
    const first0 = at;
    at += segments;
    if (line.index) { out.push(line); continue; }
    // Points are copied into runs only from the first segment that has neighbours within reach.
    const runs = new Runs();
    for (let i = 0, t0 = first0; i + 3 < c.length; i += 2, t0++) {
      const ax = c[i]!, ay = c[i + 1]!, ex = c[i + 2]!, ey = c[i + 3]!;
      const lox = Math.min(ax, ex) - distance, hix = Math.max(ax, ex) + distance, loy = Math.min(ay, ey) - distance, hiy = Math.max(ay, ey) + distance;
      near.length = 0;
      bucketsOf(t0, distance);
      for (let r = range[2]!; r <= range[3]!; r++) {
        for (let b = r * nx + range[0]!; b <= r * nx + range[1]!; b++) {
          for (let m = first[b]!; m < first[b + 1]!; m++) {
            const t = members[m]!;
            if (seen[t] === t0) continue;
            seen[t] = t0;
            if (segLine[t] === li || segElevation[t] === elevation) continue;
            const tx0 = seg[t * 4]!, ty0 = seg[t * 4 + 1]!, tx1 = seg[t * 4 + 2]!, ty1 = seg[t * 4 + 3]!;
            if (Math.max(tx0, tx1) < lox || Math.min(tx0, tx1) > hix || Math.max(ty0, ty1) < loy || Math.min(ty0, ty1) > hiy) continue;
            if (segmentsDistance2(ax, ay, ex, ey, tx0, ty0, tx1, ty1) < d2) near.push(t);
          }
        }
      }
      if (near.length === 0) { runs.keep(ex, ey); continue; }
      if (!runs.started) { runs.start(c.subarray(0, i)); runs.visit(ax, ay, crowdedAt(seg, near, ax, ay, d2)); }
      const steps = Math.floor(Math.hypot(ex - ax, ey - ay) / (distance / 2));
      for (let k = 1; k <= steps; k++) {
        const f = k / (steps + 1), x = ax + (ex - ax) * f, y = ay + (ey - ay) * f;
        runs.visit(x, y, crowdedAt(seg, near, x, y, d2));
      }
      runs.visit(ex, ey, crowdedAt(seg, near, ex, ey, d2));
    }
    if (!runs.started || !runs.cut) { out.push(line); continue; }
    const pieces = runs.finish();
    // A ring cut somewhere: its first and last pieces are one piece across the start point.
    const head = pieces[0], tail = pieces[pieces.length - 1];
    if (line.closed && pieces.length > 1 && head![0] === c[0] && head![1] === c[1] && tail!.at(-2) === c[0] && tail!.at(-1) === c[1]) {
      pieces.pop();
      pieces[0] = [...tail!.slice(0, -2), ...head!];
    }
    for (const p of pieces) if (lineLength(p) >= 3 * distance) out.push({ ...line, closed: false, coords: Float64Array.from(p) });
  }
  return out;
}
