import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MarkerItem, PathItem } from '../../carto/display-list.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, type PageBox } from '../page-drawing.js';
import { drawGridReferenceBox, gridReferenceSteps, sampleReference, type GridReferenceInput } from './grid-reference-box.js';
import { assertInside, renderOnWhite, textContents, texts } from './surround-test-fixture.js';

const text = new PageText();
const BOX: PageBox = { x: 15, y: 25, width: mm(130), height: mm(55) };

const ONE: GridReferenceInput = { gzd: '32U', squares: [{ letters: 'NA' }], sample: { easting: 391540, northing: 5512080, squareLetters: 'NA' }, sheetScale: 50000 };
const FOUR: GridReferenceInput = {
  gzd: '32U',
  squares: [
    { letters: 'MA', bounds: { xmin: 385000, ymin: 5490000, xmax: 400000, ymax: 5500000 } },
    { letters: 'NA', bounds: { xmin: 400000, ymin: 5490000, xmax: 415000, ymax: 5500000 } },
    { letters: 'MB', bounds: { xmin: 385000, ymin: 5500000, xmax: 400000, ymax: 5515000 } },
    { letters: 'NB', bounds: { xmin: 400000, ymin: 5500000, xmax: 415000, ymax: 5515000 } },
  ],
  sample: { easting: 391540, northing: 5512080, squareLetters: 'MB', name: 'CHURCH' },
  sheetScale: 100000,
};

describe('sampleReference', () => {
  it('reads 391,540 / 5,512,080 in NA as NA915120, with the zone prefixed', () => {
    const r = sampleReference(ONE);
    assert.deepEqual(r, { easting: '91', eastingTenths: 5, northing: '12', northingTenths: 0, reference: 'NA915120', withZone: '32UNA915120' });
  });

  it('truncates, never rounds, and keeps leading zeros', () => {
    assert.equal(sampleReference({ gzd: '33T', sample: { easting: 405999, northing: 4999999.9, squareLetters: 'VK' } }).reference, 'VK059999');
    assert.equal(sampleReference({ gzd: '18T', sample: { easting: 300099, northing: 4600000, squareLetters: 'WL' } }).reference, 'WL000000');
  });
});

describe('drawGridReferenceBox', () => {
  it('prints the numbered steps with the sample values and the sample reference', () => {
    const items = drawGridReferenceBox(ONE, BOX, text);
    const lines = textContents(items), joined = lines.join(' ');
    assert.ok(lines.includes('SAMPLE REFERENCE: NA915120'), lines.join('\n'));
    assert.match(joined, /1\. Read letters identifying 100,000 metre square in which the point lies: NA/);
    assert.match(joined, /2\. Locate first VERTICAL grid line to LEFT of point .* on the line itself: 91/);
    assert.match(joined, /3\. Locate first HORIZONTAL grid line BELOW point .* on the line itself: 12/);
    assert.ok(lines.includes('Estimate tenths from grid line to point: 5') && lines.includes('Estimate tenths from grid line to point: 0'));
    assert.match(joined, /prefix Grid Zone Designation, as: 32UNA915120/);
    assert.match(joined, /SAMPLE POINT: 391,540 mE 5,512,080 mN/);
    assert.ok(lines.includes('32U') && lines.includes('NA'), 'zone and square letters in the left part');
    assertInside(items, BOX);
  });

  it('labels the sample square’s left and bottom grid lines and puts the point at its offsets in the square', () => {
    const items = drawGridReferenceBox(ONE, BOX, text);
    const point = items.find((i): i is MarkerItem => i.kind === 'marker')!;
    const [px, py] = [point.points[0]!, point.points[1]!];
    const t91 = texts(items).find((t) => t.text === '91')!, t12 = texts(items).find((t) => t.text === '12')!;
    // The 91 line is vertical through its label's x; the 12 line horizontal at its label's height.
    const vertical = items.find((i): i is PathItem => i.kind === 'path' && i.coords.length === 4 && i.coords[0] === t91.x && i.coords[2] === t91.x)!;
    const bottom = vertical.coords[3]! - (vertical.coords[3]! - vertical.coords[1]!) * (0.12 / 1.12);
    const side = bottom - vertical.coords[1]!;
    assert.ok(Math.abs(px - t91.x - 0.54 * side) < 1e-9, 'easting 540 m right of the line');
    assert.ok(Math.abs(bottom - py - 0.08 * side) < 1e-9, 'northing 80 m above the line');
    assert.ok(t12.x < t91.x && t12.y > py);
  });

  it('draws each 100 km square at its share of the sheet with its letters, and says ticks at 1:100,000', () => {
    const items = drawGridReferenceBox(FOUR, BOX, text);
    const names = ['MA', 'NA', 'MB', 'NB'].map((l) => texts(items).find((t) => t.text === l)!);
    assert.ok(names.every(Boolean));
    assert.ok(names[0]!.x < names[1]!.x && names[2]!.x < names[3]!.x, 'west to east');
    assert.ok(names[2]!.y < names[0]!.y && names[3]!.y < names[1]!.y, 'south to north');
    // Southern squares are 10 km tall against 15 km for the northern ones.
    const area = (p: PathItem) => (p.coords[2]! - p.coords[0]!) * (p.coords[5]! - p.coords[1]!);
    const cell = (l: string) => items.filter((i): i is PathItem => i.kind === 'path' && i.closed && i.coords.length === 8)
      .filter((p) => { const t = names[['MA', 'NA', 'MB', 'NB'].indexOf(l)]!; return t.x > p.coords[0]! && t.x < p.coords[2]! && t.y > p.coords[1]! && t.y < p.coords[5]!; })
      .sort((a, b) => area(a) - area(b))[0]!;
    const h = (l: string) => cell(l).coords[5]! - cell(l).coords[1]!;
    assert.ok(Math.abs(h('MB') / h('MA') - 1.5) < 1e-9);
    const joined = textContents(items).join(' ');
    assert.match(joined, /grid line \(or 1,000 metre tick\) to LEFT/);
    assert.match(joined, /SAMPLE POINT: CHURCH/);
    assert.match(joined, /SAMPLE REFERENCE: MB915120/);
    assertInside(items, BOX);
  });

  it('keeps the reference and stays inside a small box', () => {
    for (const box of [{ x: 0, y: 0, width: mm(70), height: mm(25) }, { x: 3, y: 3, width: mm(90), height: mm(14) }]) {
      const items = drawGridReferenceBox(ONE, box, text);
      assert.ok(textContents(items).some((t) => t.includes('NA915120')), `${box.height}`);
      assertInside(items, box);
    }
  });

  it('lists the steps in order', () => {
    const steps = gridReferenceSteps(ONE).map((s) => s.text.slice(0, 2));
    assert.deepEqual(steps.filter((s) => /^\d\./.test(s)), ['1.', '2.', '3.']);
  });

  it('renders the frame and the sample point in black', async () => {
    const items = drawGridReferenceBox(ONE, { x: 0, y: 0, width: mm(130), height: mm(55) }, text);
    const point = items.find((i): i is MarkerItem => i.kind === 'marker')!;
    const px = await renderOnWhite(items, 370, 160);
    assert.ok(near(px.at(point.points[0]!, point.points[1]!), [0, 0, 0, 255], 60));
    assert.ok(px.at(0, 80)[0] < 160, `frame ${px.at(0, 80)}`);
  });
});
