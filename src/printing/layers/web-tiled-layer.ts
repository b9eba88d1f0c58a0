/**
 * Tiled layers of other hosts on a print (printing.md §12.4, §12.5): web tiled layers
 * (`urlTemplate`), OpenStreetMap, remote ArcGIS tiled map services and WMTS by KVP GetTile.
 * The level is the one whose scale is nearest the print's, measured in the tiling SR at the
 * frame's centre: with the frame's resolution in tiling-SR units, a level's resolution is
 * compared with it times the print's dpi over the tiles' dpi, so a 300 dpi print shows tiles at
 * the size they were drawn for rather than at a third of it (printing.md §12.4: "fetched at the
 * scale of the output"). The tiles covering the frame's view in the tiling SR are fetched a few
 * at a time, mosaicked and painted through georeferenced-image.
 * @module printing/layers/web-tiled-layer
 */
import { createCanvas, type Image } from '@napi-rs/canvas';
import { ViewTransform } from '../../carto/view-transform.js';
import type { Envelope } from '../../geo/geometry.js';
import { getTransform, transformEnvelope, type PositionTransform } from '../../geo/projection.js';
import { parseSpatialReference, SpatialReferenceError, type SpatialReference } from '../../geo/spatial-reference.js';
import { isWebMercator, tileEnvelope, tileRange, WEB_MERCATOR_HALF_WIDTH, webMercatorTileInfo, type Lod, type TileInfo, type TileRange } from '../../tiles/tiling-scheme.js';
import { withOpacity, type PrintContext, type PrintFrame, type PrintLayerResolver, type ResolvedPrintLayer } from '../print-layer.js';
import type { WebMapLayer } from '../web-map.js';
import { answerPicture, fetchFor, fetchJson, georeferencedImageLayer, layerError, MAX_IMAGE_PIXELS, requestUrl } from './georeferenced-image.js';
import { resolveRemoteMapServiceLayer } from './image-service-layer.js';
import { imageMimeType } from './wms-layer.js';

/** Most tiles one layer of a print fetches. */
export const MAX_TILES = 256;
/** Tile requests under way at once, per layer. */
const CONCURRENT_FETCHES = 6;

const WORLD: Envelope = { xmin: -WEB_MERCATOR_HALF_WIDTH, ymin: -WEB_MERCATOR_HALF_WIDTH, xmax: WEB_MERCATOR_HALF_WIDTH, ymax: WEB_MERCATOR_HALF_WIDTH };

/** The standard Web Mercator scheme down to `maxLevel`, each level below 20 halving the one before. */
function webMercatorScheme(maxLevel: number): TileInfo {
  const info = webMercatorTileInfo();
  const lods = [...info.lods];
  while (lods.length <= maxLevel) {
    const last = lods[lods.length - 1]!;
    lods.push({ level: last.level + 1, resolution: last.resolution / 2, scale: last.scale / 2 });
  }
  return { ...info, lods: lods.slice(0, maxLevel + 1) };
}

/** Where tiles come from. */
interface TileSource {
  scheme: TileInfo;
  /** Where tiles exist, in the scheme's SR; none: anywhere right of and below the origin. */
  bounds: Envelope | null;
  url(lod: Lod, row: number, col: number): string;
}

const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const finite = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);

/** A spatial reference of a layer's JSON, or `fallback` when there is none; an unknown one fails the layer. */
function spatialReferenceOf(layer: WebMapLayer, value: unknown, fallback: SpatialReference, what: string): SpatialReference {
  try { return parseSpatialReference(value) ?? fallback; } catch (e) {
    if (e instanceof SpatialReferenceError) throw layerError(layer, `${what}: ${e.message}`);
    throw e;
  }
}

/**
 * An Esri `tileInfo` object (origin, lods, rows, cols, dpi, spatialReference), read leniently:
 * sizes default to 256 px at 96 dpi and the SR to `defaultSr`. Levels are kept coarsest first.
 */
function parseTileInfo(layer: WebMapLayer, value: unknown, defaultSr: SpatialReference): TileInfo {
  const t = record(value);
  if (!t) throw layerError(layer, 'tileInfo must be an object');
  const size = (v: unknown) => { const n = finite(v); return n === undefined ? 256 : Number.isInteger(n) && n >= 16 && n <= 2048 ? n : null; };
  const rows = size(t.rows), cols = size(t.cols);
  if (rows === null || cols === null) throw layerError(layer, 'tileInfo rows and cols must be whole numbers from 16 to 2048');
  const dpi = finite(t.dpi) ?? 96;
  const origin = record(t.origin), ox = finite(origin?.x), oy = finite(origin?.y);
  if (ox === undefined || oy === undefined) throw layerError(layer, 'tileInfo needs an origin {x, y}');
  const lods: Lod[] = [];
  for (const l of Array.isArray(t.lods) ? t.lods : []) {
    const lod = record(l), level = finite(lod?.level), resolution = finite(lod?.resolution);
    if (level === undefined || !Number.isInteger(level) || level < 0 || !(resolution! > 0)) throw layerError(layer, 'tileInfo lods need a level and a resolution above 0');
    lods.push({ level, resolution: resolution!, scale: finite(lod!.scale) ?? 0 });
  }
  if (lods.length === 0) throw layerError(layer, 'tileInfo has no lods');
  lods.sort((a, b) => b.resolution - a.resolution);
  return {
    rows, cols, dpi: dpi > 0 ? dpi : 96, format: 'MIXED', origin: { x: ox, y: oy },
    spatialReference: spatialReferenceOf(layer, t.spatialReference, defaultSr, 'tileInfo spatialReference'), lods,
  };
}

/** Tiling-SR units per frame pixel at the frame's centre. */
function frameResolution(frame: PrintFrame, toTiling: PositionTransform | null): number {
  const view = new ViewTransform(frame.extent, frame.width, frame.height, frame.rotation);
  const at = (px: number, py: number) => { const m = view.toMap(px, py); return toTiling ? toTiling(m) : m; };
  const s = 16, cx = frame.width / 2, cy = frame.height / 2;
  const o = at(cx, cy), ex = at(cx + s, cy), ey = at(cx, cy + s);
  // The square root of the area a pixel covers: right for anisotropic projections too.
  const area = Math.abs((ex[0]! - o[0]!) * (ey[1]! - o[1]!) - (ex[1]! - o[1]!) * (ey[0]! - o[0]!));
  const r = Math.sqrt(area) / s;
  if (Number.isFinite(r) && r > 0) return r;
  // The centre is beyond the tiling SR's reach (a pole in Web Mercator): the average over the view.
  const e = transformEnvelope(frame.view, toTiling);
  const res = (frame.extent.xmax - frame.extent.xmin) / frame.width;
  return (e.xmax - e.xmin) / ((frame.view.xmax - frame.view.xmin) / res);
}

/** The level whose scale is nearest the print's (see the module comment). */
function chooseLod(scheme: TileInfo, frame: PrintFrame, toTiling: PositionTransform | null): Lod {
  const target = (frameResolution(frame, toTiling) * frame.dpi) / scheme.dpi;
  let best = scheme.lods[0]!;
  for (const lod of scheme.lods) if (Math.abs(Math.log(lod.resolution / target)) < Math.abs(Math.log(best.resolution / target))) best = lod;
  return best;
}

const intersect = (a: Envelope, b: Envelope): Envelope => ({ xmin: Math.max(a.xmin, b.xmin), ymin: Math.max(a.ymin, b.ymin), xmax: Math.min(a.xmax, b.xmax), ymax: Math.min(a.ymax, b.ymax) });

/** Runs `task` on every item, at most `limit` at once; the first failure rejects and starts no more. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0, failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try { await task(items[next++]!); } catch (e) { failed = true; throw e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Fetches the tiles covering the frame, mosaics them and paints them in the frame. */
async function drawTiles(layer: WebMapLayer, context: PrintContext, source: TileSource, credits: string | undefined): Promise<ResolvedPrintLayer> {
  const { frame } = context;
  const { scheme } = source;
  const resolved = (layers: ResolvedPrintLayer['layers']): ResolvedPrintLayer => ({ layers, legend: [], ...(credits ? { credits } : {}) });
  const toTiling = getTransform(frame.spatialReference, scheme.spatialReference);
  const lod = chooseLod(scheme, frame, toTiling);
  let area = transformEnvelope(frame.view, toTiling);
  if (source.bounds) area = intersect(area, source.bounds);
  if (!(area.xmax > area.xmin && area.ymax > area.ymin)) return resolved([]);
  const r: TileRange = tileRange(scheme, lod, area);
  // No scheme has tiles above or left of its origin.
  r.minRow = Math.max(0, r.minRow); r.minCol = Math.max(0, r.minCol);
  const nRows = r.maxRow - r.minRow + 1, nCols = r.maxCol - r.minCol + 1;
  if (nRows <= 0 || nCols <= 0) return resolved([]);
  const count = nRows * nCols;
  // Large tiles lower the cap: the mosaic is one image.
  const limit = Math.min(MAX_TILES, Math.floor(MAX_IMAGE_PIXELS / (scheme.rows * scheme.cols)));
  if (count > limit) throw layerError(layer, `the map frame needs ${count} tiles of level ${lod.level}, more than the ${limit} a print fetches for one layer`);
  const tiles: { row: number; col: number }[] = [];
  for (let row = r.minRow; row <= r.maxRow; row++) for (let col = r.minCol; col <= r.maxCol; col++) tiles.push({ row, col });
  const pictures: { row: number; col: number; image: Image }[] = [];
  let missing = 0;
  await eachLimited(tiles, CONCURRENT_FETCHES, async ({ row, col }) => {
    const answer = await fetchFor(layer, context, source.url(lod, row, col));
    // A tile the service does not have is left empty; an empty answer is an empty tile.
    if (answer.status === 404) { missing++; return; }
    if (answer.status === 204 || (answer.status === 200 && answer.body.length === 0)) return;
    pictures.push({ row, col, image: await answerPicture(layer, answer, `tile ${lod.level}/${row}/${col}`) });
  });
  if (missing) context.warn(`Layer '${layer.title}': ${missing} of ${count} tiles were not found (HTTP 404) and are left empty`);
  if (pictures.length === 0) return resolved([]);
  const canvas = createCanvas(nCols * scheme.cols, nRows * scheme.rows);
  const ctx = canvas.getContext('2d');
  // Tiles of another size than the scheme says (high-dpi tiles) are fitted to their place.
  for (const { row, col, image } of pictures) ctx.drawImage(image, (col - r.minCol) * scheme.cols, (row - r.minRow) * scheme.rows, scheme.cols, scheme.rows);
  const first = tileEnvelope(scheme, lod, r.minRow, r.minCol), last = tileEnvelope(scheme, lod, r.maxRow, r.maxCol);
  const mosaic = {
    rgba: ctx.getImageData(0, 0, canvas.width, canvas.height).data, width: canvas.width, height: canvas.height,
    extent: { xmin: first.xmin, ymin: last.ymin, xmax: last.xmax, ymax: first.ymax }, spatialReference: scheme.spatialReference,
  };
  return resolved([georeferencedImageLayer([mosaic], frame.spatialReference, withOpacity(0, layer.opacity))]);
}

/** `credits` or `copyright` of the layer's JSON. */
const creditsOf = (layer: WebMapLayer): string | undefined => text(layer.json.credits) ?? text(layer.json.copyright);

/** `{level}`/`{col}`/`{row}`/`{subDomain}` (also `${…}` as older clients write them, and `{z}`/`{x}`/`{y}`). */
const PLACEHOLDER = /\$?\{(level|col|row|subDomain|z|x|y)\}/g;

/** Braces a URL parser has percent-encoded, back as braces. */
const unescapeBraces = (template: string): string => template.replace(/%7B/gi, '{').replace(/%7D/gi, '}');

/** Tile URLs from a template; the sub-domain rotates with the tile, so one tile always comes from one host. */
function templateSource(layer: WebMapLayer, rawTemplate: string, subDomains: string[], scheme: TileInfo): TileSource {
  const template = unescapeBraces(rawTemplate);
  const used = new Set([...template.matchAll(PLACEHOLDER)].map((m) => ({ z: 'level', x: 'col', y: 'row' })[m[1]!] ?? m[1]!));
  for (const key of ['level', 'col', 'row']) if (!used.has(key)) throw layerError(layer, `the URL template has no {${key}}`);
  if (used.has('subDomain') && subDomains.length === 0) throw layerError(layer, 'the URL template has {subDomain} but the layer lists no subDomains');
  if (!URL.canParse(template.replace(PLACEHOLDER, '0'))) throw layerError(layer, `the URL template ${template} is not an absolute URL`);
  return {
    scheme, bounds: isWebMercator(scheme) ? WORLD : null,
    url: (lod, row, col) => {
      const values: Record<string, string> = { level: String(lod.level), z: String(lod.level), col: String(col), x: String(col), row: String(row), y: String(row) };
      const url = template.replace(PLACEHOLDER, (_, key: string) => key === 'subDomain' ? subDomains[(lod.level + row + col) % subDomains.length]! : values[key]!);
      return requestUrl(url, '', {}, layer.customParameters);
    },
  };
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : typeof v === 'string' && v ? v.split(',') : []);

const OSM_TEMPLATE = 'https://{subDomain}.tile.openstreetmap.org/{level}/{col}/{row}.png';
const OSM_CREDITS = '© OpenStreetMap contributors';

/**
 * `webTiled` (`urlTemplate` or `templateUrl`, `subDomains`, optional `tileInfo`, default the
 * Web Mercator scheme levels 0–23) and `openStreetMap` (`url` or the tiles of
 * tile.openstreetmap.org, which the print's allow-list must admit).
 */
export const resolveWebTiledLayer: PrintLayerResolver = async (layer, context) => {
  const { json } = layer;
  const osm = layer.kind === 'openStreetMap';
  const template = text(json.urlTemplate) ?? text(json.templateUrl) ?? (osm ? text(json.url) ?? OSM_TEMPLATE : undefined);
  if (!template) throw layerError(layer, 'a web tiled layer needs a urlTemplate');
  const subDomains = stringList(json.subDomains);
  const scheme = json.tileInfo ? parseTileInfo(layer, json.tileInfo, webMercatorTileInfo().spatialReference) : webMercatorScheme(23);
  const source = templateSource(layer, template, subDomains.length || !osm ? subDomains : ['a', 'b', 'c'], scheme);
  return drawTiles(layer, context, source, creditsOf(layer) ?? (osm ? OSM_CREDITS : undefined));
};

/**
 * `tiledMapService` of another host: the tiling scheme from `<url>?f=json`, tiles from
 * `<url>/tile/{level}/{row}/{col}`. A service without a tile cache (a basemap given by a
 * dynamic service's URL) is drawn through its `export` instead.
 */
export const resolveTiledMapServiceLayer: PrintLayerResolver = async (layer, context) => {
  if (!layer.url) throw layerError(layer, 'a tiled map service layer needs a url');
  const base = layer.url;
  const info = await fetchJson(layer, context, requestUrl(base, '', { f: 'json' }, layer.customParameters), 'the service description');
  if (!info.tileInfo || info.singleFusedMapCache === false) return resolveRemoteMapServiceLayer(layer, context);
  const serviceSr = spatialReferenceOf(layer, info.spatialReference, webMercatorTileInfo().spatialReference, 'the service spatialReference');
  const scheme = parseTileInfo(layer, info.tileInfo, serviceSr);
  const minLod = finite(info.minLOD), maxLod = finite(info.maxLOD);
  scheme.lods = scheme.lods.filter((l) => (minLod === undefined || l.level >= minLod) && (maxLod === undefined || l.level <= maxLod));
  if (scheme.lods.length === 0) throw layerError(layer, 'the service has no levels between its minLOD and maxLOD');
  // Caches hold no tiles outside the service's full extent: asking for them only collects 404s.
  let bounds = isWebMercator(scheme) ? WORLD : null;
  const full = record(info.fullExtent);
  if (full && [full.xmin, full.ymin, full.xmax, full.ymax].every((v) => finite(v) !== undefined)) {
    const fullSr = spatialReferenceOf(layer, full.spatialReference, serviceSr, 'the service fullExtent');
    const e = transformEnvelope({ xmin: finite(full.xmin)!, ymin: finite(full.ymin)!, xmax: finite(full.xmax)!, ymax: finite(full.ymax)! }, getTransform(fullSr, scheme.spatialReference));
    bounds = bounds ? intersect(bounds, e) : e;
  }
  const source: TileSource = { scheme, bounds, url: (lod, row, col) => requestUrl(base, `/tile/${lod.level}/${row}/${col}`, {}, layer.customParameters) };
  return drawTiles(layer, context, source, creditsOf(layer) ?? text(info.copyrightText));
};

/** Tile matrix sets known to be the standard Web Mercator quadtree, when the layer sends no tileInfo. */
const WEB_MERCATOR_SETS = /^(GoogleMapsCompatible|WebMercatorQuad|EPSG:3857|EPSG:900913|EPSG:102100|default028mm)$/i;

/**
 * `wmts`: `url`, `layer`, `style`, `format`, `tileMatrixSet`. The tiling is the layer's own
 * `tileInfo` if it sends one (a level's `levelValue` naming its tile matrix), else a Web
 * Mercator tile matrix set (GoogleMapsCompatible, WebMercatorQuad, EPSG:3857), whose matrices
 * are named by level (`EPSG:…` sets as `<set>:<level>`, as GeoServer names them). A `url` with
 * `{TileMatrix}` is a RESTful template; any other gets KVP GetTile requests.
 */
export const resolveWmtsLayer: PrintLayerResolver = async (layer, context) => {
  const { json } = layer;
  const raw = text(json.url) ?? layer.url;
  if (!raw) throw layerError(layer, 'a WMTS layer needs a url');
  const base = unescapeBraces(raw);
  if (!URL.canParse(base.replace(/\{\w+\}/g, '0'))) throw layerError(layer, `the url ${raw} is not an absolute URL`);
  const set = text(json.tileMatrixSet) ?? '';
  const identifiers = new Map<number, string>();
  let scheme: TileInfo;
  if (json.tileInfo) {
    scheme = parseTileInfo(layer, json.tileInfo, webMercatorTileInfo().spatialReference);
    for (const l of (record(json.tileInfo)!.lods as unknown[] | undefined) ?? []) {
      const lod = record(l), id = text(lod?.levelValue), level = finite(lod?.level);
      if (id !== undefined && level !== undefined) identifiers.set(level, id);
    }
  } else if (WEB_MERCATOR_SETS.test(set)) {
    // The OGC GoogleMapsCompatible set stops at level 18.
    scheme = webMercatorScheme(/^GoogleMapsCompatible$/i.test(set) ? 18 : 23);
  } else {
    throw layerError(layer, `WMTS layers need a tileInfo or a Web Mercator tile matrix set (GoogleMapsCompatible, WebMercatorQuad, EPSG:3857); '${set}' is not one`);
  }
  const matrix = (level: number) => identifiers.get(level) ?? (/^EPSG:/i.test(set) ? `${set}:${level}` : String(level));
  const layerName = text(json.layer) ?? '', style = text(json.style) ?? 'default';
  const format = imageMimeType(text(json.format)) ?? 'image/png';
  const url = base.includes('{TileMatrix}')
    ? (lod: Lod, row: number, col: number) => {
      const values: Record<string, string> = { TileMatrixSet: set, TileMatrix: matrix(lod.level), TileRow: String(row), TileCol: String(col), Style: style, style, Layer: layerName, layer: layerName };
      return requestUrl(base.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m), '', {}, layer.customParameters);
    }
    : (lod: Lod, row: number, col: number) => requestUrl(base, '', {
      SERVICE: 'WMTS', REQUEST: 'GetTile', VERSION: '1.0.0', LAYER: layerName, STYLE: style, FORMAT: format,
      TILEMATRIXSET: set, TILEMATRIX: matrix(lod.level), TILEROW: String(row), TILECOL: String(col),
    }, layer.customParameters);
  return drawTiles(layer, context, { scheme, bounds: isWebMercator(scheme) ? WORLD : null, url }, creditsOf(layer));
};
