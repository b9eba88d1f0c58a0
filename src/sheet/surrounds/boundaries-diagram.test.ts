import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { DisplayItem, TextItem } from '../../carto/display-list.js';
import { renderPng } from '../../render/render-png.js';
import { near, type Pixels } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE, place, type PageBox } from '../page-drawing.js';
import { boundaryLines, drawBoundariesDiagram, type BoundariesDiagramInput } from './boundaries-diagram.js';

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

const SQUARE = [0, 0, 1, 0, 1, 1, 0, 1, 0, 0];
/** Two states side by side, split at x = 0.5, clipped to the sheet. */
const twoStates: BoundariesDiagramInput = {
  aspect: 1.5, neatline: SQUARE,
  areas: [
    { name: 'Alphaland', level: 1, rings: [[0, 0, 0.5, 0, 0.5, 1, 0, 1]] },
    { name: 'Betashire', level: 1, rings: [[0.5, 0, 1, 0, 1, 1, 0.5, 1]] },
  ],
};

describe('drawBoundariesDiagram', () => {
  it('draws the shared boundary in purple-grey, both names, and the title, inside the box', async () => {
    const box = { x: 20, y: 20, width: mm(70), height: mm(55) };
    const items = drawBoundariesDiagram(twoStates, box, text);
    const labels = items.filter((i): i is TextItem => i.kind === 'text');
    assert.deepEqual(labels.map((t) => t.text).sort(), ['Alphaland', 'Betashire', 'INDEX TO BOUNDARIES']);
    // The sheet outline is the last path before the names: its corners give the diagram.
    const outline = items.filter((i) => i.kind === 'path').at(-1)!;
    assert.ok(outline.kind === 'path', 'outline path');
    const x0 = outline.coords[0]!, y0 = outline.coords[1]!, x1 = outline.coords[4]!, y1 = outline.coords[5]!;
    assert.ok(Math.abs((x1 - x0) / (y1 - y0) - 1.5) < 1e-9, 'the sheet proportions');
    // Each name sits in its own half.
    const alpha = labels.find((t) => t.text === 'Alphaland')!, beta = labels.find((t) => t.text === 'Betashire')!;
    assert.ok(alpha.x < (x0 + x1) / 2 && beta.x > (x0 + x1) / 2, `${alpha.x} ${beta.x}`);
    const px = await render(items, box);
    const at = (u: number, v: number) => px.at((x0 + u * (x1 - x0)) * ZOOM, (y0 + v * (y1 - y0)) * ZOOM);
    assert.ok(near(at(0.5, 0.2), PALETTE.boundary, 40), `${at(0.5, 0.2)}`);
    // Where the states were cut by the sheet edge no boundary is drawn: just inside the top edge is blank.
    assert.equal(at(0.25, 0.02)[3], 0);
    assert.equal(at(0.25, 0.2)[3], 0);
    assert.equal(inkOutside(px, box), 0);
  });

  it('draws nothing in a box too small for a diagram', () => {
    assert.deepEqual(drawBoundariesDiagram(twoStates, { x: 0, y: 0, width: mm(8), height: mm(8) }, text), []);
  });
});

describe('boundaryLines', () => {
  it('draws each edge once at the highest order that has it, leaving out the clip edges', () => {
    const lines = boundaryLines([
      ...twoStates.areas,
      // A county of Betashire: its west edge is the state line, its north edge its own.
      { name: 'Gamma', level: 2, rings: [[0.5, 0.5, 1, 0.5, 1, 1, 0.5, 1]] },
      // An enclave: one unbroken line around.
      { name: 'Delta', level: 2, rings: [[0.6, 0.1, 0.8, 0.1, 0.8, 0.3, 0.6, 0.3]] },
    ], SQUARE);
    assert.deepEqual(lines[1], [[0.5, 0, 0.5, 1]]);
    assert.deepEqual(lines[2], [[0.5, 0.5, 1, 0.5], [0.6, 0.1, 0.8, 0.1, 0.8, 0.3, 0.6, 0.3, 0.6, 0.1]]);
    assert.deepEqual(lines[0], []);
  });
});
