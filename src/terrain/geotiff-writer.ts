/**
 * Writes single-band Float32 GeoTIFFs: classic little-endian TIFF, 256 × 256 tiles, DEFLATE
 * compression with the floating-point predictor (TIFF Technical Note 3), GeoTIFF 1.1 keys for
 * a projected EPSG coordinate reference system, and GDAL's GDAL_NODATA tag.
 *
 * The IFD is written first and the tiles are streamed after it one at a time, so memory use
 * is one tile beyond the caller's raster; tile offsets and byte counts are patched in at the end.
 * @module terrain/geotiff-writer
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { deflateSync } from 'node:zlib';

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

/** Encoding options of {@link writeGeoTiff}. */
export interface GeoTiffWriteOptions {
  /** Tile edge in pixels, a multiple of 16 (default 256). */
  tileSize?: number;
  /** zlib compression level 1–9 (default 6). */
  level?: number;
}

/** TIFF field types used here, with their byte sizes. */
const TiffType = { ASCII: 2, SHORT: 3, LONG: 4, DOUBLE: 12 } as const;
type TiffType = (typeof TiffType)[keyof typeof TiffType];

const TYPE_SIZE: Record<TiffType, number> = { 2: 1, 3: 2, 4: 4, 12: 8 };

interface Tag {
  tag: number;
  type: TiffType;
  values: number[] | string;
}

/** Number of values a tag carries (ASCII strings include their NUL). */
function tagCount(t: Tag): number {
  return typeof t.values === 'string' ? t.values.length + 1 : t.values.length;
}

function writeValues(buf: Buffer, offset: number, t: Tag): void {
  if (typeof t.values === 'string') {
    buf.write(t.values, offset, 'latin1');
    buf.writeUInt8(0, offset + t.values.length);
    return;
  }
  t.values.forEach((v, k) => {
    switch (t.type) {
      case TiffType.SHORT: buf.writeUInt16LE(v, offset + 2 * k); break;
      case TiffType.LONG: buf.writeUInt32LE(v, offset + 4 * k); break;
      case TiffType.DOUBLE: buf.writeDoubleLE(v, offset + 8 * k); break;
      case TiffType.ASCII: break;
    }
  });
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
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError('raster size must be positive integers');
  if (data.length !== width * height) throw new RangeError(`data has ${data.length} samples, expected ${width * height}`);
  if (tile % 16 !== 0 || tile < 16) throw new RangeError('tile size must be a positive multiple of 16');
  if (!(pixelSize > 0)) throw new RangeError('pixel size must be positive');

  const tilesAcross = Math.ceil(width / tile), tilesDown = Math.ceil(height / tile);
  const tileCount = tilesAcross * tilesDown;
  const placeholder = new Array<number>(tileCount).fill(0);
  const tags: Tag[] = [
    { tag: 256, type: TiffType.LONG, values: [width] }, // ImageWidth
    { tag: 257, type: TiffType.LONG, values: [height] }, // ImageLength
    { tag: 258, type: TiffType.SHORT, values: [32] }, // BitsPerSample
    { tag: 259, type: TiffType.SHORT, values: [8] }, // Compression: Deflate (Adobe)
    { tag: 262, type: TiffType.SHORT, values: [1] }, // PhotometricInterpretation: BlackIsZero
    { tag: 277, type: TiffType.SHORT, values: [1] }, // SamplesPerPixel
    { tag: 284, type: TiffType.SHORT, values: [1] }, // PlanarConfiguration: contiguous
    { tag: 317, type: TiffType.SHORT, values: [3] }, // Predictor: floating point
    { tag: 322, type: TiffType.SHORT, values: [tile] }, // TileWidth
    { tag: 323, type: TiffType.SHORT, values: [tile] }, // TileLength
    { tag: 324, type: TiffType.LONG, values: placeholder }, // TileOffsets
    { tag: 325, type: TiffType.LONG, values: placeholder }, // TileByteCounts
    { tag: 339, type: TiffType.SHORT, values: [3] }, // SampleFormat: IEEE float
    { tag: 33550, type: TiffType.DOUBLE, values: [pixelSize, pixelSize, 0] }, // ModelPixelScale
    { tag: 33922, type: TiffType.DOUBLE, values: [0, 0, 0, originX, originY, 0] }, // ModelTiepoint
    {
      tag: 34735, type: TiffType.SHORT, values: [ // GeoKeyDirectory, version 1.1.0
        1, 1, 0, 4,
        1024, 0, 1, 1, // GTModelTypeGeoKey: projected
        1025, 0, 1, 1, // GTRasterTypeGeoKey: PixelIsArea
        3072, 0, 1, epsg, // ProjectedCSTypeGeoKey
        3076, 0, 1, 9001, // ProjLinearUnitsGeoKey: metre
      ],
    },
    { tag: 42113, type: TiffType.ASCII, values: String(noData) }, // GDAL_NODATA
  ];

  // Layout: 8-byte header, IFD, then out-of-line tag values (word aligned), then tiles.
  const ifdOffset = 8;
  const ifdSize = 2 + tags.length * 12 + 4;
  let valueOffset = ifdOffset + ifdSize;
  const valueOffsets = tags.map((t) => {
    const size = tagCount(t) * TYPE_SIZE[t.type];
    if (size <= 4) return -1;
    const at = valueOffset;
    valueOffset += size + (size % 2);
    return at;
  });
  const header = Buffer.alloc(valueOffset);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(ifdOffset, 4);
  header.writeUInt16LE(tags.length, ifdOffset);
  tags.forEach((t, k) => {
    const e = ifdOffset + 2 + 12 * k;
    header.writeUInt16LE(t.tag, e);
    header.writeUInt16LE(t.type, e + 2);
    header.writeUInt32LE(tagCount(t), e + 4);
    const at = valueOffsets[k]!;
    if (at < 0) {
      writeValues(header, e + 8, t);
    } else {
      header.writeUInt32LE(at, e + 8);
      writeValues(header, at, t);
    }
  });
  header.writeUInt32LE(0, ifdOffset + 2 + 12 * tags.length); // no next IFD

  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header, 0, header.length, 0);
    let position = header.length;
    const offsets: number[] = [];
    const counts: number[] = [];
    const samples = new Float32Array(tile * tile);
    const sampleBytes = new Uint8Array(samples.buffer);
    const predicted = new Uint8Array(samples.byteLength);
    for (let ty = 0; ty < tilesDown; ty++) {
      for (let tx = 0; tx < tilesAcross; tx++) {
        samples.fill(noData);
        const x0 = tx * tile, y0 = ty * tile;
        const cols = Math.min(tile, width - x0), rows = Math.min(tile, height - y0);
        for (let r = 0; r < rows; r++) {
          const from = (y0 + r) * width + x0;
          samples.set(data.subarray(from, from + cols), r * tile);
        }
        for (let r = 0; r < tile; r++) floatPredictRow(sampleBytes, 4 * r * tile, tile, predicted, 4 * r * tile);
        const compressed = deflateSync(predicted, { level: options.level ?? 6 });
        if (position + compressed.length > 0xffffffff) throw new RangeError('GeoTIFF exceeds 4 GiB; BigTIFF is not supported');
        writeSync(fd, compressed, 0, compressed.length, position);
        offsets.push(position);
        counts.push(compressed.length);
        position += compressed.length;
      }
    }
    const patch = (tagId: number, values: number[]) => {
      const k = tags.findIndex((t) => t.tag === tagId);
      const t = { ...tags[k]!, values };
      const size = tagCount(t) * 4;
      const buf = Buffer.alloc(size);
      writeValues(buf, 0, t);
      const at = valueOffsets[k]!;
      // A single tile's value sits inside the IFD entry itself.
      writeSync(fd, buf, 0, size, at < 0 ? ifdOffset + 2 + 12 * k + 8 : at);
    };
    patch(324, offsets);
    patch(325, counts);
  } finally {
    closeSync(fd);
  }
}
