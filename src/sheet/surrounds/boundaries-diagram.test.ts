import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE } from '../page-drawing.js';
import { boundaryLines, drawBoundariesDiagram, type BoundariesDiagramInput } from './boundaries-diagram.js';
import { inkOutside, renderZoomed, texts, textContents, ZOOM } from './surround-test-fixture.js';

const text = new PageText();

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
    const labels = texts(items);
    assert.deepEqual(textContents(items).sort(), ['Alphaland', 'Betashire', 'INDEX TO BOUNDARIES']);
    // The sheet outline is the last path before the names: its corners give the diagram.
    const outline = items.filter((i) => i.kind === 'path').at(-1)!;
    assert.ok(outline.kind === 'path', 'outline path');
    const x0 = outline.coords[0]!, y0 = outline.coords[1]!, x1 = outline.coords[4]!, y1 = outline.coords[5]!;
    assert.ok(Math.abs((x1 - x0) / (y1 - y0) - 1.5) < 1e-9, 'the sheet proportions');
    // Each name sits in its own half.
    const alpha = labels.find((t) => t.text === 'Alphaland')!, beta = labels.find((t) => t.text === 'Betashire')!;
    assert.ok(alpha.x < (x0 + x1) / 2 && beta.x > (x0 + x1) / 2, `${alpha.x} ${beta.x}`);
    const px = await renderZoomed(items, box);
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
