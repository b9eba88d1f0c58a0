/**
 * The grid reference box of a sheet's bottom margin (topographic-sheet.md §3 row 21, §4, §12):
 * on the left the grid zone designation, the 100 km squares on the sheet and a sample 1,000 m
 * square with its point; on the right the steps that read that point's reference to the nearest
 * 100 m. Digits are truncated, never rounded, as MGRS requires.
 * @module sheet/surrounds/grid-reference-box
 */
import type { DisplayItem, TextItem } from '../../carto/display-list.js';
import { lines, markers, PALETTE, rect, type PageBox, type PageText, type RankedNote, type TextStyle } from '../page-drawing.js';

/** A 100 km square on the sheet: its letters and, for the diagram, the part on the sheet in UTM metres. */
export interface GridSquare { letters: string; bounds?: { xmin: number; ymin: number; xmax: number; ymax: number } }

/** What the box explains. */
export interface GridReferenceInput {
  /** Grid zone designation of the sheet, e.g. `32U`. */
  gzd: string;
  /** The 100 km squares on the sheet, west to east then south to north. */
  squares: GridSquare[];
  /** A point on the sheet, full UTM metres, with the letters of its 100 km square; `name` is printed when given. */
  sample: { easting: number; northing: number; squareLetters: string; name?: string };
  /** Scale denominator; from 1:100,000 on, the 1,000 m lines are ticks on the neatline (§4). */
  sheetScale: number;
}

/** The worked example: principal digits of the lines left of and below the point, and the tenths. */
export interface SampleReference { easting: string; eastingTenths: number; northing: string; northingTenths: number; reference: string; withZone: string }

/** Reads the sample point's reference to the nearest 100 m, truncating: 391,540 / 5,512,080 in NA → `NA915120`. */
export function sampleReference(input: Pick<GridReferenceInput, 'gzd' | 'sample'>): SampleReference {
  const inSquare = (v: number) => Math.floor(((v % 100000) + 100000) % 100000);
  const e = inSquare(input.sample.easting), n = inSquare(input.sample.northing);
  const easting = String(Math.floor(e / 1000)).padStart(2, '0'), northing = String(Math.floor(n / 1000)).padStart(2, '0');
  const eastingTenths = Math.floor((e % 1000) / 100), northingTenths = Math.floor((n % 1000) / 100);
  const reference = `${input.sample.squareLetters}${easting}${eastingTenths}${northing}${northingTenths}`;
  return { easting, eastingTenths, northing, northingTenths, reference, withZone: `${input.gzd}${reference}` };
}

/** The steps, in reading order. */
export function gridReferenceSteps(input: GridReferenceInput): RankedNote[] {
  const r = sampleReference(input), s = input.sample;
  const line = input.sheetScale >= 100000 ? 'grid line (or 1,000 metre tick)' : 'grid line';
  const fmt = (v: number) => Math.floor(v).toLocaleString('en-US');
  return [
    { rank: 2, text: 'TO GIVE A STANDARD REFERENCE ON THIS SHEET TO NEAREST 100 METRES' },
    { rank: 3, text: `SAMPLE POINT: ${s.name ?? `${fmt(s.easting)} mE ${fmt(s.northing)} mN`}` },
    { rank: 0, text: `1. Read letters identifying 100,000 metre square in which the point lies: ${s.squareLetters}` },
    { rank: 0, text: `2. Locate first VERTICAL ${line} to LEFT of point and read LARGE figures labeling the line either in the top or bottom margin, or on the line itself: ${r.easting}` },
    { rank: 1, indent: true, text: `Estimate tenths from grid line to point: ${r.eastingTenths}` },
    { rank: 0, text: `3. Locate first HORIZONTAL ${line} BELOW point and read LARGE figures labeling the line either in the left or right margin, or on the line itself: ${r.northing}` },
    { rank: 1, indent: true, text: `Estimate tenths from grid line to point: ${r.northingTenths}` },
    { rank: 0, text: `SAMPLE REFERENCE: ${r.reference}` },
    { rank: 1, text: `If reporting beyond 18° in any direction, prefix Grid Zone Designation, as: ${r.withZone}` },
  ];
}

/** `label` centred at (cx, cy) in the largest size up to `size` that fits `width` pt, or nothing below 3 pt. */
function centred(text: PageText, label: string, cx: number, cy: number, width: number, height: number, style: TextStyle): TextItem[] {
  for (let size = style.size; size >= 3; size -= 0.25) {
    const s = { ...style, size, align: 'center' as const }, { ascent, descent } = text.metrics(s);
    if (text.width(label, s) <= width && ascent + descent <= height) return [text.text(label, cx, cy + (ascent - descent) / 2, s)];
  }
  return [];
}

/** The 100 km squares of the sheet in `area`: their parts at true proportions with the dividing lines, or one box each in a row. */
function squaresDiagram(squares: GridSquare[], area: PageBox, size: number, text: PageText): DisplayItem[] {
  const pad = 0.25;
  const b = squares.every((s) => s.bounds) && squares.length > 1 ? squares.map((s) => s.bounds!) : null;
  const x0 = b ? Math.min(...b.map((q) => q.xmin)) : 0, x1 = b ? Math.max(...b.map((q) => q.xmax)) : squares.length;
  const y0 = b ? Math.min(...b.map((q) => q.ymin)) : 0, y1 = b ? Math.max(...b.map((q) => q.ymax)) : 1;
  const k = Math.min((area.width - 2 * pad) / (x1 - x0), (area.height - 2 * pad) / (y1 - y0));
  const left = area.x + (area.width - (x1 - x0) * k) / 2, top = area.y + (area.height - (y1 - y0) * k) / 2;
  const items: DisplayItem[] = [], labels: DisplayItem[] = [];
  squares.forEach((s, i) => {
    const q = b ? b[i]! : { xmin: i, xmax: i + 1, ymin: 0, ymax: 1 };
    const cell = { x: left + (q.xmin - x0) * k, y: top + (y1 - q.ymax) * k, width: (q.xmax - q.xmin) * k, height: (q.ymax - q.ymin) * k };
    items.push(rect(cell, null, { width: 2 * pad }));
    labels.push(...centred(text, s.letters, cell.x + cell.width / 2, cell.y + cell.height / 2, cell.width - 2, cell.height - 2, { size, weight: 'bold' }));
  });
  return [...items, ...labels];
}

/** A sample 1,000 m square in `area`: its left and bottom lines labelled with their principal digits, tenths ticks and the point. */
function sampleSquare(r: SampleReference, input: GridReferenceInput, area: PageBox, style: TextStyle, text: PageText): DisplayItem[] {
  const { ascent, descent } = text.metrics(style);
  const labelW = Math.max(text.width(r.northing, style), text.width(r.easting, style)) + 2;
  // The left and bottom lines run on 12 % of a side, past the square, to their labels.
  const side = Math.min((area.width - 2 * labelW) / 1.24, (area.height - (ascent + descent) - 1) / 1.12);
  if (side < 12) return [];
  const x = area.x + (area.width - side) / 2, y = area.y;
  const e = side * 0.12, bottom = y + side, thin = { width: 0.4 };
  const items: DisplayItem[] = [
    lines([[x, y, x, bottom + e]], thin), lines([[x + side, y, x + side, bottom]], thin),
    lines([[x - e, bottom, x + side, bottom]], thin), lines([[x, y, x + side, y]], thin),
  ];
  const ticks: number[][] = [];
  for (let i = 1; i < 10; i++) ticks.push([x + (side * i) / 10, bottom, x + (side * i) / 10, bottom - side * 0.04], [x, bottom - (side * i) / 10, x + side * 0.04, bottom - (side * i) / 10]);
  items.push(...ticks.map((t) => lines([t], { width: 0.25 })));
  const fx = (((input.sample.easting % 1000) + 1000) % 1000) / 1000, fy = (((input.sample.northing % 1000) + 1000) % 1000) / 1000;
  items.push(markers([x + fx * side, bottom - fy * side], 'circle', Math.max(2, side * 0.06), PALETTE.black));
  items.push(text.text(r.easting, x, bottom + e + 1 + ascent, { ...style, align: 'center' }));
  items.push(text.text(r.northing, x - e - 1, bottom + (ascent - descent) / 2, { ...style, align: 'right' }));
  return items;
}

/** The left part in type of `size`: zone, squares diagram and sample square stacked, or null when they do not fit. */
function leftPart(input: GridReferenceInput, area: PageBox, size: number, text: PageText): DisplayItem[] | null {
  const items: DisplayItem[] = [];
  let y = area.y, fits = true;
  const heading = (t: string) => {
    const p = text.paragraph(t, area.x, y, area.width, { size, align: 'center' }, 1.1);
    fits &&= p.items.every((i) => i.width <= area.width);
    items.push(...p.items);
    y += p.height + size * 0.3;
  };
  heading('GRID ZONE DESIGNATION:');
  const big: TextStyle = { size: size * 1.6, weight: 'bold', align: 'center' }, bm = text.metrics(big);
  fits &&= text.width(input.gzd, big) <= area.width;
  items.push(text.text(input.gzd, area.x + area.width / 2, y + bm.ascent, big));
  y += bm.ascent + bm.descent + size * 0.5;
  heading('100,000 M. SQUARE IDENTIFICATION:');
  const sampleHeading = 'SAMPLE 1,000 M. SQUARE';
  const headingHeight = text.paragraph(sampleHeading, area.x, 0, area.width, { size }, 1.1).height + size * 0.3;
  // The squares diagram and the sample square share what is left; one square needs only a small box.
  const free = area.y + area.height - y - headingHeight - size * 0.5;
  const squares = Math.min(free / 2, input.squares.length > 1 ? Infinity : size * 5);
  if (!fits || squares < size * 3) return null;
  items.push(...squaresDiagram(input.squares, { x: area.x, y, width: area.width, height: squares }, size * 1.4, text));
  y += squares + size * 0.5;
  const sampleTop = y + headingHeight;
  const sample = sampleSquare(sampleReference(input), input, { x: area.x, y: sampleTop, width: area.width, height: area.y + area.height - sampleTop }, { size }, text);
  if (sample.length) { heading(sampleHeading); items.push(...sample); }
  return fits ? items : null;
}

/**
 * Draws the boxed block into `box`: frame, dividing line, the left part (zone, squares, sample
 * square) and the right part (the steps); type shrinks to fit, and when even the smallest type
 * leaves no room for the drawings the left part names the zone and squares in words.
 */
export function drawGridReferenceBox(input: GridReferenceInput, box: PageBox, text: PageText): DisplayItem[] {
  const pad = Math.min(4, box.width * 0.02, box.height * 0.05), split = box.x + box.width * 0.36;
  const items: DisplayItem[] = [
    rect({ x: box.x + 0.25, y: box.y + 0.25, width: box.width - 0.5, height: box.height - 0.5 }, null, { width: 0.5 }),
    lines([[split, box.y + 0.5, split, box.y + box.height - 0.5]], { width: 0.3 }),
  ];
  const left: PageBox = { x: box.x + pad + 0.5, y: box.y + pad + 0.5, width: split - box.x - 2 * pad - 0.5, height: box.height - 2 * pad - 1 };
  const right: PageBox = { x: split + pad, y: left.y, width: box.x + box.width - split - 2 * pad - 0.5, height: left.height };
  let drawn: DisplayItem[] | null = null;
  for (let size = 6.5; size >= 4 && !drawn; size -= 0.5) drawn = leftPart(input, left, size, text);
  items.push(...(drawn ?? text.fitNotes([
    { rank: 0, text: `GRID ZONE DESIGNATION: ${input.gzd}` },
    { rank: 0, text: `100,000 M. SQUARES: ${input.squares.map((s) => s.letters).join(' ')}` },
  ], left, { size: 6 }, 4)));
  items.push(...text.fitNotes(gridReferenceSteps(input), right, { size: 6.5 }, 4));
  return items;
}
