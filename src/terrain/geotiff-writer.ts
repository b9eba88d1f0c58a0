/**
 * Writes GeoTIFFs on the shared tiled-TIFF structure (tiff-file.ts), DEFLATE-compressed, with
 * GeoTIFF 1.1 keys:
 * - single-band Float32 elevation models (`writeGeoTiff`), 256 × 256 tiles with the
 *   floating-point predictor (TIFF Technical Note 3) and GDAL's GDAL_NODATA tag;
 * - 8-bit RGB or RGBA images (`encodeImageGeoTiff`), such as an exported map (mapserver.md §6).
 *
 * Georeferencing is a pixel scale and tie point for north-up rasters, or a model
 * transformation matrix when the raster is rotated.
 * @module terrain/geotiff-writer
 */
import { endianness } from 'node:os';
import { deflateSync } from 'node:zlib';
import { encodeTiledTiff, TiffType, type TiffTag, writeTiledTiffFile } from './tiff-file.js';

/** A north-up raster in a projected CRS with metre units. */
export interface GeoTiffRaster {
  width: number;
  height: number;
  /** Row-major samples, north row first; length width × height. */
  data: Float32Array;
  /** EPSG code of a projected CRS in metres (e.g. 32630). */
  epsg: number;
  /** Map x of the west edge of the first column. */
  originX: number;
  /** Map y of the north edge of the first row. */
  originY: number;
  /** Cell size in map units (square cells). */
  pixelSize: number;
  /** Value that marks missing data; also used to pad the edge tiles. */
  noData: number;
}

/** Encoding options of the writers. */
export interface GeoTiffWriteOptions {
  /** Tile edge in pixels, a multiple of 16 (default 256). */
  tileSize?: number;
  /** zlib compression level 1–9 (default 6). */
  level?: number;
}

/** Where a raster lies: an affine pixel → map transform and the CRS. */
export interface GeoReferencing {
  /**
   * GDAL-style geotransform of pixel corners: x = t0 + col·t1 + row·t2, y = t3 + col·t4 + row·t5.
   * North-up when t2 and t4 are 0.
   */
  transform: readonly [number, number, number, number, number, number];
  /** EPSG code for the GeoKeys, or null to leave the CRS unnamed (an SR known only as WKT). */
  epsg: number | null;
  /** Degrees (GeographicTypeGeoKey) rather than a projected CRS (ProjectedCSTypeGeoKey). */
  geographic: boolean;
  /** EPSG unit code for ProjLinearUnitsGeoKey (9001 metre), when the writer knows it. */
  linearUnits?: number;
}

/** An 8-bit image, samples interleaved per pixel, top row first. */
export interface GeoTiffImage {
  width: number;
  height: number;
  /** 3 (RGB) or 4 (RGBA, straight alpha). */
  samples: 3 | 4;
  /** width × height × samples bytes. */
  data: Uint8Array;
}

const DEFLATE = 8, PIXEL_IS_AREA = 1;

/** GeoKey IDs (GeoTIFF 1.1). */
const GeoKey = { ModelType: 1024, RasterType: 1025, GeographicType: 2048, ProjectedCSType: 3072, ProjLinearUnits: 3076 } as const;

/** The georeferencing tags: scale and tie point (north-up) or transformation, and the GeoKey directory. */
function geoTags(g: GeoReferencing): TiffTag[] {
  const [x0, sx, rx, y0, ry, sy] = g.transform;
  const placement: TiffTag[] = rx === 0 && ry === 0
    ? [
      { tag: 33550, type: TiffType.DOUBLE, values: [sx, -sy, 0] }, // ModelPixelScale
      { tag: 33922, type: TiffType.DOUBLE, values: [0, 0, 0, x0, y0, 0] }, // ModelTiepoint
    ]
    : [{ tag: 34264, type: TiffType.DOUBLE, values: [sx, rx, 0, x0, ry, sy, 0, y0, 0, 0, 0, 0, 0, 0, 0, 1] }]; // ModelTransformation
  const keys: [number, number][] = [[GeoKey.ModelType, g.geographic ? 2 : 1], [GeoKey.RasterType, PIXEL_IS_AREA]];
  if (g.epsg !== null) keys.push([g.geographic ? GeoKey.GeographicType : GeoKey.ProjectedCSType, g.epsg]);
  if (g.linearUnits !== undefined) keys.push([GeoKey.ProjLinearUnits, g.linearUnits]);
  // Directory version 1.1.0, then (key, location 0 = value inline, count 1, value) per key.
  const directory = [1, 1, 0, keys.length, ...keys.flatMap(([key, value]) => [key, 0, 1, value])];
  return [...placement, { tag: 34735, type: TiffType.SHORT, values: directory }];
}

/**
 * Applies the TIFF floating-point predictor (predictor 3) to one row of little-endian
 * float32 bytes: bytes are regrouped most-significant plane first, then byte-wise
 * horizontally differenced, which makes smooth elevation data compress about twice as well.
 */
function floatPredictRow(src: Uint8Array, srcOffset: number, samples: number, dst: Uint8Array, dstOffset: number): void {
  for (let i = 0; i < samples; i++) {
    const s = srcOffset + 4 * i;
    dst[dstOffset + i] = src[s + 3]!;
    dst[dstOffset + samples + i] = src[s + 2]!;
    dst[dstOffset + 2 * samples + i] = src[s + 1]!;
    dst[dstOffset + 3 * samples + i] = src[s]!;
  }
  for (let k = 4 * samples - 1; k > 0; k--) dst[dstOffset + k] = (dst[dstOffset + k]! - dst[dstOffset + k - 1]!) & 0xff;
}

/** Writes `raster` to `path` as a tiled, DEFLATE-compressed Float32 GeoTIFF. */
export function writeGeoTiff(path: string, raster: GeoTiffRaster, options: GeoTiffWriteOptions = {}): void {
  const { width, height, data, epsg, originX, originY, pixelSize, noData } = raster;
  const tile = options.tileSize ?? 256;
  if (endianness() !== 'LE') throw new Error('writeGeoTiff assumes a little-endian host');
  if (data.length !== width * height) throw new RangeError(`data has ${data.length} samples, expected ${width * height}`);
  if (!(pixelSize > 0)) throw new RangeError('pixel size must be positive');

  const samples = new Float32Array(tile * tile);
  const sampleBytes = new Uint8Array(samples.buffer);
  const predicted = new Uint8Array(samples.byteLength);
  writeTiledTiffFile(path, {
    width, height, tile,
    tags: [
      { tag: 258, type: TiffType.SHORT, values: [32] }, // BitsPerSample
      { tag: 259, type: TiffType.SHORT, values: [DEFLATE] }, // Compression
      { tag: 262, type: TiffType.SHORT, values: [1] }, // PhotometricInterpretation: BlackIsZero
      { tag: 277, type: TiffType.SHORT, values: [1] }, // SamplesPerPixel
      { tag: 284, type: TiffType.SHORT, values: [1] }, // PlanarConfiguration: contiguous
      { tag: 317, type: TiffType.SHORT, values: [3] }, // Predictor: floating point
      { tag: 339, type: TiffType.SHORT, values: [3] }, // SampleFormat: IEEE float
      ...geoTags({ transform: [originX, pixelSize, 0, originY, 0, -pixelSize], epsg, geographic: false, linearUnits: 9001 }),
      { tag: 42113, type: TiffType.ASCII, values: String(noData) }, // GDAL_NODATA
    ],
    encodeTile(tx, ty) {
      samples.fill(noData);
      const x0 = tx * tile, y0 = ty * tile;
      const cols = Math.min(tile, width - x0), rows = Math.min(tile, height - y0);
      for (let r = 0; r < rows; r++) {
        const from = (y0 + r) * width + x0;
        samples.set(data.subarray(from, from + cols), r * tile);
      }
      for (let r = 0; r < tile; r++) floatPredictRow(sampleBytes, 4 * r * tile, tile, predicted, 4 * r * tile);
      return deflateSync(predicted, { level: options.level ?? 6 });
    },
  });
}

/** Encodes an 8-bit RGB or RGBA image as a tiled, DEFLATE-compressed GeoTIFF in memory. */
export function encodeImageGeoTiff(image: GeoTiffImage, georef: GeoReferencing, options: GeoTiffWriteOptions = {}): Uint8Array {
  const { width, height, samples, data } = image;
  const tile = options.tileSize ?? 256;
  if (data.length !== width * height * samples) throw new RangeError(`data has ${data.length} bytes, expected ${width * height * samples}`);
  const buffer = new Uint8Array(tile * tile * samples);
  const rowBytes = width * samples, tileRowBytes = tile * samples;
  return encodeTiledTiff({
    width, height, tile,
    tags: [
      { tag: 258, type: TiffType.SHORT, values: new Array<number>(samples).fill(8) }, // BitsPerSample
      { tag: 259, type: TiffType.SHORT, values: [DEFLATE] }, // Compression
      { tag: 262, type: TiffType.SHORT, values: [2] }, // PhotometricInterpretation: RGB
      { tag: 277, type: TiffType.SHORT, values: [samples] }, // SamplesPerPixel
      { tag: 284, type: TiffType.SHORT, values: [1] }, // PlanarConfiguration: contiguous
      ...(samples === 4 ? [{ tag: 338, type: TiffType.SHORT, values: [2] }] : []), // ExtraSamples: unassociated alpha
      { tag: 339, type: TiffType.SHORT, values: new Array<number>(samples).fill(1) }, // SampleFormat: unsigned integer
      ...geoTags(georef),
    ],
    encodeTile(tx, ty) {
      buffer.fill(0);
      const x0 = tx * tile, y0 = ty * tile;
      const cols = Math.min(tile, width - x0), rows = Math.min(tile, height - y0);
      for (let r = 0; r < rows; r++) {
        const from = (y0 + r) * rowBytes + x0 * samples;
        buffer.set(data.subarray(from, from + cols * samples), r * tileRowBytes);
      }
      return deflateSync(buffer, { level: options.level ?? 6 });
    },
  });
}
