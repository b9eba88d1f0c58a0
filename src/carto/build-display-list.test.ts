import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDisplayList } from './build-display-list.js';
import { layer, line, mapRequest, point, polygon, textSymbol } from './carto-test-fixture.js';
import type { DisplayItem, MarkerItem, PathItem, TextItem, TextPathItem } from './display-list.js';
import type { MapRequest } from './map-request.js';
import { TextMeasurer } from './text-measurer.js';

const red = [255, 0, 0, 255];
const blue = [0, 0, 255, 255];
const sfs = (color: number[]) => ({ type: 'esriSFS', style: 'esriSFSSolid', color });
const sms = (color: number[], size = 8, extra: Record<string, unknown> = {}) => ({ type: 'esriSMS', style: 'esriSMSCircle', color, size, ...extra });
const sls = (color: number[], width = 1) => ({ type: 'esriSLS', style: 'esriSLSSolid', color, width });
const square = (x: number, y: number, s: number) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];

/** Builds quietly, collecting warnings. */
function build(request: MapRequest): { items: DisplayItem[]; warnings: string[] } {
  const warnings: string[] = [];
  return { items: buildDisplayList(request, { warn: (m) => warnings.push(m) }).items, warnings };
}
const labels = (items: DisplayItem[]) => items.filter((i): i is TextItem | TextPathItem => i.kind === 'text' || i.kind === 'textPath');
/** Straight labels only, which have one anchor and alignment. */
const straightLabels = (items: DisplayItem[]) => items.filter((i): i is TextItem => i.kind === 'text');
const paths = (items: DisplayItem[]) => items.filter((i): i is PathItem => i.kind === 'path');
const markers = (items: DisplayItem[]) => items.filter((i): i is MarkerItem => i.kind === 'marker');

describe('buildDisplayList: renderers', () => {
  it('picks uniqueValue symbols by the joined field values, and the default symbol otherwise', () => {
    const renderer = {
      type: 'uniqueValue', field1: 'A', field2: 'B', fieldDelimiter: '|', defaultSymbol: sfs([0, 255, 0, 255]),
      uniqueValueInfos: [{ value: 'x|1', symbol: sfs(red) }, { value: 'y|<Null>', symbol: sfs(blue) }],
    };
    const { items } = build(mapRequest([layer('esriGeometryPolygon', renderer, [
      polygon(square(0, 0, 10), { A: 'x', B: 1 }), polygon(square(50, 50, 10), { a: 'y', b: null }), polygon(square(80, 0, 10), { A: 'z', B: 1 }),
    ])]));
    assert.deepEqual(paths(items).map((p) => p.fill), [red, blue, [0, 255, 0, 255]]);
  });

  it('picks classBreaks classes: (previous max, max], from minValue, normalised', () => {
    const renderer = {
      type: 'classBreaks', field: 'V', minValue: 1, normalizationType: 'esriNormalizeByField', normalizationField: 'N',
      classBreakInfos: [{ classMaxValue: 10, symbol: sfs(red) }, { classMaxValue: 100, symbol: sfs(blue) }],
    };
    const { items } = build(mapRequest([layer('esriGeometryPolygon', renderer, [
      polygon(square(0, 0, 5), { V: 20, N: 2 }), polygon(square(10, 0, 5), { V: 22, N: 2 }), polygon(square(20, 0, 5), { V: 1, N: 2 }),
      polygon(square(30, 0, 5), { V: 500, N: 2 }), polygon(square(40, 0, 5), { V: 5, N: 0 }),
    ])]));
    // 10 (red), 11 (blue); 0.5 is below minValue, 250 above every class and 5/0 has no value: none drawn.
    assert.deepEqual(paths(items).map((p) => [p.fill, p.offsets.length - 1]), [[red, 1], [blue, 1]]);
  });

  it('normalises by percent of total, summing the total when the renderer lacks it', () => {
    const renderer = { type: 'classBreaks', field: 'V', normalizationType: 'esriNormalizeByPercentOfTotal', classBreakInfos: [{ classMaxValue: 30, symbol: sfs(red) }, { classMaxValue: 100, symbol: sfs(blue) }] };
    const features = [polygon(square(0, 0, 5), { V: 25 }), polygon(square(50, 50, 5), { V: 75 })];
    const { items } = build(mapRequest([layer('esriGeometryPolygon', renderer, features[Symbol.iterator]() as unknown as typeof features)]));
    assert.deepEqual(paths(items).map((p) => p.fill), [red, blue]);
  });

  it('rotates and sizes markers from visual variables and rotationExpression', () => {
    const renderer = {
      type: 'simple', symbol: sms(red, 10, { style: 'esriSMSSquare', angle: 5 }), rotationType: 'arithmetic', rotationExpression: '[ROT]',
      visualVariables: [{ type: 'sizeInfo', field: 'S', minDataValue: 0, maxDataValue: 10, minSize: 6, maxSize: 12 }],
    };
    const { items } = build(mapRequest([layer('esriGeometryPoint', renderer, [point(20, 20, { ROT: 30, S: 5 }), point(60, 60, { ROT: 0, S: 10 })])], { rotation: 10 }));
    const [m] = markers(items);
    assert.deepEqual(Array.from(m!.angles!), [45, 15]);
    assert.deepEqual(Array.from(m!.sizes!), [9 * 96 / 72, 12 * 96 / 72]);
  });

  it('reads rotationInfo as geographic by default', () => {
    const renderer = { type: 'simple', symbol: sms(red), visualVariables: [{ type: 'rotationInfo', field: 'BEARING' }] };
    const { items } = build(mapRequest([layer('esriGeometryPoint', renderer, [point(20, 20, { BEARING: 0 }), point(60, 60, { BEARING: 90 })])]));
    assert.deepEqual(Array.from(markers(items)[0]!.angles!), [90, 0]);
  });

  it('applies layer transparency as item opacity, and draws nothing at 100', () => {
    const a = build(mapRequest([layer('esriGeometryPolygon', { type: 'simple', symbol: sfs(red) }, [polygon(square(0, 0, 10))], { transparency: 40 })]));
    assert.equal(paths(a.items)[0]!.opacity, 0.6);
    const b = build(mapRequest([layer('esriGeometryPolygon', { type: 'simple', symbol: sfs(red) }, [polygon(square(0, 0, 10))], { transparency: 100 })]));
    assert.equal(b.items.length, 0);
  });
});

describe('buildDisplayList: geometry', () => {
  it('batches features of one symbol that do not overlap, and keeps the order of overlapping ones', () => {
    const renderer = { type: 'uniqueValue', field1: 'C', uniqueValueInfos: [{ value: 'a', symbol: sfs(red) }, { value: 'b', symbol: sfs(blue) }] };
    const apart = build(mapRequest([layer('esriGeometryPolygon', renderer, [
      polygon(square(0, 0, 10), { C: 'a' }), polygon(square(50, 0, 10), { C: 'b' }), polygon(square(0, 60, 10), { C: 'a' }),
    ])]));
    assert.deepEqual(paths(apart.items).map((p) => [p.fill, p.offsets.length - 1]), [[red, 2], [blue, 1]]);
    const stacked = build(mapRequest([layer('esriGeometryPolygon', renderer, [
      polygon(square(0, 0, 10), { C: 'a' }), polygon(square(5, 5, 10), { C: 'b' }), polygon(square(8, 8, 10), { C: 'a' }),
    ])]));
    assert.deepEqual(paths(stacked.items).map((p) => p.fill), [red, blue, red]);
  });

  it('skips features outside the image and drops sub-pixel vertices', () => {
    const wiggly = Array.from({ length: 201 }, (_, i) => [10 + i * 0.4, 50 + (i % 2) * 0.05]);
    const { items } = build(mapRequest([layer('esriGeometryPolyline', { type: 'simple', symbol: sls(red) }, [line(wiggly), line([[200, 200], [300, 300]])])]));
    const [p] = paths(items);
    assert.equal(p!.offsets.length - 1, 1);
    assert.ok(p!.coords.length / 2 <= 3, `${p!.coords.length / 2} vertices kept`);
  });

  it('orients exteriors and holes oppositely, so the non-zero rule leaves holes open', () => {
    const { items } = build(mapRequest([layer('esriGeometryPolygon', { type: 'simple', symbol: sfs(red) }, [
      polygon([[[10, 10], [10, 90], [90, 90], [90, 10], [10, 10]], [[30, 30], [70, 30], [70, 70], [30, 70], [30, 30]]]),
    ])]));
    const { coords, offsets } = paths(items)[0]!;
    const area = (r: number) => {
      let a = 0;
      for (let i = offsets[r]!, j = offsets[r + 1]! - 1; i < offsets[r + 1]!; j = i++) a += coords[j * 2]! * coords[i * 2 + 1]! - coords[i * 2]! * coords[j * 2 + 1]!;
      return a;
    };
    assert.ok(area(0) * area(1) < 0);
  });
});

describe('buildDisplayList: labels', () => {
  const pointLabels = (features: ReturnType<typeof point>[], cls: Record<string, unknown> = {}, symbol: unknown = null) => layer('esriGeometryPoint', { type: 'simple', symbol }, features, {
    labelingInfo: [{ labelPlacement: 'esriServerPointLabelPlacementCenterRight', labelExpression: '[NAM]', symbol: textSymbol(10), ...cls }],
  });

  it('places one of two labels that would overlap', () => {
    const { items } = build(mapRequest([pointLabels([point(10, 50, { NAM: 'Glenfinnan' }), point(12, 52, { NAM: 'Glenfinnan' })])]));
    assert.equal(labels(items).length, 1);
  });

  it('places higher priority (lower number) classes first', () => {
    const l = layer('esriGeometryPoint', { type: 'simple', symbol: null }, [point(10, 50, { A: 'first', B: 'second' })], {
      labelingInfo: [
        { labelPlacement: 'esriServerPointLabelPlacementCenterRight', labelExpression: '[A]', priority: 5, symbol: textSymbol(10) },
        { labelPlacement: 'esriServerPointLabelPlacementCenterRight', labelExpression: '[B]', priority: 1, symbol: textSymbol(10) },
      ],
    });
    assert.deepEqual(labels(build(mapRequest([l])).items).map((t) => t.text), ['second']);
  });

  it('keeps labels off point symbols and inside the image, trying other sides of the point', () => {
    // Upper right is taken by a symbol: the label moves round the point rather than vanish.
    const moved = straightLabels(build(mapRequest([pointLabels([point(10, 50, { NAM: 'Arisaig' }), point(40, 56, {})], {}, sms(red, 10))])).items);
    assert.equal(moved.length, 1);
    assert.ok(moved[0]!.y > 50, 'placed below the point, away from the symbol above right');
    // Symbols on every side leave no room at all.
    const ring = [point(50, 50, { NAM: 'Arisaig' })];
    for (let dx = -48; dx <= 48; dx += 8) for (let dy = -16; dy <= 16; dy += 8) if (dx || dy) ring.push(point(50 + dx, 50 + dy, {}));
    assert.equal(labels(build(mapRequest([pointLabels(ring, {}, sms(red, 10))])).items).length, 0);
    // Too near the right edge for the right side: it goes left of the point, inside the image.
    const edge = straightLabels(build(mapRequest([pointLabels([point(80, 50, { NAM: 'Mallaig' })])])).items);
    assert.equal(edge.length, 1);
    assert.equal(edge[0]!.align, 'right');
    assert.ok(edge[0]!.x <= 80 && edge[0]!.x - edge[0]!.width >= 0);
  });

  it('respects where clauses and scale ranges, and evaluates Arcade', () => {
    const features = [point(5, 80, { NAM: 'Kyle', POP: 800 }), point(5, 20, { NAM: 'Plockton', POP: 300 })];
    assert.deepEqual(labels(build(mapRequest([pointLabels(features, { where: 'pop > 500' })])).items).map((t) => t.text), ['Kyle']);
    assert.equal(labels(build(mapRequest([pointLabels(features, { minScale: 5000 })])).items).length, 0);
    assert.equal(labels(build(mapRequest([pointLabels(features, { maxScale: 20000 })])).items).length, 0);
    assert.equal(labels(build(mapRequest([pointLabels(features, { minScale: 20000, maxScale: 5000 })])).items).length, 2);
    const arcade = build(mapRequest([pointLabels(features.slice(0, 1), { labelExpression: undefined, labelExpressionInfo: { expression: '$feature.NAM + " " + $feature["POP"]' } })]));
    assert.deepEqual(labels(arcade.items).map((t) => t.text), ['Kyle 800']);
  });

  it('draws nothing for a class it cannot honour, with a warning', () => {
    const features = [point(5, 50, { NAM: 'Kyle' })];
    for (const cls of [{ where: 'NAM =' }, { where: 'NOPE = 1' }, { labelExpression: 'UCase([NAM])' }, { labelExpressionInfo: { expression: 'Upper($feature.NAM)' } }]) {
      const { items, warnings } = build(mapRequest([pointLabels(features, cls)]));
      assert.equal(labels(items).length, 0, JSON.stringify(cls));
      assert.equal(warnings.length, 1, JSON.stringify(cls));
    }
  });

  it('bends labels along curved lines, keeping them upright', () => {
    const arc = Array.from({ length: 61 }, (_, i) => [50 + 40 * Math.cos(Math.PI - (i * Math.PI) / 60), 30 + 40 * Math.sin(Math.PI - (i * Math.PI) / 60)]);
    const l = layer('esriGeometryPolyline', { type: 'simple', symbol: sls(blue) }, [line(arc, { NAM: 'River Lochy' })], {
      labelingInfo: [{ labelPlacement: 'esriServerLinePlacementAboveAlong', labelExpression: '[NAM]', symbol: textSymbol(9) }],
    });
    const [label] = labels(build(mapRequest([l])).items);
    assert.equal(label?.kind, 'textPath');
    const angles = Array.from((label as TextPathItem).angles);
    assert.ok(Math.max(...angles) - Math.min(...angles) > 30, `angles ${angles.map((a) => a.toFixed(0))}`);
    // Upright: the arc runs left to right over the top, so angles fall from positive to negative.
    assert.ok(angles[0]! > 0 && angles[angles.length - 1]! < 0);
    // Evenly spaced on the outside of the bend: each glyph starts where the previous one ends.
    const path = label as TextPathItem;
    const advances = new TextMeasurer().advances(path.font, path.glyphs);
    for (let i = 1; i < path.glyphs.length; i++) {
      const a = (-path.angles[i - 1]! * Math.PI) / 180;
      const ex = path.xs[i - 1]! + Math.cos(a) * advances[i - 1]!, ey = path.ys[i - 1]! + Math.sin(a) * advances[i - 1]!;
      assert.ok(Math.hypot(path.xs[i]! - ex, path.ys[i]! - ey) < 0.6, `gap before glyph ${i} '${path.glyphs[i]}'`);
    }
    // Reversing the line gives the same reading direction.
    const reversed = layer('esriGeometryPolyline', { type: 'simple', symbol: sls(blue) }, [line(arc.slice().reverse(), { NAM: 'River Lochy' })], l.drawingInfo);
    const back = labels(build(mapRequest([reversed])).items)[0] as TextPathItem;
    assert.ok(back.angles[0]! > 0 && back.xs[0]! < back.xs[back.xs.length - 1]!);
  });

  it('writes a straight line label as one text item along the line, and refuses sharp bends', () => {
    const cls = { labelPlacement: 'esriServerLinePlacementCenterAlong', labelExpression: '[NAM]', symbol: textSymbol(8) };
    const straight = build(mapRequest([layer('esriGeometryPolyline', { type: 'simple', symbol: sls(blue) }, [line([[5, 5], [95, 95]], { NAM: 'A82' })], { labelingInfo: [cls] })]));
    const [t] = labels(straight.items);
    assert.equal(t?.kind, 'text');
    assert.ok(Math.abs((t as TextItem).angle - 45) < 0.5);
    const zigzag = [[5, 50], [20, 60], [35, 50], [50, 60], [65, 50], [80, 60], [95, 50]];
    const sharp = build(mapRequest([layer('esriGeometryPolyline', { type: 'simple', symbol: sls(blue) }, [line(zigzag, { NAM: 'Zigzag Lane' })], { labelingInfo: [cls] })]));
    assert.equal(labels(sharp.items).length, 0);
  });

  it('puts Start, End, Before and After labels at the ends of the line, above or below it', () => {
    const at = (placement: string) => {
      const l = layer('esriGeometryPolyline', { type: 'simple', symbol: sls(blue) }, [line([[30, 50], [70, 50]], { NAM: 'Ab' })], {
        labelingInfo: [{ labelPlacement: `esriServerLinePlacement${placement}`, labelExpression: '[NAM]', symbol: textSymbol(8) }],
      });
      return labels(build(mapRequest([l])).items)[0] as TextItem;
    };
    assert.ok(at('AboveStart').x < 45 && at('AboveStart').y < 50);
    assert.ok(at('BelowEnd').x > 55 && at('BelowEnd').y > 50);
    assert.ok(at('CenterBefore').x < 30);
    assert.ok(at('CenterAfter').x > 70);
  });

  it('labels a polygon at its pole of inaccessibility', () => {
    const l = layer('esriGeometryPolygon', { type: 'simple', symbol: sfs(red) }, [polygon([[[0, 0], [0, 100], [100, 100], [100, 80], [20, 80], [20, 0], [0, 0]]], { NAM: 'L' })], {
      labelingInfo: [{ labelPlacement: 'esriServerPolygonPlacementAlwaysHorizontal', labelExpression: '[NAM]', symbol: textSymbol(8) }],
    });
    const [t] = labels(build(mapRequest([l])).items) as TextItem[];
    assert.ok(t && (t.x < 20 || t.y < 25), `label at ${t?.x}, ${t?.y}`);
  });
});
