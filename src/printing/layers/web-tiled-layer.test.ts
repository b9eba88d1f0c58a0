import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { WEB_MERCATOR_HALF_WIDTH } from '../../tiles/tiling-scheme.js';
import { PrintRequestError } from '../web-map.js';
import { contextOf, frameOf, layerOf, near, paintOf, solidPng, startServer, testFetcher, type Answer, type TestServer } from './layer-test-fixture.js';
import { resolveTiledMapServiceLayer, resolveWebTiledLayer, resolveWmtsLayer } from './web-tiled-layer.js';

const MERCATOR: SpatialReference = { wkid: 102100, latestWkid: 3857 };
const WGS84: SpatialReference = { wkid: 4326 };
const UTM32: SpatialReference = { wkid: 32632 };
const RED = [255, 0, 0, 255], GREEN = [0, 255, 0, 255], BLUE = [0, 0, 255, 255], WHITE = [255, 255, 255, 255], NONE = [0, 0, 0, 0];

const TILES = { red: solidPng(256, 256, '#f00'), green: solidPng(256, 256, '#0f0'), blue: solidPng(256, 256, '#00f'), white: solidPng(256, 256, '#fff') };
/** Colour of tile (row, col) within a 2 × 2 block starting at (first, first). */
const quadrantTile = (row: number, col: number, first: number): Buffer => {
  const top = row === first, left = col === first;
  return top ? (left ? TILES.red : TILES.green) : (left ? TILES.blue : TILES.white);
};

/** A frame on exactly the tiles of rows and columns 1–2 of Web Mercator level 2 at 96 dpi. */
const Q = WEB_MERCATOR_HALF_WIDTH / 2;
const level2Frame = (options: { dpi?: number; size?: number } = {}) => frameOf({ xmin: -Q, ymin: -Q, xmax: Q, ymax: Q }, MERCATOR, options.size ?? 512, options.size ?? 512, { dpi: options.dpi });

let server: TestServer;
/** Overrides of what a tile path answers. */
const special = new Map<string, Answer>();

before(async () => {
  server = await startServer((url) => {
    const got = special.get(url.pathname);
    if (got) return got;
    // /{sub}/{z}/{x}/{y}.png; /utm/, /MapServer/tile/ and /GoogleMapsCompatible/ then {z}/{row}/{col}
    let m = /^\/(\w+)\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(url.pathname);
    if (m) return { body: quadrantTile(Number(m[4]), Number(m[3]), Number(m[2]) === 1 ? 0 : 1) };
    m = /\/(?:utm|tile|GoogleMapsCompatible)\/(\d+)\/(\d+)\/(\d+)(?:\.png)?$/.exec(url.pathname);
    if (m) return { body: quadrantTile(Number(m[2]), Number(m[3]), 1) };
    if (url.pathname === '/wmts') {
      const p = url.searchParams;
      return { body: quadrantTile(Number(p.get('TILEROW')), Number(p.get('TILECOL')), 1) };
    }
    if (url.pathname === '/arcgis/rest/services/Topo/MapServer' && url.searchParams.get('f') === 'json') {
      return { type: 'application/json', body: JSON.stringify({
        copyrightText: 'Topo survey', singleFusedMapCache: true, spatialReference: { wkid: 102100, latestWkid: 3857 },
        tileInfo: { rows: 256, cols: 256, dpi: 96, format: 'PNG32', origin: { x: -WEB_MERCATOR_HALF_WIDTH, y: WEB_MERCATOR_HALF_WIDTH }, spatialReference: { wkid: 102100 },
          lods: [0, 1, 2, 3].map((level) => ({ level, resolution: 156543.03392800014 / 2 ** level, scale: 591657527.591555 / 2 ** level })) },
        fullExtent: { xmin: -WEB_MERCATOR_HALF_WIDTH, ymin: -WEB_MERCATOR_HALF_WIDTH, xmax: WEB_MERCATOR_HALF_WIDTH, ymax: WEB_MERCATOR_HALF_WIDTH, spatialReference: { wkid: 102100 } },
      }) };
    }
    if (url.pathname === '/arcgis/rest/services/Dynamic/MapServer' && url.searchParams.get('f') === 'json') {
      return { type: 'application/json', body: JSON.stringify({ singleFusedMapCache: false, spatialReference: { wkid: 102100 } }) };
    }
    if (url.pathname === '/arcgis/rest/services/Dynamic/MapServer/export') return { body: TILES.green };
    return { status: 404, type: 'text/plain', body: 'not found' };
  });
});
after(() => server.close());

const requestsSince = (n: number) => server.requests.slice(n);

describe('web tiled layers', () => {
  test('mosaic the tiles of the level matching the frame, each where it belongs', async () => {
    const frame = level2Frame();
    const fetcher = testFetcher();
    const context = contextOf(frame, fetcher);
    const n = server.requests.length;
    const layer = layerOf('webTiled', { urlTemplate: `${server.base}/{subDomain}/{level}/{col}/{row}.png`, subDomains: ['s1', 's2'], copyright: 'Tiles © Example' },
      { token: 'tok', customParameters: { key: 'abc' } });
    const resolved = await resolveWebTiledLayer(layer, context);
    assert.equal(resolved.credits, 'Tiles © Example');
    const tiles = requestsSince(n);
    assert.equal(tiles.length, 4);
    for (const url of tiles) {
      const [, sub, z, x, y] = url.pathname.split('/');
      assert.equal(z, '2');
      assert.equal(sub, (2 + Number(x) + Number(y.replace('.png', ''))) % 2 ? 's2' : 's1');
      assert.equal(url.searchParams.get('key'), 'abc');
      assert.equal(url.searchParams.get('token'), 'tok');
    }
    assert.ok(fetcher.calls.every((c) => c.options.layer === 'Test layer' && c.options.token === 'tok'));
    const px = paintOf(resolved, frame);
    assert.deepEqual(px.at(128, 128), RED);
    assert.deepEqual(px.at(384, 128), GREEN);
    assert.deepEqual(px.at(128, 384), BLUE);
    assert.deepEqual(px.at(384, 384), WHITE);
    assert.deepEqual(px.at(255, 255), RED);
    assert.equal(resolved.layers[0]!.kind === 'raster' && resolved.layers[0]!.transparency, 0);
    assert.deepEqual(context.warnings, []);
  });

  test('choose the level by the print scale: a 192 dpi print of the same area keeps level 2', async () => {
    const frame = level2Frame({ dpi: 192, size: 1024 });
    const n = server.requests.length;
    const layer = layerOf('webTiled', { templateUrl: `${server.base}/a/{level}/{col}/{row}.png` }, { opacity: 0.5 });
    const resolved = await resolveWebTiledLayer(layer, contextOf(frame));
    assert.deepEqual(requestsSince(n).map((u) => u.pathname.split('/')[2]), ['2', '2', '2', '2']);
    assert.equal(resolved.layers[0]!.kind === 'raster' && resolved.layers[0]!.transparency, 50);
    assert.deepEqual(paintOf(resolved, frame).at(700, 700), WHITE);
  });

  test('reproject Web Mercator tiles onto a geographic frame', async () => {
    // 0.7° per px: level 1, whose four tiles are the world's quarters.
    const frame = frameOf({ xmin: -84, ymin: -56, xmax: 84, ymax: 56 }, WGS84, 240, 160);
    const n = server.requests.length;
    const resolved = await resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: `${server.base}/a/{level}/{col}/{row}.png` }), contextOf(frame));
    assert.equal(requestsSince(n).length, 4);
    assert.ok(requestsSince(n).every((u) => u.pathname.startsWith('/a/1/')));
    const px = paintOf(resolved, frame);
    const at = (lon: number, lat: number) => px.at(Math.floor((lon + 84) / 0.7), Math.floor((56 - lat) / 0.7));
    assert.deepEqual(at(-45, 30), RED);
    assert.deepEqual(at(45, 30), GREEN);
    assert.deepEqual(at(-45, -30), BLUE);
    assert.deepEqual(at(45, -30), WHITE);
    assert.deepEqual(at(-45, 1), RED);
    assert.deepEqual(at(-45, -1), BLUE);
  });

  test('read a tileInfo of its own, and ${…} placeholders', async () => {
    const tileInfo = { rows: 256, cols: 256, dpi: 96, origin: { x: 0, y: 6000000 }, spatialReference: { wkid: 32632 },
      lods: [{ level: 0, resolution: 100, scale: 377952 }, { level: 1, resolution: 50, scale: 188976 }] };
    // 50 m per px over rows and columns 1–2 of level 1 (tiles of 12.8 km).
    const frame = frameOf({ xmin: 12800, ymin: 6000000 - 38400, xmax: 38400, ymax: 6000000 - 12800 }, UTM32, 512, 512);
    const n = server.requests.length;
    const resolved = await resolveWebTiledLayer(layerOf('webTiled', { templateUrl: `${server.base}/utm/\${level}/\${row}/\${col}`, tileInfo }), contextOf(frame));
    assert.deepEqual(requestsSince(n).map((u) => u.pathname).sort(), ['/utm/1/1/1', '/utm/1/1/2', '/utm/1/2/1', '/utm/1/2/2']);
    const px = paintOf(resolved, frame);
    assert.deepEqual(px.at(100, 100), RED);
    assert.deepEqual(px.at(400, 100), GREEN);
    assert.deepEqual(px.at(100, 400), BLUE);
  });

  test('leave a tile answering 404 empty and warn once', async () => {
    special.set('/m/2/1/1.png', { status: 404, type: 'text/plain', body: 'no tile' });
    special.set('/m/2/2/2.png', { status: 404, type: 'text/plain', body: 'no tile' });
    try {
      const frame = level2Frame();
      const context = contextOf(frame);
      const resolved = await resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: `${server.base}/m/{level}/{col}/{row}.png` }), context);
      const px = paintOf(resolved, frame);
      assert.deepEqual(px.at(128, 128), NONE);
      assert.deepEqual(px.at(384, 128), GREEN);
      assert.deepEqual(context.warnings, ["Layer 'Test layer': 2 of 4 tiles were not found (HTTP 404) and are left empty"]);
    } finally { special.clear(); }
  });

  test('fail the layer on any other failing tile, with what the server said', async () => {
    special.set('/e/2/2/1.png', { status: 500, type: 'text/plain', body: 'disk full' });
    special.set('/h/2/2/1.png', { status: 200, type: 'text/html', body: '<html><body><h1>Maintenance</h1></body></html>' });
    try {
      const resolve = (prefix: string) => resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: `${server.base}/${prefix}/{level}/{col}/{row}.png` }), contextOf(level2Frame()));
      await assert.rejects(resolve('e'), (e: Error) => e instanceof PrintRequestError && e.message === "Layer 'Test layer': tile 2/1/2 answered HTTP 500: disk full");
      await assert.rejects(resolve('h'), (e: Error) => e instanceof PrintRequestError && /tile 2\/1\/2 answered no image: Maintenance/.test(e.message));
    } finally { special.clear(); }
  });

  test('refuse a frame needing too many tiles before fetching any', async () => {
    // Half the world on 6000 px is level 6: 32 × 32 tiles.
    const frame = frameOf({ xmin: -Q, ymin: -Q, xmax: Q, ymax: Q }, MERCATOR, 6000, 6000);
    const fetcher = testFetcher();
    await assert.rejects(
      resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: `${server.base}/a/{level}/{col}/{row}.png` }), contextOf(frame, fetcher)),
      (e: Error) => e instanceof PrintRequestError && /^Layer 'Test layer': the map frame needs 1024 tiles of level 6, more than the 256/.test(e.message),
    );
    assert.equal(fetcher.calls.length, 0);
  });

  test('check the URL template', async () => {
    const context = contextOf(level2Frame());
    await assert.rejects(resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: `${server.base}/{level}/{col}.png` }), context), /has no \{row\}/);
    await assert.rejects(resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: `${server.base}/{subDomain}/{level}/{col}/{row}.png` }), context), /no subDomains/);
    await assert.rejects(resolveWebTiledLayer(layerOf('webTiled', {}), context), /needs a urlTemplate/);
    await assert.rejects(resolveWebTiledLayer(layerOf('webTiled', { urlTemplate: 'tiles/{level}/{col}/{row}.png' }), context), /is not an absolute URL/);
  });

  test('OpenStreetMap: the openstreetmap.org tiles on a, b and c by default, with its credits', async () => {
    // The fetcher stands in for the Internet: each sub-domain is a folder of the test server.
    const fetcher = testFetcher((u) => u.replace(/^https:\/\/(\w)\.tile\.openstreetmap\.org/, `${server.base}/$1`));
    const resolved = await resolveWebTiledLayer(layerOf('openStreetMap', {}), contextOf(level2Frame(), fetcher));
    assert.equal(resolved.credits, '© OpenStreetMap contributors');
    assert.deepEqual(fetcher.calls.map((c) => c.url).sort(), [
      'https://b.tile.openstreetmap.org/2/1/1.png', 'https://c.tile.openstreetmap.org/2/2/1.png',
      'https://c.tile.openstreetmap.org/2/1/2.png', 'https://a.tile.openstreetmap.org/2/2/2.png',
    ].sort());
    assert.deepEqual(paintOf(resolved, level2Frame()).at(128, 128), RED);
  });
});

describe('remote tiled map services', () => {
  test('read the tiling scheme from the service and fetch /tile/{level}/{row}/{col}, token and customParameters on all', async () => {
    const frame = level2Frame();
    const n = server.requests.length;
    const layer = layerOf('tiledMapService', { url: `${server.base}/arcgis/rest/services/Topo/MapServer` }, { token: 't1', customParameters: { app: 'x' } });
    const resolved = await resolveTiledMapServiceLayer(layer, contextOf(frame));
    const asked = requestsSince(n);
    assert.equal(asked[0]!.search.includes('f=json'), true);
    assert.deepEqual(asked.slice(1).map((u) => u.pathname).sort(), ['1/1', '1/2', '2/1', '2/2'].map((rc) => `/arcgis/rest/services/Topo/MapServer/tile/2/${rc}`));
    assert.ok(asked.every((u) => u.searchParams.get('token') === 't1' && u.searchParams.get('app') === 'x'));
    assert.equal(resolved.credits, 'Topo survey');
    const px = paintOf(resolved, frame);
    assert.deepEqual(px.at(128, 128), RED);
    assert.deepEqual(px.at(128, 384), BLUE);
  });

  test('draw a service without a tile cache through its export', async () => {
    const frame = level2Frame();
    const n = server.requests.length;
    const resolved = await resolveTiledMapServiceLayer(layerOf('tiledMapService', { url: `${server.base}/arcgis/rest/services/Dynamic/MapServer` }), contextOf(frame));
    assert.ok(requestsSince(n).some((u) => u.pathname.endsWith('/export')));
    assert.ok(near(paintOf(resolved, frame).at(300, 300), GREEN));
  });
});

describe('WMTS', () => {
  test('GetTile by KVP on a Web Mercator tile matrix set', async () => {
    const frame = level2Frame();
    const n = server.requests.length;
    const layer = layerOf('wmts', { url: `${server.base}/wmts`, layer: 'ortho', style: 'default', format: 'image/png', tileMatrixSet: 'EPSG:3857' });
    const resolved = await resolveWmtsLayer(layer, contextOf(frame));
    const asked = requestsSince(n);
    assert.equal(asked.length, 4);
    const p = asked[0]!.searchParams;
    assert.deepEqual([p.get('SERVICE'), p.get('REQUEST'), p.get('VERSION'), p.get('LAYER'), p.get('STYLE'), p.get('FORMAT'), p.get('TILEMATRIXSET'), p.get('TILEMATRIX')],
      ['WMTS', 'GetTile', '1.0.0', 'ortho', 'default', 'image/png', 'EPSG:3857', 'EPSG:3857:2']);
    assert.deepEqual(paintOf(resolved, frame).at(384, 128), GREEN);
  });

  test('a RESTful template, matrices named by level on GoogleMapsCompatible', async () => {
    const frame = level2Frame();
    const n = server.requests.length;
    const layer = layerOf('wmts', { url: `${server.base}/rest/{Layer}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.png`, layer: 'ortho', tileMatrixSet: 'GoogleMapsCompatible' });
    const resolved = await resolveWmtsLayer(layer, contextOf(frame));
    assert.deepEqual(requestsSince(n).map((u) => u.pathname).sort(), ['1/1', '1/2', '2/1', '2/2'].map((rc) => `/rest/ortho/GoogleMapsCompatible/2/${rc}.png`));
    assert.deepEqual(paintOf(resolved, frame).at(128, 384), BLUE);
  });

  test('refuse a tile matrix set it cannot know without tileInfo', async () => {
    await assert.rejects(
      resolveWmtsLayer(layerOf('wmts', { url: `${server.base}/wmts`, layer: 'ortho', tileMatrixSet: 'UTM32' }), contextOf(level2Frame())),
      (e: Error) => e instanceof PrintRequestError && e.message.startsWith("Layer 'Test layer': WMTS layers need a tileInfo or a Web Mercator tile matrix set"),
    );
  });
});
