/**
 * Drawing on a sheet's page: display-list items in points (1/72 in, origin top-left, y down),
 * with the colours of the topographic palette (topographic-sheet.md §13). A page's display list
 * has `dpi` 72, so its px are points; surround elements and the collar are built with these
 * helpers, the map frame is a display list of its own placed by a `group` item.
 * @module sheet/page-drawing
 */
import type { DisplayItem, FontSpec, GroupItem, Halo, LineCap, LineJoin, MarkerItem, MarkerShape, PathItem, Rgba, TextItem } from '../carto/display-list.js';
import { TextMeasurer } from '../carto/text-measurer.js';

/** Points in a millimetre. */
export const PT_PER_MM = 72 / 25.4;

/** Millimetres to points. */
export const mm = (v: number): number => v * PT_PER_MM;

/** A rectangle on the page in pt, top-left corner first. */
export interface PageBox { x: number; y: number; width: number; height: number }

/** The palette of topographic-sheet.md §13 (sRGB). */
export const PALETTE = {
  black: [0, 0, 0, 255],
  white: [255, 255, 255, 255],
  water: [0, 0x72, 0xbc, 255],
  waterArea: [0xbd, 0xe2, 0xf4, 255],
  vegetation: [0xc6, 0xe3, 0xb5, 255],
  vegetationSymbol: [0x3a, 0x8c, 0x3a, 255],
  relief: [0xa0, 0x64, 0x3c, 255],
  mainRoad: [0xe2, 0x23, 0x1a, 255],
  minorRoad: [0xf6, 0xa6, 0x23, 255],
  builtUp: [0xf4, 0xc7, 0xc3, 255],
  boundary: [0x7a, 0x5c, 0x8e, 255],
  adjacentZone: [0, 0x72, 0xbc, 255],
  grey: [0x80, 0x80, 0x80, 255],
  lightGrey: [0xd9, 0xd9, 0xd9, 255],
} as const satisfies Record<string, Rgba>;

/** How a line is stroked, lengths in pt. */
export interface LineStyle {
  width: number;
  color?: Rgba;
  /** On/off lengths in pt; none for a solid line. */
  dash?: readonly number[];
  cap?: LineCap;
  join?: LineJoin;
}

const stroke = (s: LineStyle) => ({ color: s.color ?? PALETTE.black, width: s.width, dash: s.dash ?? [], cap: s.cap ?? 'butt', join: s.join ?? 'miter' });

function pathItem(parts: readonly (readonly number[])[], closed: boolean, fill: Rgba | null, line: LineStyle | null): PathItem {
  const n = parts.reduce((sum, p) => sum + p.length, 0);
  const coords = new Float64Array(n);
  // Running point offsets: part i spans points offsets[i] to offsets[i + 1].
  const offsets = new Uint32Array(parts.length + 1);
  let at = 0;
  parts.forEach((p, i) => { coords.set(p, at); at += p.length; offsets[i + 1] = at / 2; });
  return { kind: 'path', coords, offsets, closed, fill, hatch: null, picture: null, stroke: line && stroke(line), opacity: 1 };
}

/** Open lines, each a flat [x0, y0, x1, y1, …] array in pt. */
export function lines(parts: readonly (readonly number[])[], style: LineStyle): PathItem {
  return pathItem(parts, false, null, style);
}

/** Polygons (rings as flat x, y arrays in pt), filled with the even-odd result and/or outlined. */
export function polygons(rings: readonly (readonly number[])[], fill: Rgba | null, outline: LineStyle | null = null): PathItem {
  return pathItem(rings, true, fill, outline);
}

/** A rectangle, filled and/or outlined. */
export function rect(box: PageBox, fill: Rgba | null, outline: LineStyle | null = null): PathItem {
  const { x, y, width: w, height: h } = box;
  return polygons([[x, y, x + w, y, x + w, y + h, x, y + h]], fill, outline);
}

/** Simple markers (e.g. spot-height dots) at points, size in pt. */
export function markers(points: readonly number[], shape: MarkerShape, size: number, fill: Rgba | null, outline: LineStyle | null = null): MarkerItem {
  return { kind: 'marker', shape, points: Float64Array.from(points), size, sizes: null, angle: 0, angles: null, fill, stroke: outline && stroke(outline), opacity: 1 };
}

/** Items placed by a translation and uniform scale: the group's (0, 0) lands on (x, y). */
export function place(items: DisplayItem[], x: number, y: number, scale = 1): GroupItem {
  return { kind: 'group', transform: [scale, 0, 0, scale, x, y], items };
}

/** Type of a piece of page text; sizes in pt. */
export interface TextStyle {
  size: number;
  family?: 'DejaVu Sans' | 'DejaVu Serif';
  weight?: 'normal' | 'bold';
  style?: 'normal' | 'italic';
  color?: Rgba;
  align?: 'left' | 'center' | 'right';
  /** Degrees counter-clockwise about the anchor. */
  angle?: number;
  /** White (or the given colour) halo this wide in pt. */
  halo?: number;
  haloColor?: Rgba;
}

/** A paragraph of a surround's notes; when room is short the highest `rank` gives way first (0 stays longest). */
export interface RankedNote {
  text: string;
  rank: number;
  /** Set in by one and a half times the type size, e.g. a sub-step. */
  indent?: boolean;
}

/** Sets page text, measured with the faces the backends draw, so boxes fit their words. */
export class PageText {
  constructor(readonly measurer: TextMeasurer = new TextMeasurer()) {}

  /** The display-list font of a style. */
  font(style: TextStyle): FontSpec {
    return { family: style.family ?? 'DejaVu Sans', size: style.size, style: style.style ?? 'normal', weight: style.weight ?? 'normal', decoration: 'none', kerning: true };
  }

  /** Advance width of `text` in pt. */
  width(text: string, style: TextStyle): number {
    return this.measurer.width(this.font(style), text);
  }

  /** Ascent and descent of the style's font in pt. */
  metrics(style: TextStyle): { ascent: number; descent: number } {
    return this.measurer.metrics(this.font(style));
  }

  /** One line of text with its baseline at `y`, anchored at `x` by `style.align`. */
  text(text: string, x: number, y: number, style: TextStyle): TextItem {
    const font = this.font(style);
    const halo: Halo | null = style.halo ? { color: style.haloColor ?? PALETTE.white, width: style.halo } : null;
    return {
      kind: 'text', text, x, y, angle: style.angle ?? 0, align: style.align ?? 'left', width: this.measurer.width(font, text),
      font, color: style.color ?? PALETTE.black, halo, box: null, opacity: 1,
    };
  }

  /**
   * Words wrapped into lines no wider than `width` pt, one text item per line, the first
   * baseline one ascent below `y`, lines `leading` × size apart. Returns the items and the height used.
   */
  paragraph(text: string, x: number, y: number, width: number, style: TextStyle, leading = 1.25): { items: TextItem[]; height: number } {
    const items: TextItem[] = [];
    const step = style.size * leading;
    const { ascent } = this.metrics(style);
    let baseline = y + ascent;
    const anchor = style.align === 'center' ? x + width / 2 : style.align === 'right' ? x + width : x;
    for (const para of text.split('\n')) {
      let line = '';
      for (const word of para.split(/\s+/).filter(Boolean)) {
        const next = line ? `${line} ${word}` : word;
        if (line && this.width(next, style) > width) { items.push(this.text(line, anchor, baseline, style)); baseline += step; line = word; } else line = next;
      }
      items.push(this.text(line, anchor, baseline, style));
      baseline += step;
    }
    return { items, height: baseline - step - y + this.metrics(style).descent };
  }

  /**
   * Notes stacked as paragraphs from the top of `box`, `spacing` × size apart, in the largest
   * size from `style.size` down to `minSize` (0.5 pt steps) at which they all fit; at `minSize`
   * the highest-ranked notes give way until the rest fit. Empty when not even rank 0 fits.
   */
  fitNotes(notes: readonly RankedNote[], box: PageBox, style: TextStyle, minSize: number, spacing = 0.3): TextItem[] {
    const layout = (size: number, keep: readonly RankedNote[]): TextItem[] | null => {
      const items: TextItem[] = [];
      let y = box.y;
      for (const n of keep) {
        const indent = n.indent ? size * 1.5 : 0;
        const para = this.paragraph(n.text, box.x + indent, y, box.width - indent, { ...style, size }, 1.15);
        // A single word wider than the box overflows its line: that size does not fit either.
        if (y + para.height > box.y + box.height || para.items.some((t) => t.width > box.width - indent)) return null;
        items.push(...para.items);
        y += para.height + size * spacing;
      }
      return items;
    };
    for (let size = style.size; size > minSize; size -= 0.5) { const items = layout(size, notes); if (items) return items; }
    for (let rank = Math.max(...notes.map((n) => n.rank)); rank >= 0; rank--) {
      const items = layout(minSize, notes.filter((n) => n.rank <= rank));
      if (items) return items;
    }
    return [];
  }
}
