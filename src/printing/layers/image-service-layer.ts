/**
 * ArcGIS services of other hosts drawn as one image of the frame (printing.md §12.4): image
 * services through `exportImage` (tiled image services too: one image at the print's own
 * resolution serves better than resampled tiles), and dynamic map services through `export`,
 * with their legend read from `<url>/legend`. The image is asked for in the frame's SR, over
 * the envelope the frame shows (rotation included), and painted through georeferenced-image,
 * which turns and crops it onto the frame's pixels.
 * @module printing/layers/image-service-layer
 */
import type { RasterRenderLayer } from '../../carto/map-request.js';
import type { Envelope } from '../../geo/geometry.js';
import { inScaleRange } from '../../geo/map-scale.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import type { LegendEntry } from '../../sheet/surrounds/legend.js';
import { withOpacity, type PrintContext, type PrintLayerResolver, type PrintLegendGroup } from '../print-layer.js';
import type { WebMapLayer } from '../web-map.js';
import { fetchImage, fetchJson, frameImageRequest, georeferencedImageLayer, layerError, requestUrl } from './georeferenced-image.js';

const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** A request parameter from a JSON value: objects as JSON text, lists comma-separated, nothing as undefined. */
function param(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.join(',');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** An SR as ArcGIS REST parameters take it: the WKID, else the WKT as JSON. */
const srParam = (sr: SpatialReference): string => (sr.wkid ?? sr.latestWkid) !== undefined ? String(sr.wkid ?? sr.latestWkid) : JSON.stringify({ wkt: sr.wkt });

/** `bbox`, `bboxSR`, `imageSR`, `size` (and `time`) of an image of the frame, with the envelope asked for. */
function frameParams(context: PrintContext) {
  const { frame } = context;
  const request = frameImageRequest(frame);
  const sr = srParam(frame.spatialReference);
  const { bbox } = request;
  return {
    request,
    params: {
      bbox: [bbox.xmin, bbox.ymin, bbox.xmax, bbox.ymax].join(','), bboxSR: sr, imageSR: sr,
      size: `${request.width},${request.height}`, time: frame.time ? frame.time.join(',') : undefined,
    },
  };
}

/** The layer drawn from an image of the frame at `url`. */
async function drawFrameImage(layer: WebMapLayer, context: PrintContext, url: string, bbox: Envelope, what: string): Promise<RasterRenderLayer> {
  const image = await fetchImage(layer, context, url, what);
  return georeferencedImageLayer([{ ...image, extent: bbox, spatialReference: context.frame.spatialReference }], context.frame.spatialReference, withOpacity(0, layer.opacity));
}

const creditsOf = (layer: WebMapLayer): { credits?: string } => {
  const credits = text(layer.json.credits) ?? text(layer.json.copyright);
  return credits ? { credits } : {};
};

/** exportImage formats a print can decode; others (bmp, tiff, lerc) are asked for as png32. */
const DRAWABLE_FORMATS = new Set(['jpgpng', 'png', 'png8', 'png24', 'png32', 'jpg', 'gif']);
const exportFormat = (format: string | undefined): string => (!format ? 'jpgpng' : DRAWABLE_FORMATS.has(format.toLowerCase()) ? format.toLowerCase() : 'png32');

/**
 * `imageService` and `tiledImageService`: `<url>/exportImage` with the layer's `format`
 * (default jpgpng), `interpolation`, `compressionQuality`, `bandIds`, `mosaicRule`,
 * `renderingRule`, `noData` and `noDataInterpretation`.
 */
export const resolveImageServiceLayer: PrintLayerResolver = async (layer, context) => {
  const { json } = layer;
  if (!layer.url) throw layerError(layer, 'an image service layer needs a url');
  const { request, params } = frameParams(context);
  const url = requestUrl(layer.url, '/exportImage', {
    ...params,
    format: exportFormat(text(json.format)), interpolation: param(json.interpolation), compressionQuality: param(json.compressionQuality),
    bandIds: param(json.bandIds), mosaicRule: param(json.mosaicRule), renderingRule: param(json.renderingRule),
    noData: param(json.noData), noDataInterpretation: param(json.noDataInterpretation), f: 'image',
  }, layer.customParameters);
  return { layers: [await drawFrameImage(layer, context, url, request.bbox, 'the exportImage request')], legend: [], ...creditsOf(layer) };
};

/** One entry of `json.layers` of a map service layer. */
interface SublayerJson { id: number; layerDefinition: Record<string, unknown> }

const sublayers = (layer: WebMapLayer): SublayerJson[] => (Array.isArray(layer.json.layers) ? layer.json.layers : []).flatMap((l) => {
  const o = record(l), id = finite(o?.id);
  return o && id !== undefined && Number.isInteger(id) ? [{ id, layerDefinition: record(o.layerDefinition) ?? {} }] : [];
});

/**
 * `layers`, `layerDefs` and `dynamicLayers` of an export. `json.layers` with renderers or data
 * sources need the service's dynamic layers: when `<url>?f=json` says it has them, the
 * sublayers become `dynamicLayers` (and `visibleLayers` gives way to them, printing.md §12.4);
 * otherwise only their definition expressions apply.
 */
async function layerParams(layer: WebMapLayer, context: PrintContext, visible: number[] | null): Promise<Record<string, string | undefined>> {
  const subs = sublayers(layer);
  const show = visible ? `show:${visible.join(',')}` : undefined;
  if (subs.some((s) => s.layerDefinition.drawingInfo || s.layerDefinition.source)) {
    const info = await fetchJson(layer, context, requestUrl(layer.url!, '', { f: 'json' }, layer.customParameters), 'the service description');
    if (info.supportsDynamicLayers === true) {
      const dynamicLayers = subs.map(({ id, layerDefinition: d }) => ({
        id, source: d.source ?? { type: 'mapLayer', mapLayerId: id },
        ...(d.definitionExpression ? { definitionExpression: d.definitionExpression } : {}),
        ...(d.drawingInfo ? { drawingInfo: d.drawingInfo } : {}),
        ...(d.layerTimeOptions ? { layerTimeOptions: d.layerTimeOptions } : {}),
      }));
      return { dynamicLayers: JSON.stringify(dynamicLayers) };
    }
    context.warn(`Layer '${layer.title}': the service has no dynamic layers; only the layers' definition expressions are applied`);
  }
  const defs = Object.fromEntries(subs.flatMap((s) => (typeof s.layerDefinition.definitionExpression === 'string' && s.layerDefinition.definitionExpression
    ? [[String(s.id), s.layerDefinition.definitionExpression]] : [])));
  return { layers: show, layerDefs: Object.keys(defs).length ? JSON.stringify(defs) : undefined };
}

/** `visibleLayers` as IDs, or null when absent (the service's default visibility). */
function visibleLayerIds(layer: WebMapLayer): number[] | null {
  const v = layer.json.visibleLayers;
  return Array.isArray(v) ? v.map((x) => finite(x)).filter((n): n is number => n !== undefined && Number.isInteger(n)) : null;
}

/**
 * The legend of a map service from `<url>/legend?f=json`: a group per sublayer drawn (in
 * `visible`, when given, and in scale range), each swatch an esriPMS of the service's own
 * picture. A failing request only warns: the map is drawn without the service's legend.
 */
async function serviceLegend(layer: WebMapLayer, context: PrintContext, visible: number[] | null): Promise<PrintLegendGroup[]> {
  let json: Record<string, unknown>;
  try {
    json = await fetchJson(layer, context, requestUrl(layer.url!, '/legend', { f: 'json' }, layer.customParameters), 'the legend request');
  } catch (e) {
    context.warn(`Layer '${layer.title}': the legend could not be read (${(e as Error).message.replace(/^Layer '[^']*': /, '')})`);
    return [];
  }
  const shown = visible && new Set(visible);
  const groups: PrintLegendGroup[] = [];
  for (const l of Array.isArray(json.layers) ? json.layers : []) {
    const o = record(l), id = finite(o?.layerId);
    if (!o || id === undefined || (shown && !shown.has(id))) continue;
    if (!inScaleRange(context.frame.scale, finite(o.minScale) ?? 0, finite(o.maxScale) ?? 0)) continue;
    const title = text(o.layerName) ?? String(id);
    const entries: LegendEntry[] = [];
    for (const e of Array.isArray(o.legend) ? o.legend : []) {
      const item = record(e);
      if (!item || typeof item.imageData !== 'string' || !item.imageData) continue;
      // The service's swatches are px at 96 dpi; esriPMS sizes are points.
      const pt = (px: unknown) => ((finite(px) ?? 20) * 72) / 96;
      entries.push({
        label: text(item.label) ?? title, geometryType: 'point',
        symbol: { type: 'esriPMS', imageData: item.imageData, contentType: text(item.contentType) ?? 'image/png', width: pt(item.width), height: pt(item.height) },
      });
    }
    groups.push({ subLayerId: id, title, entries });
  }
  return groups;
}

/**
 * `mapService` of another host (the caller has found that the URL is not one of this server's):
 * `<url>/export` as PNG32 with transparency at the print's dpi, `visibleLayers` as
 * `layers=show:…`, the sublayers' definition expressions as `layerDefs` or the sublayers as
 * `dynamicLayers`, and the legend from `<url>/legend`.
 */
export const resolveRemoteMapServiceLayer: PrintLayerResolver = async (layer, context) => {
  if (!layer.url) throw layerError(layer, 'a map service layer needs a url');
  const visible = visibleLayerIds(layer);
  if (visible && visible.length === 0) return { layers: [], legend: [], ...creditsOf(layer) };
  const { request, params } = frameParams(context);
  const url = requestUrl(layer.url, '/export', {
    ...params, dpi: String(context.frame.dpi), format: 'png32', transparent: 'true',
    ...await layerParams(layer, context, visible), f: 'image',
  }, layer.customParameters);
  const [drawn, legend] = await Promise.all([drawFrameImage(layer, context, url, request.bbox, 'the export request'), serviceLegend(layer, context, visible)]);
  return { layers: [drawn], legend, ...creditsOf(layer) };
};
