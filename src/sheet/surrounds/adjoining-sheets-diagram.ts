/**
 * The adjoining sheets diagram of a sheet's lower right margin (topographic-sheet.md §3 row 8,
 * §11): this sheet, shaded, among its neighbours from the sheet index, each box labelled with its
 * sheet number. Boxes are drawn from their geographic bounds, so a series whose sheets widen at
 * high latitude shows them at their true relative sizes and offsets; a neighbour missing from
 * the index is an empty box.
 * @module sheet/surrounds/adjoining-sheets-diagram
 */
import type { DisplayItem } from '../../carto/display-list.js';
import { PALETTE, rect, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';
import type { LonLatBounds } from '../sheet-frame.js';

/** A sheet of the diagram: its number (null when the index has no sheet there) and bounds in degrees. */
export interface AdjoiningSheet { label: string | null; bounds: LonLatBounds }

/** What the diagram shows. */
export interface AdjoiningSheetsInput {
  /** This sheet. */
  center: { label: string; bounds: LonLatBounds };
  /** The sheets around it (ring 1: 8, ring 2: 24), in any order. */
  neighbours: AdjoiningSheet[];
}

const TITLE: TextStyle = { size: 7, weight: 'bold', align: 'center' };
const LABEL: TextStyle = { size: 7, align: 'center' };
const OUTLINE = { width: 0.5 };
/** Smallest type a sheet number shrinks to before it is left out. */
const MIN_LABEL = 3;

/** Longitude `lon` made continuous with `ref` (within 180° of it), for sheets across the antimeridian. */
const unwrap = (lon: number, ref: number) => ref + ((((lon - ref) % 360) + 540) % 360) - 180;

/**
 * Sheet bounds as plane rectangles: x in degrees of longitude × cos(latitude of the centre sheet),
 * y in degrees of latitude, so boxes keep their shapes and relative sizes.
 */
function planeBoxes(input: AdjoiningSheetsInput): { x0: number; y0: number; x1: number; y1: number }[] {
  const c = input.center.bounds;
  const ref = (c.west + c.east) / 2;
  const k = Math.cos((((c.south + c.north) / 2) * Math.PI) / 180);
  return [input.center, ...input.neighbours].map(({ bounds: b }) => {
    const west = unwrap(b.west, ref);
    const east = west + (((b.east - b.west) % 360) + 360) % 360;
    return { x0: (west - ref) * k, x1: (east - ref) * k, y0: b.south, y1: b.north };
  });
}

/** The largest size up to `style.size` at which `text` fits `width` × `height` pt, or null below `min`. */
function fitSize(text: PageText, label: string, style: TextStyle, width: number, height: number, min: number): number | null {
  let size = style.size;
  const w = text.width(label, style), { ascent, descent } = text.metrics(style);
  size = Math.min(size, (size * width) / Math.max(w, 1e-9), (size * height) / (ascent + descent));
  // Measured widths are not exactly proportional to size; step down until the label truly fits.
  while (size >= min) {
    const s = { ...style, size }, m = text.metrics(s);
    if (text.width(label, s) <= width && m.ascent + m.descent <= height) return size;
    size -= 0.25;
  }
  return null;
}

/**
 * Draws the title and the block of sheets into `box`: the block as large as fits under the title,
 * centred, this sheet filled light grey; each sheet number centred in its box, all in one size
 * shrunk to fit the tightest box; the numbers come after all outlines so no edge crosses them.
 */
export function drawAdjoiningSheetsDiagram(input: AdjoiningSheetsInput, box: PageBox, text: PageText): DisplayItem[] {
  const items: DisplayItem[] = [];
  let top = box.y;
  const titleSize = fitSize(text, 'ADJOINING SHEETS', TITLE, box.width, box.height * 0.2, 4);
  if (titleSize) {
    const style = { ...TITLE, size: titleSize }, { ascent, descent } = text.metrics(style);
    items.push(text.text('ADJOINING SHEETS', box.x + box.width / 2, box.y + ascent, style));
    top += ascent + descent + titleSize * 0.4;
  }
  const planes = planeBoxes(input);
  const x0 = Math.min(...planes.map((p) => p.x0)), x1 = Math.max(...planes.map((p) => p.x1));
  const y0 = Math.min(...planes.map((p) => p.y0)), y1 = Math.max(...planes.map((p) => p.y1));
  // Outlines are centred on the edges: keep half a line width of room all round.
  const pad = OUTLINE.width / 2;
  const room = { width: box.width - 2 * pad, height: box.y + box.height - top - 2 * pad };
  if (room.width <= 0 || room.height <= 0 || x1 <= x0 || y1 <= y0) return items;
  const k = Math.min(room.width / (x1 - x0), room.height / (y1 - y0));
  const left = box.x + pad + (room.width - (x1 - x0) * k) / 2;
  const upper = top + pad + (room.height - (y1 - y0) * k) / 2;
  const sheets = [{ label: input.center.label, center: true }, ...input.neighbours.map((n) => ({ label: n.label, center: false }))];
  const cells = sheets.map((sheet, i) => {
    const p = planes[i]!;
    const cell: PageBox = { x: left + (p.x0 - x0) * k, y: upper + (y1 - p.y1) * k, width: (p.x1 - p.x0) * k, height: (p.y1 - p.y0) * k };
    const style = sheet.center ? { ...LABEL, weight: 'bold' as const } : LABEL;
    const inner = OUTLINE.width + 1, w = cell.width - 2 * inner, h = cell.height - 2 * inner;
    const size = sheet.label ? fitSize(text, sheet.label, style, w, h, MIN_LABEL) : null;
    // A sheet number too long for a narrow, tall box reads upwards instead.
    const upright = sheet.label && !size && h > w ? fitSize(text, sheet.label, style, h, w, MIN_LABEL) : null;
    return { ...sheet, cell, style, size, upright };
  });
  // One size for every number (the smallest that fits all); a number that cannot fit even the smallest type is left out.
  const common = Math.min(...cells.map((c) => c.size ?? Infinity));
  for (const c of cells) items.push(rect(c.cell, c.center ? PALETTE.lightGrey : null, OUTLINE));
  for (const c of cells) {
    const cx = c.cell.x + c.cell.width / 2, cy = c.cell.y + c.cell.height / 2;
    if (c.label && c.size) {
      const style = { ...c.style, size: common }, { ascent, descent } = text.metrics(style);
      items.push(text.text(c.label, cx, cy + (ascent - descent) / 2, style));
    } else if (c.label && c.upright) {
      const style = { ...c.style, size: Math.min(common, c.upright), angle: 90 }, { ascent, descent } = text.metrics(style);
      items.push(text.text(c.label, cx + (ascent - descent) / 2, cy, style));
    }
  }
  return items;
}
