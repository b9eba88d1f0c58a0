import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DisplayItem, TextItem } from '../carto/display-list.js';
import { ViewTransform } from '../carto/view-transform.js';
import { mapScale } from '../geo/map-scale.js';
import { getTransform, transformEnvelope } from '../geo/projection.js';
import { gridConvergence } from '../geo/utm.js';
import { composePrint, layoutTemplatesInfo, type ComposedPrint } from './compose-print.js';
import { composeTestPrint, fakeResolver, printOptions, printTemplate, templates, testLayer, testWebMap, UTM32 } from './print-test-fixture.js';
import { PrintRequestError, type WebMapLayoutOptions } from './web-map.js';
import { writePrint } from './write-print.js';

/** Every text item of the page, groups and clips opened. */
function texts(items: readonly DisplayItem[]): TextItem[] {
  return items.flatMap((i) => (i.kind === 'text' ? [i] : i.kind === 'group' || i.kind === 'clip' ? texts(i.items) : []));
}
const words = (print: ComposedPrint) => texts(print.page.items).map((t) => t.text);

const near = (a: number, b: number, tolerance: number, what: string) => assert.ok(Math.abs(a - b) <= tolerance, `${what}: ${a} vs ${b}`);

describe('composePrint: the map frame', () => {
  it('fits the extent into the frame, growing it to the frame shape, with the scale that follows', async () => {
    const print = await composeTestPrint(testWebMap());
    const { frame, frameBox: box } = print;
    // A4 Landscape's frame: 277.5 × 159.1 mm at 96 dpi.
    near(box.width, (277.5 * 72) / 25.4, 1e-9, 'frame box width');
    assert.equal(frame.width, Math.ceil((277.5 / 25.4) * 96));
    assert.equal(frame.height, Math.ceil((159.1 / 25.4) * 96));
    // The box is wider than the extent's shape: the extent's height fills it, more is shown east and west.
    const [, top] = print.toMap(box.x, box.y), [, bottom] = print.toMap(box.x, box.y + box.height);
    near(top - bottom, 20000, 1e-6, 'box height in metres');
    const [left] = print.toMap(box.x, box.y), [right] = print.toMap(box.x + box.width, box.y);
    near(right - left, (20000 * box.width) / box.height, 1e-6, 'box width in metres');
    const [cx, cy] = print.toMap(box.x + box.width / 2, box.y + box.height / 2);
    near(cx, 295000, 1e-6, 'centre x');
    near(cy, 5510000, 1e-6, 'centre y');
    near(frame.scale, mapScale(frame.extent, frame.width, 96, UTM32), 1e-9, 'scale');
    // 20 km over 159.1 mm.
    near(frame.scale, 20000 / 0.1591, 1, 'scale from the frame height');
    assert.deepEqual(frame.view, frame.extent);
    assert.equal(print.pixelSize, null);
    assert.deepEqual([print.page.width, print.page.height], [842, 595]);
    assert.deepEqual(print.page.background, [255, 255, 255, 255]);
  });

  it('draws at a given scale about the extent centre', async () => {
    const print = await composeTestPrint(testWebMap({ mapOptions: { scale: 50000 }, dpi: 150 }), 'A4 Portrait');
    const { frame, frameBox: box } = print;
    assert.equal(frame.scale, 50000);
    assert.equal(frame.dpi, 150);
    assert.equal(frame.width, Math.ceil((190 / 25.4) * 150));
    // 190 mm of paper at 1:50,000 is 9.5 km.
    const [left, top] = print.toMap(box.x, box.y), [right, bottom] = print.toMap(box.x + box.width, box.y + box.height);
    near(right - left, 9500, 1e-6, 'width in metres');
    near(top - bottom, 11000, 1e-6, 'height in metres');
    near((left + right) / 2, 295000, 1e-6, 'centre x');
    near((top + bottom) / 2, 5510000, 1e-6, 'centre y');
    // The image covers the box: whole pixels at the same resolution.
    near((frame.extent.xmax - frame.extent.xmin) / frame.width, (50000 * 0.0254) / 150, 1e-9, 'metres per pixel');
    assert.ok(words(print).includes('1:50,000'));
  });

  it('turns the map counter-clockwise, and gives resolvers the rotated view to fetch', async () => {
    const resolver = fakeResolver();
    const print = await composeTestPrint(testWebMap({ mapOptions: { scale: 50000, rotation: 30 } }), 'A4 Landscape', resolver);
    const { frame, frameBox: box } = print;
    assert.equal(frame.rotation, 30);
    const c = [box.x + box.width / 2, box.y + box.height / 2] as const;
    const [x0, y0] = print.toMap(c[0], c[1]), [x1, y1] = print.toMap(c[0] + 1, c[1]);
    near(x0, 295000, 1e-6, 'centre x');
    near(y0, 5510000, 1e-6, 'centre y');
    // One point right on the page is one point of paper along a bearing turned 30° clockwise from east.
    const len = Math.hypot(x1 - x0, y1 - y0);
    near(len, (50000 * 0.0254) / 72, 1e-9, 'metres per point');
    near((x1 - x0) / len, Math.cos(Math.PI / 6), 1e-9, 'east component');
    near((y1 - y0) / len, -Math.sin(Math.PI / 6), 1e-9, 'north component');
    assert.deepEqual(frame.view, new ViewTransform(frame.extent, frame.width, frame.height, 30).view);
    assert.ok(frame.view.xmax - frame.view.xmin > frame.extent.xmax - frame.extent.xmin);
    assert.deepEqual(resolver.calls[0]!.frame, frame);
    // The north arrow turns with the map and by the grid convergence: the sheet is west of 9°E.
    const [lon, lat] = getTransform(UTM32, { wkid: 4326 })!([295000, 5510000]);
    const n = texts(print.page.items).find((t) => t.text === 'N')!;
    near(n.angle, 30 + gridConvergence(lon!, lat!, 32), 0.01, 'north arrow angle');
    assert.ok(gridConvergence(lon!, lat!, 32) < -1, 'a convergence worth testing');
  });

  it('prints a geographic map, taking the extent from its own SR', async () => {
    const wgs84 = { wkid: 4326, latestWkid: 4326 };
    const extent = { xmin: 6, ymin: 49, xmax: 7, ymax: 50 };
    const print = await composeTestPrint(testWebMap({ mapOptions: { extent, extentSr: wgs84, spatialReference: wgs84 }, outputSize: [800, 400] }), 'MAP_ONLY');
    const { frame } = print;
    assert.deepEqual([frame.width, frame.height], [800, 400]);
    // 1° high fills 400 px, so 2° across.
    near(frame.extent.xmax - frame.extent.xmin, 2, 1e-9, 'degrees across');
    near(frame.extent.ymax - frame.extent.ymin, 1, 1e-9, 'degrees up');
    near(frame.scale, mapScale(frame.extent, 800, 96, wgs84), 1e-6, 'scale');
    // A web mercator print of the same extent: the extent projected.
    const merc = { wkid: 102100, latestWkid: 3857 };
    const m = await composeTestPrint(testWebMap({ mapOptions: { extent, extentSr: wgs84, spatialReference: merc }, outputSize: [800, 400] }), 'MAP_ONLY');
    const want = transformEnvelope(extent, getTransform(wgs84, merc));
    near((m.frame.extent.ymin + m.frame.extent.ymax) / 2, (want.ymin + want.ymax) / 2, 1e-6, 'mercator centre');
    near(m.frame.extent.ymax - m.frame.extent.ymin, want.ymax - want.ymin, 1e-6, 'mercator height');
  });

  it('sizes MAP_ONLY from outputSize and dpi, the frame filling the page', async () => {
    const print = await composeTestPrint(testWebMap({ outputSize: [500, 300], dpi: 150 }), 'MAP_ONLY');
    assert.deepEqual(print.pixelSize, [500, 300]);
    assert.deepEqual([print.page.width, print.page.height], [240, 144]);
    assert.deepEqual(print.frameBox, { x: 0, y: 0, width: 240, height: 144 });
    assert.deepEqual([print.frame.width, print.frame.height], [500, 300]);
    // MAP_ONLY has no elements and no neatline: only the clipped map.
    assert.equal(print.page.items.length, 1);
    const png = await writePrint(print, 'PNG32', 150);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [500, 300]);
  });

  it('fills the frame with the background colour; MAP_ONLY pages take it, laid on white', async () => {
    const bg: [number, number, number, number] = [200, 220, 255, 255];
    const a4 = await composeTestPrint(testWebMap({ mapOptions: { background: bg } }));
    assert.deepEqual(a4.page.background, [255, 255, 255, 255]);
    const clip = a4.page.items[0]!;
    assert.ok(clip.kind === 'clip' && clip.items[0]!.kind === 'path');
    assert.deepEqual(clip.items[0].fill, bg);
    const half = await composeTestPrint(testWebMap({ mapOptions: { background: [0, 0, 0, 128] } }), 'MAP_ONLY');
    assert.deepEqual(half.page.background, [127, 127, 127, 255]);
  });
});

describe('composePrint: layers', () => {
  it('resolves basemap then operational layers, skipping unsupported and out-of-scale ones, reporting progress', async () => {
    const resolver = fakeResolver();
    const progress: [string, number][] = [];
    const map = testWebMap({
      baseMapLayers: [testLayer('base'), testLayer('Bing', { kind: 'unsupported', typeName: 'BingMapsRoad' })],
      operationalLayers: [testLayer('Survey area'), testLayer('detail', { minScale: 10000 }), testLayer('overview', { maxScale: 1000000 }), testLayer('Tiles', { kind: 'unsupported', typeName: 'VectorTileLayer' })],
      mapOptions: { scale: 50000 },
    });
    const print = await composePrint({ ...printOptions(map, 'A4 Landscape', resolver), onProgress: (m, f) => { progress.push([m, f]); } });
    assert.deepEqual(resolver.calls.map((c) => c.layer.id), ['base', 'Survey area']);
    assert.deepEqual(progress, [['Drawing layer 1 of 2', 0], ['Drawing layer 2 of 2', 0.5]]);
    assert.deepEqual(print.warnings, ["Layer 'Bing': BingMapsRoad layers are not printed", "Layer 'Tiles': VectorTileLayer layers are not printed"]);
  });

  it('draws every layer, the first at the bottom, even when resolvers reuse layer ids', async () => {
    const print = await composeTestPrint(testWebMap({ baseMapLayers: [testLayer('base')], mapOptions: { scale: 50000 } }));
    const { decodePixels } = await import('../render/render-test-fixture.js');
    const png = await decodePixels(await writePrint(print, 'PNG32', 72));
    const { frameBox: box } = print;
    assert.deepEqual(png.at(box.x + box.width / 2, box.y + box.height / 2), [255, 0, 0, 255]);
    assert.deepEqual(png.at(box.x + 10, box.y + 10), [0, 0, 255, 255]);
    // Outside the frame, the page is white.
    assert.deepEqual(png.at(box.x - 5, box.y + 10), [255, 255, 255, 255]);
  });

  it('collects warnings from resolvers once, and fails the print when a layer fails', async () => {
    const print = await composePrint({
      ...printOptions(testWebMap({ operationalLayers: [testLayer('a'), testLayer('b')] }), 'MAP_ONLY'),
      resolveLayer: async (_l, ctx) => { ctx.warn('Sublayer 4 is not drawn'); return { layers: [], legend: [] }; },
    });
    assert.deepEqual(print.warnings, ['Sublayer 4 is not drawn']);
    await assert.rejects(composePrint({
      ...printOptions(testWebMap(), 'MAP_ONLY'),
      resolveLayer: async () => { throw new PrintRequestError(["Layer 'osm': host tile.openstreetmap.org is not on the print allow-list"]); },
    }), (e: unknown) => e instanceof PrintRequestError && /allow-list/.test(e.message));
  });

  it('credits the layers in the corner of MAP_ONLY when asked to, top layer first', async () => {
    const map = testWebMap({ baseMapLayers: [testLayer('base')], mapOptions: { showAttribution: true } });
    assert.ok(words(await composeTestPrint(map, 'MAP_ONLY')).includes('Survey area credits | Base tiles'));
    assert.ok(!words(await composeTestPrint(testWebMap({ baseMapLayers: [testLayer('base')] }), 'MAP_ONLY')).some((w) => w.includes('credits')));
    assert.ok(!words(await composeTestPrint(map, 'A4 Portrait')).some((w) => w.includes('credits')));
  });
});

describe('composePrint: layout elements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'compose-print-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** The text pdftotext reads from the print as a PDF. */
  const pdfText = async (print: ComposedPrint): Promise<string> => {
    const file = join(dir, `p${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, await writePrint(print, 'PDF', 96));
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  };

  it('fills title, author, copyright and custom text elements, leaving hidden ones out', async () => {
    const withNotes = printTemplate('Letter ANSI A Portrait');
    withNotes.elements.push(
      { name: 'Notes', type: 'text', box: { x: 0.5, y: 10.1, width: 4.45, height: 0.3 }, text: 'Default note', font: { size: 8 } },
      { name: 'Remark', type: 'text', box: { x: 0.5, y: 10.4, width: 4.45, height: 0.3 }, text: 'Standing remark', font: { size: 8 } },
    );
    const print = await composePrint({
      ...printOptions(testWebMap({ layout: { customTextElements: { Notes: 'Printed for the survey crew' }, hiddenElements: ['Copyright'] } })),
      template: withNotes,
    });
    const text = await pdfText(print);
    for (const s of ['Hochwald', 'Survey unit', 'Printed for the survey crew', 'Standing remark']) assert.ok(text.includes(s), `${s} in ${text}`);
    assert.ok(!text.includes('Region survey'));
    assert.ok(!text.includes('Default note'));
  });

  it('draws nothing for a text element left empty', async () => {
    const full = await composeTestPrint(testWebMap());
    const print = await composeTestPrint(testWebMap({ layout: { authorText: '', copyrightText: ' ' } }));
    const text = await pdfText(print);
    assert.ok(text.includes('Hochwald'));
    assert.ok(!/\{Author\}|\{Copyright\}/.test(text));
    assert.equal(texts(full.page.items).length - texts(print.page.items).length, 2);
  });

  it('shows the operational layers in the legend, filtered by legendOptions, and removes an empty legend', async () => {
    const map = (legendLayers: WebMapLayoutOptions['legendLayers']) => testWebMap({ baseMapLayers: [testLayer('base')], operationalLayers: [testLayer('Survey area'), testLayer('Roads')], layout: { legendLayers } });
    const all = words(await composeTestPrint(map(null)));
    assert.ok(all.includes('Legend'));
    // Top layer first; the basemap is not in the legend.
    const rows = all.filter((w) => w.endsWith(': Red area'));
    assert.deepEqual(rows, ['Roads: Red area', 'Survey area: Red area']);
    assert.ok(!all.some((w) => w.includes('Base')));
    assert.deepEqual(words(await composeTestPrint(map([{ id: 'Survey area', subLayerIds: ['0'] }]))).filter((w) => w.endsWith('Red area')), ['Survey area: Red area']);
    const none = words(await composeTestPrint(map([{ id: 'Roads', subLayerIds: [1] }])));
    assert.ok(!none.includes('Legend'));
    assert.ok(!words(await composeTestPrint(map([]))).includes('Legend'));
    assert.ok(!words(await composeTestPrint(testWebMap({ layout: { hiddenElements: ['Legend'] } }))).includes('Legend'));
  });

  it('labels the scale bars with scaleBarOptions, an empty label giving the unit name', async () => {
    const labelled = words(await composeTestPrint(testWebMap({ mapOptions: { scale: 25000 }, layout: { scaleBar: { metricUnit: 'esriMeters', metricLabel: 'metres (m)', nonMetricUnit: 'esriFeet', nonMetricLabel: '' } } })));
    assert.ok(labelled.includes('metres (m)'));
    assert.ok(labelled.includes('FEET'));
    assert.ok(!labelled.includes('KILOMETRES') && !labelled.includes('STATUTE MILES'));
    assert.ok(labelled.includes('1:25,000'));
    const defaults = words(await composeTestPrint(testWebMap({ layout: { scaleBar: { metricUnit: 'esriKilometers', metricLabel: 'km', nonMetricUnit: 'esriNauticalMiles', nonMetricLabel: 'nmi' } } })));
    assert.ok(defaults.includes('km') && defaults.includes('nmi'));
  });
});

describe('layoutTemplatesInfo', () => {
  it('describes the print templates in their own units, without MAP_ONLY and the sheet layouts', () => {
    const custom = printTemplate('Letter ANSI A Portrait');
    custom.name = 'Letter with notes';
    custom.elements.push({ name: 'Notes', type: 'text', box: { x: 0.5, y: 10.1, width: 4, height: 0.3 }, text: 'Default note' });
    const info = layoutTemplatesInfo([...templates.templateNames().map(printTemplate), custom]);
    assert.deepEqual(info.map((t) => t.layoutTemplate), [
      'A3 Landscape', 'A3 Portrait', 'A4 Landscape', 'A4 Portrait', 'Letter ANSI A Landscape', 'Letter ANSI A Portrait',
      'Tabloid ANSI B Landscape', 'Tabloid ANSI B Portrait', 'Letter with notes',
    ]);
    assert.deepEqual(info[2], {
      layoutTemplate: 'A4 Landscape', pageSize: [29.7, 21], pageUnits: 'CENTIMETER', webMapFrameSize: [27.75, 15.91], activeDataFrameSize: [27.75, 15.91],
      layoutOptions: { hasTitleText: true, hasAuthorText: true, hasCopyrightText: true, hasLegend: true, customTextElements: [] },
    });
    assert.deepEqual(info[7]!.pageSize, [11, 17]);
    assert.equal(info[7]!.pageUnits, 'INCH');
    assert.deepEqual(info[7]!.webMapFrameSize, [10, 13.2]);
    assert.deepEqual(info[8]!.layoutOptions.customTextElements, [{ Notes: 'Default note' }]);
  });
});
