import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SAMPLE_DEM } from '../../src/sample/sample-service.js';
import { decodeImage, exportImage, type DecodedImage } from '../support/map-images.js';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer;
let ms: string;
before(async () => { server = await startTestServer(); ms = `${server.base}/services/Topo/SampleRegion/MapServer`; });
after(async () => { await server.close(); });

const hasGdal = spawnSync('gdallocationinfo', ['--version']).status === 0;

async function exportPixels(params: Record<string, string | number>): Promise<DecodedImage> {
  const res = await exportImage(ms, { format: 'png32', ...params });
  assert.equal(res.headers.get('content-type'), 'image/png');
  return decodeImage(await res.arrayBuffer());
}

/** A spot height: the highest, or the lowest above `above` metres. */
async function spotHeight(order: 'ASC' | 'DESC', above = 0): Promise<{ x: number; y: number; z: number }> {
  const r = await getJson(`${ms}/1/query`, { where: `ZVH > ${above}`, outFields: 'ZVH', orderByFields: `ZVH ${order}`, resultRecordCount: 1 });
  const f = r.features[0];
  return { x: f.geometry.x, y: f.geometry.y, z: f.attributes.ZVH };
}

describe('terrain layers', () => {
  it('lists hillshade, tint and DEM as Raster Layers at the bottom of the layer list', async () => {
    const root = await getJson(ms);
    assert.deepEqual(root.layers.slice(-3).map((l: any) => [l.id, l.name, l.type, l.defaultVisibility]),
      [[17, 'Hillshade', 'Raster Layer', true], [18, 'Elevation tint', 'Raster Layer', false], [19, 'Elevation (DEM)', 'Raster Layer', false]]);
    const dem = await getJson(`${ms}/19`);
    assert.equal(dem.type, 'Raster Layer');
    assert.equal(dem.geometryType, undefined);
    assert.equal(dem.fields, undefined);
    assert.deepEqual(dem.extent, { xmin: 340000, ymin: 6280000, xmax: 400000, ymax: 6340000, spatialReference: { wkid: 32630, latestWkid: 32630 } });
    assert.equal(dem.capabilities, 'Map');
    assert.equal((await getJson(`${ms}/17`)).drawingInfo.transparency, 50);
    const query = await getJson(`${ms}/19/query`, { where: '1=1' });
    assert.equal(query.error?.code, 400, 'raster layers have no query');
  });

  it('draws shaded relief: grey, varied over the hills, flat over the sea', async () => {
    const hills = await exportPixels({ bbox: '360000,6300000,380000,6320000', size: '256,256', layers: 'show:17', transparent: 'true' });
    let sum = 0, sum2 = 0, n = 0;
    for (let i = 0; i < hills.data.length; i += 4) {
      const [r, g, b, a] = [hills.data[i]!, hills.data[i + 1]!, hills.data[i + 2]!, hills.data[i + 3]!];
      assert.ok(r === g && g === b, 'grey');
      assert.ok(a > 100 && a < 160, `about half transparent: ${a}`);
      sum += r; sum2 += r * r; n++;
    }
    const sd = Math.sqrt(sum2 / n - (sum / n) ** 2);
    assert.ok(sd > 5, `relief varies: sd ${sd.toFixed(1)}`);
    const sea = await exportPixels({ bbox: '340200,6300000,342200,6302000', size: '64,64', layers: 'show:17' });
    const first = sea.at(0, 0);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) assert.deepEqual(sea.at(x, y), first, 'the sea is flat');
    const outside = await exportPixels({ bbox: '300000,6300000,310000,6310000', size: '32,32', layers: 'show:17', transparent: 'true' });
    assert.equal(outside.at(16, 16)[3], 0, 'transparent off the DEM');
  });

  it('tints low ground green and the summit brown to white', async () => {
    for (const [point, test] of [
      [await spotHeight('ASC', 5), ([r, g, b]: number[]) => g! > r! && g! > b!],
      [await spotHeight('DESC'), ([r, g, b]: number[]) => (r! >= g! && g! >= b! && r! > 150)],
    ] as const) {
      const img = await exportPixels({ bbox: `${point.x - 100},${point.y - 100},${point.x + 100},${point.y + 100}`, size: '21,21', layers: 'show:18' });
      const px = img.at(10, 10);
      assert.ok(test(px), `${point.z} m → ${px}`);
      assert.equal(px[3], 255);
    }
  });

  it('identifies the elevation at a point on the DEM layer, NoData off it', async () => {
    const { x, y } = await spotHeight('DESC');
    const identify = (gx: number, gy: number, layers = 'all:19') => getJson(`${ms}/identify`, {
      geometry: `${gx},${gy}`, geometryType: 'esriGeometryPoint', tolerance: 2, mapExtent: '340000,6280000,400000,6340000', imageDisplay: '600,600,96', layers,
    });
    const r = await identify(x, y);
    assert.equal(r.results.length, 1);
    const hit = r.results[0];
    assert.deepEqual([hit.layerId, hit.layerName, hit.displayFieldName], [19, 'Elevation (DEM)', 'Pixel Value']);
    assert.equal(hit.attributes['Pixel Value'], hit.value);
    if (hasGdal) {
      const path = join(server.dataDir, SAMPLE_DEM);
      const expected = Number(execFileSync('gdallocationinfo', ['-valonly', '-geoloc', path, String(x), String(y)]).toString());
      assert.ok(Math.abs(Number(hit.value) - expected) < 0.5, `${hit.value} vs ${expected}`);
    }
    assert.equal((await identify(330000, 6300000)).results[0].value, 'NoData');
    assert.deepEqual((await identify(x, y, 'all:17,18')).results, [], 'hillshade and tint are renderings, not identified');
  });

  it('shows ramps in the legend and draws terrain in SVG, PDF and rotated maps', async () => {
    const legend = await getJson(`${ms}/legend`);
    for (const id of [17, 18, 19]) {
      const l = legend.layers.find((x: any) => x.layerId === id);
      assert.equal(l.layerType, 'Raster Layer');
      assert.equal(l.legend.length, 1);
      assert.equal(l.legend[0].contentType, 'image/png');
    }
    const svg = await fetch(`${ms}/export?f=image&format=svg&bbox=360000,6300000,370000,6310000&size=100,100&layers=show:17`);
    assert.match(await svg.text(), /<image xlink:href="data:image\/png;base64,[^"]+" width="100" height="100" preserveAspectRatio="none" opacity="0.5000"\/>/);
    const pdf = await fetch(`${ms}/export?f=image&format=pdf&bbox=360000,6300000,370000,6310000&size=200,200&layers=show:17`);
    assert.equal(pdf.headers.get('content-type'), 'application/pdf');
    assert.match(Buffer.from(await pdf.arrayBuffer()).toString('latin1'), /\/Subtype \/Image/);
    const rotated = await exportPixels({ bbox: '360000,6300000,380000,6320000', size: '128,128', layers: 'show:18', rotation: 30 });
    assert.equal(rotated.at(64, 64)[3], 255);
  });
});
