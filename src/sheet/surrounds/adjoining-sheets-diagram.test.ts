import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DisplayItem, PathItem } from '../../carto/display-list.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE, type PageBox } from '../page-drawing.js';
import type { LonLatBounds } from '../sheet-frame.js';
import { drawAdjoiningSheetsDiagram, type AdjoiningSheet, type AdjoiningSheetsInput } from './adjoining-sheets-diagram.js';
import { assertInside, renderOnWhite, texts } from './surround-test-fixture.js';

const text = new PageText();
const BOX: PageBox = { x: 20, y: 20, width: mm(50), height: mm(45) };
const boxes = (items: DisplayItem[]) => items.filter((i): i is PathItem => i.kind === 'path' && i.closed);
const extent = (p: PathItem) => {
  const xs = [0, 2, 4, 6].map((i) => p.coords[i]!), ys = [1, 3, 5, 7].map((i) => p.coords[i]!);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
};

/** A block of sheets `ring` deep around (west, south), 0.25° square, with the named neighbours missing. */
function block(west: number, south: number, ring: number, missing: string[] = [], width = (_row: number) => 0.25): AdjoiningSheetsInput {
  const neighbours: AdjoiningSheet[] = [];
  let center: AdjoiningSheetsInput['center'] | undefined;
  for (let j = -ring; j <= ring; j++) {
    for (let i = -ring; i <= ring; i++) {
      const w = width(j), lon = west + i * w;
      const bounds: LonLatBounds = { west: lon, south: south + j * 0.25, east: lon + w, north: south + (j + 1) * 0.25 };
      const label = `${i},${j}`;
      if (i === 0 && j === 0) center = { label: 'CENTRE-1', bounds };
      else neighbours.push({ label: missing.includes(label) ? null : `S${label}`, bounds });
    }
  }
  return { center: center!, neighbours };
}

describe('drawAdjoiningSheetsDiagram', () => {
  it('draws nine boxes, the centre shaded, a number in each present neighbour and an empty box for a missing one', () => {
    const items = drawAdjoiningSheetsDiagram(block(11, 48, 1, ['1,1']), BOX, text);
    const cells = boxes(items);
    assert.equal(cells.length, 9);
    assert.deepEqual(cells.filter((c) => c.fill).map((c) => c.fill), [PALETTE.lightGrey]);
    const labels = texts(items).map((t) => t.text);
    assert.equal(labels[0], 'ADJOINING SHEETS');
    assert.deepEqual(labels.slice(1).sort(), ['CENTRE-1', 'S-1,-1', 'S-1,0', 'S-1,1', 'S0,-1', 'S0,1', 'S1,-1', 'S1,0'].sort());
    // Each number sits inside its own box; the north-east box holds none.
    for (const t of texts(items).slice(1)) {
      const inside = cells.filter((c) => { const e = extent(c); return t.x > e.x0 && t.x < e.x1 && t.y > e.y0 && t.y < e.y1; });
      assert.equal(inside.length, 1, t.text);
    }
    const ne = cells.reduce((a, b) => (extent(b).x0 - extent(b).y0 > extent(a).x0 - extent(a).y0 ? b : a));
    assert.ok(!texts(items).some((t) => { const e = extent(ne); return t.x > e.x0 && t.x < e.x1 && t.y > e.y0 && t.y < e.y1; }));
    assertInside(items, BOX);
  });

  it('places boxes at their true relative positions and sizes, with x scaled by cos(latitude)', () => {
    const items = drawAdjoiningSheetsDiagram(block(11, 60, 1), BOX, text);
    const centre = extent(boxes(items).find((c) => c.fill)!);
    // A 0.25° sheet at 60.125°N is cos(60.125°) × 0.25° wide for 0.25° tall.
    const ratio = (centre.x1 - centre.x0) / (centre.y1 - centre.y0);
    assert.ok(Math.abs(ratio - Math.cos((60.125 * Math.PI) / 180)) < 1e-9, `${ratio}`);
    const all = boxes(items).map(extent);
    const west = Math.min(...all.map((e) => e.x0)), north = Math.min(...all.map((e) => e.y0));
    assert.ok(Math.abs(centre.x0 - west - (centre.x1 - centre.x0)) < 1e-9, 'one sheet west of the centre');
    assert.ok(Math.abs(centre.y0 - north - (centre.y1 - centre.y0)) < 1e-9, 'one sheet north of the centre');
  });

  it('keeps wider northern sheets twice as wide, and a five-by-five block inside the box', () => {
    const wide = drawAdjoiningSheetsDiagram(block(11, 48, 1, [], (row) => (row === 1 ? 0.5 : 0.25)), BOX, text);
    const widths = boxes(wide).map(extent).map((e) => e.x1 - e.x0).sort((a, b) => a - b);
    assert.ok(Math.abs(widths[8]! / widths[0]! - 2) < 1e-9);
    assertInside(wide, BOX);
    const big = drawAdjoiningSheetsDiagram(block(11, 48, 2), BOX, text);
    assert.equal(boxes(big).length, 25);
    assert.equal(texts(big).length, 26);
    assertInside(big, BOX);
  });

  it('sets a number that does not fit a narrow box upwards', () => {
    const items = drawAdjoiningSheetsDiagram({ ...block(11, 70, 1, [], (row) => (row === 1 ? 0.5 : 0.25)), center: { ...block(11, 70, 1).center, label: 'N-32-123-A-b' } }, BOX, text);
    assert.equal(texts(items).find((t) => t.text === 'N-32-123-A-b')?.angle, 90);
    assertInside(items, BOX);
  });

  it('joins sheets across the antimeridian', () => {
    const input = block(180, 10, 1);
    const wrap = (b: LonLatBounds) => ({ ...b, west: b.west >= 180 ? b.west - 360 : b.west, east: b.east > 180 ? b.east - 360 : b.east });
    input.center.bounds = wrap(input.center.bounds);
    input.neighbours = input.neighbours.map((n) => ({ ...n, bounds: wrap(n.bounds) }));
    assert.ok(input.neighbours.some((n) => n.bounds.west < 0) && input.neighbours.some((n) => n.bounds.west > 0));
    const all = boxes(drawAdjoiningSheetsDiagram(input, BOX, text)).map(extent);
    const w = all[0]!.x1 - all[0]!.x0;
    assert.ok(Math.abs(Math.max(...all.map((e) => e.x1)) - Math.min(...all.map((e) => e.x0)) - 3 * w) < 1e-9);
  });

  it('renders the centre box light grey and a neighbour white', async () => {
    const items = drawAdjoiningSheetsDiagram(block(11, 48, 1, ['1,1']), BOX, text);
    const c = extent(boxes(items).find((p) => p.fill)!);
    const px = await renderOnWhite(items, 200, 160);
    assert.ok(near(px.at(c.x0 + 3, c.y0 + 3), PALETTE.lightGrey, 8), `${px.at(c.x0 + 3, c.y0 + 3)}`);
    assert.ok(near(px.at(c.x1 + 3, c.y0 + 3), [255, 255, 255, 255], 8));
    assert.ok(px.at(c.x0, (c.y0 + c.y1) / 2)[0] < 180, `outline ${px.at(c.x0, (c.y0 + c.y1) / 2)}`);
  });
});
