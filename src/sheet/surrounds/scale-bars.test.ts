import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DisplayItem, PathItem } from '../../carto/display-list.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, PT_PER_MM, type PageBox } from '../page-drawing.js';
import { drawScaleBars, pagePoints, SCALE_BAR_UNITS, scaleText, type ScaleBarUnit } from './scale-bars.js';
import { assertInside, renderOnWhite, texts } from './surround-test-fixture.js';

const text = new PageText();
const BOX: PageBox = { x: 30, y: 40, width: mm(160), height: mm(30) };
const rects = (items: DisplayItem[]) => items.filter((i): i is PathItem => i.kind === 'path');

interface Row { name: string; labels: { value: number; x: number }[]; segments: { x: number; width: number }[] }

/** Each bar: its unit name, its numeric division labels (in order) and its segment rectangles. */
function rows(items: DisplayItem[]): Row[] {
  const names = texts(items).filter((t) => t.align === 'left').sort((a, b) => a.y - b.y);
  const numbers = texts(items).filter((t) => t.align === 'center' && /^[\d.,]+$/.test(t.text));
  const boxes = rects(items).map((r) => ({ x: r.coords[0]!, y: r.coords[1]!, width: r.coords[2]! - r.coords[0]! }));
  return names.map((n, i) => {
    const lo = i ? names[i - 1]!.y : -Infinity;
    return {
      name: n.text,
      labels: numbers.filter((t) => t.y > lo && t.y < n.y).sort((a, b) => a.x - b.x).map((t) => ({ value: Number(t.text.replace(/,/g, '')), x: t.x })),
      segments: boxes.filter((b) => b.y > lo && b.y < n.y).sort((a, b) => a.x - b.x),
    };
  });
}

describe('scaleText', () => {
  it('writes the representative fraction with thousands separators', () => {
    assert.equal(scaleText(50000), '1:50,000');
    assert.equal(scaleText(1000000), '1:1,000,000');
    assert.equal(scaleText(24000), '1:24,000');
  });
});

describe('drawScaleBars', () => {
  it('makes 1 km at 1:50,000 exactly 20 mm', () => {
    assert.ok(Math.abs(pagePoints(1, 'kilometers', 50000) - 20 * PT_PER_MM) < 1e-9);
    assert.ok(Math.abs(20 * PT_PER_MM - 56.6929) < 1e-4);
    const km = rows(drawScaleBars({ scale: 50000 }, BOX, text))[0]!;
    assert.equal(km.name, 'KILOMETRES');
    const zero = km.labels.find((l) => l.value === 0)!, one = km.labels.find((l) => l.x > zero.x && l.value === 1)!;
    assert.ok(Math.abs(one.x - zero.x - 56.6929) < 1e-4, `${one.x - zero.x}`);
  });

  for (const [scale, units] of [[50000, undefined], [25000, ['yards', 'feet', 'meters']], [100000, ['kilometers', 'miles']]] as const) {
    it(`spaces every division by ground length / scale at 1:${scale}`, () => {
      const list = units ? [...units] : ['kilometers', 'miles', 'nauticalMiles'] as ScaleBarUnit[];
      const items = drawScaleBars({ scale, units: units && [...units] }, BOX, text);
      const found = rows(items);
      assert.deepEqual(found.map((r) => r.name), list.map((u) => SCALE_BAR_UNITS[u].name));
      found.forEach((row, i) => {
        const unit = list[i]!;
        const zero = row.labels.find((l) => l.value === 0)!;
        const right = row.labels.filter((l) => l.x > zero.x);
        assert.ok(right.length >= 2, `${row.name} has divisions`);
        for (const l of right) assert.ok(Math.abs(l.x - zero.x - pagePoints(l.value, unit, scale)) < 1e-9, `${row.name} ${l.value}`);
        // The extension left of zero is one step long, labelled with the step.
        const left = row.labels[0]!;
        assert.ok(Math.abs(zero.x - left.x - pagePoints(left.value, unit, scale)) < 1e-9);
        assert.equal(left.value, right[0]!.value);
        // Segments tile the bar from the extension's end to the last division.
        const segs = row.segments;
        assert.ok(Math.abs(segs[0]!.x - left.x) < 1e-9 && Math.abs(segs[segs.length - 1]!.x + segs[segs.length - 1]!.width - right[right.length - 1]!.x) < 1e-9);
        for (let s = 1; s < segs.length; s++) assert.ok(Math.abs(segs[s]!.x - segs[s - 1]!.x - segs[s - 1]!.width) < 1e-9);
        const main = segs.filter((s) => s.x >= zero.x - 1e-9);
        for (const s of main) assert.ok(Math.abs(s.width - pagePoints(right[0]!.value, unit, scale)) < 1e-9);
      });
      // All bars share one zero.
      const zeros = found.map((r) => r.labels.find((l) => l.value === 0)!.x);
      assert.ok(zeros.every((z) => Math.abs(z - zeros[0]!) < 1e-9));
      assertInside(items, BOX);
    });
  }

  it('centres the representative fraction above the bars and fills most of the width', () => {
    const items = drawScaleBars({ scale: 50000 }, BOX, text);
    const rf = texts(items).find((t) => t.text === '1:50,000')!;
    assert.ok(Math.abs(rf.x - (BOX.x + BOX.width / 2)) < 1e-9 && rf.align === 'center');
    assert.ok(texts(items).filter((t) => t !== rf).every((t) => t.y > rf.y));
    const xs = rects(items).flatMap((r) => [r.coords[0]!, r.coords[2]!]);
    assert.ok(Math.max(...xs) - Math.min(...xs) > 0.6 * BOX.width);
  });

  it('shrinks and drops bars to stay inside a low box', () => {
    const box = { x: 0, y: 0, width: mm(70), height: mm(11) };
    const items = drawScaleBars({ scale: 50000 }, box, text);
    assert.ok(rows(items).length >= 1 && rows(items).length < 3);
    assertInside(items, box);
  });

  it('renders black and white divisions', async () => {
    const items = drawScaleBars({ scale: 50000 }, { x: 0, y: 0, width: mm(160), height: mm(30) }, text);
    const km = rows(items)[0]!;
    const bar = rects(items).find((r) => Math.abs(r.coords[0]! - km.labels.find((l) => l.value === 0)!.x) < 1e-9)!;
    const y = (bar.coords[1]! + bar.coords[5]!) / 2, x = bar.coords[0]!, w = bar.coords[2]! - x;
    const px = await renderOnWhite(items, 460, 90);
    assert.ok(near(px.at(x + w / 2, y), [0, 0, 0, 255]), 'first division black');
    assert.ok(near(px.at(x + w * 1.5, y), [255, 255, 255, 255]), 'second division white');
  });
});
