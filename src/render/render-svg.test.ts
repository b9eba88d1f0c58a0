import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDisplayList } from '../carto/build-display-list.js';
import { layer, line, mapRequest, point, polygon, textSymbol } from '../carto/carto-test-fixture.js';
import { renderSvg } from './render-svg.js';
import { decodePixels, near } from './render-test-fixture.js';

const arc = Array.from({ length: 41 }, (_, i) => [10 + i * 2, 40 + 25 * Math.sin((i / 40) * Math.PI)]);
const request = mapRequest([
  layer('esriGeometryPolygon', { type: 'simple', symbol: { type: 'esriSFS', style: 'esriSFSCross', color: [0, 128, 0, 255], outline: { color: [0, 0, 0, 255], width: 1 } } }, [
    polygon([[[5, 5], [5, 30], [95, 30], [95, 5], [5, 5]]]),
  ]),
  layer('esriGeometryPolyline', { type: 'simple', symbol: { type: 'esriSLS', style: 'esriSLSDashDot', color: [0, 0, 255, 255], width: 2 } }, [line(arc, { NAM: 'Caledonian Canal' })], {
    labelingInfo: [{ labelPlacement: 'esriServerLinePlacementAboveAlong', labelExpression: '[NAM]', symbol: textSymbol(7, { haloSize: 1, haloColor: [255, 255, 255, 255] }) }],
  }),
  layer('esriGeometryPoint', { type: 'simple', symbol: { type: 'esriSMS', style: 'esriSMSCircle', color: [255, 0, 0, 255], size: 9 } }, [point(95, 92, { NAM: 'Fort <W> & Co' })], {
    labelingInfo: [{ labelPlacement: 'esriServerPointLabelPlacementCenterRight', labelExpression: '[NAM]', symbol: textSymbol(7) }],
  }),
], { width: 200, extent: { xmin: 0, ymin: 0, xmax: 200, ymax: 100 } });

describe('renderSvg', () => {
  const svg = renderSvg(buildDisplayList(request));

  it('writes an SVG document with labels as escaped <text>', () => {
    assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* width="200" height="100"/);
    assert.match(svg, /<text[^>]*>Fort &#60;W&#62; &#38; Co<\/text>/);
    assert.match(svg, /<text[^>]* rotate="[^"]+"[^>]*>Caledonian Canal<\/text>/);
    assert.match(svg, /stroke-dasharray="/);
    assert.match(svg, /<clipPath id="c\d+">/);
  });

  it('parses and draws the symbols where the raster map has them', async () => {
    const px = await decodePixels(Buffer.from(svg));
    assert.equal(px.width, 200);
    assert.ok(near(px.at(95, 8), [255, 0, 0, 255]), `marker: ${px.at(95, 8)}`);
    assert.ok(near(px.at(50, 60), [255, 255, 255, 255]));
  });
});
