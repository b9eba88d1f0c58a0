import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import { buildDisplayList } from '../carto/build-display-list.js';
import { layer, line, mapRequest, point, polygon, textSymbol } from '../carto/carto-test-fixture.js';
import type { MapRequest } from '../carto/map-request.js';
import { renderPng } from './render-png.js';
import { decodePixels, near, type Pixels } from './render-test-fixture.js';

const RED = [255, 0, 0, 255];
const BLUE = [0, 0, 255, 255];
const WHITE = [255, 255, 255, 255];
const sfs = (color: number[], style = 'esriSFSSolid') => ({ type: 'esriSFS', style, color });
const sls = (color: number[], width: number, style = 'esriSLSSolid') => ({ type: 'esriSLS', style, color, width });
const circle = (color: number[], size: number) => ({ type: 'esriSMS', style: 'esriSMSCircle', color, size });

async function draw(request: MapRequest, mode: 'png' | 'png8' | 'png24' | 'png32' = 'png'): Promise<Pixels> {
  return decodePixels(await renderPng(buildDisplayList(request, { warn: () => {} }), { mode }));
}

describe('renderPng', () => {
  it('draws a red esriSMS circle at the pixel of its coordinate', async () => {
    // Map (30, 70) is pixel (30, 30): y is flipped.
    const px = await draw(mapRequest([layer('esriGeometryPoint', { type: 'simple', symbol: circle(RED, 9) }, [point(30, 70)])]));
    assert.ok(near(px.at(30, 30), RED), `${px.at(30, 30)}`);
    // 9 pt at 96 dpi is 12 px across: 5 px from the centre is inside, 8 px outside.
    assert.ok(near(px.at(35, 30), RED));
    assert.ok(near(px.at(38, 30), WHITE));
    assert.ok(near(px.at(30, 70), WHITE));
  });

  it('keeps a transparent background at alpha 0 and draws opaque symbols on it', async () => {
    const px = await draw(mapRequest([layer('esriGeometryPoint', { type: 'simple', symbol: circle(RED, 9) }, [point(50, 50)])], { background: null }));
    assert.equal(px.at(5, 5)[3], 0);
    assert.equal(px.at(95, 95)[3], 0);
    assert.ok(near(px.at(50, 50), RED));
  });

  it('covers the pixels along a 2 pt line, and a dashed one leaves gaps', async () => {
    const solid = await draw(mapRequest([layer('esriGeometryPolyline', { type: 'simple', symbol: sls(BLUE, 2) }, [line([[10, 50], [90, 50]])])]));
    for (let x = 12; x <= 88; x++) assert.ok(near(solid.at(x, 50), BLUE), `pixel ${x}: ${solid.at(x, 50)}`);
    assert.ok(near(solid.at(50, 45), WHITE));
    const dashed = await draw(mapRequest([layer('esriGeometryPolyline', { type: 'simple', symbol: sls(BLUE, 2, 'esriSLSDash') }, [line([[10, 50], [90, 50]])])]));
    const row = Array.from({ length: 77 }, (_, i) => dashed.at(12 + i, 50));
    assert.ok(row.some((p) => near(p, BLUE)) && row.some((p) => near(p, WHITE)), 'dashes and gaps');
  });

  it('leaves unfilled pixels between the lines of a hatched esriSFS', async () => {
    const px = await draw(mapRequest([layer('esriGeometryPolygon', { type: 'simple', symbol: sfs(RED, 'esriSFSHorizontal') }, [polygon([[[10, 10], [10, 90], [90, 90], [90, 10], [10, 10]]])])]));
    const column = Array.from({ length: 60 }, (_, i) => px.at(50, 20 + i));
    assert.ok(column.some((p) => near(p, RED, 80)), 'hatch lines');
    assert.ok(column.filter((p) => near(p, WHITE)).length > 30, 'gaps between them');
    assert.ok(near(px.at(5, 50), WHITE), 'nothing outside');
  });

  it('fills polygon holes (even-odd)', async () => {
    const px = await draw(mapRequest([layer('esriGeometryPolygon', { type: 'simple', symbol: sfs(RED) }, [
      polygon([[[10, 10], [10, 90], [90, 90], [90, 10], [10, 10]], [[30, 30], [30, 70], [70, 70], [70, 30], [30, 30]]]),
    ])]));
    assert.ok(near(px.at(20, 50), RED));
    assert.ok(near(px.at(50, 50), WHITE));
  });

  it('colours features by uniqueValue and classBreaks classes', async () => {
    const unique = { type: 'uniqueValue', field1: 'T', uniqueValueInfos: [{ value: 'a', symbol: sfs(RED) }, { value: 'b', symbol: sfs(BLUE) }] };
    const breaks = { type: 'classBreaks', field: 'V', classBreakInfos: [{ classMaxValue: 10, symbol: sfs(RED) }, { classMaxValue: 20, symbol: sfs(BLUE) }] };
    const left = [[[0, 0], [0, 100], [50, 100], [50, 0], [0, 0]]], right = [[[50, 0], [50, 100], [100, 100], [100, 0], [50, 0]]];
    const a = await draw(mapRequest([layer('esriGeometryPolygon', unique, [polygon(left, { T: 'b' }), polygon(right, { T: 'a' })])]));
    assert.ok(near(a.at(25, 50), BLUE) && near(a.at(75, 50), RED));
    const b = await draw(mapRequest([layer('esriGeometryPolygon', breaks, [polygon(left, { V: 10 }), polygon(right, { V: 10.5 })])]));
    assert.ok(near(b.at(25, 50), RED) && near(b.at(75, 50), BLUE));
  });

  it('turns the map counter-clockwise about its centre', async () => {
    const request = mapRequest([layer('esriGeometryPoint', { type: 'simple', symbol: circle(RED, 6) }, [point(80, 50)])], { rotation: 90 });
    const px = await draw(request);
    // East of the centre moves to the top.
    assert.ok(near(px.at(50, 20), RED), `${px.at(50, 20)}`);
    assert.ok(near(px.at(80, 50), WHITE));
  });

  it('writes RGB for png24 and RGBA for png32', async () => {
    const request = mapRequest([layer('esriGeometryPoint', { type: 'simple', symbol: circle(RED, 6) }, [point(50, 50)])], { background: null });
    const colorType = async (mode: 'png24' | 'png32') => (await renderPng(buildDisplayList(request), { mode }))[25];
    assert.equal(await colorType('png24'), 2);
    assert.equal(await colorType('png32'), 6);
    const flat = await draw(request, 'png24');
    assert.ok(near(flat.at(5, 5), WHITE), 'transparent background laid on white');
  });

  it('draws esriPMS and esriPFS pictures from their base64 imageData', async () => {
    const image = createCanvas(4, 4);
    image.getContext('2d').fillStyle = '#00ff00';
    image.getContext('2d').fillRect(0, 0, 4, 4);
    const imageData = image.encodeSync('png').toString('base64');
    const px = await draw(mapRequest([
      layer('esriGeometryPolygon', { type: 'simple', symbol: { type: 'esriPFS', imageData, contentType: 'image/png', width: 3, height: 3 } }, [polygon([[[0, 0], [0, 40], [40, 40], [40, 0], [0, 0]]])]),
      layer('esriGeometryPoint', { type: 'simple', symbol: { type: 'esriPMS', imageData, contentType: 'image/png', width: 12, height: 12 } }, [point(70, 30)]),
    ]));
    assert.ok(near(px.at(20, 80), [0, 255, 0, 255]), `fill ${px.at(20, 80)}`);
    assert.ok(near(px.at(74, 70), [0, 255, 0, 255]), `marker ${px.at(74, 70)}`);
    assert.ok(near(px.at(70, 60), WHITE));
  });

  it('writes png8 with a palette, keeping symbol colours and transparency', async () => {
    const request = mapRequest([layer('esriGeometryPoint', { type: 'simple', symbol: circle(RED, 9) }, [point(50, 50)])], { background: null });
    const png = await renderPng(buildDisplayList(request), { mode: 'png8' });
    assert.equal(png[25], 3);
    assert.ok(png.includes(Buffer.from('PLTE')) && png.includes(Buffer.from('tRNS')));
    const px = await decodePixels(png);
    assert.ok(near(px.at(50, 50), RED, 8));
    assert.equal(px.at(5, 5)[3], 0);
  });

  it('draws labels in the text colour with a halo', async () => {
    const l = layer('esriGeometryPoint', { type: 'simple', symbol: null }, [point(5, 50, { NAM: 'MMMM' })], {
      labelingInfo: [{ labelPlacement: 'esriServerPointLabelPlacementCenterRight', labelExpression: '[NAM]', symbol: textSymbol(14, { color: [0, 0, 200, 255], haloSize: 2, haloColor: [255, 255, 0, 255] }) }],
    });
    const px = await draw(mapRequest([l], { background: [0, 0, 0, 255] }));
    const row = Array.from({ length: 60 }, (_, i) => px.at(8 + i, 48));
    assert.ok(row.some((p) => near(p, [0, 0, 200, 255], 40)), 'text colour');
    assert.ok(row.some((p) => near(p, [255, 255, 0, 255], 40)), 'halo colour');
  });
});
