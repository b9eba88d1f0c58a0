/**
 * WMS layers on a print (printing.md §12.4): one GetMap request for the envelope the frame
 * shows (rotation included) at the frame's resolution, in the frame's CRS when the server
 * offers it, painted through georeferenced-image (which also reprojects when the frame's CRS
 * had to be replaced). In WMS 1.3.0 a geographic EPSG CRS takes its bounding box latitude
 * first, as the EPSG axis order says; 1.1.1 is always x, y.
 * @module printing/layers/wms-layer
 */
import { getTransform, transformEnvelope } from '../../geo/projection.js';
import { canonicalWkid, isGeographic, lookupEpsg, type SpatialReference } from '../../geo/spatial-reference.js';
import { withOpacity, type PrintFrame, type PrintLayerResolver, type PrintLegendGroup } from '../print-layer.js';
import type { WebMapLayer } from '../web-map.js';
import { fetchImage, frameImageRequest, georeferencedImageLayer, layerError, requestUrl } from './georeferenced-image.js';

const MIME_TYPES: Record<string, string> = {
  png: 'image/png', png8: 'image/png', png24: 'image/png', png32: 'image/png',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif',
};

/**
 * The media type of a layer's `format`: png, png8, png24, png32 → image/png, jpg → image/jpeg,
 * gif → image/gif; a media type stays as it is; none gives undefined.
 */
export function imageMimeType(format: string | undefined): string | undefined {
  if (!format) return undefined;
  return format.includes('/') ? format : MIME_TYPES[format.toLowerCase()] ?? `image/${format.toLowerCase()}`;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const params = (v: unknown): Record<string, string> => (v && typeof v === 'object' && !Array.isArray(v)
  ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined).map(([k, x]) => [k, String(x)]))
  : {});

/** An EPSG code a request can name. */
const epsgOf = (sr: SpatialReference): number | null => {
  const wkid = sr.latestWkid ?? sr.wkid;
  return wkid !== undefined && lookupEpsg(canonicalWkid(wkid)) ? canonicalWkid(wkid) : null;
};

/**
 * The CRS to ask for: the frame's when it has an EPSG code the layer's `spatialReferences`
 * (when sent) include; else Web Mercator or WGS 84 among them, else the first of them, else
 * WGS 84, which every WMS serves.
 */
function requestCrs(layer: WebMapLayer, frame: PrintFrame): number {
  const offered = (Array.isArray(layer.json.spatialReferences) ? layer.json.spatialReferences : [])
    .map((s) => (typeof s === 'number' ? s : Number((s as { wkid?: unknown } | null)?.wkid)))
    .filter((n) => Number.isSafeInteger(n) && n > 0 && lookupEpsg(canonicalWkid(n)))
    .map(canonicalWkid);
  const own = epsgOf(frame.spatialReference);
  if (own !== null && (offered.length === 0 || offered.includes(own))) return own;
  return [3857, 4326].find((c) => offered.includes(c)) ?? offered[0] ?? 4326;
}

/** The layer names to draw: `visibleLayers`, else every `layers[].name`. */
function layerNames(layer: WebMapLayer): string[] {
  const { visibleLayers, layers } = layer.json;
  if (Array.isArray(visibleLayers)) return visibleLayers.map(String).filter((n) => n !== '');
  return (Array.isArray(layers) ? layers : []).map((l) => text((l as { name?: unknown } | null)?.name)).filter((n): n is string => !!n);
}

/**
 * `wms`: `url`, `version` (1.1.1 or 1.3.0, default 1.3.0), `format`, `transparentBackground`,
 * `layers`, `visibleLayers`, `styles` (aligned with the names drawn), `customLayerParameters`
 * (GetMap only) and `customParameters`. A ServiceException or any other answer that is not an
 * image fails the layer with its text. The legend has one group per layer drawn, without
 * symbols (WMS legend graphics are whole pictures, not symbols).
 */
export const resolveWmsLayer: PrintLayerResolver = async (layer, context) => {
  const { json } = layer;
  const { frame } = context;
  if (!layer.url) throw layerError(layer, 'a WMS layer needs a url');
  const names = layerNames(layer);
  if (names.length === 0) {
    context.warn(`Layer '${layer.title}': no WMS layer is visible; nothing is drawn`);
    return { layers: [], legend: [] };
  }
  const version = text(json.version) === '1.1.1' || text(json.version) === '1.1.0' ? text(json.version)! : '1.3.0';
  const styles = Array.isArray(json.styles) ? json.styles : [];
  const format = imageMimeType(text(json.format)) ?? 'image/png';
  const transparent = typeof json.transparentBackground === 'boolean' ? json.transparentBackground : format !== 'image/jpeg';

  const code = requestCrs(layer, frame);
  const sr: SpatialReference = { wkid: code, latestWkid: code };
  const request = frameImageRequest(frame, transformEnvelope(frame.view, getTransform(frame.spatialReference, sr)));
  const { bbox } = request;
  const latFirst = version === '1.3.0' && isGeographic(sr);
  const corners = latFirst ? [bbox.ymin, bbox.xmin, bbox.ymax, bbox.xmax] : [bbox.xmin, bbox.ymin, bbox.xmax, bbox.ymax];
  const url = requestUrl(layer.url, '', {
    SERVICE: 'WMS', REQUEST: 'GetMap', VERSION: version,
    LAYERS: names.join(','), STYLES: names.map((_, i) => (typeof styles[i] === 'string' ? styles[i] : '')).join(','),
    [version === '1.3.0' ? 'CRS' : 'SRS']: `EPSG:${code}`, BBOX: corners.join(','),
    WIDTH: String(request.width), HEIGHT: String(request.height),
    FORMAT: format, TRANSPARENT: transparent ? 'TRUE' : 'FALSE',
    EXCEPTIONS: version === '1.3.0' ? 'XML' : 'application/vnd.ogc.se_xml',
    ...params(json.customLayerParameters),
  }, layer.customParameters);
  const image = await fetchImage(layer, context, url, 'the WMS GetMap request');

  const titles = new Map((Array.isArray(json.layers) ? json.layers : []).map((l) => {
    const o = (l ?? {}) as { name?: unknown; title?: unknown };
    return [text(o.name) ?? '', text(o.title)] as const;
  }));
  const legend: PrintLegendGroup[] = names.map((name) => ({ subLayerId: name, title: titles.get(name) ?? name, entries: [] }));
  const credits = text(json.copyright) ?? text(json.credits);
  return {
    layers: [georeferencedImageLayer([{ ...image, extent: bbox, spatialReference: sr }], frame.spatialReference, withOpacity(0, layer.opacity))],
    legend,
    ...(credits ? { credits } : {}),
  };
};
