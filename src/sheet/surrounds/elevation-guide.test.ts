import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { DisplayItem, GroupItem, TextItem } from '../../carto/display-list.js';
import { renderPng } from '../../render/render-png.js';
import { near, type Pixels } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE, place, type PageBox } from '../page-drawing.js';
import { bandRanges, drawElevationGuide, type ElevationGuideInput } from './elevation-guide.js';

const text = new PageText();
const ZOOM = 4;
const MARGIN = 10;

/** The items drawn at ZOOM px per pt on a transparent page with MARGIN pt around the box, decoded from the PNG. */
async function render(items: DisplayItem[], box: PageBox): Promise<Pixels & { data: Uint8ClampedArray }> {
  const width = Math.ceil((box.x + box.width + MARGIN) * ZOOM), height = Math.ceil((box.y + box.height + MARGIN) * ZOOM);
  const img = await loadImage(await renderPng({ width, height, dpi: 72 * ZOOM, background: null, items: [place(items, 0, 0, ZOOM)] }, { mode: 'png32' }));
  const ctx = createCanvas(width, height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, width, height);
  const at = (x: number, y: number): [number, number, number, number] => {
    const i = (Math.round(y) * width + Math.round(x)) * 4;
    return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
  };
  return { width, height, at, data };
}

/** Pixels with ink outside the box (a pixel of anti-aliasing allowed). */
function inkOutside(px: Pixels & { data: Uint8ClampedArray }, box: PageBox): number {
  const x0 = box.x * ZOOM - 1, x1 = (box.x + box.width) * ZOOM + 1, y0 = box.y * ZOOM - 1, y1 = (box.y + box.height) * ZOOM + 1;
  let n = 0;
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) if ((x < x0 || x > x1 || y < y0 || y > y1) && px.data[(y * px.width + x) * 4 + 3]! > 0) n++;
  }
  return n;
}

const texts = (items: DisplayItem[]): string[] => items.filter((i): i is TextItem => i.kind === 'text').map((t) => t.text);
/** The relief map's rectangle, from the group that stretches the band raster over it. */
function mapRect(items: DisplayItem[]): PageBox {
  const clip = items.find((i) => i.kind === 'clip');
  assert.ok(clip && clip.kind === 'clip', 'a clip item');
  const group = clip.items.find((i): i is GroupItem => i.kind === 'group')!;
  const raster = group.items[0]!;
  assert.equal(raster.kind, 'raster');
  const [sx, , , sy, x, y] = group.transform;
  return { x, y, width: sx * (raster.kind === 'raster' ? raster.width : 0), height: sy * (raster.kind === 'raster' ? raster.height : 0) };
}

/** Three vertical stripes, bands 0, 1, 2 west to east, under a neatline narrowed at the top. */
function stripes(): ElevationGuideInput {
  const width = 30, height = 30;
  const bands = new Uint8Array(width * height).map((_, i) => Math.floor((i % width) / 10));
  return {
    bands, width, height, aspect: 1,
    neatline: [0.2, 0, 0.8, 0, 1, 1, 0, 1, 0.2, 0],
    limits: [300, 600], names: ['Low', 'Medium', 'High'], units: 'meters',
    highest: { u: 0.85, v: 0.9, elevation: 812.3 },
    spotHeights: [{ u: 0.5, v: 0.85, elevation: 455 }],
    water: { rings: [], lines: [[0.5, 0, 0.5, 0.6]] },
  };
}

const lum = (p: readonly number[]) => p[0]! + p[1]! + p[2]!;

describe('drawElevationGuide', () => {
  it('draws the bands light to dark, clipped to the neatline, with water, heights and limits', async () => {
    const box = { x: 20, y: 20, width: mm(110), height: mm(75) };
    const items = drawElevationGuide(stripes(), box, text);
    const labels = texts(items);
    for (const s of ['ELEVATION GUIDE', 'Above 600 m', '300 – 600 m', 'Below 300 m', 'Low', 'High', '812', '455']) assert.ok(labels.includes(s), `${s} in ${labels}`);
    const map = mapRect(items);
    // About 60 mm across, square like the sheet.
    assert.ok(Math.abs(map.width - mm(60)) < 0.01 && Math.abs(map.height - map.width) < 0.01, `map ${JSON.stringify(map)}`);
    const px = await render(items, box);
    const at = (u: number, v: number) => px.at((map.x + u * map.width) * ZOOM, (map.y + v * map.height) * ZOOM);
    const low = at(0.17, 0.4), mid = at(0.4, 0.4), high = at(0.83, 0.4);
    assert.ok(low[3] === 255 && high[3] === 255, `${low} ${high}`);
    assert.ok(lum(low) > lum(mid) && lum(mid) > lum(high), `${low} ${mid} ${high}`);
    // Outside the neatline (the top corners are cut off) nothing is drawn.
    assert.equal(at(0.05, 0.05)[3], 0);
    assert.ok(near(at(0.5, 0.3), PALETTE.water, 40), `${at(0.5, 0.3)}`);
    assert.equal(inkOutside(px, box), 0);
  });

  it('keeps a tall narrow box by putting the legend under a smaller map', async () => {
    const box = { x: 10, y: 10, width: mm(45), height: mm(90) };
    const items = drawElevationGuide({ ...stripes(), units: 'feet', limits: [1000, 2500] }, box, text);
    const map = mapRect(items);
    assert.ok(map.width <= mm(45) && map.width > mm(30), `map ${JSON.stringify(map)}`);
    assert.ok(texts(items).includes('Above 2,500 ft'), `${texts(items)}`);
    const legend = items.filter((i): i is TextItem => i.kind === 'text' && i.text.includes('ft'));
    assert.ok(legend.every((t) => t.y > map.y + map.height), 'legend under the map');
    assert.equal(inkOutside(await render(items, box), box), 0);
  });

  it('draws nothing in a box too small for a useful map', () => {
    assert.deepEqual(drawElevationGuide(stripes(), { x: 0, y: 0, width: mm(15), height: mm(8) }, text), []);
  });

  it('refuses a band grid of the wrong size', () => {
    assert.throws(() => drawElevationGuide({ ...stripes(), width: 31 }, { x: 0, y: 0, width: 200, height: 200 }, text), RangeError);
  });
});

describe('bandRanges', () => {
  it('names two, three and four bands from the limits', () => {
    assert.deepEqual(bandRanges([300], 'meters'), ['Below 300 m', 'Above 300 m']);
    assert.deepEqual(bandRanges([100, 200, 1200], 'feet'), ['Below 100 ft', '100 – 200 ft', '200 – 1,200 ft', 'Above 1,200 ft']);
  });
});
