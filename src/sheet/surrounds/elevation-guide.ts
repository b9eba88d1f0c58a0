/**
 * The elevation guide (topographic-sheet.md §3 row 9, §10): a small relief map of the whole
 * sheet in 2–4 elevation bands, light to dark, with major water on top, the highest point and a
 * few spot heights, the sheet's neatline repeated, and beside it the bands' limits. The caller
 * (the ElevationGuide operation) classifies the DEM into bands on a grid over the sheet; this
 * module only draws, so it needs no files or services.
 * @module sheet/surrounds/elevation-guide
 */
import type { ClipItem, DisplayItem, GroupItem, RasterItem, Rgba } from '../../carto/display-list.js';
import { lines, markers, mm, PALETTE, polygons, rect, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';

/** A point with its elevation, placed in the guide's normalised space (0..1 east, 0..1 down). */
export interface GuideSpot { u: number; v: number; elevation: number }

/** What the elevation guide shows. Positions are normalised: u 0..1 west to east, v 0..1 north to south over the grid. */
export interface ElevationGuideInput {
  /** Band index per grid cell, row-major from the top row; 0 is the lowest band, 255 no data. */
  bands: Uint8Array;
  /** Grid size in cells; the grid covers the normalised square 0..1 × 0..1. */
  width: number;
  height: number;
  /** [aspect=width / height] The sheet's width over its height, when the grid's cells are not square. */
  aspect?: number;
  /** The sheet's neatline as a closed ring of u, v pairs: the relief is clipped to it and it is outlined. */
  neatline: number[];
  /** Band limits, ascending, one fewer than the bands: [300, 600] makes three bands. */
  limits: number[];
  /** Band names from the lowest (`Low`, `Medium`, `High`, `Highest`). */
  names: string[];
  units: 'meters' | 'feet';
  highest: GuideSpot;
  /** A few more spot heights, the most important first; those that crowd the map are left out. */
  spotHeights?: GuideSpot[];
  /** Major lakes (rings of u, v pairs) and rivers (lines of u, v pairs). */
  water?: { rings: number[][]; lines: number[][] };
}

/** Longest side of the relief map (§10: about 60 × 60 mm). */
const MAX_MAP = mm(60);
/** Below this the relief map says nothing and the guide is not drawn. */
const MIN_MAP = mm(8);
/** Room kept free along the box edges for the neatline's stroke and label halos. */
const PAD = 1;
const TITLE = 'ELEVATION GUIDE';
const TITLE_SIZES = [7, 6] as const;
const TITLE_GAP = mm(2);
const LEGEND_SIZES = [7, 6] as const;
const SWATCH_W = mm(6);
const SWATCH_H = mm(4);
const LEGEND_GAP = mm(4);
const ROW_GAP = mm(1);
const COLUMN_GAP = mm(2);
const SPOT_SIZE = 6;
const HALO = 0.8;
/** At most this many spot heights besides the highest point. */
const MAX_SPOTS = 6;

/** Band colours from light to dark: light browns that stay readable under black names. */
const LIGHTEST: Rgba = [0xf6, 0xf0, 0xe4, 255];
const DARKEST: Rgba = [0xb0, 0x88, 0x60, 255];

/** The colour of each of `n` bands, lowest (lightest) first. */
export function bandColours(n: number): Rgba[] {
  return Array.from({ length: n }, (_, i) => {
    const t = n > 1 ? i / (n - 1) : 0;
    return LIGHTEST.map((c, k) => (k === 3 ? 255 : Math.round(c + (DARKEST[k]! - c) * t))) as unknown as Rgba;
  });
}

const UNIT_ABBREVIATION = { meters: 'm', feet: 'ft' } as const;

/** The range text of each band, lowest first: `Below 300 m`, `300 – 600 m`, `Above 600 m`. */
export function bandRanges(limits: readonly number[], units: ElevationGuideInput['units']): string[] {
  const f = (v: number) => Math.round(v).toLocaleString('en-US');
  const u = UNIT_ABBREVIATION[units];
  const n = limits.length + 1;
  if (n === 1) return [''];
  return Array.from({ length: n }, (_, i) =>
    i === 0 ? `Below ${f(limits[0]!)} ${u}` : i === n - 1 ? `Above ${f(limits[n - 2]!)} ${u}` : `${f(limits[i - 1]!)} – ${f(limits[i]!)} ${u}`);
}

/** The band legend's size and type. */
interface LegendLayout { size: number; scale: number; withNames: boolean; width: number; height: number; nameW: number; rowH: number }

/** Where the parts go: the relief map's rectangle and the legend's top-left corner. */
interface Layout { map: PageBox; legend: LegendLayout; lx: number; ly: number }

/**
 * Draws the elevation guide into `box`: the title at the top, the relief map (at most 60 mm
 * across, in the sheet's proportions) with the band legend beside it, or under it when the box
 * is tall and narrow. Smaller type and then the band names give way before the map shrinks; a
 * box too small for a useful map draws nothing.
 */
export function drawElevationGuide(input: ElevationGuideInput, box: PageBox, text: PageText): DisplayItem[] {
  const { width, height, bands } = input;
  if (!(width >= 1 && height >= 1) || bands.length !== width * height) throw new RangeError(`elevation guide: ${bands.length} band cells for a ${width} × ${height} grid`);
  const inner = { x: box.x + PAD, y: box.y + PAD, width: box.width - 2 * PAD, height: box.height - 2 * PAD };
  if (inner.width <= 0 || inner.height <= 0) return [];
  const n = input.limits.length + 1;
  const colours = bandColours(n);
  const ranges = bandRanges(input.limits, input.units);
  const names = Array.from({ length: n }, (_, i) => input.names[i] ?? '');

  const titleStyle = TITLE_SIZES.map((size): TextStyle => ({ size, weight: 'bold' })).find((s) => text.width(TITLE, s) <= inner.width);
  const tm = titleStyle && text.metrics(titleStyle);
  const top = tm ? inner.y + tm.ascent + tm.descent + TITLE_GAP : inner.y;
  const content = { x: inner.x, y: top, width: inner.width, height: inner.y + inner.height - top };
  const layout = chooseLayout(content, input.aspect ?? width / height, names, ranges, text);
  if (!layout) return [];

  const { map } = layout;
  const items: DisplayItem[] = [];
  if (titleStyle && tm) items.push(text.text(TITLE, inner.x + inner.width / 2, inner.y + tm.ascent, { ...titleStyle, align: 'center' }));
  const toPage = (ring: readonly number[]): number[] => ring.map((c, i) => (i % 2 === 0 ? map.x + c * map.width : map.y + c * map.height));
  const neatline = toPage(input.neatline);
  items.push(clipTo(neatline, [reliefRaster(input, colours, map), ...waterItems(input.water, toPage)]));
  items.push(polygons([neatline], null, { width: 0.5, join: 'miter' }));
  items.push(...spotItems(input, map, text));
  items.push(...legendItems(layout, colours, names, ranges, text));
  return items;
}

/** The legend's size at `size` pt, with or without the band names column. */
function measureLegend(names: string[], ranges: string[], size: number, withNames: boolean, text: PageText): LegendLayout {
  const scale = size / LEGEND_SIZES[0];
  const { ascent, descent } = text.metrics({ size });
  const rowH = Math.max(SWATCH_H * scale, ascent + descent);
  const nameW = withNames ? Math.max(0, ...names.map((s) => text.width(s, { size }))) : 0;
  const rangeW = Math.max(0, ...ranges.map((s) => text.width(s, { size })));
  const width = SWATCH_W * scale + COLUMN_GAP + (nameW > 0 ? nameW + COLUMN_GAP : 0) + rangeW;
  return { size, scale, withNames: withNames && nameW > 0, width, height: names.length * (rowH + ROW_GAP) - ROW_GAP, nameW, rowH };
}

/** The relief map's size in `w` × `h` pt: the sheet's proportions, at most MAX_MAP across. */
function fitMap(w: number, h: number, aspect: number): { width: number; height: number } {
  const width = Math.max(0, Math.min(w, h * aspect, aspect >= 1 ? MAX_MAP : MAX_MAP * aspect));
  return { width, height: width / aspect };
}

/**
 * The arrangement that keeps the map near its largest: of the candidates (legend beside or
 * under the map; 7 or 6 pt; with or without band names), the first, in that order of preference,
 * whose map is at least 90 % as wide as the largest any candidate allows.
 */
function chooseLayout(content: PageBox, aspect: number, names: string[], ranges: string[], text: PageText): Layout | null {
  const candidates: Layout[] = [];
  for (const withNames of [true, false]) {
    for (const size of LEGEND_SIZES) {
      const legend = measureLegend(names, ranges, size, withNames, text);
      if (legend.width <= content.width && legend.height <= content.height) {
        const beside = fitMap(content.width - legend.width - LEGEND_GAP, content.height, aspect);
        const blockW = beside.width + LEGEND_GAP + legend.width, blockH = Math.max(beside.height, legend.height);
        const x = content.x + (content.width - blockW) / 2;
        candidates.push({
          map: { x, y: content.y + (blockH - beside.height) / 2, ...beside }, legend,
          lx: x + beside.width + LEGEND_GAP, ly: content.y + (blockH - legend.height) / 2,
        });
        const under = fitMap(content.width, content.height - legend.height - LEGEND_GAP, aspect);
        candidates.push({
          map: { x: content.x + (content.width - under.width) / 2, y: content.y, ...under }, legend,
          lx: content.x + (content.width - legend.width) / 2, ly: content.y + under.height + LEGEND_GAP,
        });
      }
    }
  }
  const best = Math.max(0, ...candidates.map((c) => c.map.width));
  const chosen = candidates.find((c) => c.map.width >= 0.9 * best);
  return chosen && Math.min(chosen.map.width, chosen.map.height) >= MIN_MAP ? chosen : null;
}

/** The band grid as a raster stretched over the map rectangle by a group's transform. */
function reliefRaster(input: ElevationGuideInput, colours: Rgba[], map: PageBox): GroupItem {
  const { width, height, bands } = input;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < bands.length; i++) {
    const b = bands[i]!;
    if (b === 255) continue;
    pixels.set(colours[Math.min(b, colours.length - 1)]!, i * 4);
  }
  const raster: RasterItem = { kind: 'raster', width, height, pixels, opacity: 1 };
  return { kind: 'group', transform: [map.width / width, 0, 0, map.height / height, map.x, map.y], items: [raster] };
}

/** Lakes in light blue outlined in water blue, rivers in water blue. */
function waterItems(water: ElevationGuideInput['water'], toPage: (ring: readonly number[]) => number[]): DisplayItem[] {
  if (!water) return [];
  const out: DisplayItem[] = [];
  const rings = water.rings.filter((r) => r.length >= 6).map(toPage);
  const rivers = water.lines.filter((l) => l.length >= 4).map(toPage);
  if (rings.length) out.push(polygons(rings, PALETTE.waterArea, { width: 0.3, color: PALETTE.water, join: 'round' }));
  if (rivers.length) out.push(lines(rivers, { width: 0.5, color: PALETTE.water, cap: 'round', join: 'round' }));
  return out;
}

/** Items drawn only inside a page ring. */
function clipTo(ring: number[], items: DisplayItem[]): ClipItem {
  return { kind: 'clip', coords: Float64Array.from(ring), offsets: Uint32Array.of(0, ring.length / 2), items };
}

interface Rect { x0: number; y0: number; x1: number; y1: number }
const overlaps = (a: Rect, b: Rect): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * The highest point (a triangle with its elevation in bold) and then up to MAX_SPOTS spot
 * heights (dots), each label right, left, above or below its point, inside the map and clear of
 * the labels and points already placed.
 */
function spotItems(input: ElevationGuideInput, map: PageBox, text: PageText): DisplayItem[] {
  const taken: Rect[] = [];
  const items: DisplayItem[] = [];
  const bounds: Rect = { x0: map.x, y0: map.y, x1: map.x + map.width, y1: map.y + map.height };
  const inside = (r: Rect) => r.x0 >= bounds.x0 && r.y0 >= bounds.y0 && r.x1 <= bounds.x1 && r.y1 <= bounds.y1;
  const spots = [{ ...input.highest, highest: true }, ...(input.spotHeights ?? []).map((s) => ({ ...s, highest: false }))];
  let placed = 0;
  for (const s of spots) {
    if (!s.highest && placed >= MAX_SPOTS) break;
    if (!(s.u >= 0 && s.u <= 1 && s.v >= 0 && s.v <= 1 && Number.isFinite(s.elevation))) continue;
    const x = map.x + s.u * map.width, y = map.y + s.v * map.height;
    const size = s.highest ? 4 : 1.6;
    const style: TextStyle = { size: SPOT_SIZE, weight: s.highest ? 'bold' : 'normal', halo: HALO };
    const label = String(Math.round(s.elevation));
    const w = text.width(label, style);
    const { ascent, descent } = text.metrics(style);
    const r = size / 2 + 0.8;
    const dot: Rect = { x0: x - size / 2, y0: y - size / 2, x1: x + size / 2, y1: y + size / 2 };
    // Label boxes with their halo: right, left, above, below.
    const options = [
      { x: x + r, y: y + (ascent - descent) / 2, align: 'left' as const, box: { x0: x + r, x1: x + r + w, y0: y - (ascent + descent) / 2, y1: y + (ascent + descent) / 2 } },
      { x: x - r, y: y + (ascent - descent) / 2, align: 'right' as const, box: { x0: x - r - w, x1: x - r, y0: y - (ascent + descent) / 2, y1: y + (ascent + descent) / 2 } },
      { x, y: y - r - descent, align: 'center' as const, box: { x0: x - w / 2, x1: x + w / 2, y0: y - r - descent - ascent, y1: y - r } },
      { x, y: y + r + ascent, align: 'center' as const, box: { x0: x - w / 2, x1: x + w / 2, y0: y + r, y1: y + r + ascent + descent } },
    ].map((o) => ({ ...o, box: { x0: o.box.x0 - HALO, y0: o.box.y0 - HALO, x1: o.box.x1 + HALO, y1: o.box.y1 + HALO } }));
    const free = (b: Rect) => inside(b) && !taken.some((t) => overlaps(t, b));
    let at = inside(dot) && !taken.some((t) => overlaps(t, dot)) ? options.find((o) => free(o.box)) : undefined;
    if (!at && s.highest) at = options.find((o) => inside(o.box)) ?? options.find(() => true);
    if (!at) continue;
    items.push(s.highest ? markers([x, y], 'triangle', size, PALETTE.black, { width: 0.4, color: PALETTE.white }) : markers([x, y], 'circle', size, PALETTE.black));
    items.push(text.text(label, at.x, at.y, { ...style, align: at.align }));
    taken.push(dot, at.box);
    if (!s.highest) placed++;
  }
  return items;
}

/** The band legend: one row per band, highest at the top: swatch, name, range. */
function legendItems(layout: Layout, colours: Rgba[], names: string[], ranges: string[], text: PageText): DisplayItem[] {
  const { legend, lx, ly } = layout;
  const style: TextStyle = { size: legend.size };
  const { ascent, descent } = text.metrics(style);
  const swW = SWATCH_W * legend.scale, swH = SWATCH_H * legend.scale;
  const items: DisplayItem[] = [];
  for (let row = 0; row < colours.length; row++) {
    const band = colours.length - 1 - row;
    const cy = ly + row * (legend.rowH + ROW_GAP) + legend.rowH / 2;
    items.push(rect({ x: lx + 0.25, y: cy - swH / 2 + 0.25, width: swW - 0.5, height: swH - 0.5 }, colours[band]!, { width: 0.5 }));
    const baseline = cy + (ascent - descent) / 2;
    let x = lx + swW + COLUMN_GAP;
    if (legend.withNames) {
      if (names[band]) items.push(text.text(names[band]!, x, baseline, style));
      x += legend.nameW + COLUMN_GAP;
    }
    if (ranges[band]) items.push(text.text(ranges[band]!, x, baseline, style));
  }
  return items;
}
