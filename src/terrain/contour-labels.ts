/**
 * Elevation labels on index contours (topographic-sheet.md §6): numbers set in gaps cut in the
 * line about every 100–150 mm, on straight stretches, preferably where the neighbouring contours
 * leave room for them (on steep ground the intermediate contours under a label are cut too; an
 * index contour never is), with their tops facing uphill. Contours run with higher ground on
 * their right, so "top uphill" means the text reads against the line's direction — a label on
 * ground rising to the south stands upside down, as the convention wants.
 * @module terrain/contour-labels
 */
import { lineLength, type ContourLine } from './contours.js';

/** A placed elevation label, map units. */
export interface ContourLabel {
  /** The elevation as a whole number. */
  text: string;
  /** Centre of the text, on the contour. */
  x: number;
  y: number;
  /** Direction of the baseline, degrees counter-clockwise from map east. */
  angle: number;
  elevation: number;
}

/** How labels are sized, spaced and checked; all lengths in map units. */
export interface LabelOptions {
  /** Size of a label's text. */
  measure(text: string): { width: number; height: number };
  /**
   * The caller's collision check: the candidate box (text plus `gap`) as four corners
   * [x0, y0, … x3, y3]; false to try another position. A caller keeping a collision index adds
   * the box when it accepts it. [default: accept all]
   */
  accept?(polygon: number[]): boolean;
  /** Distance wanted between labels along a line (100–150 mm at map scale). */
  spacing: number;
  /** [gap=0] Margin around the text: the line is cut and the box grown by this much. */
  gap?: number;
  /** [maxTurn=20] Largest total change of direction, degrees, along the stretch under a label. */
  maxTurn?: number;
  /** [maxDeviation=¼ text height] Largest distance of the line from the label's baseline chord. */
  maxDeviation?: number;
}

/** What {@link placeContourLabels} gives back. */
export interface PlacedLabels {
  labels: ContourLabel[];
  /**
   * All input lines; those running under a label (the labelled line, and intermediate contours
   * a label had to cross) split there into open pieces that keep the line's metadata.
   */
  lines: ContourLine[];
}

/** Cumulative distance along a polyline at each of its points. */
function cumulative(c: Float64Array): Float64Array {
  const cum = new Float64Array(c.length / 2);
  for (let i = 1; i < cum.length; i++) cum[i] = cum[i - 1]! + Math.hypot(c[i * 2]! - c[i * 2 - 2]!, c[i * 2 + 1]! - c[i * 2 - 1]!);
  return cum;
}

/** Index of the segment holding distance `s` (0 ≤ s ≤ total). */
function segmentAt(cum: Float64Array, s: number): number {
  let lo = 0, hi = cum.length - 2;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (cum[mid]! <= s) lo = mid; else hi = mid - 1; }
  return lo;
}

/** Point at distance `s` along the polyline. */
function pointAt(c: Float64Array, cum: Float64Array, s: number): [number, number] {
  const i = segmentAt(cum, s);
  const len = cum[i + 1]! - cum[i]!;
  const t = len > 0 ? (s - cum[i]!) / len : 0;
  return [c[i * 2]! + (c[i * 2 + 2]! - c[i * 2]!) * t, c[i * 2 + 1]! + (c[i * 2 + 3]! - c[i * 2 + 1]!) * t];
}

/** The polyline between distances `from` and `to` (from < to, both within the line). */
function stretch(c: Float64Array, cum: Float64Array, from: number, to: number): number[] {
  const out = [...pointAt(c, cum, from)];
  for (let i = segmentAt(cum, from) + 1; i < cum.length && cum[i]! < to; i++) out.push(c[i * 2]!, c[i * 2 + 1]!);
  out.push(...pointAt(c, cum, to));
  return out;
}

/** Whether a stretch is straight enough for a label: total turning and distance from its chord. */
function straight(p: number[], maxTurn: number, maxDeviation: number): boolean {
  const ax = p[0]!, ay = p[1]!, bx = p.at(-2)!, by = p.at(-1)!;
  const chord = Math.hypot(bx - ax, by - ay);
  if (chord === 0) return false;
  let turn = 0, prev = NaN;
  for (let i = 0; i + 3 < p.length; i += 2) {
    const dx = p[i + 2]! - p[i]!, dy = p[i + 3]! - p[i + 1]!;
    if (dx === 0 && dy === 0) continue;
    const dir = Math.atan2(dy, dx);
    if (prev === prev) { let d = Math.abs(dir - prev); if (d > Math.PI) d = 2 * Math.PI - d; turn += d; }
    prev = dir;
    const off = Math.abs((bx - ax) * (p[i + 1]! - ay) - (by - ay) * (p[i]! - ax)) / chord;
    if (off > maxDeviation) return false;
  }
  return turn <= maxTurn;
}

/** A label's box: centre, unit direction of the line under it, half length along and half height across. */
interface Box { cx: number; cy: number; ux: number; uy: number; half: number; halfH: number }

/** One Liang–Barsky boundary: narrows [t[0], t[1]]; false when nothing is left. */
function edge(p: number, q: number, t: number[]): boolean {
  if (p === 0) return q >= 0;
  const r = q / p;
  if (p < 0) { if (r > t[1]!) return false; if (r > t[0]!) t[0] = r; } else { if (r < t[0]!) return false; if (r < t[1]!) t[1] = r; }
  return true;
}

/** Where segment (x0, y0)–(x1, y1) runs inside the box, as [t0, t1] of its length, or null. */
function clip(box: Box, x0: number, y0: number, x1: number, y1: number): [number, number] | null {
  const { cx, cy, ux, uy, half, halfH } = box;
  // The segment in the box's frame: a along u, b across.
  const a0 = (x0 - cx) * ux + (y0 - cy) * uy, b0 = -(x0 - cx) * uy + (y0 - cy) * ux;
  const a1 = (x1 - cx) * ux + (y1 - cy) * uy, b1 = -(x1 - cx) * uy + (y1 - cy) * ux;
  // Liang–Barsky against |a| ≤ half, |b| ≤ halfH.
  const da = a1 - a0, db = b1 - b0;
  const t = [0, 1];
  if (!edge(-da, a0 + half, t) || !edge(da, half - a0, t) || !edge(-db, b0 + halfH, t) || !edge(db, halfH - b0, t)) return null;
  const t0 = t[0]!, t1 = t[1]!;
  return t0 <= t1 ? [t0, t1] : null;
}

/**
 * Every contour segment in buckets of a coarse grid (compressed rows), to find the contours a
 * label box would cross.
 */
class SegmentGrid {
  private readonly x0: number;
  private readonly y0: number;
  private readonly nx: number;
  private readonly ny: number;
  private readonly first: Int32Array;
  private readonly members: Int32Array;
  /** Per segment: its line, its offset in the line's coords, the distance along the line at its start. */
  readonly segLine: Int32Array;
  private readonly segAt: Int32Array;
  private readonly segAlong: Float64Array;
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(private readonly lines: readonly ContourLine[], private readonly size: number) {
    let total = 0, xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
    for (const l of lines) {
      total += Math.max(0, l.coords.length / 2 - 1);
      for (let i = 0; i < l.coords.length; i += 2) {
        xmin = Math.min(xmin, l.coords[i]!); xmax = Math.max(xmax, l.coords[i]!);
        ymin = Math.min(ymin, l.coords[i + 1]!); ymax = Math.max(ymax, l.coords[i + 1]!);
      }
    }
    while (((xmax - xmin) / size + 1) * ((ymax - ymin) / size + 1) > 1 << 20) size *= 2;
    this.size = size;
    this.x0 = xmin; this.y0 = ymin;
    this.nx = Math.max(1, Math.floor((xmax - xmin) / size) + 1); this.ny = Math.max(1, Math.floor((ymax - ymin) / size) + 1);
    this.segLine = new Int32Array(total); this.segAt = new Int32Array(total); this.segAlong = new Float64Array(total);
    this.seen = new Int32Array(total);
    this.first = new Int32Array(this.nx * this.ny + 1);
    const range = new Int32Array(4);
    for (let pass = 0; pass < 2; pass++) {
      const fill = pass === 1 ? this.first.slice() : null;
      if (pass === 1) this.members = new Int32Array(this.first[this.first.length - 1]!);
      let s = 0;
      lines.forEach((l, li) => {
        const c = l.coords;
        let along = 0;
        for (let i = 0; i + 3 < c.length; i += 2, s++) {
          this.segLine[s] = li; this.segAt[s] = i; this.segAlong[s] = along;
          along += Math.hypot(c[i + 2]! - c[i]!, c[i + 3]! - c[i + 1]!);
          this.range(Math.min(c[i]!, c[i + 2]!), Math.min(c[i + 1]!, c[i + 3]!), Math.max(c[i]!, c[i + 2]!), Math.max(c[i + 1]!, c[i + 3]!), range);
          for (let r = range[2]!; r <= range[3]!; r++) {
            for (let b = r * this.nx + range[0]!; b <= r * this.nx + range[1]!; b++) {
              if (fill) this.members[fill[b]!++] = s; else this.first[b + 1]!++;
            }
          }
        }
      });
      if (pass === 0) for (let b = 1; b < this.first.length; b++) this.first[b]! += this.first[b - 1]!;
    }
    this.members ??= new Int32Array(0);
  }

  private range(x0: number, y0: number, x1: number, y1: number, out: Int32Array): void {
    const { nx, ny, size } = this;
    out[0] = Math.min(nx - 1, Math.max(0, Math.floor((x0 - this.x0) / size)));
    out[1] = Math.min(nx - 1, Math.max(0, Math.floor((x1 - this.x0) / size)));
    out[2] = Math.min(ny - 1, Math.max(0, Math.floor((y0 - this.y0) / size)));
    out[3] = Math.min(ny - 1, Math.max(0, Math.floor((y1 - this.y0) / size)));
  }

  /**
   * The segments crossing `box`, leaving out the stretch of line `self` between distances
   * `from` and `to` (the label's own; on a ring of length `total`, `to` may pass `total`).
   */
  crossing(box: Box, self: number, from: number, to: number, total: number): number[] {
    const ex = Math.abs(box.ux) * box.half + Math.abs(box.uy) * box.halfH, ey = Math.abs(box.uy) * box.half + Math.abs(box.ux) * box.halfH;
    const range = new Int32Array(4);
    this.range(box.cx - ex, box.cy - ey, box.cx + ex, box.cy + ey, range);
    const stamp = ++this.stamp;
    const hits: number[] = [];
    for (let r = range[2]!; r <= range[3]!; r++) {
      for (let b = r * this.nx + range[0]!; b <= r * this.nx + range[1]!; b++) {
        for (let m = this.first[b]!; m < this.first[b + 1]!; m++) {
          const s = this.members[m]!;
          if (this.seen[s] === stamp) continue;
          this.seen[s] = stamp;
          const li = this.segLine[s]!, at = this.segAt[s]!, along = this.segAlong[s]!;
          const c = this.lines[li]!.coords;
          if (li === self) {
            const end = along + Math.hypot(c[at + 2]! - c[at]!, c[at + 3]! - c[at + 1]!);
            if ((end >= from && along <= to) || (to > total && along <= to - total)) continue;
          }
          if (clip(box, c[at]!, c[at + 1]!, c[at + 2]!, c[at + 3]!)) hits.push(s);
        }
      }
    }
    return hits;
  }
}

/**
 * Cuts the parts of a line inside any of `boxes` (the labels laid over it); the pieces left are
 * open and keep the line's metadata.
 */
function cutByBoxes(line: ContourLine, boxes: readonly Box[]): ContourLine[] {
  const c = line.coords;
  // Each box's bounding square, to pass over the many segments far from every box.
  const reach = boxes.map((b) => [b.cx, b.cy, Math.hypot(b.half, b.halfH)] as const);
  const pieces: number[][] = [];
  let run: number[] = [c[0]!, c[1]!];
  let inside = boxes.some((b) => clip(b, c[0]!, c[1]!, c[0]!, c[1]!));
  if (inside) run = [];
  for (let i = 0; i + 3 < c.length; i += 2) {
    const x0 = c[i]!, y0 = c[i + 1]!, dx = c[i + 2]! - x0, dy = c[i + 3]! - y0;
    const far = reach.every(([bx, by, r]) => Math.min(x0, x0 + dx) > bx + r || Math.max(x0, x0 + dx) < bx - r || Math.min(y0, y0 + dy) > by + r || Math.max(y0, y0 + dy) < by - r);
    if (far && !inside) { run.push(c[i + 2]!, c[i + 3]!); continue; }
    const spans = boxes.map((b) => clip(b, x0, y0, c[i + 2]!, c[i + 3]!)).filter((t): t is [number, number] => t !== null).sort((a, b) => a[0] - b[0]);
    let t = 0;
    for (const [t0, t1] of spans) {
      if (t1 <= t) continue;
      if (t0 > t) { if (inside) { run = [x0 + dx * t, y0 + dy * t]; inside = false; } run.push(x0 + dx * t0, y0 + dy * t0); }
      if (!inside) { if (run.length >= 4) pieces.push(run); run = []; inside = true; }
      t = Math.max(t, t1);
    }
    if (t < 1) {
      if (inside) { run = [x0 + dx * t, y0 + dy * t]; inside = false; }
      run.push(c[i + 2]!, c[i + 3]!);
    }
  }
  if (!inside && run.length >= 4) pieces.push(run);
  // A ring whose start is outside every box: its last and first pieces are one.
  if (line.closed && pieces.length > 1 && pieces[0]![0] === c[0] && pieces[0]![1] === c[1] && pieces.at(-1)!.at(-2) === c[0] && pieces.at(-1)!.at(-1) === c[1]) {
    const tail = pieces.pop()!;
    pieces[0] = [...tail.slice(0, -2), ...pieces[0]!];
  }
  return pieces.map((p) => ({ ...line, closed: false, coords: Float64Array.from(p) }));
}

/** Cuts a line at the given distance intervals (sorted, not overlapping), keeping the metadata. */
function cutLine(line: ContourLine, cum: Float64Array, gaps: [number, number][]): ContourLine[] {
  const c = line.coords, total = cum[cum.length - 1]!;
  const spans: [number, number][] = [];
  if (line.closed) {
    // From the end of the first gap round to its start, between the others.
    for (let i = 0; i < gaps.length; i++) {
      const from = gaps[i]![1], to = i + 1 < gaps.length ? gaps[i + 1]![0] : gaps[0]![0] + total;
      spans.push([from, to]);
    }
  } else {
    let from = 0;
    for (const [a, b] of gaps) { spans.push([from, a]); from = b; }
    spans.push([from, total]);
  }
  const out: ContourLine[] = [];
  for (const [from, to] of spans) {
    if (to - from <= 1e-9 * Math.max(1, total)) continue;
    let coords: number[];
    if (to <= total) coords = stretch(c, cum, from, to);
    else coords = [...stretch(c, cum, from, total), ...stretch(c, cum, 0, to - total).slice(2)];
    out.push({ ...line, closed: false, coords: Float64Array.from(coords) });
  }
  return out;
}

/**
 * Labels the index contours among `lines` with their elevations, about every `spacing` along
 * each, and cuts the lines under the labels. A label goes on a stretch that is straight over
 * its length and that `accept` takes, round each target position the nearest such stretch
 * within half the spacing. A stretch whose box is clear of every other contour is preferred;
 * failing one (steep ground), a box crossing only intermediate contours will do, and those are
 * cut under it. A box never crosses another index contour.
 */
export function placeContourLabels(lines: readonly ContourLine[], options: LabelOptions): PlacedLabels {
  const { measure, accept = () => true, spacing, gap = 0 } = options;
  const maxTurn = ((options.maxTurn ?? 20) * Math.PI) / 180;
  const labels: ContourLabel[] = [];
  const sizes = new Map<string, { width: number; height: number }>();
  const gapsOf = new Map<number, { cum: Float64Array; gaps: [number, number][] }>();
  const masksOf = new Map<number, Box[]>();
  let grid: SegmentGrid | null = null;

  lines.forEach((line, li) => {
    if (!line.index || line.coords.length < 4) return;
    const text = String(Math.round(line.elevation));
    if (!sizes.has(text)) sizes.set(text, measure(text));
    const { width, height } = sizes.get(text)!;
    const half = width / 2 + gap, halfH = height / 2 + gap;
    const maxDeviation = options.maxDeviation ?? height / 4;
    const c = line.coords, cum = cumulative(c), total = cum[cum.length - 1]!;
    // Open lines keep a text height of line beyond each label; short lines take no label.
    const margin = line.closed ? 0 : height;
    if (total < 6 * half + 2 * margin) return;
    grid ??= new SegmentGrid(lines, Math.max(4 * half, 2 * halfH));
    const n = Math.max(1, Math.round(total / spacing)), each = total / n;
    const reach = Math.max(0, each / 2 - half);
    const step = Math.max(height / 2, total * 1e-6);
    const gaps: [number, number][] = [];
    for (let k = 0; k < n; k++) {
      const target = (k + 0.5) * each;
      let placed = false;
      for (const strict of [true, false]) {
        for (let j = 0; j * step <= reach && !placed; j++) {
          for (const s of j === 0 ? [target] : [target - j * step, target + j * step]) {
            let from = s - half, to = s + half;
            if (line.closed) { if (from < 0) { from += total; to += total; } } else if (from < margin || to > total - margin) continue;
            const p = to <= total ? stretch(c, cum, from, to) : [...stretch(c, cum, from, total), ...stretch(c, cum, 0, to - total).slice(2)];
            if (!straight(p, maxTurn, maxDeviation)) continue;
            const ax = p[0]!, ay = p[1]!, bx = p.at(-2)!, by = p.at(-1)!;
            const len = Math.hypot(bx - ax, by - ay);
            const [x, y] = pointAt(c, cum, s);
            const box: Box = { cx: x, cy: y, ux: (bx - ax) / len, uy: (by - ay) / len, half, halfH };
            const hits = grid.crossing(box, li, from, to, total);
            if (strict ? hits.length > 0 : hits.some((h) => lines[grid!.segLine[h]!]!.index)) continue;
            // Tops uphill: uphill is the right of the line direction u, so the baseline runs along −u.
            const bxu = -box.ux, byu = -box.uy, upx = box.uy, upy = -box.ux;
            const polygon = [
              x - bxu * half - upx * halfH, y - byu * half - upy * halfH,
              x + bxu * half - upx * halfH, y + byu * half - upy * halfH,
              x + bxu * half + upx * halfH, y + byu * half + upy * halfH,
              x - bxu * half + upx * halfH, y - byu * half + upy * halfH,
            ];
            if (!accept(polygon)) continue;
            labels.push({ text, x, y, angle: (Math.atan2(byu, bxu) * 180) / Math.PI, elevation: line.elevation });
            gaps.push([from, to]);
            for (const other of new Set(hits.map((h) => grid!.segLine[h]!))) masksOf.set(other, [...(masksOf.get(other) ?? []), box]);
            placed = true;
            break;
          }
        }
        if (placed) break;
      }
    }
    if (gaps.length) gapsOf.set(li, { cum, gaps });
  });

  const out: ContourLine[] = [];
  lines.forEach((line, li) => {
    const labelled = gapsOf.get(li), masks = masksOf.get(li);
    if (labelled) {
      // Gaps wrapping past a ring's start are split so every gap lies within [0, total].
      const total = labelled.cum[labelled.cum.length - 1]!;
      const flat: [number, number][] = [];
      for (const [a, b] of labelled.gaps) if (b > total) flat.push([a, total], [0, b - total]); else flat.push([a, b]);
      flat.sort((p, q) => p[0] - q[0]);
      out.push(...cutLine(line, labelled.cum, flat));
    } else if (masks) out.push(...cutByBoxes(line, masks));
    else out.push(line);
  });
  return { labels, lines: out.filter((l) => lineLength(l.coords) > 0) };
}
