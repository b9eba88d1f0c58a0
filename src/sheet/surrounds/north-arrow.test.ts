import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { DisplayItem, PathItem, TextItem } from '../../carto/display-list.js';
import { renderPng } from '../../render/render-png.js';
import { near, type Pixels } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE, place, type PageBox } from '../page-drawing.js';
import { drawNorthArrow } from './north-arrow.js';

const text = new PageText();
const ZOOM = 4;
const MARGIN = 10;

/** The items drawn at ZOOM px per pt on a transparent page with MARGIN pt around the box, decoded from the PNG. */
async function render(items: DisplayItem[], box: PageBox): Promise<Pixels & { data: Uint8ClampedArray }> {
  const width = Math.ceil((box.x + box.width + MARGIN) * ZOOM), height = Math.ceil((box.y + box.height + MARGIN) * ZOOM);
  const img = await loadImage(await renderPng({ width, height, dpi: 72 * ZOOM, background: null, items: [place(items, 0, 0, ZOOM)] }, { mode: 'png32' }));
  const ctx = createCanvas(width, height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, width, height);
  const at = (x: number, y: number): [number, number, number, number] => {
    const i = (Math.round(y) * width + Math.round(x)) * 4;
    return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
  };
  return { width, height, at, data };
}

/** Pixels with ink outside the box (a pixel of anti-aliasing allowed). */
function inkOutside(px: Pixels & { data: Uint8ClampedArray }, box: PageBox): number {
  const x0 = box.x * ZOOM - 1, x1 = (box.x + box.width) * ZOOM + 1, y0 = box.y * ZOOM - 1, y1 = (box.y + box.height) * ZOOM + 1;
  let n = 0;
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) if ((x < x0 || x > x1 || y < y0 || y > y1) && px.data[(y * px.width + x) * 4 + 3]! > 0) n++;
  }
  return n;
}

/** The arrowhead's tip: the first vertex of both halves. */
function tip(items: DisplayItem[]): [number, number] {
  const halves = items.filter((i): i is PathItem => i.kind === 'path');
  assert.equal(halves.length, 2);
  return [halves[0]!.coords[0]!, halves[0]!.coords[1]!];
}
const vertices = (items: DisplayItem[]) => items.filter((i): i is PathItem => i.kind === 'path').flatMap((p) => [...p.coords]);
const letter = (items: DisplayItem[]) => items.find((i): i is TextItem => i.kind === 'text' && i.text === 'N');

describe('drawNorthArrow', () => {
  const box = { x: 10, y: 10, width: mm(20), height: mm(35) };

  it('points up with the N above the tip when the map is not rotated, black west half and white east half', async () => {
    const items = drawNorthArrow({}, box, text);
    const n = letter(items);
    assert.ok(n, 'the N');
    const [tx, ty] = tip(items);
    const ys = vertices(items).filter((_, i) => i % 2 === 1);
    assert.equal(ty, Math.min(...ys));
    assert.ok(Math.abs(tx - (box.x + box.width / 2)) < 0.01, `tip at x ${tx}`);
    assert.ok(n.y < ty && Math.abs(n.x - tx) < 0.01 && n.angle === 0, `N at ${n.x}, ${n.y}`);
    const px = await render(items, box);
    const mid = (ty + Math.max(...ys)) / 2;
    assert.ok(near(px.at((tx - 2) * ZOOM, mid * ZOOM), PALETTE.black), `${px.at((tx - 2) * ZOOM, mid * ZOOM)}`);
    assert.ok(near(px.at((tx + 2) * ZOOM, mid * ZOOM), PALETTE.white), `${px.at((tx + 2) * ZOOM, mid * ZOOM)}`);
    assert.equal(inkOutside(px, box), 0);
  });

  it('turns with the map: at 90° counter-clockwise the tip points west and the N turns too', async () => {
    const items = drawNorthArrow({ rotation: 90 }, box, text);
    const [tx] = tip(items);
    const xs = vertices(items).filter((_, i) => i % 2 === 0);
    assert.ok(Math.abs(tx - Math.min(...xs)) < 1e-9, 'the tip is the westmost vertex');
    const n = letter(items)!;
    assert.ok(n.x < tx && n.angle === 90, `N at ${n.x}`);
    assert.equal(inkOutside(await render(items, box), box), 0);
  });

  it('stays inside the box at any rotation', async () => {
    for (const rotation of [30, -135]) assert.equal(inkOutside(await render(drawNorthArrow({ rotation }, box, text), box), box), 0, `rotation ${rotation}`);
  });

  it('draws nothing in a box too small for it', () => {
    assert.deepEqual(drawNorthArrow({}, { x: 0, y: 0, width: mm(3), height: mm(3) }, text), []);
  });
});
