/**
 * The structure of a tiled, classic little-endian TIFF, whatever its samples: header, one IFD
 * with its out-of-line values, then the tiles, whose offsets and byte counts are patched into
 * the IFD once they are written. The GeoTIFF writers (geotiff-writer.ts) supply the tags that
 * describe samples and georeferencing and one encoded tile at a time, so only one tile is held
 * in memory beyond the caller's raster.
 * @module terrain/tiff-file
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** TIFF field types used here. */
export const TiffType = { ASCII: 2, SHORT: 3, LONG: 4, DOUBLE: 12 } as const;
/** A TIFF field type code. */
export type TiffType = (typeof TiffType)[keyof typeof TiffType];

const TYPE_SIZE: Record<TiffType, number> = { 2: 1, 3: 2, 4: 4, 12: 8 };

/** One IFD entry: numbers, or a string for ASCII. */
export interface TiffTag {
  tag: number;
  type: TiffType;
  values: number[] | string;
}

/** Where the file's bytes go: each write lands at an absolute position. */
export interface TiffSink {
  write(data: Uint8Array, position: number): void;
}

/** A tiled image: its size, descriptive tags, and an encoder of each tile's stored bytes. */
export interface TiledImage {
  width: number;
  height: number;
  /** Tile edge in px, a multiple of 16. */
  tile: number;
  /** Every tag but the size, tile layout, offsets and byte counts, which are added here. */
  tags: TiffTag[];
  /** The compressed bytes of tile (tx, ty), edge tiles padded to the full tile size. */
  encodeTile(tx: number, ty: number): Uint8Array;
}

const TILE_OFFSETS = 324, TILE_BYTE_COUNTS = 325;

/** Number of values a tag carries (ASCII strings include their NUL). */
function tagCount(t: TiffTag): number {
  return typeof t.values === 'string' ? t.values.length + 1 : t.values.length;
}

const WRITERS: Record<Exclude<TiffType, 2>, (buf: Buffer, v: number, at: number) => void> = {
  [TiffType.SHORT]: (buf, v, at) => buf.writeUInt16LE(v, at),
  [TiffType.LONG]: (buf, v, at) => buf.writeUInt32LE(v, at),
  [TiffType.DOUBLE]: (buf, v, at) => buf.writeDoubleLE(v, at),
};

function writeValues(buf: Buffer, offset: number, t: TiffTag): void {
  if (typeof t.values === 'string') {
    buf.write(t.values, offset, 'latin1');
    buf.writeUInt8(0, offset + t.values.length);
    return;
  }
  const write = WRITERS[t.type as Exclude<TiffType, 2>];
  t.values.forEach((v, k) => write(buf, v, offset + TYPE_SIZE[t.type] * k));
}

/** Writes `image` as a tiled TIFF to `sink`. */
export function writeTiledTiff(sink: TiffSink, image: TiledImage): void {
  const { width, height, tile } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError('raster size must be positive integers');
  if (tile % 16 !== 0 || tile < 16) throw new RangeError('tile size must be a positive multiple of 16');
  const tilesAcross = Math.ceil(width / tile), tilesDown = Math.ceil(height / tile);
  const placeholder = new Array<number>(tilesAcross * tilesDown).fill(0);
  // TIFF readers expect the entries in ascending tag order.
  const tags: TiffTag[] = [
    { tag: 256, type: TiffType.LONG, values: [width] }, // ImageWidth
    { tag: 257, type: TiffType.LONG, values: [height] }, // ImageLength
    { tag: 322, type: TiffType.SHORT, values: [tile] }, // TileWidth
    { tag: 323, type: TiffType.SHORT, values: [tile] }, // TileLength
    { tag: TILE_OFFSETS, type: TiffType.LONG, values: placeholder },
    { tag: TILE_BYTE_COUNTS, type: TiffType.LONG, values: placeholder },
    ...image.tags,
  ].sort((a, b) => a.tag - b.tag);

  // Layout: 8-byte header, IFD, then out-of-line tag values (word aligned), then tiles.
  const ifdOffset = 8;
  const entryAt = (k: number) => ifdOffset + 2 + 12 * k;
  let valueOffset = entryAt(tags.length) + 4;
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
    const e = entryAt(k);
    header.writeUInt16LE(t.tag, e);
    header.writeUInt16LE(t.type, e + 2);
    header.writeUInt32LE(tagCount(t), e + 4);
    const at = valueOffsets[k]!;
    if (at < 0) writeValues(header, e + 8, t);
    else {
      header.writeUInt32LE(at, e + 8);
      writeValues(header, at, t);
    }
  });
  header.writeUInt32LE(0, entryAt(tags.length)); // no next IFD
  sink.write(header, 0);

  let position = header.length;
  const offsets: number[] = [], counts: number[] = [];
  for (let ty = 0; ty < tilesDown; ty++) {
    for (let tx = 0; tx < tilesAcross; tx++) {
      const bytes = image.encodeTile(tx, ty);
      if (position + bytes.length > 0xffffffff) throw new RangeError('TIFF exceeds 4 GiB; BigTIFF is not supported');
      sink.write(bytes, position);
      offsets.push(position);
      counts.push(bytes.length);
      position += bytes.length;
    }
  }
  const patch = (tagId: number, values: number[]) => {
    const k = tags.findIndex((t) => t.tag === tagId);
    const t = { ...tags[k]!, values };
    const buf = Buffer.alloc(tagCount(t) * 4);
    writeValues(buf, 0, t);
    const at = valueOffsets[k]!;
    // A single tile's value sits inside the IFD entry itself.
    sink.write(buf, at < 0 ? entryAt(k) + 8 : at);
  };
  patch(TILE_OFFSETS, offsets);
  patch(TILE_BYTE_COUNTS, counts);
}

/** Writes a tiled TIFF straight to a file, so large rasters never sit in memory as a whole file. */
export function writeTiledTiffFile(path: string, image: TiledImage): void {
  const fd = openSync(path, 'w');
  try {
    writeTiledTiff({ write: (data, position) => { writeSync(fd, data, 0, data.length, position); } }, image);
  } finally {
    closeSync(fd);
  }
}

/** Encodes a tiled TIFF into memory, for answers sent over HTTP. */
export function encodeTiledTiff(image: TiledImage): Uint8Array {
  const parts: Uint8Array[] = [];
  const patches: [Uint8Array, number][] = [];
  let size = 0;
  writeTiledTiff({
    write(data, position) {
      // Appends grow the file; the offset patches land inside the header written first.
      if (position === size) { parts.push(data); size += data.length; } else patches.push([data, position]);
    },
  }, image);
  const out = Buffer.concat(parts);
  for (const [data, position] of patches) out.set(data, position);
  return out;
}
