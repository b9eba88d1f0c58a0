/**
 * `export` (mapserver.md §6): a map image of the service for a bbox, size and format, drawn
 * by the map engine in a worker thread. The image's extent is widened to the image's aspect
 * ratio, sizes above the service maximum are scaled down, and features are projected on the
 * fly into `imageSR`. `dynamicLayers` replace the service's layers; `clipping` and
 * `spatialFilter` confine what is drawn.
 *
 * Decision on `format=tiff` with `rotation`: the GeoTIFF keeps its georeferencing as a model
 * transformation (rotation terms included) instead of refusing, so the image still lands in place.
 * @module faces/mapserver/export-operation
 */
import type { MapLayer, MapService } from '../../catalog/map-service.js';
import { DEFAULT_MAX_IMAGE_SIZE } from '../../catalog/map-service.js';
import type { MapCrs } from '../../carto/map-request.js';
import { ViewTransform } from '../../carto/view-transform.js';
import type { WhereNode } from '../../data/where/index.js';
import type { Envelope } from '../../geo/geometry.js';
import { mapScale, metresPerUnit } from '../../geo/map-scale.js';
import { getTransform, transformEnvelope } from '../../geo/projection.js';
import { canonicalWkid, isGeographic, srJson, type SpatialReference } from '../../geo/spatial-reference.js';
import { renderMap, UnsupportedMapFormatError } from '../../render/render-map.js';
import { ArcGisError, clip, invalidParameter, missingParameter } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import { readDynamicLayers } from './dynamic-layers.js';
import { readClipping, readSpatialFilter } from './export-geometry-params.js';
import { exportLayers, loadRasterLayers, renderMapLayers } from '../../mapping/service-map-layers.js';
import { parseExportLayers } from './map-layers.js';
import type { Operation } from './operation.js';
import { readLayerDefs, srParam } from './query-params.js';

/** Formats an export can ask for (mapserver.md §6); others answer `Unsupported image format`. */
export const EXPORT_FORMATS = ['png', 'png8', 'png24', 'png32', 'jpg', 'gif', 'pdf', 'svg', 'svgz', 'tiff'] as const;

export interface ExportMeta { width: number; height: number; extent: Record<string, unknown>; scale: number; format: string }

/** What the image will show: size after clamping, extent after aspect fitting, scale. */
export interface ExportFrame { width: number; height: number; dpi: number; extent: Envelope; bboxSr: SpatialReference; imageSr: SpatialReference; scale: number; rotation: number }

function sizeParam(params: RequestParams, service: MapService): { width: number; height: number } {
  const parts = params.list('size') ?? ['400', '400'];
  const [w, h] = parts.map(Number);
  if (parts.length !== 2 || !Number.isInteger(w) || !Number.isInteger(h) || w! < 1 || h! < 1) throw invalidParameter('size', 'expected width,height in whole pixels');
  // Clamp to the service maximum keeping the aspect ratio, never allocating the asked size.
  const maxW = service.definition.maxImageWidth ?? DEFAULT_MAX_IMAGE_SIZE, maxH = service.definition.maxImageHeight ?? DEFAULT_MAX_IMAGE_SIZE;
  const k = Math.min(1, maxW / w!, maxH / h!);
  return { width: Math.max(1, Math.round(w! * k)), height: Math.max(1, Math.round(h! * k)) };
}

function bboxParam(params: RequestParams): Envelope {
  const text = params.get('bbox');
  if (text === undefined) throw missingParameter('bbox');
  const values = text.trim().startsWith('{') ? (() => {
    try { const j = JSON.parse(text) as Record<string, unknown>; return [j.xmin, j.ymin, j.xmax, j.ymax]; } catch { throw invalidParameter('bbox', 'not valid JSON'); }
  })() : text.split(',').map((v) => (v.trim() === '' ? NaN : Number(v)));
  if (values.length !== 4 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) throw invalidParameter('bbox', 'expected xmin,ymin,xmax,ymax');
  const [xmin, ymin, xmax, ymax] = values as number[];
  if (!(xmin! < xmax! && ymin! < ymax!)) throw invalidParameter('bbox', 'xmin must be below xmax and ymin below ymax');
  return { xmin: xmin!, ymin: ymin!, xmax: xmax!, ymax: ymax! };
}

/** Reads bbox, sizes, SRs, mapScale and rotation into the frame the image will show. */
export function readExportFrame(params: RequestParams, service: MapService): ExportFrame {
  const bbox = bboxParam(params);
  const bboxSr = srParam(params, 'bboxSR') ?? service.spatialReference;
  const imageSr = srParam(params, 'imageSR') ?? bboxSr;
  const { width, height } = sizeParam(params, service);
  const dpi = params.int('dpi', 96, 1, 1200);
  const rotation = params.number('rotation', 0, -360, 360);
  let extent = transformEnvelope(bbox, getTransform(bboxSr, imageSr));
  if (!(extent.xmin < extent.xmax && extent.ymin < extent.ymax)) throw invalidParameter('bbox', 'the box cannot be projected into imageSR');
  const requestedScale = params.number('mapScale', undefined, Number.MIN_VALUE);
  const cx = (extent.xmin + extent.xmax) / 2, cy = (extent.ymin + extent.ymax) / 2;
  let unitsPerPixel: number;
  if (requestedScale !== undefined) unitsPerPixel = (requestedScale * 0.0254) / dpi / metresPerUnit(imageSr);
  // Widen the box to the image's aspect ratio, so the map is never stretched.
  else unitsPerPixel = Math.max((extent.xmax - extent.xmin) / width, (extent.ymax - extent.ymin) / height);
  extent = { xmin: cx - (unitsPerPixel * width) / 2, xmax: cx + (unitsPerPixel * width) / 2, ymin: cy - (unitsPerPixel * height) / 2, ymax: cy + (unitsPerPixel * height) / 2 };
  return { width, height, dpi, extent, bboxSr, imageSr, rotation, scale: mapScale(extent, width, dpi, imageSr) };
}

/** The image SR as GeoTIFF names it: its EPSG code (Esri's Web Mercator WKIDs folded to 3857), none for WKT. */
function mapCrs(sr: SpatialReference): MapCrs {
  const wkid = sr.latestWkid ?? sr.wkid;
  return { epsg: wkid !== undefined ? canonicalWkid(wkid) : null, geographic: isGeographic(sr) };
}

/**
 * The layers to draw, top first, with their where clauses: the `dynamicLayers` when given (then
 * `layers` and `layerDefs` are ignored, mapserver.md §6), else the service's layers `layers` selects.
 */
function drawnLayers(params: RequestParams, service: MapService): { layers: MapLayer[]; layerDefs: Map<number, WhereNode> } {
  const dynamic = readDynamicLayers(params, service);
  if (dynamic) return dynamic;
  return { layers: exportLayers(service, parseExportLayers(params.get('layers'))), layerDefs: readLayerDefs(params) };
}

export const exportOperation: Operation = async ({ service, params }) => {
  // Some clients send MIME types (GDAL's WMS driver when configured with one): image/png → png.
  const format = (params.get('format') ?? 'png').trim().toLowerCase().replace(/^image\//, '').replace(/^jpeg$/, 'jpg').replace(/^svg\+xml$/, 'svg');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ArcGisError(400, `Unsupported image format: ${clip(format, 20)}`, [`'format' parameter must be one of ${EXPORT_FORMATS.join(', ')}`]);
  const frame = readExportFrame(params, service);
  const transparent = params.bool('transparent', false);
  const { layers: drawn, layerDefs } = drawnLayers(params, service);
  const clipping = readClipping(params, frame.bboxSr, frame.imageSr);
  const spatialFilter = readSpatialFilter(params, frame.bboxSr);
  const view = new ViewTransform(frame.extent, frame.width, frame.height, frame.rotation).view;
  const dems = await loadRasterLayers(service, drawn, frame.scale);
  const layers = renderMapLayers(drawn, { layerDefs, view, imageSr: frame.imageSr, scale: frame.scale, dems, spatialFilter, drawCache: service.drawCache });
  try {
    const image = await renderMap({
      extent: frame.extent, width: frame.width, height: frame.height, dpi: frame.dpi, rotation: frame.rotation,
      background: transparent ? null : [255, 255, 255, 255], layers, scale: frame.scale, crs: mapCrs(frame.imageSr), clip: clipping,
    }, format);
    const meta: ExportMeta = {
      width: frame.width, height: frame.height, scale: frame.scale, format,
      extent: { ...frame.extent, spatialReference: srJson(frame.imageSr) },
    };
    return { data: image.data, contentType: image.contentType, meta };
  } catch (e) {
    if (e instanceof UnsupportedMapFormatError) throw new ArcGisError(400, e.message, []);
    throw e;
  }
};
