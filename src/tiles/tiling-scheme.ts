/**
 * Tiling schemes as ArcGIS describes them in a map service's `tileInfo` (mapserver.md §5, §10):
 * tile size, dpi, image format, origin (top-left corner of row 0, column 0) and the levels of
 * detail. Builds the standard Web Mercator scheme and schemes for any projected SR, checks a
 * stored one, and maps between tiles and map coordinates.
 * @module tiles/tiling-scheme
 */
import type { Envelope } from '../geo/geometry.js';
import { metresPerUnit } from '../geo/map-scale.js';
import { canonicalWkid, parseSpatialReference, SpatialReferenceError, type SpatialReference } from '../geo/spatial-reference.js';

/** Tile image formats a cache is written in; MIXED is JPEG unless the tile has transparency. */
export type TileFormat = 'PNG32' | 'PNG8' | 'JPEG' | 'MIXED';
export const TILE_FORMATS: readonly TileFormat[] = ['PNG32', 'PNG8', 'JPEG', 'MIXED'];

/** One level of detail: ground units per pixel and the scale denominator at the scheme's dpi. */
export interface Lod { level: number; resolution: number; scale: number }

/** A tiling scheme, shaped as the `tileInfo` of the MapServer root (mapserver.md §5). */
export interface TileInfo {
  /** Tile height in px. */
  rows: number;
  /** Tile width in px. */
  cols: number;
  dpi: number;
  format: TileFormat;
  /** JPEG quality 1–100 for JPEG and MIXED; default 75. */
  compressionQuality?: number;
  /** Top-left corner of tile row 0, column 0, in the scheme's SR. */
  origin: { x: number; y: number };
  spatialReference: SpatialReference;
  /** Ascending levels, finest last. */
  lods: Lod[];
}

/** JPEG quality when a scheme does not state one (ArcGIS's default). */
export const DEFAULT_COMPRESSION_QUALITY = 75;

/**
 * Inches per metre as ArcGIS tiling schemes count them (the US survey inch, not 1 / 0.0254):
 * level 0 of Web Mercator, 156543.034 m/px at 96 dpi, is 1:591,657,527.59 only with this value.
 */
const INCHES_PER_METRE = 39.37;

/** Half the Web Mercator world's width: the scheme's origin is (−H, H). */
export const WEB_MERCATOR_HALF_WIDTH = 20037508.342787;

/**
 * Resolutions and scales of the ArcGIS Online / Google / Bing Web Mercator levels 0–20, as
 * ArcGIS publishes them (the scales are rounded, so they are listed rather than computed).
 */
const WEB_MERCATOR_LODS: readonly (readonly [number, number])[] = [
  [156543.03392800014, 591657527.591555], [78271.51696399994, 295828763.795777],
  [39135.75848200009, 147914381.897889], [19567.87924099992, 73957190.948944],
  [9783.93962049996, 36978595.474472], [4891.96981024998, 18489297.737236],
  [2445.98490512499, 9244648.868618], [1222.992452562495, 4622324.434309],
  [611.4962262813797, 2311162.217155], [305.74811314055756, 1155581.108577],
  [152.87405657041106, 577790.554289], [76.43702828507324, 288895.277144],
  [38.21851414253662, 144447.638572], [19.10925707126831, 72223.819286],
  [9.554628535634155, 36111.909643], [4.77731426794937, 18055.954822],
  [2.388657133974685, 9027.977411], [1.1943285668550503, 4513.988705],
  [0.5971642835598172, 2256.994353], [0.29858214164761665, 1128.497176],
  [0.14929107082380833, 564.248588],
];

/** The finest Web Mercator level this module knows. */
export const WEB_MERCATOR_MAX_LEVEL = WEB_MERCATOR_LODS.length - 1;

/**
 * The standard Web Mercator scheme (WKID 102100): 256 × 256 px tiles at 96 dpi.
 * @param maxLevel [20] finest level kept.
 */
export function webMercatorTileInfo(options: { maxLevel?: number; format?: TileFormat } = {}): TileInfo {
  const maxLevel = options.maxLevel ?? WEB_MERCATOR_MAX_LEVEL;
  if (!Number.isInteger(maxLevel) || maxLevel < 0 || maxLevel > WEB_MERCATOR_MAX_LEVEL) throw new RangeError(`maxLevel must be 0–${WEB_MERCATOR_MAX_LEVEL}`);
  return {
    rows: 256, cols: 256, dpi: 96, format: options.format ?? 'PNG32',
    origin: { x: -WEB_MERCATOR_HALF_WIDTH, y: WEB_MERCATOR_HALF_WIDTH },
    spatialReference: { wkid: 102100, latestWkid: 3857 },
    lods: WEB_MERCATOR_LODS.slice(0, maxLevel + 1).map(([resolution, scale], level) => ({ level, resolution, scale })),
  };
}

/**
 * A scheme for any projected SR (e.g. a service's UTM zone) from an origin and scale
 * denominators, coarsest first; resolutions follow from the dpi and the SR's unit.
 */
export function tileInfoFromScales(options: {
  spatialReference: SpatialReference; origin: { x: number; y: number }; scales: number[];
  dpi?: number; size?: number; format?: TileFormat;
}): TileInfo {
  const dpi = options.dpi ?? 96, size = options.size ?? 256;
  const unit = metresPerUnit(options.spatialReference);
  return {
    rows: size, cols: size, dpi, format: options.format ?? 'PNG32',
    origin: { ...options.origin }, spatialReference: options.spatialReference,
    lods: options.scales.map((scale, level) => ({ level, scale, resolution: scale / (dpi * INCHES_PER_METRE) / unit })),
  };
}

/** Whether the scheme is in Web Mercator, whose tile grid is bounded by the world square. */
export function isWebMercator(info: TileInfo): boolean {
  const wkid = info.spatialReference.latestWkid ?? info.spatialReference.wkid;
  return wkid !== undefined && canonicalWkid(wkid) === 3857;
}

/** The level of detail numbered `level`, if the scheme has it. */
export function findLod(info: TileInfo, level: number): Lod | undefined {
  return info.lods.find((l) => l.level === level);
}

/** A tile's ground extent in the scheme's SR. */
export function tileEnvelope(info: TileInfo, lod: Lod, row: number, col: number): Envelope {
  const w = info.cols * lod.resolution, h = info.rows * lod.resolution;
  const xmin = info.origin.x + col * w, ymax = info.origin.y - row * h;
  return { xmin, ymin: ymax - h, xmax: xmin + w, ymax };
}

/** Inclusive row and column ranges; empty when a min exceeds its max. */
export interface TileRange { minRow: number; maxRow: number; minCol: number; maxCol: number }

/**
 * Tiles of `lod` that overlap `extent` (mapserver.md §10: col = ⌊(x − origin.x) / (cols ×
 * resolution)⌋, row = ⌊(origin.y − y) / (rows × resolution)⌋). Edges that fall on a tile
 * boundary, up to rounding, do not pull in the next tile.
 */
export function tileRange(info: TileInfo, lod: Lod, extent: Envelope): TileRange {
  const w = info.cols * lod.resolution, h = info.rows * lod.resolution;
  const eps = 1e-9;
  return {
    minCol: Math.floor((extent.xmin - info.origin.x) / w + eps),
    maxCol: Math.ceil((extent.xmax - info.origin.x) / w - eps) - 1,
    minRow: Math.floor((info.origin.y - extent.ymax) / h + eps),
    maxRow: Math.ceil((info.origin.y - extent.ymin) / h - eps) - 1,
  };
}

/** Whether a range holds the tile. */
export function rangeHas(range: TileRange, row: number, col: number): boolean {
  return row >= range.minRow && row <= range.maxRow && col >= range.minCol && col <= range.maxCol;
}

/** Checks a stored `tileInfo`; returns every problem found, with paths below `tileInfo`. */
export function validateTileInfo(value: unknown): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => issues.push({ path: `tileInfo${path}`, message });
  if (!value || typeof value !== 'object') return [{ path: 'tileInfo', message: 'must be an object' }];
  const t = value as Partial<TileInfo>;
  for (const key of ['rows', 'cols'] as const) if (!Number.isInteger(t[key]) || t[key]! < 16 || t[key]! > 2048) add(`.${key}`, 'must be an integer from 16 to 2048');
  if (typeof t.dpi !== 'number' || !(t.dpi > 0 && t.dpi <= 1200)) add('.dpi', 'must be a number above 0 and at most 1200');
  if (!TILE_FORMATS.includes(t.format as TileFormat)) add('.format', `must be one of ${TILE_FORMATS.join(', ')}`);
  const q = t.compressionQuality;
  if (q !== undefined && (!Number.isInteger(q) || q < 1 || q > 100)) add('.compressionQuality', 'must be an integer from 1 to 100');
  if (!t.origin || !Number.isFinite(t.origin.x) || !Number.isFinite(t.origin.y)) add('.origin', 'must be {x, y} with finite numbers');
  try { if (!parseSpatialReference(t.spatialReference)) add('.spatialReference', 'is required'); } catch (e) {
    if (e instanceof SpatialReferenceError) add('.spatialReference', e.message); else throw e;
  }
  if (!Array.isArray(t.lods) || t.lods.length === 0) { add('.lods', 'must be a non-empty array'); return issues; }
  t.lods.forEach((l, i) => {
    if (!Number.isInteger(l?.level) || l.level < 0) add(`.lods[${i}].level`, 'must be a non-negative integer');
    else if (i > 0 && !(l.level > t.lods![i - 1]!.level)) add(`.lods[${i}].level`, 'levels must ascend');
    if (typeof l?.resolution !== 'number' || !(l.resolution > 0)) add(`.lods[${i}].resolution`, 'must be a number above 0');
    else if (i > 0 && !(l.resolution < t.lods![i - 1]!.resolution)) add(`.lods[${i}].resolution`, 'must be finer than the level before');
    if (typeof l?.scale !== 'number' || !(l.scale > 0)) add(`.lods[${i}].scale`, 'must be a number above 0');
  });
  return issues;
}

/**
 * `tileInfo` as the MapServer root reports it, with the cache's level range (`minLOD`,
 * `maxLOD`) beside it. `compressionQuality` is the JPEG quality, 0 for PNG-only caches, as
 * ArcGIS writes it.
 */
export function tileInfoJson(info: TileInfo): { tileInfo: Record<string, unknown>; minLOD: number; maxLOD: number } {
  const jpeg = info.format === 'JPEG' || info.format === 'MIXED';
  return {
    tileInfo: {
      rows: info.rows, cols: info.cols, dpi: info.dpi, format: info.format,
      compressionQuality: jpeg ? info.compressionQuality ?? DEFAULT_COMPRESSION_QUALITY : 0,
      origin: { x: info.origin.x, y: info.origin.y }, spatialReference: info.spatialReference,
      lods: info.lods.map((l) => ({ level: l.level, resolution: l.resolution, scale: l.scale })),
    },
    minLOD: info.lods[0]!.level,
    maxLOD: info.lods[info.lods.length - 1]!.level,
  };
}
