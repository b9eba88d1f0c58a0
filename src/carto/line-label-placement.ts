/**
 * Line labels (esriServerLinePlacement*, mapserver.md §15.5): text that follows the line's
 * curvature glyph by glyph, above, below or centred on it, kept upright, and refused where the
 * line bends too sharply. A label whose glyphs all share one angle becomes a plain text item.
 * @module carto/line-label-placement
 */
import type { TextItem, TextPathItem } from './display-list.js';
import { clipPolyline } from './clip-polyline.js';
import type { LineCandidate, PlacementEnv } from './label-candidate.js';
import { labelTextItem } from './label-text-item.js';
import { LABEL_PADDING_PT } from './straight-label-placement.js';
import type { FontMetrics } from './text-measurer.js';

type Side = 'above' | 'below' | 'center';
type Position = 'along' | 'start' | 'end' | 'before' | 'after';

/** Side of the line and position along it for each placement. */
export const LINE_PLACEMENTS: Record<string, { side: Side; at: Position }> = Object.fromEntries(
  (['Above', 'Below', 'Center'] as const).flatMap((side) => (['Along', 'Start', 'End', 'Before', 'After'] as const).map((at) => [
    `esriServerLinePlacement${side}${at}`, { side: side.toLowerCase() as Side, at: at.toLowerCase() as Position },
  ])),
);

/** Largest turn between neighbouring glyphs, radians: beyond it a label reads as broken. */
const MAX_GLYPH_BEND = (30 * Math.PI) / 180;
/** Glyph angles within this of each other make a straight label, radians. */
const STRAIGHT_TOLERANCE = (1 * Math.PI) / 180;
/** Gap between the line (or its end) and the label, pt. */
const LINE_GAP_PT = 1.5;
/** Centre positions tried along the line, as fractions of the room left beside the label. */
const ALONG_TRIES = [0.5, 0.3, 0.7, 0.1, 0.9];

/** A polyline in px with cumulative lengths, sampled by distance from its start. */
class Polyline {
  readonly length: number;
  private readonly cum: Float64Array;
  /** Position found by the last `at` call. */
  x = 0;
  y = 0;

  constructor(readonly pts: readonly number[]) {
    const n = pts.length / 2;
    this.cum = new Float64Array(n);
    for (let i = 1; i < n; i++) this.cum[i] = this.cum[i - 1]! + Math.hypot(pts[i * 2]! - pts[i * 2 - 2]!, pts[i * 2 + 1]! - pts[i * 2 - 1]!);
    this.length = this.cum[n - 1] ?? 0;
  }

  /**
   * The parallel line `v` px to the left of the direction of travel (up from text read along
   * it), mitred at the vertices. Glyphs laid along it keep even spacing on the outside and the
   * inside of bends, where offsetting each glyph from the centre line would spread or crowd them.
   */
  offset(v: number): Polyline {
    const n = this.pts.length / 2;
    if (v === 0 || n < 2) return this;
    const normal = (i: number): [number, number] => {
      const dx = this.pts[i * 2 + 2]! - this.pts[i * 2]!, dy = this.pts[i * 2 + 3]! - this.pts[i * 2 + 1]!;
      const len = Math.hypot(dx, dy) || 1;
      return [dy / len, -dx / len];
    };
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const [ax, ay] = normal(Math.max(0, i - 1));
      const [bx, by] = normal(Math.min(n - 2, i));
      let mx = ax + bx, my = ay + by;
      const mlen = Math.hypot(mx, my);
      if (mlen < 1e-9) { mx = bx; my = by; } else { mx /= mlen; my /= mlen; }
      // Mitre length 1/cos(half the turn), capped so sharp corners do not throw points far out.
      const k = Math.min(2, 1 / Math.max(0.5, mx * bx + my * by));
      out.push(this.pts[i * 2]! + mx * v * k, this.pts[i * 2 + 1]! + my * v * k);
    }
    return new Polyline(out);
  }

  reversed(): Polyline {
    const out: number[] = [];
    for (let i = this.pts.length - 2; i >= 0; i -= 2) out.push(this.pts[i]!, this.pts[i + 1]!);
    return new Polyline(out);
  }

  /** Moves (x, y) to the point at distance `s` px from the start, clamped to the line. */
  at(s: number): void {
    const cum = this.cum;
    let lo = 0, hi = cum.length - 1;
    if (s <= 0 || hi === 0) { this.x = this.pts[0]!; this.y = this.pts[1]!; return; }
    if (s >= this.length) { this.x = this.pts[hi * 2]!; this.y = this.pts[hi * 2 + 1]!; return; }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! <= s) lo = mid; else hi = mid;
    }
    const t = (s - cum[lo]!) / (cum[hi]! - cum[lo]! || 1);
    this.x = this.pts[lo * 2]! + (this.pts[hi * 2]! - this.pts[lo * 2]!) * t;
    this.y = this.pts[lo * 2 + 1]! + (this.pts[hi * 2 + 1]! - this.pts[lo * 2 + 1]!) * t;
  }
}

/** Glyph origins and angles along a line, with their collision boxes. */
interface GlyphRun { xs: Float64Array; ys: Float64Array; angles: Float64Array; boxes: number[] }

const wrap = (a: number): number => Math.atan2(Math.sin(a), Math.cos(a));

/**
 * Lays glyphs along `line` centred at distance `s`, their baselines `v` px above it (negative is
 * below), each glyph turned to the chord it spans. Null where the line bends too sharply.
 */
function layGlyphs(line: Polyline, s: number, advances: Float64Array, total: number, v: number, m: FontMetrics, pad: number): GlyphRun | null {
  const n = advances.length;
  const run: GlyphRun = { xs: new Float64Array(n), ys: new Float64Array(n), angles: new Float64Array(n), boxes: [] };
  const h = m.ascent + m.descent;
  const mid = (m.ascent - m.descent) / 2;
  let d = s - total / 2;
  let angle = NaN;
  for (let i = 0; i < n; i++) {
    const adv = advances[i]!;
    line.at(d);
    const x0 = line.x, y0 = line.y;
    line.at(d + adv);
    const len = Math.hypot(line.x - x0, line.y - y0);
    const next = len > 1e-6 ? Math.atan2(line.y - y0, line.x - x0) : angle;
    if (Number.isNaN(next)) return null;
    if (i > 0 && Math.abs(wrap(next - angle)) > MAX_GLYPH_BEND) return null;
    angle = next;
    const tx = Math.cos(angle), ty = Math.sin(angle);
    // "Up" from the text, in y-down px: the tangent turned a quarter counter-clockwise on screen.
    const nx = ty, ny = -tx;
    const ox = x0 + nx * v, oy = y0 + ny * v;
    run.xs[i] = ox;
    run.ys[i] = oy;
    run.angles[i] = angle;
    const cx = ox + (tx * adv) / 2 + nx * mid, cy = oy + (ty * adv) / 2 + ny * mid;
    const hw = (Math.abs(tx) * adv + Math.abs(ty) * h) / 2 + pad, hh = (Math.abs(ty) * adv + Math.abs(tx) * h) / 2 + pad;
    run.boxes.push(cx - hw, cy - hh, cx + hw, cy + hh);
    d += adv;
  }
  return run;
}

/** Baseline offset above the line, px, for the side: clear of half the stroke plus a gap. */
function baselineOffset(side: Side, clearance: number, m: FontMetrics): number {
  if (side === 'above') return clearance + m.descent;
  if (side === 'below') return -(clearance + m.ascent);
  return -(m.ascent - m.descent) / 2;
}

/** The longest piece of the candidate's line inside the image. */
function longestVisiblePiece(c: LineCandidate, width: number, height: number): Polyline | null {
  const { coords, offsets } = c.parts;
  let best: Polyline | null = null;
  for (let p = 0; p + 1 < offsets.length; p++) {
    for (const piece of clipPolyline(coords.subarray(offsets[p]! * 2, offsets[p + 1]! * 2), 0, 0, width, height)) {
      const line = new Polyline(piece);
      if (!best || line.length > best.length) best = line;
    }
  }
  return best;
}

/**
 * A straight stand-in line for the Before and After positions: the label continues the line's
 * first or last stretch beyond its end, `gap` px away from it.
 */
function extension(line: Polyline, at: 'before' | 'after', total: number, gap: number): Polyline {
  const reach = Math.min(line.length, total);
  line.at(at === 'before' ? reach : line.length - reach);
  const ix = line.x, iy = line.y;
  line.at(at === 'before' ? 0 : line.length);
  const ex = line.x, ey = line.y;
  const len = Math.hypot(ex - ix, ey - iy) || 1;
  const ux = (ex - ix) / len, uy = (ey - iy) / len;
  const sx = ex + ux * gap, sy = ey + uy * gap;
  return new Polyline([sx, sy, sx + ux * total, sy + uy * total]);
}

/** Centre distances to try along the line for a position, in the line's own direction. */
function centres(at: Position, length: number, total: number, gap: number): number[] {
  const lo = total / 2, hi = length - total / 2;
  if (hi < lo) return [];
  if (at === 'start') return [Math.min(hi, lo + gap)];
  if (at === 'end') return [Math.max(lo, hi - gap)];
  if (at === 'along') return ALONG_TRIES.map((f) => lo + f * (hi - lo));
  return [length / 2];
}

/**
 * Places a line label, trying a few positions along the line for `Along`; returns a text item for
 * a straight run, a textPath item for a curved one, or null when nothing fits.
 */
export function placeLineLabel(c: LineCandidate, env: PlacementEnv): TextItem | TextPathItem | null {
  let line = longestVisiblePiece(c, env.index.width, env.index.height);
  if (!line) return null;
  const style = c.labelClass.style;
  const { side, at } = LINE_PLACEMENTS[c.labelClass.placement] ?? { side: 'above', at: 'along' };
  const glyphs = [...c.text];
  const advances = env.measurer.advances(style.font, glyphs);
  const total = advances.reduce((s, a) => s + a, 0);
  const m = env.measurer.metrics(style.font);
  const gap = LINE_GAP_PT * env.k;
  const pad = (style.halo?.width ?? 0) + LABEL_PADDING_PT * env.k;
  const v = baselineOffset(side, c.lineWidth / 2 + gap, m);
  if (at === 'before' || at === 'after') line = extension(line, at, total, gap);
  const reversed = line.reversed();
  for (const s of centres(at, line.length, total, gap)) {
    // Upright: read left to right (bottom to top on a vertical line), turning the line round if needed.
    line.at(s - total / 2);
    const x0 = line.x, y0 = line.y;
    line.at(s + total / 2);
    const flip = line.x < x0 || (line.x === x0 && line.y > y0);
    const base = flip ? reversed : line;
    const path = base.offset(v);
    const along = ((flip ? line.length - s : s) * path.length) / (base.length || 1);
    const run = layGlyphs(path, along, advances, total, 0, m, pad);
    if (!run || !env.index.fits(run.boxes)) continue;
    env.index.insert(run.boxes);
    return runItem(c, run, advances, glyphs, m, env);
  }
  return null;
}

/** The display item for a placed run: plain text when straight, else one glyph at a time. */
function runItem(c: LineCandidate, run: GlyphRun, advances: Float64Array, glyphs: string[], m: FontMetrics, env: PlacementEnv): TextItem | TextPathItem {
  const style = c.labelClass.style;
  const n = glyphs.length;
  const a0 = run.angles[0]!;
  const straight = run.angles.every((a) => Math.abs(wrap(a - a0)) < STRAIGHT_TOLERANCE);
  if (straight) {
    const ex = run.xs[n - 1]! + Math.cos(run.angles[n - 1]!) * advances[n - 1]!;
    const ey = run.ys[n - 1]! + Math.sin(run.angles[n - 1]!) * advances[n - 1]!;
    const angle = (-Math.atan2(ey - run.ys[0]!, ex - run.xs[0]!) * 180) / Math.PI;
    const width = env.measurer.width(style.font, c.text);
    return labelTextItem(style, c.text, (run.xs[0]! + ex) / 2, (run.ys[0]! + ey) / 2, angle, 'center', width, m, c.opacity);
  }
  return {
    kind: 'textPath', text: c.text, glyphs, xs: run.xs, ys: run.ys, angles: run.angles.map((a) => (-a * 180) / Math.PI),
    font: style.font, color: style.color, halo: style.halo, opacity: c.opacity,
  };
}
