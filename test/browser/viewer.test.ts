/// <reference lib="dom" />
/**
 * The map viewer (`<ms>?f=jsapi`) in a real Chromium: it loads cleanly, the server draws the
 * map into OpenLayers' canvas, the layer list drives `layers=show:…`, and a click identifies.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { getJson, startTestServer, type TestServer } from '../support/test-server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'];

/** Pixels of the map canvas that something was drawn on: not transparent, not white. */
const drawnPixels = (page: Page) => page.evaluate(() => {
  const canvas = document.querySelector<HTMLCanvasElement>('#map canvas');
  if (!canvas || canvas.width === 0) return 0;
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && (data[i]! < 250 || data[i + 1]! < 250 || data[i + 2]! < 250)) n++;
  return n;
});

describe('map viewer', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let server: TestServer;
  let browser: Browser;
  let ms: string;
  before(async () => {
    server = await startTestServer();
    ms = `${server.base}/services/Topo/SampleRegion/MapServer`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('is linked from the Services Directory page', async () => {
    const html = await (await fetch(`${ms}?f=html`)).text();
    assert.match(html, /<a href="\/arcgis\/rest\/services\/Topo\/SampleRegion\/MapServer\?f=jsapi">View in map viewer<\/a>/);
  });

  it('draws the map, lists the layers, switches them and identifies the main town on click', async () => {
    const town = await getJson(`${ms}/0/query`, { where: "TYPE IN ('City','Town')", orderByFields: 'POP DESC', resultRecordCount: 1, outFields: 'NAM' });
    const { x, y } = town.features[0].geometry;
    const name: string = town.features[0].attributes.NAM;
    const root = await getJson(ms);

    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    const exports: URL[] = [];
    page.on('request', (r) => { if (r.url().includes('/MapServer/export?')) exports.push(new URL(r.url())); });

    // Centred on the town at 5 m a pixel, where every layer is drawn.
    const script = page.waitForResponse((r) => r.url().includes('/rest/static/viewer.js'));
    const firstImage = page.waitForResponse((r) => r.url().includes('/MapServer/export?'));
    await page.goto(`${ms}?f=jsapi#map=5/${x}/${y}`);
    assert.match((await script).headers()['cache-control'] ?? '', /immutable/, 'the versioned script is cached for good');
    const image = await firstImage;
    assert.equal(image.status(), 200);
    assert.equal(image.headers()['content-type'], 'image/png');
    assert.equal(exports[0]!.searchParams.get('bboxSR'), '32630');
    await page.waitForFunction(() => document.querySelector('#map canvas') !== null);
    for (let i = 0; i < 50 && (await drawnPixels(page)) < 1000; i++) await page.waitForTimeout(100);
    assert.ok((await drawnPixels(page)) >= 1000, 'the map canvas shows the exported image');
    assert.ok(await page.locator('.ol-scale-line').isVisible(), 'a scale line');

    const labels = (await page.locator('#layers label').allTextContents()).map((t) => t.trim());
    assert.deepEqual(labels, root.layers.map((l: { name: string }) => l.name));
    assert.equal(await page.locator('#layers li[data-layer-id="12"] > label input').isChecked(), false, 'hidden by default');

    // Clicking at the view's centre lands on the town.
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('#results .hit').first().waitFor();
    const hits = await page.locator('#results .hit h3').allTextContents();
    assert.ok(hits.includes(`Place names: ${name}`), hits.join(' | '));
    assert.match(await page.locator('#results').textContent() ?? '', new RegExp(name));

    // Switching a layer off asks the server for a map without it.
    const shown = (r: { url(): string }) => new URL(r.url()).searchParams.get('layers')?.replace(/^show:/, '').split(',') ?? [];
    assert.ok(shown({ url: () => exports[0]!.href }).includes('0'));
    // Listen before clicking: the new export may be requested before uncheck() returns.
    const nextRequest = page.waitForRequest((r) => r.url().includes('/MapServer/export?') && !shown(r).includes('0'));
    await page.locator('#layers li[data-layer-id="0"] > label input').uncheck();
    const next = await nextRequest;
    assert.ok(!shown(next).includes('0') && shown(next).includes('4'), next.url());
    assert.deepEqual(errors, []);
    await page.close();
  });
});
