/**
 * The sheet legend (topographic-sheet.md §3 row 23): the symbols actually on the sheet with
 * their labels, drawn into a box on the page. Swatches go through the map's own symbol codec, as
 * the `legend` swatches do (carto/symbol-swatch), so the legend shows exactly what the map draws;
 * unlike those they stay vector items in page points, so a PDF legend stays vector.
 * @module sheet/surrounds/legend
 */
import type { DisplayItem } from '../../carto/display-list.js';
import { decodeSymbol, type SymbolStyle } from '../../carto/symbol-codec.js';
import { mm, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';

/** An Esri symbol as JSON (mapserver.md §15.3: esriSFS, esriSLS, esriSMS, esriPMS, esriPFS). */
export type EsriSymbolJson = Record<string, unknown>;

/** One line of the legend: a swatch of `symbol` and its label. */
export interface LegendEntry {
  label: string;
  symbol: EsriSymbolJson;
  /** What the symbol draws; a line symbol of a polygon layer outlines the swatch. */
  geometryType: 'point' | 'line' | 'polygon';
}

/** What the legend shows. */
export interface LegendInput {
  /** [title='LEGEND'] An empty string draws no title. */
  title?: string;
  /** In display order; they flow top to bottom, then into the next column. */
  entries: LegendEntry[];
}

/** Swatch size at full type size. */
const SWATCH_W = mm(8);
const SWATCH_H = mm(4);
/** Space between a swatch and its label, between rows and between columns. */
const LABEL_GAP = mm(2);
const ROW_GAP = mm(1.2);
const COLUMN_GAP = mm(4);
/** Below this a label column is too narrow to be worth a column of its own. */
const MIN_LABEL_W = mm(12);
const TITLE_GAP = mm(2);
/** Label sizes tried in turn (pt): the type range of marginal text stops at 6 pt. */
const LABEL_SIZES = [7, 6] as const;
const TITLE_SIZES = [8, 7, 6] as const;

/** How the entries sit in the box. */
interface Grid {
  /** Label size in pt, and the swatch scale that goes with it. */
  size: number;
  scale: number;
  /** Entries per column (the last column may hold fewer). */
  perColumn: number;
  rowH: number;
  /** Room for the labels of each column, pt. */
  labelWidths: number[];
}

/**
 * Draws the legend into `box`: the title at the top, then swatch-and-label rows filling as many
 * columns as the box needs. When even 6 pt type in as many columns as the box holds is not
 * enough, labels are shortened with an ellipsis and the entries that find no place are left
 * out, so nothing is drawn outside the box.
 */
export function drawLegend(input: LegendInput, box: PageBox, text: PageText): DisplayItem[] {
  const title = input.title ?? 'LEGEND';
  const titleStyle = title ? fittedStyle(text, title, box.width, TITLE_SIZES, { weight: 'bold' }) : null;
  const titleM = titleStyle && text.metrics(titleStyle);
  const hasTitle = !!titleM && titleM.ascent + titleM.descent <= box.height;
  const top = hasTitle ? box.y + titleM.ascent + titleM.descent + TITLE_GAP : box.y;
  const items: DisplayItem[] = [];
  const grid = input.entries.length ? layOut(input.entries, box.width, box.y + box.height - top, text) : null;
  let used = 0;
  if (grid) {
    const style: TextStyle = { size: grid.size };
    const { ascent, descent } = text.metrics(style);
    const swW = SWATCH_W * grid.scale, swH = SWATCH_H * grid.scale;
    let x = box.x;
    grid.labelWidths.forEach((labelW, col) => {
      const column = input.entries.slice(col * grid.perColumn, (col + 1) * grid.perColumn);
      column.forEach((entry, row) => {
        const cy = top + row * (grid.rowH + ROW_GAP) + grid.rowH / 2;
        items.push(...drawSwatch(entry, { x, y: cy - swH / 2, width: swW, height: swH }));
        const label = shorten(text, entry.label, labelW, style);
        if (label) items.push(text.text(label, x + swW + LABEL_GAP, cy + (ascent - descent) / 2, style));
      });
      x += swW + LABEL_GAP + labelW + COLUMN_GAP;
    });
    used = x - COLUMN_GAP - box.x;
  }
  // The title centres over the columns, or over the box when there are none.
  if (hasTitle) items.unshift(text.text(title, box.x + (used > 0 ? Math.max(used, text.width(title, titleStyle!)) : box.width) / 2, box.y + titleM.ascent, { ...titleStyle!, align: 'center' }));
  return items;
}

/** The first size of `sizes` at which `s` is no wider than `width`, or null. */
function fittedStyle(text: PageText, s: string, width: number, sizes: readonly number[], base: Omit<TextStyle, 'size'>): TextStyle | null {
  for (const size of sizes) if (text.width(s, { ...base, size }) <= width) return { ...base, size };
  return null;
}

/**
 * The rows and columns in `width` × `height` pt: each column as wide as its longest label when
 * they all fit, at 7 pt or else 6 pt; otherwise as many columns as the box holds, the longest
 * labels cut to share the room that is left.
 */
function layOut(entries: LegendEntry[], width: number, height: number, text: PageText): Grid | null {
  let last: { size: number; scale: number; rows: number; rowH: number } | null = null;
  for (const size of LABEL_SIZES) {
    const scale = size / LABEL_SIZES[0];
    const { ascent, descent } = text.metrics({ size });
    const rowH = Math.max(SWATCH_H * scale, ascent + descent);
    const rows = Math.floor((height + ROW_GAP) / (rowH + ROW_GAP));
    if (rows < 1) continue;
    last = { size, scale, rows, rowH };
    const cols = Math.ceil(entries.length / rows);
    // Balanced columns: top to bottom, then the next.
    const perColumn = Math.ceil(entries.length / cols);
    const natural = labelWidths(entries, perColumn, size, text);
    const room = width - cols * (SWATCH_W * scale + LABEL_GAP) - (cols - 1) * COLUMN_GAP;
    if (natural.reduce((a, b) => a + b, 0) <= room) return { size, scale, perColumn, rowH, labelWidths: natural };
  }
  if (!last) return null;
  const { size, scale, rows, rowH } = last;
  const fixed = SWATCH_W * scale + LABEL_GAP;
  const fits = Math.floor((width + COLUMN_GAP) / (fixed + MIN_LABEL_W + COLUMN_GAP));
  const cols = Math.max(1, Math.min(Math.ceil(entries.length / rows), fits));
  const room = width - cols * fixed - (cols - 1) * COLUMN_GAP;
  if (room < 0) return null;
  const perColumn = Math.min(rows, Math.ceil(entries.length / cols));
  return { size, scale, perColumn, rowH, labelWidths: shareRoom(labelWidths(entries, perColumn, size, text).slice(0, cols), room) };
}

/** The longest label of each column at `size` pt. */
function labelWidths(entries: LegendEntry[], perColumn: number, size: number, text: PageText): number[] {
  const widths: number[] = [];
  entries.forEach((e, i) => {
    const col = Math.floor(i / perColumn);
    widths[col] = Math.max(widths[col] ?? 0, text.width(e.label, { size }));
  });
  return widths;
}

/** Widths cut to one common cap so that they sum to at most `room`: narrow columns keep theirs. */
function shareRoom(widths: number[], room: number): number[] {
  const sorted = [...widths].sort((a, b) => a - b);
  let left = room;
  for (let i = 0; i < sorted.length; i++) {
    const cap = left / (sorted.length - i);
    if (sorted[i]! > cap) return widths.map((w) => Math.min(w, cap));
    left -= sorted[i]!;
  }
  return widths;
}

/** `s` cut to fit `width` with an ellipsis, or '' when not even one letter fits. */
function shorten(text: PageText, s: string, width: number, style: TextStyle): string {
  if (text.width(s, style) <= width) return s;
  let lo = 0, hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (text.width(`${s.slice(0, mid).trimEnd()}…`, style) <= width) lo = mid; else hi = mid - 1;
  }
  return lo > 0 ? `${s.slice(0, lo).trimEnd()}…` : '';
}

/**
 * One entry's swatch in `sw` (pt): a filled rectangle, a line across, a marker or picture in the
 * middle, each kept inside the swatch however large its symbol.
 */
function drawSwatch(entry: LegendEntry, sw: PageBox): DisplayItem[] {
  // The page is drawn at 72 dpi: one px is one pt.
  const style = decodeSymbol(entry.symbol, 1);
  return style ? SWATCHES[style.kind](style as never, sw, entry.geometryType) : [];
}

const path = (coords: number[], closed: boolean, style: Partial<Extract<DisplayItem, { kind: 'path' }>>): DisplayItem => ({
  kind: 'path', coords: Float64Array.from(coords), offsets: Uint32Array.of(0, coords.length / 2), closed,
  fill: null, hatch: null, picture: null, stroke: null, opacity: 1, ...style,
});

const inset = ({ x, y, width, height }: PageBox, d: number): number[] => {
  const e = Math.min(d, width / 2, height / 2);
  return [x + e, y + e, x + width - e, y + e, x + width - e, y + height - e, x + e, y + height - e];
};

/** Swatch drawers per decoded symbol kind. */
const SWATCHES: { [K in SymbolStyle['kind']]: (s: Extract<SymbolStyle, { kind: K }>, sw: PageBox, geometry: LegendEntry['geometryType']) => DisplayItem[] } = {
  fill: (s, sw) => {
    const stroke = s.stroke && { ...s.stroke, width: Math.min(s.stroke.width, sw.height / 2) };
    return [path(inset(sw, (stroke?.width ?? 0) / 2), true, { fill: s.fill, hatch: s.hatch, picture: s.picture, stroke })];
  },
  line: (s, sw, geometry) => {
    const width = Math.min(s.stroke.width, sw.height);
    const stroke = { ...s.stroke, width, dash: s.stroke.dash.map((d) => d * (width / s.stroke.width)) };
    if (geometry === 'polygon') return [path(inset(sw, width / 2), true, { stroke })];
    // Round and square caps reach half a width past the ends.
    const end = stroke.cap === 'butt' ? 0 : width / 2;
    const cy = sw.y + sw.height / 2;
    return [path([sw.x + end, cy, sw.x + sw.width - end, cy], false, { stroke })];
  },
  marker: (s, sw) => {
    const strokeW = s.stroke?.width ?? 0;
    // A rotated square or diamond reaches √2 × its half-size from the centre.
    const room = Math.min(sw.width, sw.height) / (s.angle % 90 === 0 || s.shape === 'circle' ? 1 : Math.SQRT2) - strokeW;
    const size = Math.max(1, Math.min(s.size, room));
    return [{
      kind: 'marker', shape: s.shape, points: Float64Array.of(sw.x + sw.width / 2, sw.y + sw.height / 2), size, sizes: null,
      angle: s.angle, angles: null, fill: s.fill, stroke: s.stroke, opacity: 1,
    }];
  },
  picture: (s, sw) => {
    const { width, height } = s.picture;
    // A turned picture needs room for its diagonal.
    const reach = s.angle % 180 === 0 ? [width, height] : [Math.hypot(width, height), Math.hypot(width, height)];
    const scale = Math.min(1, sw.width / reach[0]!, sw.height / reach[1]!);
    return [{
      kind: 'image', picture: s.picture, points: Float64Array.of(sw.x + sw.width / 2, sw.y + sw.height / 2),
      scales: scale < 1 ? Float64Array.of(scale) : null, angle: s.angle, angles: null, opacity: 1,
    }];
  },
};

/** The geometry a symbol type draws. */
const GEOMETRY_OF_SYMBOL: Record<string, LegendEntry['geometryType']> = {
  esriSMS: 'point', esriPMS: 'point', esriSLS: 'line', esriSFS: 'polygon', esriPFS: 'polygon',
};

/** ArcGIS writes a null attribute as `<Null>` in unique value classes (carto/feature-renderer). */
const NULL_VALUE = '<Null>';

/** The keys a unique value class matches, as the map's renderer compares them. */
function valueKeys(value: unknown): string[] {
  if (value === null || value === undefined) return [NULL_VALUE];
  const s = String(value);
  const n = typeof value === 'number' ? value : s.trim() !== '' ? Number(s) : NaN;
  // A class written "1.50" draws features whose value is 1.5.
  return Number.isFinite(n) && String(n) !== s ? [s, String(n)] : [s];
}

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/**
 * The legend entries of one layer's Esri renderer (mapserver.md §15.4), for building the sheet
 * legend from the feature classes actually on the sheet:
 * - `simple`: one entry, labelled with the renderer's `label` or else `layerName`;
 * - `uniqueValue`: one per class; with `presentValues`, only the classes whose value is among
 *   them (keys as the renderer matches them: the value as text, several fields joined by
 *   `fieldDelimiter`, a null as `<Null>`), and the default symbol only when some present value
 *   falls to it;
 * - `classBreaks`: one per class, labelled with its `label` or its range;
 * and for both of the last, the default symbol as `defaultLabel`.
 * Symbols that draw nothing, and repeats of one label with one symbol, are left out; the
 * geometry of each entry follows its symbol type.
 */
export function legendEntriesFromRenderer(layerName: string, renderer: Record<string, unknown> | null | undefined, presentValues?: Set<string> | null): LegendEntry[] {
  if (!renderer) return [];
  const out: LegendEntry[] = [];
  const seen = new Set<string>();
  const add = (label: string, symbol: unknown): void => {
    if (!symbol || typeof symbol !== 'object' || !decodeSymbol(symbol, 1)) return;
    const sym = symbol as EsriSymbolJson;
    const key = `${label}\u0000${JSON.stringify(sym)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ label, symbol: sym, geometryType: GEOMETRY_OF_SYMBOL[String(sym.type)] ?? 'polygon' });
  };
  const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
  const infos = (key: string): Record<string, unknown>[] => (Array.isArray(renderer[key]) ? (renderer[key] as Record<string, unknown>[]) : []);
  const defaultLabel = text(renderer.defaultLabel) ?? '<all other values>';
  if (renderer.type === 'simple') add(text(renderer.label) ?? layerName, renderer.symbol);
  if (renderer.type === 'uniqueValue') {
    const covered = new Set<string>();
    for (const info of infos('uniqueValueInfos')) {
      const keys = valueKeys(info.value);
      keys.forEach((k) => covered.add(k));
      if (!presentValues || keys.some((k) => presentValues.has(k))) add(text(info.label) ?? keys[0]!, info.symbol);
    }
    if (!presentValues || [...presentValues].some((v) => !covered.has(v))) add(defaultLabel, renderer.defaultSymbol);
  }
  if (renderer.type === 'classBreaks') {
    let lower = finite(renderer.minValue);
    for (const info of infos('classBreakInfos')) {
      const upper = finite(info.classMaxValue);
      const range = upper === null ? null : lower === null ? `≤ ${upper}` : `${lower} – ${upper}`;
      add(text(info.label) ?? range ?? layerName, info.symbol);
      lower = upper;
    }
    if (renderer.defaultSymbol) add(defaultLabel, renderer.defaultSymbol);
  }
  return out;
}
