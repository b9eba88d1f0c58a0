import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { placeContourLabels, type ContourLabel } from './contour-labels.js';
import { lineLength, traceContours, type ContourLine } from './contours.js';
import type { DemGrid } from './dem-grid.js';

function gridOf(width: number, height: number, cell: number, f: (x: number, y: number) => number, x0 = 0, y0 = 0): DemGrid {
  const z = new Float32Array(width * height);
  for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) z[r * width + c] = f(x0 + c * cell, y0 - r * cell);
  return { z, width, height, x0, y0, cell };
}

/** Digits 20 map units wide each, 30 high. */
const measure = (text: string) => ({ width: 20 * text.length, height: 30 });
const GAP = 5;

/** The text's "up" (from baseline towards the top of the digits), y north. */
const upOf = (l: ContourLabel): [number, number] => { const a = (l.angle * Math.PI) / 180; return [-Math.sin(a), Math.cos(a)]; };

/** Whether (x, y) lies inside the label's box shrunk by `inset`. */
function insideBox(l: ContourLabel, x: number, y: number, inset: number): boolean {
  const a = (l.angle * Math.PI) / 180, dx = x - l.x, dy = y - l.y;
  const along = dx * Math.cos(a) + dy * Math.sin(a), across = -dx * Math.sin(a) + dy * Math.cos(a);
  const { width, height } = measure(l.text);
  return Math.abs(along) < width / 2 + GAP - inset && Math.abs(across) < height / 2 + GAP - inset;
}

// A cone 200 m high falling 0.2 m per metre from (1000, −1000), on 10 m cells: index rings
// (every 50 m) of radius 250, 500 and 750 m.
const coneZ = (x: number, y: number) => 200 - 0.2 * Math.hypot(x - 1000, y + 1000);
const cone = gridOf(201, 201, 10, coneZ);
const coneLines = traceContours(cone, { interval: 10, indexEvery: 5 });

describe('placeContourLabels', () => {
  it('labels index contours about every spacing, tops uphill, with gaps cut under the text', () => {
    const { labels, lines } = placeContourLabels(coneLines, { measure, spacing: 600, gap: GAP });
    const byLevel = new Map<number, ContourLabel[]>();
    for (const l of labels) byLevel.set(l.elevation, [...(byLevel.get(l.elevation) ?? []), l]);
    // Rings of circumference 1571, 3142 and 4712 m take 3, 5 and 8 labels (the grid's corners
    // hold arcs of the 0 and −50 m contours, labelled too).
    assert.deepEqual([...byLevel].filter(([e]) => e > 0).map(([e, ls]) => [e, ls.length]).sort((a, b) => a[0]! - b[0]!), [[50, 8], [100, 5], [150, 3]]);
    for (const l of labels) {
      assert.equal(l.text, String(l.elevation));
      // On the line: the label's centre is at the ring's radius.
      assert.ok(Math.abs(coneZ(l.x, l.y) - l.elevation) < 0.5);
      const [ux, uy] = upOf(l);
      assert.ok(coneZ(l.x + ux * 10, l.y + uy * 10) > coneZ(l.x - ux * 10, l.y - uy * 10), `label ${l.text} at ${l.angle.toFixed(0)}° faces uphill`);
      // Up points straight at the summit.
      const toTop = Math.atan2(-1000 - l.y, 1000 - l.x), up = Math.atan2(uy, ux);
      assert.ok(Math.abs(Math.atan2(Math.sin(toTop - up), Math.cos(toTop - up))) < 0.1);
    }
    // Labels on a ring are spread round it.
    for (const ls of [50, 100, 150].map((e) => byLevel.get(e)!)) {
      const angles = ls.map((l) => Math.atan2(l.y + 1000, l.x - 1000)).sort((a, b) => a - b);
      const steps = angles.map((a, i) => (i + 1 < angles.length ? angles[i + 1]! : angles[0]! + 2 * Math.PI) - a);
      for (const s of steps) assert.ok(Math.abs(s - (2 * Math.PI) / ls.length) < 0.5);
    }
    // Each labelled ring comes back as open pieces, one per label, none passing under a label.
    for (const level of [50, 100, 150]) {
      const ls = byLevel.get(level)!;
      const pieces = lines.filter((l) => l.elevation === level);
      assert.equal(pieces.length, ls.length);
      const ring = coneLines.find((l) => l.elevation === level)!;
      const cut = ls.reduce((sum, l) => sum + measure(l.text).width + 2 * GAP, 0);
      const kept = pieces.reduce((sum, p) => sum + lineLength(p.coords), 0);
      assert.ok(Math.abs(lineLength(ring.coords) - cut - kept) < 2, `${level}: ${kept} + ${cut} ≈ ${lineLength(ring.coords)}`);
      for (const p of pieces) {
        assert.equal(p.closed, false);
        assert.equal(p.index, true);
        for (let i = 0; i < p.coords.length; i += 2) for (const l of labels) assert.ok(!insideBox(l, p.coords[i]!, p.coords[i + 1]!, 0.5));
      }
    }
    // Intermediate contours pass through untouched.
    assert.deepEqual(lines.filter((l) => !l.index), coneLines.filter((l) => !l.index));
  });

  it('turns the numbers with the slope: upright on ground rising north, upside down on ground rising south', () => {
    const cases: [string, (x: number, y: number) => number, number][] = [
      ['north', (_x, y) => 0.1 * y + 500, 0],
      ['south', (_x, y) => -0.1 * y + 100, 180],
      ['east', (x) => 0.1 * x, -90],
      ['west', (x) => -0.1 * x + 500, 90],
    ];
    for (const [uphill, f, angle] of cases) {
      const grid = gridOf(200, 200, 10, f, 0, 2000);
      const lines = traceContours(grid, { interval: 10, indexEvery: 5 });
      const { labels } = placeContourLabels(lines, { measure, spacing: 800, gap: GAP });
      assert.ok(labels.length >= 4, uphill);
      for (const l of labels) {
        const a = Math.abs((((l.angle - angle) % 360) + 540) % 360 - 180);
        assert.ok(a < 1e-6, `rising ${uphill}: ${l.angle}`);
        const [ux, uy] = upOf(l);
        assert.ok(f(l.x + ux, l.y + uy) > f(l.x, l.y));
      }
    }
  });

  it('asks the caller before placing and moves along the line when refused', () => {
    const ring = coneLines.filter((l) => l.elevation === 150);
    const boxes: number[][] = [];
    let calls = 0;
    // Refuse every first offer for each target.
    const { labels } = placeContourLabels(ring, { measure, spacing: 600, gap: GAP, accept: (p) => { calls++; if (calls % 2 === 1) return false; boxes.push(p); return true; } });
    assert.equal(labels.length, 3);
    assert.equal(boxes.length, 3);
    labels.forEach((l, i) => {
      const p = boxes[i]!;
      assert.equal(p.length, 8);
      // The box is the text plus the gap, centred on the label.
      const cx = (p[0]! + p[2]! + p[4]! + p[6]!) / 4, cy = (p[1]! + p[3]! + p[5]! + p[7]!) / 4;
      assert.ok(Math.abs(cx - l.x) < 1e-6 && Math.abs(cy - l.y) < 1e-6);
      assert.ok(Math.abs(Math.hypot(p[2]! - p[0]!, p[3]! - p[1]!) - (measure(l.text).width + 2 * GAP)) < 1e-6);
      assert.ok(Math.abs(Math.hypot(p[4]! - p[2]!, p[5]! - p[3]!) - (30 + 2 * GAP)) < 1e-6);
    });
    // Refusing everything leaves the line whole.
    const none = placeContourLabels(ring, { measure, spacing: 600, gap: GAP, accept: () => false });
    assert.equal(none.labels.length, 0);
    assert.deepEqual(none.lines, ring);
  });

  it('keeps off tight bends and stretches crowded by other contours', () => {
    const line = (coords: number[], elevation = 100): ContourLine => ({ elevation, index: true, supplementary: false, closed: false, depression: false, coords: Float64Array.from(coords) });
    // A ring of radius 60: 70 m of label would turn through 67°.
    const ring: number[] = [];
    for (let i = 0; i <= 72; i++) ring.push(60 * Math.cos((-i * Math.PI) / 36), 60 * Math.sin((-i * Math.PI) / 36));
    ring[144] = ring[0]!; ring[145] = ring[1]!;
    const tight = { ...line(ring), closed: true };
    assert.equal(placeContourLabels([tight], { measure, spacing: 600, gap: GAP }).labels.length, 0);
    // A straight index line with another index contour 15 m away (less than the box's 20 m half-height) takes no label.
    const a = line([0, 0, 2000, 0]), b = line([0, 15, 2000, 15], 90);
    assert.equal(placeContourLabels([a, b], { measure, spacing: 500, gap: GAP }).labels.length, 0);
    // With the neighbour 40 m away, it is labelled every 500 m.
    const far = line([0, 40, 2000, 40], 90);
    const clear = placeContourLabels([a, { ...far, index: false }], { measure, spacing: 500, gap: GAP });
    assert.deepEqual(clear.labels.map((l) => Math.round(l.x)), [250, 750, 1250, 1750]);
    assert.equal(clear.lines.filter((l) => l.elevation === 100).length, 5);
    assert.equal(clear.lines.filter((l) => l.elevation === 90).length, 1);
  });

  it('prefers room between the contours, else cuts the intermediate contours under the label', () => {
    const line = (coords: number[], elevation: number, index: boolean): ContourLine => ({ elevation, index, supplementary: false, closed: false, depression: false, coords: Float64Array.from(coords) });
    const a = line([0, 0, 2000, 0], 100, true);
    // An intermediate contour 15 m away everywhere but between x = 800 and 1100, where it bends 100 m off.
    const near = line([0, 15, 800, 15, 850, 100, 1050, 100, 1100, 15, 2000, 15], 90, false);
    const one = placeContourLabels([a, near], { measure, spacing: 2000, gap: GAP });
    assert.equal(one.labels.length, 1);
    // The target (x = 1000) is clear of it; the label stays there and nothing else is cut.
    assert.equal(Math.round(one.labels[0]!.x), 1000);
    assert.deepEqual(one.lines.filter((l) => !l.index), [near]);
    // Every 500 m, the labels at 250, 750 and 1750 find no room within reach and cut the intermediate line.
    const { labels, lines } = placeContourLabels([a, near], { measure, spacing: 500, gap: GAP });
    assert.equal(labels.length, 4);
    const pieces = lines.filter((l) => !l.index);
    assert.ok(pieces.length >= 3);
    for (const p of pieces) {
      assert.equal(p.closed, false);
      for (let i = 0; i < p.coords.length; i += 2) for (const l of labels) assert.ok(!insideBox(l, p.coords[i]!, p.coords[i + 1]!, 0.01));
    }
    // What was cut is just the width of the boxes it passed under.
    const cut = lineLength(near.coords) - pieces.reduce((sum, p) => sum + lineLength(p.coords), 0);
    const under = labels.filter((l) => l.x < 800 || l.x > 1100).length;
    assert.ok(Math.abs(cut - under * (measure('100').width + 2 * GAP)) < 1e-6, `${cut}`);
  });
});
