/**
 * `legend` (mapserver.md §14), of the service's layers or of the request's `dynamicLayers`, and
 * the swatch images it references under `<layerId>/images/<md5>`.
 * @module faces/mapserver/legend.route
 */
import { createHash } from 'node:crypto';
import type { MapService } from '../../catalog/map-service.js';
import type { LayerDefinition, RasterLayerConfig } from '../../catalog/service-definition.js';
import { renderSwatch, type EsriSymbol } from '../../carto/symbol-swatch.js';
import { invalidParameter } from '../../http/arcgis-error.js';
import { escapeHtml, renderPage } from '../../http/html/page.js';
import { sendResource } from '../../http/respond.js';
import { encodePng } from '../../render/png-encoder.js';
import { terrainSwatch } from '../../terrain/terrain-renderer.js';
import { getAndPost } from '../route-helpers.js';
import { readDynamicLayers } from './dynamic-layers.js';
import { isTable } from './layer-json.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, serviceOf } from './mapserver-face.js';
import { serviceCrumbs, serviceUrl } from './service-urls.js';

interface LegendItem { label: string; url: string; imageData: string; contentType: string; height: number; width: number; values?: unknown[] }
export interface LegendLayer { layerId: number; layerName: string; layerType: string; minScale: number; maxScale: number; legend: LegendItem[] }

/** The symbols a renderer draws with, and the label and values each stands for. */
function rendererEntries(renderer: Record<string, unknown> | undefined): { symbol: EsriSymbol; label: string; values?: unknown[] }[] {
  if (!renderer) return [];
  const out: { symbol: EsriSymbol; label: string; values?: unknown[] }[] = [];
  if (renderer.type === 'simple' && renderer.symbol) out.push({ symbol: renderer.symbol as EsriSymbol, label: String(renderer.label ?? '') });
  if (renderer.type === 'uniqueValue') {
    for (const info of (renderer.uniqueValueInfos ?? []) as Record<string, unknown>[]) {
      out.push({ symbol: info.symbol as EsriSymbol, label: String(info.label ?? info.value ?? ''), values: [info.value] });
    }
  }
  if (renderer.type === 'classBreaks') {
    for (const info of (renderer.classBreakInfos ?? []) as Record<string, unknown>[]) {
      out.push({ symbol: info.symbol as EsriSymbol, label: String(info.label ?? ''), values: [info.classMaxValue] });
    }
  }
  if ((renderer.type === 'uniqueValue' || renderer.type === 'classBreaks') && renderer.defaultSymbol) {
    out.push({ symbol: renderer.defaultSymbol as EsriSymbol, label: String(renderer.defaultLabel ?? '<all other values>') });
  }
  return out;
}

/** A raster layer's one entry: its ramp, high at the top. */
async function rasterEntry(raster: RasterLayerConfig, width: number, height: number): Promise<{ png: Buffer; label: string }> {
  const { pixels, label } = terrainSwatch(raster, width, height);
  return { png: await encodePng(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength), width, height, { color: 'rgba' }), label };
}

/** Builds (and memoises per dpi and size) the legend of every drawn layer. */
export async function buildLegend(service: MapService, dpi: number, width: number, height: number): Promise<LegendLayer[]> {
  const key = `legend:${dpi}:${width}:${height}`;
  const memo = service.memo.get(key) as LegendLayer[] | undefined;
  if (memo) return memo;
  const layers = await legendOf(service.definition.layers, dpi, width, height);
  service.memo.set(key, layers);
  return layers;
}

/** The legend of `defs` in their order; groups and tables have none. */
async function legendOf(defs: LayerDefinition[], dpi: number, width: number, height: number): Promise<LegendLayer[]> {
  const layers: LegendLayer[] = [];
  for (const l of defs) {
    if (isTable(l) || l.type === 'Group Layer') continue;
    const legend: LegendItem[] = [];
    if (l.raster) {
      const { png, label } = await rasterEntry(l.raster, width, height);
      legend.push({ label, url: createHash('md5').update(png).digest('hex'), imageData: png.toString('base64'), contentType: 'image/png', height, width });
    }
    for (const entry of rendererEntries(l.drawingInfo?.renderer)) {
      const png = await renderSwatch(entry.symbol, width, height, dpi);
      legend.push({
        label: entry.label, url: createHash('md5').update(png).digest('hex'), imageData: png.toString('base64'),
        contentType: 'image/png', height, width, ...(entry.values ? { values: entry.values } : {}),
      });
    }
    layers.push({ layerId: l.id, layerName: l.name, layerType: l.type, minScale: l.minScale ?? 0, maxScale: l.maxScale ?? 0, legend });
  }
  return layers;
}

export function registerLegendRoute({ app, ctx }: RouteContext): void {
  getAndPost(app, '/legend', async (request, reply, params) => {
    const service = serviceOf(request);
    requireCapability(service, 'Map');
    const dynamic = readDynamicLayers(params, service);
    const dpi = params.int('dpi', 96, 1, 1200);
    const size = params.list('size') ?? ['20', '20'];
    const [w, h] = size.map(Number);
    if (size.length !== 2 || !Number.isInteger(w) || !Number.isInteger(h) || w! < 1 || h! < 1 || w! > 400 || h! > 400) {
      throw invalidParameter('size', 'expected width,height in pixels, each from 1 to 400');
    }
    // Dynamic layers depend on the request, so their legend is not memoised.
    const layers = dynamic ? await legendOf(dynamic.layers.map((l) => l.definition), dpi, w!, h!) : await buildLegend(service, dpi, w!, h!);
    return sendResource(reply, params, () => ({ layers }), () => renderPage({
      title: 'Legend', breadcrumbs: serviceCrumbs(ctx, service), jsonHref: `${serviceUrl(ctx, service)}/legend?f=pjson`,
      body: layers.map((l) => `<h3>${escapeHtml(l.layerName)} (${l.layerId})</h3><table>${l.legend.map((i) =>
        `<tr><td><img alt="" src="data:image/png;base64,${i.imageData}" width="${i.width}" height="${i.height}"></td><td>${escapeHtml(i.label)}</td></tr>`).join('')}</table>`),
    }));
  });
}
