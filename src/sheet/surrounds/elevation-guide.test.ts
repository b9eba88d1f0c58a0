import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DisplayItem, GroupItem, TextItem } from '../../carto/display-list.js';
import { near } from '../../render/render-test-fixture.js';
import { mm, PageText, PALETTE, type PageBox } from '../page-drawing.js';
import { bandRanges, drawElevationGuide, type ElevationGuideInput } from './elevation-guide.js';
import { inkOutside, renderZoomed, textContents, ZOOM } from './surround-test-fixture.js';

const text = new PageText();

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
    const labels = textContents(items);
    for (const s of ['ELEVATION GUIDE', 'Above 600 m', '300 – 600 m', 'Below 300 m', 'Low', 'High', '812', '455']) assert.ok(labels.includes(s), `${s} in ${labels}`);
    const map = mapRect(items);
    // About 60 mm across, square like the sheet.
    assert.ok(Math.abs(map.width - mm(60)) < 0.01 && Math.abs(map.height - map.width) < 0.01, `map ${JSON.stringify(map)}`);
    const px = await renderZoomed(items, box);
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
    assert.ok(textContents(items).includes('Above 2,500 ft'), `${textContents(items)}`);
    const legend = items.filter((i): i is TextItem => i.kind === 'text' && i.text.includes('ft'));
    assert.ok(legend.every((t) => t.y > map.y + map.height), 'legend under the map');
    assert.equal(inkOutside(await renderZoomed(items, box), box), 0);
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
