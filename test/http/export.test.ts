import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeImage, exportImage as exportAt, pointInLargestLake as lakePoint } from '../support/map-images.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
before(async () => { server = await startTestServer(); ms = `${server.base}/services/Topo/SampleRegion/MapServer`; });
after(async () => { await server.close(); });

const exportImage = (params: Record<string, string | number | boolean>) => exportAt(ms, params);
const pixels = (png: Buffer) => decodeImage(png);
const pointInLargestLake = () => lakePoint(ms);


describe('export', () => {
  it('draws the lake fill at a point inside the lake, transparent elsewhere when asked', async () => {
    const [x, y] = await pointInLargestLake();
    const res = await exportImage({ bbox: `${x - 50},${y - 50},${x + 50},${y + 50}`, size: '100,100', layers: 'show:6', transparent: true, format: 'png32' });
    assert.equal(res.headers.get('content-type'), 'image/png');
    const img = await pixels(Buffer.from(await res.arrayBuffer()));
    assert.deepEqual(img.at(50, 50), [190, 225, 245, 255]);
    const far = await exportImage({ bbox: '340000,6280000,341000,6281000', size: '50,50', layers: 'show:0', transparent: true, format: 'png32' });
    assert.equal((await pixels(Buffer.from(await far.arrayBuffer()))).at(25, 25)[3], 0, 'no feature there: transparent');
  });

  it('answers JSON with an href, the extent widened to the image aspect and the scale', async () => {
    const r = await getJson(`${ms}/export`, { bbox: '360000,6300000,380000,6310000', size: '400,400', format: 'png' });
    assert.equal(r.width, 400);
    assert.equal(r.height, 400);
    assert.equal(r.extent.xmax - r.extent.xmin, 20000);
    assert.equal(r.extent.ymax - r.extent.ymin, 20000, 'widened to square');
    assert.ok(Math.abs(r.scale - (50 * 96) / 0.0254) < 1, String(r.scale));
    const img = await fetch(r.href);
    assert.equal(img.status, 200);
    assert.equal((await pixels(Buffer.from(await img.arrayBuffer()))).width, 400);
    assert.equal((await fetch(r.href.replace(/_ags_map[0-9a-f]+/, '_ags_map0000'))).status, 404);
    assert.equal((await fetch(`${server.base}/directories/arcgisoutput/..%2F..%2Fcatalog.sqlite`)).status, 404);
  });

  it('applies layerDefs and reprojects to imageSR', async () => {
    const count = async (layerDefs: string) => {
      const res = await exportImage({ bbox: '340000,6280000,400000,6340000', size: '300,300', layers: 'show:4', layerDefs, transparent: true, format: 'png32' });
      const img = await pixels(Buffer.from(await res.arrayBuffer()));
      let red = 0;
      for (let py = 0; py < img.height; py++) for (let px = 0; px < img.width; px++) { const [r, g, b, a] = img.at(px, py); if (a! > 200 && r! > 150 && g! < 80 && b! < 80) red++; }
      return red;
    };
    assert.ok(await count(JSON.stringify({ 4: "CLASS = 'Primary'" })) > 50);
    assert.equal(await count(JSON.stringify({ 4: "CLASS = 'Nope'" })), 0);
    const merc = await getJson(`${ms}/export`, { bbox: '-5.5,56.7,-4.8,57.1', bboxSR: 4326, imageSR: 102100, size: '200,200' });
    assert.equal(merc.extent.spatialReference.wkid, 102100);
    assert.ok(merc.extent.xmin < -530000 && merc.extent.xmin > -620000, JSON.stringify(merc.extent));
  });

  it('writes a vector PDF whose labels are text', async () => {
    const towns = await getJson(`${ms}/0/query`, { where: "TYPE IN ('City','Town')", outFields: 'NAM', orderByFields: 'POP DESC', resultRecordCount: 1 });
    const { x, y } = towns.features[0].geometry;
    const res = await exportImage({ bbox: `${x - 3000},${y - 3000},${x + 3000},${y + 3000}`, size: '600,600', format: 'pdf' });
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const file = join(server.dataDir, 'map.pdf');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('pdftotext', [file, '-']).toString();
    assert.ok(text.includes(towns.features[0].attributes.NAM), text.slice(0, 300));
  });

  it('clamps huge sizes and refuses bad input with clear errors', async () => {
    const big = await getJson(`${ms}/export`, { bbox: '360000,6300000,361000,6300500', size: '100000,50000', layers: 'show:1' });
    assert.deepEqual([big.width, big.height], [4096, 2048]);
    const cases: [Record<string, string>, RegExp][] = [
      [{ bbox: '10,10,0,0' }, /'bbox'/], [{ bbox: '1,2,3' }, /'bbox'/], [{}, /'bbox'/], [{ bbox: '0,0,1,1', imageSR: '999999' }, /'imageSR'/],
      [{ bbox: '0,0,1,1', size: '0,10' }, /'size'/], [{ bbox: '0,0,1,1', layers: 'only:1' }, /'layers'/], [{ bbox: '0,0,1,1', dpi: '0' }, /'dpi'/],
    ];
    for (const [params, re] of cases) {
      const r = await getJson(`${ms}/export`, params);
      assert.equal(r.error?.code, 400, JSON.stringify(params));
      assert.match(r.error.details.join(' '), re, JSON.stringify(params));
    }
    const bmp = await exportImage({ bbox: '360000,6300000,361000,6301000', format: 'bmp' });
    assert.equal(bmp.status, 400, 'f=image errors carry the code as HTTP status');
    assert.equal((await bmp.json()).error.message, 'Unsupported image format: bmp');
  });
});
