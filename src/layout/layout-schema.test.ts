import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LayoutTemplateError, validateLayoutTemplate } from './layout-schema.js';
import type { LayoutBox, LayoutTemplate } from './layout-template.js';
import { BUILT_IN_LAYOUT_DIR } from './template-library.js';

/** A small valid template that each bad document below spoils in one way. */
function base(): Record<string, any> {
  return {
    name: 'Test',
    page: { width: 200, height: 300, units: 'mm' },
    margins: { top: 10, right: 10, bottom: 10, left: 10 },
    mapFrames: [{ name: 'BaseMap', box: { x: 20, y: 20, width: 160, height: 200 }, extent: 'sheet' }],
    elements: [
      { name: 'Title', type: 'text', box: { x: 20, y: 230, width: 160, height: 10 }, text: '{SheetName} {Scale}' },
      { name: 'Legend', type: 'legend', box: { x: 20, y: 245, width: 80, height: 40 } },
      { name: 'Bars', type: 'scaleBars', box: { x: 110, y: 245, width: 70, height: 20 } },
      { name: 'Line', type: 'rule', box: { x: 20, y: 226, width: 160, height: 0 } },
    ],
  };
}

/** The validator's details for a document, asserting that it is refused. */
function problems(doc: unknown): string[] {
  try { validateLayoutTemplate(doc); } catch (e) {
    assert.ok(e instanceof LayoutTemplateError);
    return e.details;
  }
  assert.fail('document was accepted');
}

function shipped(): { file: string; doc: LayoutTemplate }[] {
  return readdirSync(BUILT_IN_LAYOUT_DIR).filter((f) => f.endsWith('.json'))
    .map((f) => ({ file: f, doc: validateLayoutTemplate(JSON.parse(readFileSync(join(BUILT_IN_LAYOUT_DIR, f), 'utf8'))) }));
}

const overlap = (a: LayoutBox, b: LayoutBox, gap = 0): boolean =>
  a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

describe('layout template validation', () => {
  it('accepts every shipped template, each stored under its own name', () => {
    const all = shipped();
    assert.equal(all.length, 12);
    for (const { file, doc } of all) assert.equal(file, `${doc.name}.json`);
  });

  it('ships sheet layouts with one element per marginalia row, none overlapping another or the collar', () => {
    const required = ['SheetName', 'SheetNameLower', 'SheetNumber', 'SheetNumberLower', 'SeriesName', 'ScaleTextTop', 'ScaleTextBottom',
      'SeriesNumber', 'Edition', 'BoundariesDiagram', 'AdjoiningSheets', 'ElevationGuide', 'DeclinationDiagram', 'ScaleBars', 'ContourNote',
      'SpheroidNote', 'GridNote', 'ProjectionNote', 'VerticalDatumNote', 'HorizontalDatumNote', 'ControlNote', 'PreparationNote',
      'PrintingNote', 'GridReferenceBox', 'UnitImprint', 'Legend'];
    for (const name of ['TM25_Layout', 'TM50_Layout', 'TM100_Layout']) {
      const t = shipped().find((s) => s.doc.name === name)!.doc;
      assert.deepEqual(t.page, { width: 700, height: 900, units: 'mm' });
      assert.deepEqual(t.mapFrames, [{ name: 'BaseMap', box: { x: 70, y: 95, width: 560, height: 560 }, extent: 'sheet', crs: 'utm', grid: true, border: true }]);
      const names = t.elements.map((e) => e.name);
      for (const r of required) assert.ok(names.includes(r), `${name} lacks ${r}`);
      const types = new Set(t.elements.map((e) => e.type));
      for (const ty of ['legend', 'scaleBars', 'declinationDiagram', 'elevationGuide', 'adjoiningSheets', 'boundariesDiagram', 'gridReferenceBox']) assert.ok(types.has(ty as never), ty);
      // The frame plus 15 mm for grid and graticule values is kept free.
      const collar = { x: 55, y: 80, width: 590, height: 590 };
      t.elements.forEach((a, i) => {
        assert.ok(!overlap(a.box, collar), `${a.name} lies in the collar`);
        for (const b of t.elements.slice(i + 1)) assert.ok(!overlap(a.box, b.box), `${a.name} overlaps ${b.name}`);
      });
      const sheetName = t.elements.find((e) => e.name === 'SheetName')!;
      assert.equal(sheetName.font?.weight, 'bold');
      assert.ok(sheetName.font!.size >= 20);
      assert.ok(Math.abs(sheetName.box.x + sheetName.box.width / 2 - 350) < 1, 'sheet name centred');
      const bars = t.elements.find((e) => e.name === 'ScaleBars')!;
      const note = t.elements.find((e) => e.name === 'ContourNote')!;
      assert.ok(note.box.y >= bars.box.y + bars.box.height, 'contour note under the bars');
    }
  });

  it('ships the printing layouts with the frame sizes of the printing table', () => {
    const frames: Record<string, [number, number]> = {
      'A3 Landscape': [400, 211.7], 'A3 Portrait': [276.8, 334.5], 'A4 Landscape': [277.5, 159.1], 'A4 Portrait': [190, 220],
      'Letter ANSI A Landscape': [10, 5.5], 'Letter ANSI A Portrait': [7.5, 7.75], 'Tabloid ANSI B Landscape': [16, 7.9], 'Tabloid ANSI B Portrait': [10, 13.2],
    };
    const all = shipped();
    for (const [name, [w, h]] of Object.entries(frames)) {
      const t = all.find((s) => s.doc.name === name)!.doc;
      assert.equal(t.page.units, name.startsWith('A') ? 'mm' : 'in');
      assert.equal(t.mapFrames.length, 1);
      const f = t.mapFrames[0]!;
      assert.deepEqual([f.name, f.extent, f.crs, f.box.width, f.box.height], ['WEBMAP_MAP_FRAME', 'fit', 'map', w, h]);
      const texts = t.elements.filter((e) => e.type === 'text').map((e) => e.text);
      assert.deepEqual(texts.sort(), ['{Author}', '{Copyright}', '{Title}']);
      for (const ty of ['legend', 'scaleBars', 'northArrow']) assert.equal(t.elements.filter((e) => e.type === ty).length, 1, `${name} ${ty}`);
      t.elements.forEach((a, i) => {
        assert.ok(!overlap(a.box, f.box), `${name}: ${a.name} covers the map`);
        for (const b of t.elements.slice(i + 1)) assert.ok(!overlap(a.box, b.box), `${name}: ${a.name} overlaps ${b.name}`);
      });
    }
    const mapOnly = all.find((s) => s.doc.name === 'MAP_ONLY')!.doc;
    assert.deepEqual(mapOnly.elements, []);
    assert.deepEqual(mapOnly.mapFrames[0]!.box, { x: 0, y: 0, width: mapOnly.page.width, height: mapOnly.page.height });
  });

  it('fills in the defaults and leaves the document alone', () => {
    const doc = base();
    delete doc.margins;
    doc.mapFrames.push({ name: 'Inset', box: { x: 0, y: 0, width: 10, height: 10 }, extent: 'fit', crs: 32632 });
    doc.elements.push({ name: 'Emblem', type: 'image', box: { x: 150, y: 270, width: 10, height: 10 }, source: 'data:image/png;base64,iVBORw0KGgo=' });
    const before = structuredClone(doc);
    const t = validateLayoutTemplate(doc);
    assert.deepEqual(doc, before);
    assert.deepEqual(t.margins, { top: 0, right: 0, bottom: 0, left: 0 });
    assert.deepEqual(t.mapFrames.map((f) => [f.crs, f.grid, f.border]), [['utm', false, true], [32632, false, true]]);
    const [title, legend, bars, line, emblem] = t.elements;
    assert.deepEqual(title!.font, { size: 8, family: 'DejaVu Sans', weight: 'normal', style: 'normal', color: '#000000' });
    assert.deepEqual([title!.align, title!.verticalAlign, title!.map, title!.optional], ['left', 'top', 'BaseMap', false]);
    assert.equal(legend!.map, 'BaseMap');
    assert.equal(legend!.font, undefined);
    assert.deepEqual(bars!.units, ['kilometers', 'miles', 'nauticalMiles']);
    assert.equal(line!.lineWidth, 0.2);
    assert.equal(line!.map, undefined);
    assert.equal(emblem!.map, undefined);
    // Without a BaseMap the first frame is the main map; partial fonts are completed.
    const other = base();
    other.mapFrames[0].name = 'Main';
    other.elements[0].font = { size: 12, weight: 'bold' };
    const o = validateLayoutTemplate(other);
    assert.equal(o.elements[1]!.map, 'Main');
    assert.equal(o.mapFrames[0]!.crs, 'utm');
    assert.deepEqual(o.elements[0]!.font, { size: 12, family: 'DejaVu Sans', weight: 'bold', style: 'normal', color: '#000000' });
  });

  it('names the path of each problem', () => {
    const cases: [string, (d: Record<string, any>) => void, RegExp][] = [
      ['negative width', (d) => { d.elements[1].box.width = -5; }, /^elements\[1\]\.box\.width must be a positive number$/],
      ['string height', (d) => { d.mapFrames[0].box.height = '200'; }, /^mapFrames\[0\]\.box\.height must be a positive number$/],
      ['unknown type', (d) => { d.elements[2].type = 'compass'; }, /^unknown element type "compass" at elements\[2\]\.type \(expected one of text, scaleBars, legend, .*northArrow, rule, image\)$/],
      ['unknown placeholder', (d) => { d.elements[0].text = 'Sheet {SheetID} of {Foo}'; }, /^unknown placeholder \{Foo\} in elements\[0\]\.text \(expected one of \{SheetName\}/],
      ['duplicate name', (d) => { d.elements[2].name = 'Legend'; }, /^duplicate name 'Legend' at elements\[2\]\.name \(first used at elements\[1\]\.name\)$/],
      ['name shared with a frame', (d) => { d.elements[0].name = 'BaseMap'; }, /^duplicate name 'BaseMap' at elements\[0\]\.name \(first used at mapFrames\[0\]\.name\)$/],
      ['element in the margin', (d) => { d.elements[1].box.y = 260; }, /^elements\[1\]\.box \(x 20, y 260, width 80, height 40\) reaches outside the margins \(x 10–190, y 10–290 mm\)$/],
      ['frame off the page', (d) => { d.mapFrames[0].box.x = -1; }, /^mapFrames\[0\]\.box \(x -1, y 20, width 160, height 200\) reaches outside the page \(x 0–200, y 0–300 mm\)$/],
      ['unknown frame', (d) => { d.elements[1].map = 'Inset'; }, /^unknown map frame "Inset" at elements\[1\]\.map \(expected one of BaseMap\)$/],
      ['unknown property', (d) => { d.elements[0].colour = 'red'; }, /^unknown property 'colour' at elements\[0\]\.colour \(expected one of name, type, box, /],
      ['unknown top property', (d) => { d.pages = 2; }, /^unknown property 'pages' at pages /],
      ['bad units', (d) => { d.page.units = 'cm'; }, /^page\.units must be one of mm, in, pt \(got "cm"\)$/],
      ['no frames', (d) => { d.mapFrames = []; d.elements = []; }, /^mapFrames must be a list of at least one map frame$/],
      ['bad extent', (d) => { d.mapFrames[0].extent = 'auto'; }, /^mapFrames\[0\]\.extent must be one of sheet, fit/],
      ['unknown EPSG', (d) => { d.mapFrames[0].crs = 999999; }, /^mapFrames\[0\]\.crs 999999 is not a known EPSG code$/],
      ['bad colour', (d) => { d.elements[0].font = { size: 9, color: 'black' }; }, /^elements\[0\]\.font\.color must be a hex colour/],
      ['text on a legend', (d) => { d.elements[1].text = 'x'; }, /^elements\[1\]\.text applies only to text elements, not legend$/],
      ['bad bar unit', (d) => { d.elements[2].units = ['kilometers', 'furlongs']; }, /^unknown scale bar unit "furlongs" at elements\[2\]\.units\[1\]/],
      ['empty rule', (d) => { d.elements[3].box.width = 0; }, /^elements\[3\]\.box of a rule needs a width or a height$/],
      ['.pagx name', (d) => { d.name = 'Test.pagx'; }, /^name must be 1–128 letters/],
      ['text missing', (d) => { delete d.elements[0].text; }, /^elements\[0\]\.text must be a string$/],
      ['image not a data URL', (d) => { d.elements.push({ name: 'I', type: 'image', box: { x: 20, y: 270, width: 5, height: 5 }, source: 'file:///etc/passwd' }); }, /^elements\[4\]\.source must be a data:image/],
    ];
    for (const [what, spoil, expected] of cases) {
      const doc = base();
      spoil(doc);
      const found = problems(doc);
      assert.equal(found.length, 1, `${what}: ${found.join(' | ')}`);
      assert.match(found[0]!, expected, what);
    }
    assert.deepEqual(problems([1, 2]), ['the document must be an object']);
  });

  it('reports every problem of a document at once, in the error message too', () => {
    const doc = base();
    doc.elements[0].box.width = 0;
    doc.elements[1].type = 'compass';
    doc.page.units = 'cm';
    try { validateLayoutTemplate(doc); assert.fail('accepted'); } catch (e) {
      assert.ok(e instanceof LayoutTemplateError);
      assert.equal(e.details.length, 3);
      assert.match(e.message, /^layout template: page\.units .*; elements\[0\]\.box\.width .*; unknown element type "compass"/);
    }
  });
});
