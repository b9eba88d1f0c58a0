import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DisplayItem, PathItem } from '../../carto/display-list.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, type PageBox } from '../page-drawing.js';
import { declinationNotes, degreesMinutes, drawDeclinationDiagram, prongAngles, type DeclinationInput } from './declination-diagram.js';
import { assertInside, renderOnWhite, textContents, texts } from './surround-test-fixture.js';

const text = new PageText();
const BOX: PageBox = { x: 20, y: 30, width: mm(110), height: mm(40) };

// Near Munich (convergence east, small east declination) and near Seattle-like values (west of grid).
const EAST: DeclinationInput = {
  gridConvergence: 0.62, declination: 4.2, annualChange: 0.15, gmAngle: 3.58, gmAngleRounded: 3.5, gmMils: 60,
  magneticEastOfGrid: true, year: 2025, model: 'WMM2025',
};
const WEST: DeclinationInput = {
  gridConvergence: 1.1, declination: -14.8, annualChange: 0.1, gmAngle: 15.9, gmAngleRounded: 16, gmMils: 280,
  magneticEastOfGrid: false, year: 2025, model: 'WMM2025',
};

const all = (items: DisplayItem[]) => textContents(items).join(' ');

/** The three prongs' origin and tips: open two-point lines, in TN, GN, MN order. */
function tips(items: DisplayItem[]): { origin: [number, number]; TN: [number, number]; GN: [number, number]; MN: [number, number] } {
  const [tn, gn, mn] = items.filter((i): i is PathItem => i.kind === 'path' && !i.closed).map((p) => p.coords);
  assert.ok(tn && gn && mn);
  return { origin: [tn[0]!, tn[1]!], TN: [tn[2]!, tn[3]!], GN: [gn[2]!, gn[3]!], MN: [mn[2]!, mn[3]!] };
}

describe('drawDeclinationDiagram', () => {
  it('puts MN east of GN and says to add for magnetic → grid when magnetic north is east', () => {
    const items = drawDeclinationDiagram(EAST, BOX, text);
    const t = tips(items);
    assert.ok(t.MN[0] > t.GN[0], 'MN tip right of GN tip');
    assert.ok(t.GN[0] > t.TN[0], 'GN right of TN (convergence east)');
    assert.ok(Math.abs(t.TN[0] - t.origin[0]) < 1e-9 && t.TN[1] < t.origin[1], 'true north straight up');
    const words = all(items);
    assert.match(words, /MAGNETIC AZIMUTH TO A GRID AZIMUTH, ADD THE G–M ANGLE/);
    assert.match(words, /GRID AZIMUTH TO A MAGNETIC AZIMUTH, SUBTRACT THE G–M ANGLE/);
    assert.match(words, /60 MILS/);
    assert.match(words, /3½°/);
    assert.match(words, /4°12′ EAST/);
    assert.match(words, /0°37′ EAST/);
    assert.match(words, /MOVING EAST/);
    assert.match(words, /WMM2025/);
    assert.match(words, /2025 MAGNETIC DECLINATION/);
    assert.match(words, /NOT TO SCALE/);
    assert.ok(texts(items).some((i) => i.text === 'GN') && texts(items).some((i) => i.text === 'MN'));
    assertInside(items, BOX);
  });

  it('puts MN west of GN and TN and says to subtract for magnetic → grid when magnetic north is west', () => {
    const items = drawDeclinationDiagram(WEST, BOX, text);
    const t = tips(items);
    assert.ok(t.MN[0] < t.GN[0], 'MN tip left of GN tip');
    assert.ok(t.MN[0] < t.TN[0], 'MN left of TN (declination west)');
    const words = all(items);
    assert.match(words, /MAGNETIC AZIMUTH TO A GRID AZIMUTH, SUBTRACT THE G–M ANGLE/);
    assert.match(words, /GRID AZIMUTH TO A MAGNETIC AZIMUTH, ADD THE G–M ANGLE/);
    assert.match(words, /280 MILS/);
    assert.match(words, /16°/);
    assert.match(words, /14°48′ WEST/);
    assertInside(items, BOX);
  });

  it('spreads close prongs at least 8° apart while keeping their order', () => {
    const a = prongAngles({ ...EAST, gridConvergence: 0.2, declination: 0.5 });
    assert.ok(a.TN === 0 && a.GN >= 8 && a.MN - a.GN >= 8);
    const b = prongAngles({ ...WEST, gridConvergence: -0.3, declination: 0.4, magneticEastOfGrid: true });
    assert.ok(b.GN <= -8 && b.MN >= 8, `${JSON.stringify(b)}`);
  });

  it('names the direction of the annual change and formats degrees and minutes', () => {
    assert.match(declinationNotes({ ...WEST, annualChange: -0.12 }).map((n) => n.text).join(' '), /0°07′, MAGNETIC NORTH MOVING WEST/);
    assert.equal(degreesMinutes(-2.9999), '3°00′');
    assert.equal(degreesMinutes(0.5), '0°30′');
  });

  it('stays inside a tall narrow box and a small one', () => {
    for (const box of [{ x: 5, y: 5, width: mm(40), height: mm(90) }, { x: 0, y: 0, width: mm(40), height: mm(20) }]) {
      const items = drawDeclinationDiagram(WEST, box, text);
      assert.match(all(items), /G–M ANGLE 16° \(280 MILS\)/);
      assert.match(all(items), /SUBTRACT THE G–M ANGLE/);
      assertInside(items, box);
    }
  });

  it('renders the true-north star and the prongs in black', async () => {
    const items = drawDeclinationDiagram(EAST, BOX, text);
    const star = items.find((i): i is PathItem => i.kind === 'path' && i.closed && i.coords.length === 20)!;
    let cx = 0, cy = 0;
    for (let i = 0; i < 20; i += 2) { cx += star.coords[i]! / 10; cy += star.coords[i + 1]! / 10; }
    const px = await renderOnWhite(items, 400, 200);
    assert.ok(near(px.at(cx, cy), [0, 0, 0, 255], 60), `star centre ${px.at(cx, cy)}`);
    assert.ok(near(px.at(cx - 15, cy), [255, 255, 255, 255]), 'white west of it');
  });
});
