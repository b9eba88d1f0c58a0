/**
 * Elevation models read from single-band GeoTIFFs with the `geotiff` package. A DEM's header
 * (size, georeferencing, spatial reference, no-data value) is read on its own, cheaply, so a
 * service can describe its raster layers; the samples are read whole on first use and kept for
 * the life of the process (or worker thread): the sample DEM is 2400 × 2400 Float32, 23 MB.
 * @module terrain/dem-source
 */
import { statSync } from 'node:fs';
import { fromFile, type GeoTIFFImage } from 'geotiff';
import type { Envelope } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';

/** What a DEM's header says: grid size, georeferencing and the value that marks missing data. */
export interface DemInfo {
  /** Columns and rows. */
  width: number;
  height: number;
  /** From the GeoTIFF's ProjectedCSTypeGeoKey or GeographicTypeGeoKey. */
  spatialReference: SpatialReference;
  /** Outer edges of the grid, in units of `spatialReference`. */
  extent: Envelope;
  /** Cell width and height in units of `spatialReference` (both positive; rows run north to south). */
  cellWidth: number;
  cellHeight: number;
  /** Value that marks missing cells (GDAL_NODATA), or null when the file names none. */
  noData: number | null;
}

/** An elevation model in memory. Elevations are in the file's vertical units (metres for the sample). */
export interface DemSource extends DemInfo {
  /** Lowest and highest valid elevation. */
  readonly min: number;
  readonly max: number;
  /**
   * Elevation at a position in the DEM's SR: bilinear between the four nearest cell centres
   * (a no-data neighbour makes it fall back to the nearest cell), or the nearest cell's value.
   * NaN outside the grid or on no-data.
   */
  sample(x: number, y: number, interpolation?: 'bilinear' | 'nearest'): number;
  /**
   * Elevations at the centres of a `width` × `height` pixel grid covering `envelope` (DEM SR),
   * top row first, bilinear; NaN outside the grid or on no-data.
   */
  window(envelope: Envelope, width: number, height: number): Float32Array;
  /**
   * Bilinear elevation at fractional grid coordinates (`col` 0 at the centre of the first column,
   * `row` 0 at the centre of the first row); NaN outside or on no-data. The inner loop of resampling.
   */
  sampleGrid(col: number, row: number): number;
}

/** GeoKeys naming the coordinate system: GTModelTypeGeoKey 1 = projected, 2 = geographic. */
const MODEL_KEYS: Record<number, 'ProjectedCSTypeGeoKey' | 'GeographicTypeGeoKey'> = { 1: 'ProjectedCSTypeGeoKey', 2: 'GeographicTypeGeoKey' };
/** GeoTIFF's code for "user-defined", which names no EPSG system. */
const USER_DEFINED = 32767;

/** Thrown when a DEM cannot be used: no EPSG code in its keys, rotated, several bands. */
export class DemFormatError extends Error {}

function spatialReferenceOf(image: GeoTIFFImage, path: string): SpatialReference {
  const keys = image.getGeoKeys() ?? {};
  const key = MODEL_KEYS[keys.GTModelTypeGeoKey as number];
  const code = key ? (keys[key] as number | undefined) : undefined;
  if (!code || code === USER_DEFINED) throw new DemFormatError(`${path}: the GeoTIFF names no EPSG coordinate system`);
  return { wkid: code, latestWkid: code };
}

function infoOf(image: GeoTIFFImage, path: string): DemInfo {
  if (image.getSamplesPerPixel() !== 1) throw new DemFormatError(`${path}: an elevation model has one band`);
  const [rx, ry] = image.getResolution();
  if (!rx || !ry || ry >= 0) throw new DemFormatError(`${path}: only north-up grids are supported`);
  const width = image.getWidth(), height = image.getHeight();
  const cellWidth = rx, cellHeight = -ry;
  let [ox, oy] = image.getOrigin() as [number, number];
  // PixelIsPoint (GTRasterTypeGeoKey 2) ties the first cell's centre, not its corner; GDAL shifts it.
  if (image.getGeoKeys()?.GTRasterTypeGeoKey === 2) { ox -= cellWidth / 2; oy += cellHeight / 2; }
  return {
    width, height, spatialReference: spatialReferenceOf(image, path), cellWidth, cellHeight, noData: image.getGDALNoData(),
    extent: { xmin: ox, ymin: oy - height * cellHeight, xmax: ox + width * cellWidth, ymax: oy },
  };
}

/** A DEM whose samples are all in memory as Float32, NaN for no-data. */
export class GeoTiffDemSource implements DemSource {
  readonly width: number;
  readonly height: number;
  readonly spatialReference: SpatialReference;
  readonly extent: Envelope;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly noData: number | null;
  readonly min: number;
  readonly max: number;

  /** @param data row-major samples, north row first, no-data already replaced by NaN. */
  constructor(info: DemInfo, private readonly data: Float32Array) {
    ({ width: this.width, height: this.height, spatialReference: this.spatialReference, extent: this.extent, cellWidth: this.cellWidth, cellHeight: this.cellHeight, noData: this.noData } = info);
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < data.length; i++) { const z = data[i]!; if (z < min) min = z; if (z > max) max = z; }
    this.min = min; this.max = max;
  }

  /** Reads a whole GeoTIFF (first band of the first image). */
  static async read(path: string): Promise<GeoTiffDemSource> {
    const tiff = await fromFile(path);
    try {
      const image = await tiff.getImage();
      const info = infoOf(image, path);
      const [raw] = await image.readRasters({ samples: [0] }) as unknown as ArrayLike<number>[];
      const data = raw instanceof Float32Array ? raw : Float32Array.from(raw!);
      if (info.noData !== null) for (let i = 0; i < data.length; i++) if (data[i] === info.noData) data[i] = NaN;
      return new GeoTiffDemSource(info, data);
    } finally { await tiff.close(); }
  }

  sampleGrid(col: number, row: number): number {
    const { width, height, data } = this;
    if (!(col >= -0.5 && row >= -0.5 && col <= width - 0.5 && row <= height - 0.5)) return NaN;
    // Clamp to the outer cell centres so the half cell along each edge takes the edge value.
    const c = col < 0 ? 0 : col > width - 1 ? width - 1 : col;
    const r = row < 0 ? 0 : row > height - 1 ? height - 1 : row;
    const c0 = Math.min(c | 0, width - 2 < 0 ? 0 : width - 2), r0 = Math.min(r | 0, height - 2 < 0 ? 0 : height - 2);
    const c1 = Math.min(c0 + 1, width - 1), r1 = Math.min(r0 + 1, height - 1);
    const fx = c - c0, fy = r - r0;
    const z00 = data[r0 * width + c0]!, z01 = data[r0 * width + c1]!, z10 = data[r1 * width + c0]!, z11 = data[r1 * width + c1]!;
    const z = (z00 * (1 - fx) + z01 * fx) * (1 - fy) + (z10 * (1 - fx) + z11 * fx) * fy;
    if (z === z) return z;
    // A no-data neighbour: the nearest cell decides, so data edges neither shrink nor smear.
    return data[Math.round(r) * width + Math.round(c)]!;
  }

  sample(x: number, y: number, interpolation: 'bilinear' | 'nearest' = 'bilinear'): number {
    const col = (x - this.extent.xmin) / this.cellWidth - 0.5, row = (this.extent.ymax - y) / this.cellHeight - 0.5;
    if (interpolation === 'bilinear') return this.sampleGrid(col, row);
    const c = Math.floor(col + 0.5), r = Math.floor(row + 0.5);
    return c >= 0 && r >= 0 && c < this.width && r < this.height ? this.data[r * this.width + c]! : NaN;
  }

  window(envelope: Envelope, width: number, height: number): Float32Array {
    const out = new Float32Array(width * height);
    const sx = (envelope.xmax - envelope.xmin) / width, sy = (envelope.ymax - envelope.ymin) / height;
    for (let j = 0; j < height; j++) {
      const row = (this.extent.ymax - (envelope.ymax - (j + 0.5) * sy)) / this.cellHeight - 0.5;
      for (let i = 0; i < width; i++) out[j * width + i] = this.sampleGrid((envelope.xmin + (i + 0.5) * sx - this.extent.xmin) / this.cellWidth - 0.5, row);
    }
    return out;
  }
}

/** Cache key that changes when the file is replaced. */
function fileKey(path: string): string {
  const s = statSync(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

const infos = new Map<string, Promise<DemInfo>>();
const sources = new Map<string, Promise<DemSource>>();

/** Keeps one entry per path: a replaced file drops its predecessor. */
function cached<T>(cache: Map<string, Promise<T>>, path: string, load: () => Promise<T>): Promise<T> {
  const key = fileKey(path);
  let entry = cache.get(key);
  if (!entry) {
    for (const k of cache.keys()) if (k.startsWith(`${path}:`)) cache.delete(k);
    entry = load();
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
  }
  return entry;
}

/** The header of the DEM at `path` (an absolute, already confined path), read once per file version. */
export function readDemInfo(path: string): Promise<DemInfo> {
  return cached(infos, path, async () => {
    const tiff = await fromFile(path);
    try { return infoOf(await tiff.getImage(), path); } finally { await tiff.close(); }
  });
}

/** The DEM at `path`, read whole once per file version and process (or worker thread). */
export function openDemSource(path: string): Promise<DemSource> {
  return cached(sources, path, () => GeoTiffDemSource.read(path));
}
