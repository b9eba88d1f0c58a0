import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DisplayItem, PathItem, TextItem } from '../../carto/display-list.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE } from '../page-drawing.js';
import { drawNorthArrow } from './north-arrow.js';
import { inkOutside, renderZoomed, ZOOM } from './surround-test-fixture.js';

const text = new PageText();

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
    const px = await renderZoomed(items, box);
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
    assert.equal(inkOutside(await renderZoomed(items, box), box), 0);
  });

  it('stays inside the box at any rotation', async () => {
    for (const rotation of [30, -135]) assert.equal(inkOutside(await renderZoomed(drawNorthArrow({ rotation }, box, text), box), box), 0, `rotation ${rotation}`);
  });

  it('draws nothing in a box too small for it', () => {
    assert.deepEqual(drawNorthArrow({}, { x: 0, y: 0, width: mm(3), height: mm(3) }, text), []);
  });
});
