import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import type { LayoutElement } from '../../layout/layout-template.js';
import { mm, PageText } from '../page-drawing.js';
import { drawImageElement, drawRuleElement, drawTextElement } from './basic-elements.js';
import { assertInside, texts } from './surround-test-fixture.js';

const text = new PageText();
const box = { x: 10, y: 20, width: 120, height: 40 };
const element = (extra: Partial<LayoutElement> = {}): LayoutElement => ({ name: 'e', type: 'text', box: { x: 0, y: 0, width: 1, height: 1 }, ...extra });
const LONG = 'Printed for the survey crew of the northern district, with the boundaries of the last revision and the roads surveyed this spring';

describe('drawTextElement', () => {
  it('sets the trimmed text in the element’s font and colour, from the top left of the box', () => {
    const items = texts(drawTextElement('  Hochwald \n', element({ font: { size: 12, family: 'DejaVu Serif', weight: 'bold', color: '#ff0000' } }), box, text));
    assert.deepEqual(items.map((t) => t.text), ['Hochwald']);
    const [t] = items;
    assert.deepEqual([t!.font.size, t!.font.family, t!.font.weight, t!.color, t!.x, t!.align], [12, 'DejaVu Serif', 'bold', [255, 0, 0, 255], box.x, 'left']);
    assert.equal(t!.y, box.y + text.metrics({ size: 12, family: 'DejaVu Serif', weight: 'bold' }).ascent);
  });

  it('draws nothing for empty text, and 8 pt black without a font', () => {
    assert.deepEqual(drawTextElement(' \n ', element(), box, text), []);
    const [t] = drawTextElement('Hochwald', element(), box, text);
    assert.deepEqual([t!.font.size, t!.color], [8, [0, 0, 0, 255]]);
  });

  it('anchors lines by align and moves them down by verticalAlign', () => {
    const at = (extra: Partial<LayoutElement>) => drawTextElement('Hochwald', element({ font: { size: 10 }, ...extra }), box, text)[0]!;
    assert.deepEqual([at({ align: 'center' }).x, at({ align: 'center' }).align], [box.x + box.width / 2, 'center']);
    assert.equal(at({ align: 'right' }).x, box.x + box.width);
    const top = at({}).y, middle = at({ verticalAlign: 'middle' }).y, bottom = at({ verticalAlign: 'bottom' }).y;
    const { height } = text.paragraph('Hochwald', box.x, box.y, box.width, { size: 10 });
    assert.equal(middle - top, (box.height - height) / 2);
    assert.equal(bottom - top, box.height - height);
  });

  it('shrinks wrapped text in half points until it fits the box', () => {
    const items = drawTextElement(LONG, element({ font: { size: 14 } }), box, text);
    const size = items[0]!.font.size;
    assert.ok(size < 14 && size >= 4 && (14 - size) % 0.5 === 0, `size ${size}`);
    assert.ok(items.length > 1, 'wrapped');
    assertInside(items, box);
    // Half a point larger would not have fitted.
    assert.ok(text.paragraph(LONG, box.x, box.y, box.width, { size: size + 0.5 }).height > box.height + 0.5);
  });

  it('stops shrinking at 4 pt, and draws smaller type as given', () => {
    const tight = { ...box, height: 5 };
    assert.ok(drawTextElement(LONG, element({ font: { size: 9 } }), tight, text).every((t) => t.font.size === 4));
    assert.ok(drawTextElement(LONG, element({ font: { size: 3 } }), tight, text).every((t) => t.font.size === 3));
  });
});

describe('drawRuleElement', () => {
  it('draws a line along a box without height, 0.2 mm wide unless told', () => {
    const [line] = drawRuleElement({}, { x: 10, y: 50, width: 100, height: 0 });
    assert.deepEqual([line!.closed, [...line!.coords]], [false, [10, 50, 110, 50]]);
    assert.ok(Math.abs(line!.stroke!.width - mm(0.2)) < 1e-12);
  });

  it('outlines a box that has both sides, lineWidth mm wide', () => {
    const [outline] = drawRuleElement({ lineWidth: 1 }, box);
    assert.deepEqual([outline!.closed, outline!.fill, [...outline!.coords]], [true, null, [10, 20, 130, 20, 130, 60, 10, 60]]);
    assert.ok(Math.abs(outline!.stroke!.width - mm(1)) < 1e-12);
  });
});

describe('drawImageElement', () => {
  const canvas = createCanvas(2, 2);
  const png = canvas.toBuffer('image/png');

  it('fills the box with the picture of a data: URL', () => {
    const [image] = drawImageElement({ source: `data:image/png;base64,${png.toString('base64')}` }, box);
    assert.equal(image!.kind, 'image');
    assert.deepEqual([image!.picture.contentType, image!.picture.width, image!.picture.height, [...image!.points]], ['image/png', box.width, box.height, [70, 40]]);
    assert.ok(Buffer.from(image!.picture.data).equals(png));
  });

  it('draws nothing for another source or none', () => {
    assert.deepEqual(drawImageElement({ source: 'https://example.org/emblem.png' }, box), []);
    assert.deepEqual(drawImageElement({ source: 'data:image/gif;base64,R0lGOD' }, box), []);
    assert.deepEqual(drawImageElement({}, box), []);
  });
});
