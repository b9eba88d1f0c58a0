/**
 * Shared by the tests of the image layer resolvers: a real HTTP server on 127.0.0.1 that
 * records what it is asked, a plain Fetcher over `fetch` (the print's own one adds the
 * allow-list checks), PNG pictures drawn with canvas, print frames and layers.
 * @module printing/layers/layer-test-fixture
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { ViewTransform } from '../../carto/view-transform.js';
import type { Envelope } from '../../geo/geometry.js';
import { mapScale } from '../../geo/map-scale.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
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

/** A server on 127.0.0.1 answering through `handle`; `requests` holds every URL asked for. */
export interface TestServer { base: string; requests: URL[]; close(): Promise<void> }

export async function startServer(handle: (url: URL) => Answer | Promise<Answer>): Promise<TestServer> {
  const requests: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    void Promise.resolve(handle(url)).then((a) => {
      res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'image/png' });
      res.end(a.body);
    }, (e: Error) => { res.writeHead(500, { 'content-type': 'text/plain' }); res.end(e.message); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A Fetcher over `fetch` adding the layer's token; `rewrite` can send a URL elsewhere (default hosts to the test server). */
export function testFetcher(rewrite: (url: string) => string = (u) => u): Fetcher & { calls: { url: string; options: FetchOptions }[] } {
  const calls: { url: string; options: FetchOptions }[] = [];
  return {
    calls,
    async fetch(url, options) {
      calls.push({ url, options });
      const target = new URL(rewrite(url));
      if (options.token) target.searchParams.set('token', options.token);
      const res = await fetch(target);
      return {
        url: res.url, status: res.status,
        contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
        body: Buffer.from(await res.arrayBuffer()),
      };
    },
  };
}

/** A print frame showing `extent` (in `sr`) on `width` × `height` px. */
export function frameOf(extent: Envelope, spatialReference: SpatialReference, width: number, height: number, options: { rotation?: number; dpi?: number } = {}): PrintFrame {
  const rotation = options.rotation ?? 0, dpi = options.dpi ?? 96;
  const { view } = new ViewTransform(extent, width, height, rotation);
  return { spatialReference, extent, view, width, height, dpi, scale: mapScale(extent, width, dpi, spatialReference), rotation, time: null };
}

/** A context over `frame` and `fetcher`, collecting warnings. */
export function contextOf(frame: PrintFrame, fetcher: Fetcher): PrintContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { frame, fetcher, ownServices: { resolve: async () => null }, warn: (m) => { warnings.push(m); }, warnings };
}

/** A web map layer as parseWebMap hands it on. */
export function layerOf(kind: WebMapLayerKind, json: Record<string, unknown>, extra: Partial<WebMapLayer> = {}): WebMapLayer {
  return {
    kind, id: 'l', title: 'Test layer', opacity: 1, minScale: 0, maxScale: 0, customParameters: {},
    url: typeof json.url === 'string' ? json.url : undefined, json, ...extra,
  };
}

/** The pixels the resolved layers paint on `frame`, the first layer only. */
export function paintOf(resolved: ResolvedPrintLayer, frame: PrintFrame): { at(x: number, y: number): [number, number, number, number]; rgba: Uint8ClampedArray } {
  const layer = resolved.layers[0];
  if (!layer || layer.kind !== 'raster') throw new Error('no raster layer');
  const rgba = layer.paint({ width: frame.width, height: frame.height, view: new ViewTransform(frame.extent, frame.width, frame.height, frame.rotation) });
  return { rgba, at: (x, y) => { const i = (y * frame.width + x) * 4; return [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!, rgba[i + 3]!]; } };
}

/** True when two colours differ by at most `tolerance` in every channel. */
export const near = (actual: readonly number[], expected: readonly number[], tolerance = 8): boolean => expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);
