/**
 * Elevation models read from GeoTIFFs with the `geotiff` package: Int8 to Int32, UInt8 to UInt32,
 * Float32 and Float64 samples, tiled or striped, uncompressed or compressed (LZW, Deflate with
 * either predictor, PackBits, ZSTD, LERC, JPEG); GDAL_NODATA; pixel-is-area or pixel-is-point
 * (GDAL's half-cell shift); a CRS from an EPSG code or user-defined GeoKeys (`geotiff-crs`).
 * A multi-band file gives its first band, and says how many it has in `bandCount`.
 *
 * A DEM's header is read on its own, cheaply, so a service can describe its raster layers; the
 * samples are read whole on first use and kept for the life of the process (or worker thread) as
 * one Float32 array (4 bytes a cell: the sample DEM's 2400 × 2400 is 23 MB, a 10,000 × 10,000 DEM
 * 400 MB). They are decoded a band of rows at a time straight into that array, so reading needs
 * it plus one band of rows in the file's own type (about 16 MB), never a second whole copy.
 * @module terrain/dem-source
 */
import { statSync } from 'node:fs';
import { fromFile, type GeoTIFF, type GeoTIFFImage } from 'geotiff';
import type { Envelope } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { SpatialReferenceError } from '../geo/spatial-reference.js';
import { geoTiffCrs, GeoTiffCrsError } from './geotiff-crs.js';

/** What a DEM's header says: grid size, georeferencing and the value that marks missing data. */
export interface DemInfo {
  /** Columns and rows. */
  width: number;
  height: number;
  /** From the GeoKeys: an EPSG code (`{wkid, latestWkid}`), or `{wkt}` for a user-defined system no EPSG code fits. */
  spatialReference: SpatialReference;
  /** Outer edges of the grid, in units of `spatialReference`. */
  extent: Envelope;
  /** Cell width and height in units of `spatialReference` (both positive; rows run north to south). */
  cellWidth: number;
  cellHeight: number;
  /** Value that marks missing cells (GDAL_NODATA), or null when the file names none. */
  noData: number | null;
  /** Bands in the file; elevations come from band 1. Absent for a grid not read from a file. */
  bandCount?: number;
  /** The file's sample type in GDAL's names (`Int16`, `UInt16`, `Int32`, `Float32`, `Float64`…); samples are held as Float32. */
  dataType?: string;
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

/** Thrown when a file cannot be used as a DEM; the message names the file and the problem. */
export class DemFormatError extends Error {}

/** TIFF Compression codes geotiff.js decodes. */
const DECODABLE = new Set([1, 5, 7, 8, 32946, 32773, 34887, 50000]);
/** Names of the other codes, for the error. */
const COMPRESSION_NAMES: Record<number, string> = {
  2: 'CCITT RLE', 3: 'CCITT Fax 3', 4: 'CCITT Fax 4', 6: 'old-style JPEG', 32809: 'ThunderScan', 34661: 'JBIG', 34676: 'SGI LogLuv',
  34712: 'JPEG 2000', 34925: 'LZMA', 50001: 'WebP', 50002: 'JPEG-XL', 34892: 'lossy JPEG (DNG)',
};

/** GDAL's name of a sample type. */
function dataTypeName(format: number, bits: number): string | null {
  if (format === 3 && (bits === 32 || bits === 64)) return `Float${bits}`;
  if ((format === 1 || format === 2) && [8, 16, 32].includes(bits)) return format === 1 ? (bits === 8 ? 'Byte' : `UInt${bits}`) : `Int${bits}`;
  return null;
}

/** The header plus what reading the samples needs. */
interface Header { info: DemInfo; rowsPerBlock: number; float32: boolean }

async function tag(image: GeoTIFFImage, name: string): Promise<unknown> {
  const fd = image.getFileDirectory();
  return fd.hasTag(name as never) ? await fd.loadValue(name as never) : undefined;
}

/** North-up grid corner and cell size from ModelTransformation, or ModelTiepoint with ModelPixelScale. */
async function georeferencing(image: GeoTIFFImage, path: string): Promise<{ ox: number; oy: number; cellWidth: number; cellHeight: number }> {
  const transformation = await tag(image, 'ModelTransformation') as ArrayLike<number> | undefined;
  const tiepoints = await tag(image, 'ModelTiepoint') as ArrayLike<number> | undefined;
  const scale = await tag(image, 'ModelPixelScale') as ArrayLike<number> | undefined;
  let ox: number, oy: number, cellWidth: number, cellHeight: number;
  if (transformation && transformation.length >= 16) {
    const [a, b, , c, d, e, , f] = Array.from(transformation);
    if (b !== 0 || d !== 0) throw new DemFormatError(`${path}: the grid is rotated or sheared (ModelTransformation has rotation terms); warp it north-up first, e.g. with gdalwarp`);
    [ox, oy, cellWidth, cellHeight] = [c!, f!, a!, -e!];
  } else if (tiepoints && tiepoints.length >= 6 && scale && scale.length >= 2) {
    const [i, j, , x, y] = Array.from(tiepoints);
    [cellWidth, cellHeight] = [scale[0]!, scale[1]!];
    [ox, oy] = [x! - i! * cellWidth, y! + j! * cellHeight];
  } else if (tiepoints && tiepoints.length >= 6) {
    throw new DemFormatError(`${path}: the GeoTIFF is placed by ground control points only; warp it onto a grid first, e.g. with gdalwarp`);
  } else {
    throw new DemFormatError(`${path}: the GeoTIFF has no georeferencing (no ModelTiepoint/ModelPixelScale or ModelTransformation)`);
  }
  if (!(cellWidth > 0) || !(cellHeight > 0) || ![ox, oy].every(Number.isFinite)) {
    throw new DemFormatError(`${path}: only north-up grids are supported (cell size ${cellWidth} × ${-cellHeight})`);
  }
  return { ox, oy, cellWidth, cellHeight };
}

/** GDAL_NODATA as a number (GDAL writes it as text, `nan` included), or null. */
async function noDataOf(image: GeoTIFFImage): Promise<number | null> {
  const text = await tag(image, 'GDAL_NODATA');
  if (typeof text !== 'string') return null;
  const t = text.replace(/\0/g, '').trim();
  if (!t) return null;
  const v = /^[-+]?nan$/i.test(t) ? NaN : Number(t);
  return Number.isNaN(v) && !/nan/i.test(t) ? null : v;
}

async function headerOf(image: GeoTIFFImage, path: string): Promise<Header> {
  const compression = Number(await tag(image, 'Compression') ?? 1);
  if (!DECODABLE.has(compression)) {
    throw new DemFormatError(`${path}: ${COMPRESSION_NAMES[compression] ?? `compression ${compression}`} compression cannot be read; rewrite the DEM with e.g. gdal_translate -co COMPRESS=DEFLATE`);
  }
  const format = image.getSampleFormat(0), bits = image.getBitsPerSample(0);
  const dataType = dataTypeName(format, bits);
  if (!dataType) throw new DemFormatError(`${path}: ${bits}-bit samples of SampleFormat ${format} are not elevations Quadrangle can read (use Int16, UInt16, Int32, Float32 or Float64)`);
  const { ox, oy: top, cellWidth, cellHeight } = await georeferencing(image, path);
  let oy = top, left = ox;
  // PixelIsPoint (GTRasterTypeGeoKey 2) ties the first cell's centre, not its corner; GDAL shifts it.
  const keys = image.getGeoKeys();
  if (keys?.GTRasterTypeGeoKey === 2) { left -= cellWidth / 2; oy += cellHeight / 2; }
  let spatialReference: SpatialReference;
  try { spatialReference = geoTiffCrs(keys, path).sr; } catch (e) {
    if (e instanceof GeoTiffCrsError || e instanceof SpatialReferenceError) throw new DemFormatError(e.message);
    throw e;
  }
  const width = image.getWidth(), height = image.getHeight();
  const info: DemInfo = {
    width, height, spatialReference, cellWidth, cellHeight, noData: await noDataOf(image),
    extent: { xmin: left, ymin: oy - height * cellHeight, xmax: left + width * cellWidth, ymax: oy },
    bandCount: image.getSamplesPerPixel(), dataType,
  };
  return { info, rowsPerBlock: Math.max(1, image.getTileHeight()), float32: dataType === 'Float32' };
}

/** Opens a GeoTIFF, naming the file when it is not one. */
async function openTiff(path: string): Promise<GeoTIFF> {
  try { return await fromFile(path); } catch (e) {
    throw new DemFormatError(`${path}: not a readable GeoTIFF (${(e as Error).message})`);
  }
}

/** Cells decoded per read: whole blocks of rows, about 4 million cells. */
const CELLS_PER_READ = 4 * 1024 * 1024;

/**
 * Band 1 of `image` as Float32 with no-data as NaN, decoded a band of whole tile/strip rows at a
 * time into one array (rows aligned to blocks so no tile is decoded twice).
 */
async function readSamples(image: GeoTIFFImage, header: Header, path: string): Promise<Float32Array> {
  const { width, height, noData } = header.info;
  const out = new Float32Array(width * height);
  const block = header.rowsPerBlock;
  const rows = Math.max(block, Math.floor(CELLS_PER_READ / width / block) * block);
  // A Float32 cell equals GDAL_NODATA when it equals the value rounded to Float32, as GDAL compares.
  const nodata = noData === null ? null : header.float32 ? Math.fround(noData) : noData;
  const nodataIsNaN = nodata !== null && Number.isNaN(nodata);
  for (let y0 = 0; y0 < height; y0 += rows) {
    const y1 = Math.min(height, y0 + rows);
    let chunk: ArrayLike<number>;
    try {
      [chunk] = await image.readRasters({ samples: [0], window: [0, y0, width, y1] }) as unknown as ArrayLike<number>[];
    } catch (e) {
      throw new DemFormatError(`${path}: the samples cannot be decoded (${(e as Error).message})`);
    }
    const base = y0 * width, n = (y1 - y0) * width;
    if (nodata === null || nodataIsNaN) {
      for (let i = 0; i < n; i++) out[base + i] = chunk[i]!;
    } else {
      for (let i = 0; i < n; i++) { const v = chunk[i]!; out[base + i] = v === nodata ? NaN : v; }
    }
  }
  return out;
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
  readonly bandCount?: number;
  readonly dataType?: string;
  readonly min: number;
  readonly max: number;

  /** @param data row-major samples, north row first, no-data already replaced by NaN. */
  constructor(info: DemInfo, private readonly data: Float32Array) {
    ({ width: this.width, height: this.height, spatialReference: this.spatialReference, extent: this.extent, cellWidth: this.cellWidth, cellHeight: this.cellHeight, noData: this.noData } = info);
    if (info.bandCount !== undefined) this.bandCount = info.bandCount;
    if (info.dataType !== undefined) this.dataType = info.dataType;
    let min = Infinity, max = -Infinity;
    // NaN (no-data) fails both comparisons.
    for (let i = 0; i < data.length; i++) { const z = data[i]!; if (z < min) min = z; if (z > max) max = z; }
    this.min = min; this.max = max;
  }

  /** Reads a whole GeoTIFF (band 1 of the first image). */
  static async read(path: string): Promise<GeoTiffDemSource> {
    const tiff = await openTiff(path);
    try {
      const image = await tiff.getImage();
      const header = await headerOf(image, path);
      return new GeoTiffDemSource(header.info, await readSamples(image, header, path));
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
    const tiff = await openTiff(path);
    try { return (await headerOf(await tiff.getImage(), path)).info; } finally { await tiff.close(); }
  });
}

/** The DEM at `path`, read whole once per file version and process (or worker thread). */
export function openDemSource(path: string): Promise<DemSource> {
  return cached(sources, path, () => GeoTiffDemSource.read(path));
}
