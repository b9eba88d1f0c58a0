/**
 * SVG path data for display-list geometry, shared by every backend: the SVG backend writes it
 * into `d` attributes and the canvas backend hands it to Skia as one `Path2D`. Crossing into
 * Skia once per path instead of once per vertex is what makes large maps fast (a `lineTo`
 * costs about 0.3 µs of N-API overhead; writing its digits costs a few ns), and it guarantees
 * that raster, PDF and SVG draw identical coordinates.
 *
 * Coordinates are written in tenths of a pixel, relative to the previous vertex, as ASCII bytes.
 * @module render/path-data
 */
import type { HatchStyle, MarkerItem, MarkerShape, PathItem } from '../carto/display-list.js';

const SPACE = 32, MINUS = 45, DOT = 46, ZERO = 48;

/** Appends path commands to a growing byte buffer. */
class PathDataWriter {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  /** Last written point, in tenths of px. */
  private px = 0;
  private py = 0;

  /** Absolute move to (x, y) px. */
  move(x: number, y: number): void {
    const ix = Math.round(x * 10), iy = Math.round(y * 10);
    this.reserve(32);
    this.buf[this.len++] = 77; // M
    this.tenths(ix);
    this.buf[this.len++] = SPACE;
    this.tenths(iy);
    this.px = ix;
    this.py = iy;
  }

  /** Starts a run of relative line-tos; follow with `to`. */
  lines(): void {
    this.reserve(1);
    this.buf[this.len++] = 108; // l
  }

  /** Relative line to (x, y) px, inside a run opened by `lines`. */
  to(x: number, y: number): void {
    const ix = Math.round(x * 10), iy = Math.round(y * 10);
    this.reserve(32);
    this.tenths(ix - this.px);
    this.buf[this.len++] = SPACE;
    this.tenths(iy - this.py);
    this.buf[this.len++] = SPACE;
    this.px = ix;
    this.py = iy;
  }

  /** Closes the current subpath. */
  close(): void {
    this.reserve(1);
    this.buf[this.len++] = 122; // z
  }

  /** Appends literal path text (ASCII). */
  text(s: string): void {
    this.reserve(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.len++] = s.charCodeAt(i);
  }

  /** The path data written since the last `take`, and a fresh start. */
  take(): string {
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).toString('latin1');
    this.len = 0;
    return s;
  }

  /** Writes an integer count of tenths as a decimal number. */
  private tenths(v: number): void {
    const b = this.buf;
    if (v < 0) { b[this.len++] = MINUS; v = -v; }
    const int = Math.floor(v / 10), frac = v - int * 10;
    if (int < 10) b[this.len++] = ZERO + int;
    else {
      const start = this.len;
      for (let n = int; n > 0; n = Math.floor(n / 10)) b[this.len++] = ZERO + (n % 10);
      for (let i = start, j = this.len - 1; i < j; i++, j--) { const t = b[i]!; b[i] = b[j]!; b[j] = t; }
    }
    if (frac) { b[this.len++] = DOT; b[this.len++] = ZERO + frac; }
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

/** One writer serves every call: its buffer grows once to the largest path and is reused (rendering is synchronous). */
const w = new PathDataWriter();

/** Path data of a path item's lines or rings. */
export function pathItemData(item: Pick<PathItem, 'coords' | 'offsets' | 'closed'>): string {
  const { coords, offsets } = item;
  for (let p = 0; p + 1 < offsets.length; p++) {
    const s = offsets[p]!, e = offsets[p + 1]!;
    w.move(coords[s * 2]!, coords[s * 2 + 1]!);
    w.lines();
    for (let i = s + 1; i < e; i++) w.to(coords[i * 2]!, coords[i * 2 + 1]!);
    if (item.closed) w.close();
  }
  return w.take();
}

/** Marker outlines in units of the marker size, y down, centred on the point; `closed` shapes are areas. */
const SHAPES: Record<Exclude<MarkerShape, 'circle'>, { closed: boolean; parts: readonly (readonly number[])[] }> = {
  square: { closed: true, parts: [[-0.5, -0.5, 0.5, -0.5, 0.5, 0.5, -0.5, 0.5]] },
  diamond: { closed: true, parts: [[0, -0.5, 0.5, 0, 0, 0.5, -0.5, 0]] },
  triangle: { closed: true, parts: [[0, -0.5, 0.5, 0.5, -0.5, 0.5]] },
  cross: { closed: false, parts: [[-0.5, 0, 0.5, 0], [0, -0.5, 0, 0.5]] },
  x: { closed: false, parts: [[-0.5, -0.5, 0.5, 0.5], [0.5, -0.5, -0.5, 0.5]] },
};

/** Path data of all markers of a marker item, each at its size and angle. */
export function markerItemData(item: MarkerItem): string {
  const { points, sizes, angles } = item;
  const shape = item.shape === 'circle' ? null : SHAPES[item.shape];
  for (let i = 0; i < points.length / 2; i++) {
    const x = points[i * 2]!, y = points[i * 2 + 1]!;
    const size = sizes ? sizes[i]! : item.size;
    if (!shape) {
      // Two half-circle arcs; rotation does not change a circle.
      const d = Math.round(size * 10) / 10, r = d / 2;
      w.move(x - r, y);
      w.text(`a${r} ${r} 0 1 0 ${d} 0a${r} ${r} 0 1 0 -${d} 0z`);
      continue;
    }
    const t = ((angles ? angles[i]! : item.angle) * Math.PI) / 180;
    const cos = Math.cos(t) * size, sin = Math.sin(t) * size;
    for (const part of shape.parts) {
      for (let j = 0; j < part.length; j += 2) {
        const ux = part[j]!, uy = part[j + 1]!;
        // Counter-clockwise on screen (y down).
        const px = x + ux * cos + uy * sin, py = y - ux * sin + uy * cos;
        if (j === 0) { w.move(px, py); w.lines(); } else w.to(px, py);
      }
      if (shape.closed) w.close();
    }
  }
  return w.take();
}

/** True when a marker shape has an area to fill (cross and x are only strokes). */
export function markerHasArea(shape: MarkerShape): boolean {
  return shape === 'circle' || SHAPES[shape].closed;
}

/**
 * Path data of the hatch lines covering a box (x0, y0, x1, y1 px). Lines are anchored at the
 * image origin, so neighbouring polygons' hatches line up.
 */
export function hatchData(hatch: HatchStyle, x0: number, y0: number, x1: number, y1: number): string {
  const corners = [x0, y0, x1, y0, x0, y1, x1, y1];
  for (const angle of hatch.angles) {
    const t = (angle * Math.PI) / 180;
    // Direction along the lines (counter-clockwise on screen) and across them.
    const dx = Math.cos(t), dy = -Math.sin(t), nx = -dy, ny = dx;
    let cmin = Infinity, cmax = -Infinity, tmin = Infinity, tmax = -Infinity;
    for (let i = 0; i < 8; i += 2) {
      const c = corners[i]! * nx + corners[i + 1]! * ny, s = corners[i]! * dx + corners[i + 1]! * dy;
      cmin = Math.min(cmin, c); cmax = Math.max(cmax, c); tmin = Math.min(tmin, s); tmax = Math.max(tmax, s);
    }
    for (let k = Math.ceil(cmin / hatch.spacing); k * hatch.spacing <= cmax; k++) {
      const c = k * hatch.spacing;
      w.move(nx * c + dx * (tmin - 1), ny * c + dy * (tmin - 1));
      w.lines();
      w.to(nx * c + dx * (tmax + 1), ny * c + dy * (tmax + 1));
    }
  }
  return w.take();
}
