import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildDisplayList } from '../carto/build-display-list.js';
import { layer, line, mapRequest, point, textSymbol } from '../carto/carto-test-fixture.js';
import { renderPdf } from './render-pdf.js';
import { decodePixels, near } from './render-test-fixture.js';

const hasPoppler = (() => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const dir = mkdtempSync(join(tmpdir(), 'quadrangle-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const request = mapRequest([
  layer('esriGeometryPolyline', { type: 'simple', symbol: { type: 'esriSLS', style: 'esriSLSSolid', color: [0, 0, 255, 255], width: 3 } }, [line([[10, 20], [90, 20]])]),
  layer('esriGeometryPoint', { type: 'simple', symbol: { type: 'esriSMS', style: 'esriSMSSquare', color: [255, 0, 0, 255], size: 12 } }, [point(20, 60, { NAM: 'Inverness' })], {
    labelingInfo: [{ labelPlacement: 'esriServerPointLabelPlacementCenterRight', labelExpression: '[NAM]', symbol: textSymbol(9, { haloSize: 1, haloColor: [255, 255, 255, 255] }) }],
  }),
], { width: 200, extent: { xmin: 0, ymin: 0, xmax: 200, ymax: 100 } });

describe('renderPdf', { skip: !hasPoppler && 'poppler-utils (pdftotext, pdftoppm) is not installed' }, () => {
  it('writes a page of the map size in pt, with each label extractable exactly once', async () => {
    const file = join(dir, 'map.pdf');
    writeFileSync(file, await renderPdf(buildDisplayList(request)));
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    assert.match(info, /Page size:\s+150 x 75 pts/);
    const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    assert.equal(text.match(/Inverness/g)?.length, 1, text);
    assert.match(execFileSync('pdffonts', [file], { encoding: 'utf8' }), /DejaVuSans\s+CID TrueType\s+Identity-H\s+yes/);
  });

  it('renders a page whose pixels show the symbols where the raster map has them', async () => {
    const file = join(dir, 'pixels.pdf');
    writeFileSync(file, await renderPdf(buildDisplayList(request)));
    execFileSync('pdftoppm', ['-png', '-r', '96', '-singlefile', file, join(dir, 'page')]);
    const px = await decodePixels(readFileSync(join(dir, 'page.png')));
    assert.equal(px.width, 200);
    assert.ok(near(px.at(20, 40), [255, 0, 0, 255]), `square: ${px.at(20, 40)}`);
    assert.ok(near(px.at(50, 80), [0, 0, 255, 255]), `line: ${px.at(50, 80)}`);
    assert.ok(near(px.at(50, 60), [255, 255, 255, 255]));
  });
});
