/**
 * Shared by the print layer tests: a real HTTP server on 127.0.0.1 that records what it is
 * asked, a Fetcher over `globalThis.fetch` (no address checks, unlike the print's own: tests
 * talk to their own servers), PNG pictures drawn with canvas, print frames (rotated too),
 * contexts, web map layers, and the pixels of resolved layers, painted alone or drawn by the
 * map engine.
 * @module printing/layers/layer-test-fixture
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { buildDisplayList } from '../../carto/build-display-list.js';
import type { MapRequestLayer, RenderFeature, RenderLayer } from '../../carto/map-request.js';
import { ViewTransform } from '../../carto/view-transform.js';
import type { Envelope } from '../../geo/geometry.js';
import { mapScale } from '../../geo/map-scale.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { rasterizePixels } from '../../render/rasterize.js';
import type { FetchOptions, Fetcher, PrintContext, PrintFrame, ResolvedPrintLayer } from '../print-layer.js';
import type { WebMapLayer, WebMapLayerKind } from '../web-map.js';

/** A PNG of `width` × `height` px drawn by `draw`. */
export function png(width: number, height: number, draw: (ctx: SKRSContext2D) => void): Buffer {
  const canvas = createCanvas(width, height);
  draw(canvas.getContext('2d'));
  return canvas.toBuffer('image/png');
}

/** A PNG of one colour (CSS). */
export const solidPng = (width: number, height: number, color: string): Buffer => png(width, height, (ctx) => { ctx.fillStyle = color; ctx.fillRect(0, 0, width, height); });

/** What the test server answers. */
export interface Answer { status?: number; type?: string; body: Buffer | string }

/** A server on 127.0.0.1 answering through its handler; `requests` holds every URL asked for, in order. */
export interface TestServer { base: string; requests: URL[]; close(): Promise<void> }

/** Starts a test server; `handle` gets each request's URL and the form fields a POST sent (none for a GET). */
export async function startServer(handle: (url: URL, form: URLSearchParams) => Answer | Promise<Answer>): Promise<TestServer> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(req.method === 'POST' ? Buffer.concat(chunks).toString('utf8') : '');
      void Promise.resolve().then(() => handle(url, form)).then((a) => {
        res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'image/png' });
        res.end(a.body);
      }, (e: Error) => { res.writeHead(500, { 'content-type': 'text/plain' }); res.end(e.message); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A fetch the test Fetcher was asked for, as asked. */
export interface FetchCall { url: string; options: FetchOptions }

/**
 * A Fetcher over `globalThis.fetch` adding the layer's token to the URL and sending a POST's
 * `form` as its body; `calls` records each fetch. `rewrite` can send a URL elsewhere (e.g. a
 * public host to the test server).
 */
export function testFetcher(rewrite: (url: string) => string = (u) => u): Fetcher & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  return {
    calls,
    async fetch(url, options) {
      calls.push({ url, options });
      const target = new URL(rewrite(url));
      if (options.token) target.searchParams.set('token', options.token);
      const res = options.method === 'POST'
        ? await fetch(target, { method: 'POST', body: new URLSearchParams(options.form ?? {}) })
        : await fetch(target);
      return {
        url: res.url, status: res.status,
        contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
        body: Buffer.from(await res.arrayBuffer()),
      };
    },
  };
}

/** A print frame showing `extent` (in `sr`) on `width` × `height` px, turned `rotation`° counter-clockwise; 96 dpi unless told. */
export function frameOf(extent: Envelope, spatialReference: SpatialReference, width = 200, height = 200, options: { rotation?: number; dpi?: number } = {}): PrintFrame {
  const rotation = options.rotation ?? 0, dpi = options.dpi ?? 96;
  // Unrotated, the view is the extent itself: ViewTransform's round trip may land an ulp off it.
  const view = rotation ? new ViewTransform(extent, width, height, rotation).view : extent;
  return { spatialReference, extent, view, width, height, dpi, scale: mapScale(extent, width, dpi, spatialReference), rotation, time: null };
}

/** A context over `frame` and `fetcher`, collecting warnings in `warnings`; own services resolve nothing. */
export function contextOf(frame: PrintFrame, fetcher: Fetcher = testFetcher()): PrintContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { frame, fetcher, ownServices: { resolve: async () => null }, warn: (m) => { warnings.push(m); }, warnings };
}

/** A web map layer as parseWebMap hands it on, titled 'Test layer' unless `extra` says otherwise. */
export function layerOf(kind: WebMapLayerKind, json: Record<string, unknown>, extra: Partial<WebMapLayer> = {}): WebMapLayer {
  return {
    kind, id: 'layer0', title: 'Test layer', opacity: 1, minScale: 0, maxScale: 0, customParameters: {},
    url: typeof json.url === 'string' ? json.url : undefined, json, ...extra,
  };
}

/** The pixels the first resolved layer, a raster one, paints on `frame`, transparent where it has nothing. */
export function paintOf(resolved: ResolvedPrintLayer, frame: PrintFrame): { at(x: number, y: number): [number, number, number, number]; rgba: Uint8ClampedArray } {
  const layer = resolved.layers[0];
  if (!layer || layer.kind !== 'raster') throw new Error('no raster layer');
  const rgba = layer.paint({ width: frame.width, height: frame.height, view: new ViewTransform(frame.extent, frame.width, frame.height, frame.rotation) });
  return { rgba, at: (x, y) => { const i = (y * frame.width + x) * 4; return [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!, rgba[i + 3]!]; } };
}

/** The frame drawn by the map engine with `layers` on white, and a reader of its pixels (px, y down) as RGBA. */
export async function drawFrame(frame: PrintFrame, layers: MapRequestLayer[]): Promise<(x: number, y: number) => number[]> {
  const list = buildDisplayList({
    extent: frame.extent, width: frame.width, height: frame.height, dpi: frame.dpi, rotation: frame.rotation,
    background: [255, 255, 255, 255], layers, scale: frame.scale,
  }, { warn: () => {} });
  const pixels = await rasterizePixels(list, true);
  return (x, y) => [...pixels.subarray((y * frame.width + x) * 4, (y * frame.width + x) * 4 + 4)];
}

/** The feature layers among `layers`. */
export const featureLayers = (layers: MapRequestLayer[]): RenderLayer[] => layers.filter((l): l is RenderLayer => l.kind !== 'raster');

/** A feature layer's features as an array (none for a raster layer). */
export const featuresOf = (l: MapRequestLayer): RenderFeature[] => (l.kind === 'raster' ? [] : [...l.features]);

/** True when two colours differ by at most `tolerance` in every channel. */
export const near = (actual: readonly number[], expected: readonly number[], tolerance = 8): boolean => expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);
