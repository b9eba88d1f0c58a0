/**
 * The index to boundaries (topographic-sheet.md §3 row 7, §11): a small map of the sheet with
 * the international and first- and second-order administrative boundaries that cross it and the
 * names of the areas they separate. UpdateSurrounds extracts and clips the boundary features and
 * hands them over normalised to the sheet; this module only draws.
 * @module sheet/surrounds/boundaries-diagram
 */
import type { DisplayItem } from '../../carto/display-list.js';
import { poleOfInaccessibility } from '../../carto/pole-of-inaccessibility.js';
import { lines, mm, PALETTE, polygons, type LineStyle, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';

/** An administrative area on the sheet. Positions are normalised: x 0..1 west to east, y 0..1 north to south. */
export interface BoundaryArea {
  name: string;
  /**
   * Rings (outer rings and holes, even-odd) as flat x, y arrays, already clipped to the sheet
   * outline or to the unit square: edges along either are clip edges and are not drawn.
   */
  rings: number[][];
  /** 0 international (a country), 1 first-order (state, province), 2 second-order (county, district). */
  level: 0 | 1 | 2;
}

/** What the index to boundaries shows. */
export interface BoundariesDiagramInput {
  areas: BoundaryArea[];
  /** The sheet's outline as a closed ring in the same normalised space. */
  neatline: number[];
  /** The sheet's width over its height. */
  aspect: number;
}

const TITLE = 'INDEX TO BOUNDARIES';
const TITLE_SIZES = [7, 6] as const;
const TITLE_GAP = mm(2);
/** Room kept free along the box edges for the outline's stroke. */
const PAD = 1;
/** The diagram is a small map: no larger than this on its longer side. */
const MAX_DIAGRAM = mm(70);
const MIN_DIAGRAM = mm(10);
const HALO = 0.8;

/** Boundary lines per level, in purple-grey: international dash-dot and widest, first-order solid, second-order dashed. */
const BOUNDARY_STYLE: Record<BoundaryArea['level'], LineStyle> = {
  0: { width: 1.4, color: PALETTE.boundary, dash: [5, 1.5, 1.2, 1.5] },
  1: { width: 1, color: PALETTE.boundary },
  2: { width: 0.5, color: PALETTE.boundary, dash: [2.5, 1.2] },
};

/** Name type per level: larger and bolder for higher-order areas. */
const NAME_STYLE: Record<BoundaryArea['level'], TextStyle> = {
  0: { size: 8, weight: 'bold', halo: HALO },
  1: { size: 7, halo: HALO },
  2: { size: 6, halo: HALO },
};

/**
 * Draws the index to boundaries into `box`: the title at the top and under it the sheet outline
 * in its proportions, the area boundaries (clipped to it, lower orders drawn first so a higher
 * order wins where they coincide) and each area's name at the interior point of its largest
 * ring. Names that would leave the diagram shrink to 6 pt, then give way.
 */
export function drawBoundariesDiagram(input: BoundariesDiagramInput, box: PageBox, text: PageText): DisplayItem[] {
  const inner = { x: box.x + PAD, y: box.y + PAD, width: box.width - 2 * PAD, height: box.height - 2 * PAD };
  if (inner.width <= 0 || inner.height <= 0 || !(input.aspect > 0)) return [];
  const titleStyle = TITLE_SIZES.map((size): TextStyle => ({ size, weight: 'bold' })).find((s) => text.width(TITLE, s) <= inner.width);
  const tm = titleStyle && text.metrics(titleStyle);
  const top = tm ? inner.y + tm.ascent + tm.descent + TITLE_GAP : inner.y;
  const a = input.aspect;
  const width = Math.min(inner.width, (inner.y + inner.height - top) * a, a >= 1 ? MAX_DIAGRAM : MAX_DIAGRAM * a);
  if (Math.min(width, width / a) < MIN_DIAGRAM) return [];
  const d: PageBox = { x: inner.x + (inner.width - width) / 2, y: top, width, height: width / a };
  const toPage = (ring: readonly number[]): number[] => ring.map((c, i) => (i % 2 === 0 ? d.x + c * d.width : d.y + c * d.height));

  const items: DisplayItem[] = [];
  if (titleStyle && tm) items.push(text.text(TITLE, inner.x + inner.width / 2, inner.y + tm.ascent, { ...titleStyle, align: 'center' }));
  const outline = toPage(input.neatline);
  const byLevel = boundaryLines(input.areas, input.neatline);
  const boundaries: DisplayItem[] = [];
  for (const level of [2, 1, 0] as const) {
    const parts = byLevel[level].map(toPage);
    if (parts.length) boundaries.push(lines(parts, { ...BOUNDARY_STYLE[level], cap: 'round', join: 'round' }));
  }
  // The clip keeps the wide lines' outer halves off the collar where a boundary meets the sheet edge.
  items.push({ kind: 'clip', coords: Float64Array.from(outline), offsets: Uint32Array.of(0, outline.length / 2), items: boundaries });
  items.push(polygons([outline], null, { width: 0.5 }));
  items.push(...nameItems(input.areas, d, toPage, text));
  return items;
}

/** How close (in normalised units) two lines must run to be one line: about 0.01 mm on a diagram 60 mm across. */
const COINCIDENT = 2e-4;
/** Cells per side of the unit square in the index of drawn edges. */
const INDEX_CELLS = 32;

type Segment = readonly [ax: number, ay: number, bx: number, by: number];

/** Distance from (x, y) to a segment. */
function distanceToSegment(x: number, y: number, [ax, ay, bx, by]: Segment): number {
  const dx = bx - ax, dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len > 0 ? Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len)) : 0;
  return Math.hypot(x - ax - dx * t, y - ay - dy * t);
}

/** Segments bucketed on a grid over the unit square, to ask whether a point lies on any of them. */
class SegmentIndex {
  private readonly cells: Segment[][] = Array.from({ length: INDEX_CELLS * INDEX_CELLS }, () => []);
  private cell = (v: number) => Math.max(0, Math.min(INDEX_CELLS - 1, Math.floor(v * INDEX_CELLS)));

  add(s: Segment): void {
    const [ax, ay, bx, by] = s;
    for (let j = this.cell(Math.min(ay, by) - COINCIDENT); j <= this.cell(Math.max(ay, by) + COINCIDENT); j++) {
      for (let i = this.cell(Math.min(ax, bx) - COINCIDENT); i <= this.cell(Math.max(ax, bx) + COINCIDENT); i++) this.cells[j * INDEX_CELLS + i]!.push(s);
    }
  }

  covers(x: number, y: number): boolean {
    return this.cells[this.cell(y) * INDEX_CELLS + this.cell(x)]!.some((s) => distanceToSegment(x, y, s) <= COINCIDENT);
  }
}

/** The edges of a flat ring, closed whether or not its last vertex repeats the first. */
function ringEdges(r: readonly number[]): Segment[] {
  const n = r.length / 2 - (r[0] === r[r.length - 2] && r[1] === r[r.length - 1] ? 1 : 0);
  return Array.from({ length: Math.max(0, n) }, (_, i) => {
    const j = (i + 1) % n;
    return [r[i * 2]!, r[i * 2 + 1]!, r[j * 2]!, r[j * 2 + 1]!] as const;
  });
}

/**
 * The boundary lines per level, as normalised polylines. Levels are drawn from the highest order
 * down, and an edge already drawn (by a neighbour, or by a higher-order area whose line it
 * follows: a county edge that is also a state line is drawn once, as the state line) is not drawn
 * again; nor are the edges that only follow the sheet outline or the sides of the unit square,
 * where the areas were clipped. Consecutive edges of one ring are chained, so dashes run on
 * unbroken.
 */
export function boundaryLines(areas: readonly BoundaryArea[], neatline: readonly number[]): Record<BoundaryArea['level'], number[][]> {
  const drawn = new SegmentIndex();
  ringEdges(neatline).forEach((s) => drawn.add(s));
  const onSide = (a: number, b: number) => (a <= COINCIDENT && b <= COINCIDENT) || (a >= 1 - COINCIDENT && b >= 1 - COINCIDENT);
  const out: Record<BoundaryArea['level'], number[][]> = { 0: [], 1: [], 2: [] };
  for (const level of [0, 1, 2] as const) {
    for (const area of areas) {
      if (area.level !== level) continue;
      for (const ring of area.rings) {
        const kept = ringEdges(ring).map((s) => {
          const [ax, ay, bx, by] = s;
          if (ax === bx && ay === by) return false;
          if (onSide(ax, bx) || onSide(ay, by)) return false;
          return !(drawn.covers(ax, ay) && drawn.covers(bx, by) && drawn.covers((ax + bx) / 2, (ay + by) / 2));
        });
        const edges = ringEdges(ring);
        // Start the chains at a dropped edge, so a run through the ring's first vertex stays whole.
        const first = Math.max(0, kept.indexOf(false));
        let run: number[] | null = null;
        for (let k = 0; k < edges.length; k++) {
          const i = (first + k) % edges.length;
          const [ax, ay, bx, by] = edges[i]!;
          if (!kept[i]) { if (run) out[level].push(run); run = null; continue; }
          if (run) run.push(bx, by); else run = [ax, ay, bx, by];
        }
        if (run) out[level].push(run);
        edges.forEach((s, i) => kept[i] && drawn.add(s));
      }
    }
  }
  return out;
}

/** Twice the signed area of a flat ring. */
function ringArea(r: readonly number[]): number {
  let s = 0;
  for (let i = 0, n = r.length / 2; i < n; i++) {
    const j = (i + 1) % n;
    s += r[i * 2]! * r[j * 2 + 1]! - r[j * 2]! * r[i * 2 + 1]!;
  }
  return s;
}

interface Rect { x0: number; y0: number; x1: number; y1: number }

/**
 * Each area's name centred on the pole of inaccessibility of its largest ring (the area's other
 * rings count as edges, so a hole is avoided), higher orders placed first; a name that overlaps
 * one already placed tries a line above and below.
 */
function nameItems(areas: BoundaryArea[], d: PageBox, toPage: (ring: readonly number[]) => number[], text: PageText): DisplayItem[] {
  const placed: Rect[] = [];
  const items: DisplayItem[] = [];
  const ranked = areas
    .map((area) => {
      const rings = area.rings.filter((r) => r.length >= 6).map(toPage);
      const sizes = rings.map((r) => Math.abs(ringArea(r)));
      return { area, rings, largest: sizes.indexOf(Math.max(...sizes)), size: Math.max(0, ...sizes) };
    })
    .filter((a) => a.area.name && a.rings.length && a.size > 0)
    .sort((p, q) => p.area.level - q.area.level || q.size - p.size);
  for (const { area, rings, largest } of ranked) {
    const ordered = [rings[largest]!, ...rings.filter((_, i) => i !== largest)];
    const offsets = Uint32Array.from(ordered.reduce<number[]>((o, r) => [...o, o[o.length - 1]! + r.length / 2], [0]));
    const [px, py] = poleOfInaccessibility(Float64Array.from(ordered.flat()), offsets, 0.5);
    const style = [NAME_STYLE[area.level], { ...NAME_STYLE[area.level], size: 6 }].find((s) => text.width(area.name, s) + 2 * HALO <= d.width);
    if (!style) continue;
    const w = text.width(area.name, style);
    const { ascent, descent } = text.metrics(style);
    // Centred on the pole, pulled in so the whole name stays on the diagram.
    const x = Math.min(Math.max(px, d.x + w / 2 + HALO), d.x + d.width - w / 2 - HALO);
    const line = style.size * 1.2;
    const candidates = [0, -line, line].map((dy) => py + dy + (ascent - descent) / 2)
      .map((y) => Math.min(Math.max(y, d.y + ascent + HALO), d.y + d.height - descent - HALO))
      .map((y): Rect & { y: number } => ({ y, x0: x - w / 2 - HALO, x1: x + w / 2 + HALO, y0: y - ascent - HALO, y1: y + descent + HALO }));
    if (candidates[0]!.y1 - candidates[0]!.y0 > d.height) continue;
    const at = candidates.find((c) => !placed.some((p) => c.x0 < p.x1 && p.x0 < c.x1 && c.y0 < p.y1 && p.y0 < c.y1)) ?? candidates[0]!;
    placed.push(at);
    items.push(text.text(area.name, x, at.y, { ...style, align: 'center' }));
  }
  return items;
}
