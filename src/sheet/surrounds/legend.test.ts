import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePng } from '../../render/png-encoder.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText } from '../page-drawing.js';
import { drawLegend, legendEntriesFromRenderer, type LegendEntry } from './legend.js';
import { inkOutside, renderZoomed, textContents, texts, ZOOM } from './surround-test-fixture.js';

const text = new PageText();

const GREEN = [0x3a, 0x8c, 0x3a, 255];
const sfs = (color: number[]) => ({ type: 'esriSFS', style: 'esriSFSSolid', color, outline: { type: 'esriSLS', style: 'esriSLSSolid', color: [0, 0, 0, 255], width: 0.5 } });
const sls = (color: number[], width: number) => ({ type: 'esriSLS', style: 'esriSLSSolid', color, width });
const sms = (color: number[], size: number) => ({ type: 'esriSMS', style: 'esriSMSCircle', color, size });

const entries: LegendEntry[] = [
  { label: 'Woods', symbol: sfs(GREEN), geometryType: 'polygon' },
  { label: 'Main road', symbol: sls([0xe2, 0x23, 0x1a, 255], 2), geometryType: 'line' },
  { label: 'Church', symbol: sms([0, 0, 0, 255], 40), geometryType: 'point' },
  { label: 'Stream', symbol: sls([0, 0x72, 0xbc, 255], 1), geometryType: 'line' },
  { label: 'Lake', symbol: sfs([0xbd, 0xe2, 0xf4, 255]), geometryType: 'polygon' },
  { label: 'Built-up area', symbol: sfs([0xf4, 0xc7, 0xc3, 255]), geometryType: 'polygon' },
];

describe('drawLegend', () => {
  it('draws a polygon swatch in its fill colour, the title above, and nothing outside the box', async () => {
    const box = { x: 20, y: 20, width: mm(60), height: mm(50) };
    const items = drawLegend({ entries }, box, text);
    const labels = texts(items);
    assert.deepEqual(labels.map((t) => t.text), ['LEGEND', ...entries.map((e) => e.label)]);
    // Tall enough for one column: every label starts at one x, below the title.
    assert.equal(new Set(labels.slice(1).map((t) => t.x)).size, 1);
    assert.ok(labels.slice(1).every((t) => t.y > labels[0]!.y), 'labels under the title');
    const swatch = items.find((i) => i.kind === 'path' && i.closed)!;
    assert.ok(swatch.kind === 'path', 'a swatch path');
    const cx = (swatch.coords[0]! + swatch.coords[4]!) / 2, cy = (swatch.coords[1]! + swatch.coords[5]!) / 2;
    const px = await renderZoomed(items, box);
    assert.ok(near(px.at(cx * ZOOM, cy * ZOOM), GREEN), `${px.at(cx * ZOOM, cy * ZOOM)}`);
    // The 40 pt marker was shrunk into its swatch.
    assert.equal(inkOutside(px, box), 0);
  });

  it('flows the entries into a second column when the box is short', async () => {
    const box = { x: 10, y: 10, width: mm(80), height: mm(22) };
    const items = drawLegend({ entries }, box, text);
    const labels = texts(items).filter((t) => t.text !== 'LEGEND');
    assert.equal(labels.length, entries.length);
    const columns = [...new Set(labels.map((t) => t.x))].sort((a, b) => a - b);
    assert.ok(columns.length >= 2, `columns at ${columns}`);
    // Top to bottom, then the next column: the first entry heads the first column.
    assert.equal(labels.find((t) => t.x === columns[0] && t.y === Math.min(...labels.map((l) => l.y)))!.text, 'Woods');
    assert.equal(inkOutside(await renderZoomed(items, box), box), 0);
  });

  it('shortens labels and leaves entries out rather than drawing outside a small box', async () => {
    const box = { x: 10, y: 10, width: mm(25), height: mm(14) };
    const items = drawLegend({ entries }, box, text);
    const labels = texts(items).filter((t) => t.text !== 'LEGEND');
    assert.ok(labels.length > 0 && labels.length < entries.length, `${labels.length} labels`);
    assert.equal(inkOutside(await renderZoomed(items, box), box), 0);
    const long = [{ ...entries[0]!, label: 'Woods and scrub with scattered trees' }];
    const cut = texts(drawLegend({ entries: long }, box, text)).filter((t) => t.text !== 'LEGEND');
    assert.equal(cut.length, 1);
    assert.ok(cut[0]!.text.startsWith('Woods') && cut[0]!.text.endsWith('…') && cut[0]!.x + cut[0]!.width <= box.x + box.width, cut[0]!.text);
  });

  it('draws a picture symbol as an image item', async () => {
    const png = await encodePng(new Uint8Array(16 * 16 * 4).fill(200), 16, 16, { color: 'rgba' });
    const symbol = { type: 'esriPMS', imageData: Buffer.from(png).toString('base64'), contentType: 'image/png', width: 30, height: 30 };
    const box = { x: 0, y: 0, width: mm(50), height: mm(20) };
    const items = drawLegend({ title: '', entries: [{ label: 'Mine', symbol, geometryType: 'point' }] }, box, text);
    const image = items.find((i) => i.kind === 'image');
    assert.ok(image && image.kind === 'image', 'an image item');
    // 30 pt does not fit a 4 mm swatch: scaled down to its height.
    assert.ok(Math.abs(image.scales![0]! * 30 - mm(4)) < 0.01, `scale ${image.scales}`);
    assert.deepEqual(textContents(items), ['Mine']);
  });
});

describe('legendEntriesFromRenderer', () => {
  const uniqueValue = {
    type: 'uniqueValue', field1: 'kind',
    uniqueValueInfos: [
      { value: 'wood', label: 'Woods', symbol: sfs(GREEN) },
      { value: 'orchard', label: 'Orchard', symbol: sfs([200, 230, 180, 255]) },
      { value: '2', symbol: sfs([250, 250, 200, 255]) },
    ],
    defaultSymbol: sfs([128, 128, 128, 255]), defaultLabel: 'Other',
  };

  it('keeps only the classes present on the sheet', () => {
    assert.deepEqual(legendEntriesFromRenderer('Vegetation', uniqueValue, new Set(['wood'])).map((e) => e.label), ['Woods']);
    assert.deepEqual(legendEntriesFromRenderer('Vegetation', uniqueValue, new Set(['orchard', '2'])).map((e) => e.label), ['Orchard', '2']);
    // A value no class holds draws with the default symbol, which then has its entry.
    assert.deepEqual(legendEntriesFromRenderer('Vegetation', uniqueValue, new Set(['wood', 'scrub'])).map((e) => e.label), ['Woods', 'Other']);
    assert.deepEqual(legendEntriesFromRenderer('Vegetation', uniqueValue).map((e) => e.label), ['Woods', 'Orchard', '2', 'Other']);
    assert.ok(legendEntriesFromRenderer('Vegetation', uniqueValue).every((e) => e.geometryType === 'polygon'), 'fill symbols draw polygons');
  });

  it('labels a simple renderer with its label or the layer name', () => {
    assert.deepEqual(legendEntriesFromRenderer('Rivers', { type: 'simple', symbol: sls([0, 0, 255, 255], 1) }), [
      { label: 'Rivers', symbol: sls([0, 0, 255, 255], 1), geometryType: 'line' },
    ]);
    assert.equal(legendEntriesFromRenderer('Rivers', { type: 'simple', label: 'River', symbol: sls([0, 0, 255, 255], 1) })[0]!.label, 'River');
    // A symbol that draws nothing has no entry.
    assert.deepEqual(legendEntriesFromRenderer('Hidden', { type: 'simple', symbol: { type: 'esriSFS', style: 'esriSFSNull' } }), []);
  });

  it('gives one entry per class break, labelled or by its range', () => {
    const renderer = {
      type: 'classBreaks', field: 'pop', minValue: 0,
      classBreakInfos: [{ classMaxValue: 1000, label: 'Village', symbol: sms([0, 0, 0, 255], 4) }, { classMaxValue: 10000, symbol: sms([0, 0, 0, 255], 6) }],
    };
    const out = legendEntriesFromRenderer('Places', renderer);
    assert.deepEqual(out.map((e) => [e.label, e.geometryType]), [['Village', 'point'], ['1000 – 10000', 'point']]);
  });
});
