/**
 * Shared by the print layer tests: print frames, contexts with a Fetcher over `globalThis.fetch`
 * (no address checks: tests talk to their own servers on 127.0.0.1), web map layers, and the
 * drawing of resolved layers into pixels through the map engine.
 * @module printing/layers/print-layer-test-fixture
 */
import { buildDisplayList } from '../../carto/build-display-list.js';
import type { MapRequestLayer, RenderFeature, RenderLayer } from '../../carto/map-request.js';
import type { Envelope } from '../../geo/geometry.js';
import { mapScale } from '../../geo/map-scale.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { rasterizePixels } from '../../render/rasterize.js';
import type { Fetcher, PrintContext, PrintFrame } from '../print-layer.js';
import type { WebMapLayer, WebMapLayerKind } from '../web-map.js';

/** An unrotated frame showing `extent` at `width` × `height` px, 96 dpi. */
export function printFrame(extent: Envelope, spatialReference: SpatialReference, width = 200, height = 200): PrintFrame {
  return { spatialReference, extent, view: extent, width, height, dpi: 96, scale: mapScale(extent, width, 96, spatialReference), rotation: 0, time: null };
}

/** A Fetcher over `globalThis.fetch`, recording each request. */
export function plainFetcher(log: { url: string; form?: Record<string, string>; token?: string }[] = []): Fetcher {
  return {
    async fetch(url, options) {
      log.push({ url, form: options.form, token: options.token });
      const target = new URL(url);
      if (options.token) target.searchParams.set('token', options.token);
      const res = options.method === 'POST'
        ? await fetch(target, { method: 'POST', body: new URLSearchParams(options.form ?? {}) })
        : await fetch(target);
      return { url: res.url, status: res.status, contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(), body: Buffer.from(await res.arrayBuffer()) };
    },
  };
}

/** A context for `frame`; warnings land in `warnings`. Own services resolve nothing. */
export function printContext(frame: PrintFrame, fetcher: Fetcher = plainFetcher()): PrintContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { frame, fetcher, ownServices: { resolve: async () => null }, warn: (m) => warnings.push(m), warnings };
}

/** A web map layer as parse-web-map hands it over. */
export function webMapLayer(kind: WebMapLayerKind, json: Record<string, unknown>, extra: Partial<WebMapLayer> = {}): WebMapLayer {
  return {
    kind, id: 'layer0', title: 'Test layer', opacity: 1, minScale: 0, maxScale: 0, customParameters: {},
    url: typeof json.url === 'string' ? json.url : undefined, json, ...extra,
  };
}

/** The feature layers among `layers`. */
export const featureLayers = (layers: MapRequestLayer[]): RenderLayer[] => layers.filter((l): l is RenderLayer => l.kind !== 'raster');

/** A feature layer's features as an array. */
export const featuresOf = (l: MapRequestLayer): RenderFeature[] => (l.kind === 'raster' ? [] : [...l.features]);

/** The frame drawn with `layers` on white, and a reader of its pixels (px, y down) as RGBA. */
export async function drawFrame(frame: PrintFrame, layers: MapRequestLayer[]): Promise<(x: number, y: number) => number[]> {
  const list = buildDisplayList({
    extent: frame.extent, width: frame.width, height: frame.height, dpi: frame.dpi, background: [255, 255, 255, 255], layers, scale: frame.scale,
  }, { warn: () => {} });
  const pixels = await rasterizePixels(list, true);
  return (x, y) => [...pixels.subarray((y * frame.width + x) * 4, (y * frame.width + x) * 4 + 4)];
}
