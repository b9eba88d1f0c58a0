/**
 * Collects the pixel geometry of a batch of lines or polygons into one growing Float64Array:
 * map positions are transformed, vertices closer than a fraction of a pixel to the last kept
 * one are dropped and the rest simplified (Douglas–Peucker) to the same fraction, rings are
 * oriented, runs of vertices beyond one side of the image are cut short, and features wholly
 * outside the image are rolled back. Skia spends about a
 * microsecond per stroked vertex, so every vertex that cannot show is worth dropping. No object
 * is allocated per vertex.
 * @module carto/pixel-path-buffer
 */
import type { Position } from '../geo/geometry.js';
import type { ViewTransform } from './view-transform.js';

/** Vertices nearer than this (px) to the previous kept vertex add nothing visible. */
const SIMPLIFY_TOLERANCE_PX = 0.3;

/** Work space of `simplify`, grown as needed and shared (rendering is synchronous). */
let keep = new Uint8Array(1024);
let stack = new Int32Array(2048);

/**
 * Douglas–Peucker on `count` points stored at `start` in `buf`, in place: drops every vertex
 * within the tolerance of the chord that replaces it. Returns the number of points kept.
 */
function simplify(buf: Float64Array, start: number, count: number): number {
  if (count <= 2) return count;
  if (keep.length < count) keep = new Uint8Array(count * 2);
  if (stack.length < count * 2) stack = new Int32Array(count * 4);
  keep.fill(0, 0, count);
  keep[0] = keep[count - 1] = 1;
  const tol2 = SIMPLIFY_TOLERANCE_PX * SIMPLIFY_TOLERANCE_PX;
  let top = 0;
  stack[top++] = 0;
  stack[top++] = count - 1;
  while (top > 0) {
    const last = stack[--top]!, first = stack[--top]!;
    const ax = buf[start + first * 2]!, ay = buf[start + first * 2 + 1]!;
    const dx = buf[start + last * 2]! - ax, dy = buf[start + last * 2 + 1]! - ay;
    const len2 = dx * dx + dy * dy;
    let max = tol2, index = -1;
    for (let i = first + 1; i < last; i++) {
      const px = buf[start + i * 2]! - ax, py = buf[start + i * 2 + 1]! - ay;
      const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx, ey = py - t * dy;
      const d2 = ex * ex + ey * ey;
      if (d2 > max) { max = d2; index = i; }
    }
    if (index < 0) continue;
    keep[index] = 1;
    stack[top++] = first;
    stack[top++] = index;
    stack[top++] = index;
    stack[top++] = last;
  }
  let w = start;
  for (let i = 0; i < count; i++) {
    if (!keep[i]) continue;
    buf[w++] = buf[start + i * 2]!;
    buf[w++] = buf[start + i * 2 + 1]!;
  }
  return (w - start) / 2;
}

/** A rectangle in px beyond which geometry cannot show. */
export interface ClipBox { xmin: number; ymin: number; xmax: number; ymax: number }

/** Cohen–Sutherland outcode: which sides of `box` the point lies beyond. */
function outcode(box: ClipBox, x: number, y: number): number {
  return (x < box.xmin ? 1 : x > box.xmax ? 2 : 0) | (y < box.ymin ? 4 : y > box.ymax ? 8 : 0);
}

/** Pixel geometry of some parts: x, y pairs and the start point of each part plus the end. */
export interface PixelParts { coords: Float64Array; offsets: Uint32Array }

/** A growing buffer of pixel parts for one display-list path item. */
export class PixelPathBuffer {
  private coords = new Float64Array(256);
  private size = 0;
  private offsets: number[] = [];
  private featureSize = 0;
  private featureParts = 0;
  private minX = 0;
  private minY = 0;
  private maxX = 0;
  private maxY = 0;
  private clip: ClipBox | null = null;

  /** Number of parts stored. */
  get parts(): number {
    return this.offsets.length;
  }

  /** True when no part is stored. */
  get empty(): boolean {
    return this.offsets.length === 0;
  }

  /**
   * Starts a feature, whose parts `endFeature` keeps or rolls back together.
   * @param clip where nothing of the feature can show (the image grown by what its stroke reaches),
   * or null to keep every vertex (dashed lines, whose dash phase depends on the whole line).
   */
  beginFeature(clip: ClipBox | null = null): void {
    this.clip = clip;
    this.featureSize = this.size;
    this.featureParts = this.offsets.length;
    this.minX = this.minY = Infinity;
    this.maxX = this.maxY = -Infinity;
  }

  /**
   * Appends one line or ring in px.
   * @param orientation for rings: 1 to store them clockwise on screen (exteriors), −1 counter-clockwise (holes).
   */
  addPart(positions: readonly Position[], view: ViewTransform, ring: boolean, orientation: 1 | -1 = 1): void {
    let n = positions.length;
    // Rings are closed by the path itself, so a repeated first position is left out.
    if (ring && n > 1 && positions[0]![0] === positions[n - 1]![0] && positions[0]![1] === positions[n - 1]![1]) n--;
    if (n < (ring ? 3 : 2)) return;
    this.reserve(n * 2);
    const buf = this.coords;
    const start = this.size;
    const { a, b, c, d, e, f } = view;
    const tol2 = SIMPLIFY_TOLERANCE_PX * SIMPLIFY_TOLERANCE_PX;
    const clip = this.clip;
    let w = start;
    let lx = 0, ly = 0;
    // Outcodes of the last two vertices written. A vertex beyond the same side of the clip box as
    // both its neighbours is dropped: the triangle this removes from the shape lies wholly beyond
    // that side, so nothing inside the box changes, for fills and strokes alike.
    let c1 = 0, c2 = 0;
    for (let i = 0; i < n; i++) {
      const p = positions[i]!;
      const mx = p[0]!, my = p[1]!;
      const x = a * mx + c * my + e, y = b * mx + d * my + f;
      if (i > 0) {
        const dx = x - lx, dy = y - ly;
        if (dx * dx + dy * dy < tol2) {
          // The last vertex of a line stays exact: it replaces a too-near predecessor, or follows
          // the first vertex so that even a line shorter than the tolerance marks its place.
          if (ring || i < n - 1) continue;
          if (w - start >= 4) {
            buf[w - 2] = x;
            buf[w - 1] = y;
            continue;
          }
        }
      }
      if (clip) {
        const c = outcode(clip, x, y);
        if (w - start >= 4 && (c & c1 & c2) !== 0) w -= 2;
        else c2 = c1;
        c1 = c;
      }
      buf[w++] = x;
      buf[w++] = y;
      lx = x;
      ly = y;
    }
    let count = simplify(buf, start, (w - start) / 2);
    if (ring && count < 3) count = this.keepTriangle(positions, n, view, start);
    if (ring) this.orient(start, count, orientation);
    for (let i = start, end = start + count * 2; i < end; i += 2) {
      const x = buf[i]!, y = buf[i + 1]!;
      if (x < this.minX) this.minX = x;
      if (x > this.maxX) this.maxX = x;
      if (y < this.minY) this.minY = y;
      if (y > this.maxY) this.maxY = y;
    }
    this.offsets.push(start / 2);
    this.size = start + count * 2;
  }

  /**
   * Ends the feature. It is kept when its parts, grown by `margin` px (half a stroke), reach into
   * the `width` × `height` image; otherwise its parts are dropped.
   * @returns whether the feature was kept.
   */
  endFeature(width: number, height: number, margin: number): boolean {
    const kept = this.offsets.length > this.featureParts
      && this.maxX >= -margin && this.minX <= width + margin && this.maxY >= -margin && this.minY <= height + margin;
    if (!kept) this.dropFeature();
    return kept;
  }

  /** Drops the current feature's parts. */
  dropFeature(): void {
    this.size = this.featureSize;
    this.offsets.length = this.featureParts;
  }

  /** A copy of the current feature's parts (for label placement). */
  featureGeometry(): PixelParts {
    const base = this.featureSize / 2;
    const offsets = new Uint32Array(this.offsets.length - this.featureParts + 1);
    for (let i = this.featureParts; i < this.offsets.length; i++) offsets[i - this.featureParts] = this.offsets[i]! - base;
    offsets[offsets.length - 1] = (this.size - this.featureSize) / 2;
    return { coords: this.coords.slice(this.featureSize, this.size), offsets };
  }

  /**
   * Appends to `out` boxes (x0, y0, x1, y1 in px, grown by `margin`) covering what the current
   * feature paints: its bounding box for an area; for lines, boxes of consecutive segments up
   * to `span` px across, far less than a long line's bounding box.
   */
  footprint(out: number[], margin: number, area: boolean, span: number): void {
    if (area) {
      out.push(this.minX - margin, this.minY - margin, this.maxX + margin, this.maxY + margin);
      return;
    }
    const c = this.coords;
    for (let p = this.featureParts; p < this.offsets.length; p++) {
      const end = p + 1 < this.offsets.length ? this.offsets[p + 1]! : this.size / 2;
      let x0 = c[this.offsets[p]! * 2]!, y0 = c[this.offsets[p]! * 2 + 1]!, x1 = x0, y1 = y0;
      for (let i = this.offsets[p]! + 1; i < end; i++) {
        const x = c[i * 2]!, y = c[i * 2 + 1]!;
        const nx0 = x < x0 ? x : x0, ny0 = y < y0 ? y : y0, nx1 = x > x1 ? x : x1, ny1 = y > y1 ? y : y1;
        if (nx1 - nx0 > span || ny1 - ny0 > span) {
          out.push(x0 - margin, y0 - margin, x1 + margin, y1 + margin);
          // The next box starts at the previous vertex, so the segment into this one is covered.
          const px = c[i * 2 - 2]!, py = c[i * 2 - 1]!;
          x0 = Math.min(px, x); y0 = Math.min(py, y); x1 = Math.max(px, x); y1 = Math.max(py, y);
        } else {
          x0 = nx0; y0 = ny0; x1 = nx1; y1 = ny1;
        }
      }
      out.push(x0 - margin, y0 - margin, x1 + margin, y1 + margin);
    }
  }

  /** Moves the current feature's parts to the end of `target`, leaving this buffer empty. */
  moveFeatureTo(target: PixelPathBuffer): void {
    const floats = this.size - this.featureSize;
    target.reserve(floats);
    const shift = target.size / 2 - this.featureSize / 2;
    target.coords.set(this.coords.subarray(this.featureSize, this.size), target.size);
    for (let p = this.featureParts; p < this.offsets.length; p++) target.offsets.push(this.offsets[p]! + shift);
    target.size += floats;
    this.size = this.featureSize = 0;
    this.offsets.length = this.featureParts = 0;
  }

  /**
   * Hands over all stored parts as one item's geometry, without copying them, and starts a new
   * store for any later parts.
   */
  take(): PixelParts {
    const offsets = new Uint32Array(this.offsets.length + 1);
    offsets.set(this.offsets);
    offsets[this.offsets.length] = this.size / 2;
    const out = { coords: this.coords.subarray(0, this.size), offsets };
    this.coords = new Float64Array(256);
    this.size = 0;
    this.offsets.length = 0;
    return out;
  }

  private reserve(floats: number): void {
    if (this.size + floats <= this.coords.length) return;
    const next = new Float64Array(Math.max(this.coords.length * 2, this.size + floats));
    next.set(this.coords.subarray(0, this.size));
    this.coords = next;
  }

  /**
   * A ring smaller than the tolerance keeps three of its vertices, so a sub-pixel polygon still
   * shades its pixel (anti-aliased) instead of vanishing.
   */
  private keepTriangle(positions: readonly Position[], n: number, view: ViewTransform, start: number): number {
    for (let k = 0; k < 3; k++) {
      const p = positions[Math.floor((k * n) / 3)]!;
      this.coords[start + k * 2] = view.x(p[0]!, p[1]!);
      this.coords[start + k * 2 + 1] = view.y(p[0]!, p[1]!);
    }
    return 3;
  }

  /** Reverses the ring in place when its winding differs from `orientation` (shoelace in y-down px). */
  private orient(start: number, count: number, orientation: 1 | -1): void {
    const buf = this.coords;
    let area = 0;
    for (let i = 0, j = count - 1; i < count; j = i++) {
      area += buf[start + j * 2]! * buf[start + i * 2 + 1]! - buf[start + i * 2]! * buf[start + j * 2 + 1]!;
    }
    if (area * orientation >= 0) return;
    for (let i = 0, j = count - 1; i < j; i++, j--) {
      const xi = buf[start + i * 2]!, yi = buf[start + i * 2 + 1]!;
      buf[start + i * 2] = buf[start + j * 2]!;
      buf[start + i * 2 + 1] = buf[start + j * 2 + 1]!;
      buf[start + j * 2] = xi;
      buf[start + j * 2 + 1] = yi;
    }
  }
}
