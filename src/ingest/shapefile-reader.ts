/**
 * ESRI shapefiles (.shp geometry, .shx index, .dbf attributes, optional .prj CRS text and
 * .cpg code page), read record at a time through chunked file handles so a file of any size
 * streams in constant memory. Every shape type is read: Point, MultiPoint, PolyLine, Polygon
 * and their Z and M variants (M values are dropped; Z kept); Null shapes give null geometry;
 * MultiPatch is refused. Polygon rings are grouped into polygons with holes by
 * `assemblePolygon`. Records are located through the .shx index, as GDAL does, so files with
 * gaps between records read correctly. ESRI Shapefile Technical Description (1998).
 * @module ingest/shapefile-reader
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Geometry, Position } from '../geo/geometry.js';
import { ChunkedFileReader } from './chunked-file-reader.js';
import type { CodePage } from './code-page.js';
import { resolveDbfCodePage } from './code-page.js';
import { decodeDbfRecord, parseDbfHeader, type DbfField } from './dbf-reader.js';
import { IngestError } from './ingest-error.js';
import { assemblePolygon, closeRing } from './polygon-rings.js';
import type { ImportFeature, LayerGeometryType, RawCrs, VectorLayerSource } from './vector-layer.js';

/** The .shp/.shx file code (big-endian at offset 0). */
export const SHAPEFILE_FILE_CODE = 9994;

/** A shapefile opened for reading: the common layer shape plus what the reader found. */
export interface ShapefileLayer extends VectorLayerSource {
  /** The companion files used. */
  files: { shp: string; shx: string; dbf: string; prj: string | null; cpg: string | null };
  /** The shape type of the .shp header (1 Point, 3 PolyLine, 5 Polygon, 8 MultiPoint, +10 Z, +20 M). */
  shapeType: number;
  /** The code page attribute text is decoded with, and what declared it. */
  codePage: { label: string; declaredBy: string };
  featureCount: number;
}

const LAYER_TYPES: Record<number, LayerGeometryType | null> = {
  0: null, 1: 'point', 11: 'point', 21: 'point', 8: 'multipoint', 18: 'multipoint', 28: 'multipoint',
  3: 'line', 13: 'line', 23: 'line', 5: 'polygon', 15: 'polygon', 25: 'polygon',
};

/** Finds `base.ext` beside the .shp, ignoring case (ROADS.SHP + roads.dbf happen). */
async function companion(shpPath: string, ext: string): Promise<string | null> {
  const dir = dirname(shpPath);
  const stem = basename(shpPath, extname(shpPath));
  const exact = join(dir, `${stem}.${ext}`);
  try { if ((await stat(exact)).isFile()) return exact; } catch { /* look further */ }
  const wanted = `${stem}.${ext}`.toLowerCase();
  for (const name of await readdir(dir)) if (name.toLowerCase() === wanted) return join(dir, name);
  return null;
}

/** Reads and checks a .shp or .shx header (100 bytes). */
function checkMainHeader(head: Buffer, path: string): { shapeType: number; declaredLength: number } {
  const code = head.length >= 4 ? head.readInt32BE(0) : -1;
  if (head.length < 100 || code !== SHAPEFILE_FILE_CODE) {
    throw new IngestError(path, `${path} is not a shapefile (${head.length < 100 ? `only ${head.length} bytes` : `file code ${code}, expected ${SHAPEFILE_FILE_CODE}`})`);
  }
  const version = head.readInt32LE(28);
  if (version !== 1000) throw new IngestError(path, `${path} is not a shapefile (version ${version}, expected 1000)`);
  return { shapeType: head.readInt32LE(32), declaredLength: head.readUInt32BE(24) * 2 };
}

/**
 * Opens a shapefile by its .shp path and checks it whole before any feature is read: the
 * .shp and .shx headers, the .shx against the .shp's size (a truncated .shp is reported here,
 * not after half the records), the .dbf header and record count, and the code page.
 */
export async function openShapefile(shpPath: string): Promise<ShapefileLayer> {
  const shp = await ChunkedFileReader.open(shpPath).catch((e: NodeJS.ErrnoException) => {
    throw new IngestError(shpPath, `${shpPath} cannot be read (${e.code ?? e.message})`);
  });
  let shapeType: number;
  let shpSize: number;
  try {
    shpSize = shp.size;
    const head = Buffer.from(await shp.read(0, 100));
    const h = checkMainHeader(head, shpPath);
    shapeType = h.shapeType;
    if (h.declaredLength > shpSize) {
      throw new IngestError(shpPath, `${shpPath} is truncated: its header says ${h.declaredLength} bytes but the file has ${shpSize}`);
    }
  } finally {
    await shp.close();
  }
  if (shapeType === 31) throw new IngestError(shpPath, `${shpPath} holds MultiPatch shapes, which Quadrangle does not import`);
  if (!(shapeType in LAYER_TYPES)) throw new IngestError(shpPath, `${shpPath} has an unknown shape type ${shapeType}`);

  const shxPath = await companion(shpPath, 'shx');
  if (!shxPath) throw new IngestError(shpPath, `${shpPath}: the index file ${basename(shpPath, extname(shpPath))}.shx is missing (a shapefile needs its .shp, .shx and .dbf)`);
  const dbfPath = await companion(shpPath, 'dbf');
  if (!dbfPath) throw new IngestError(shpPath, `${shpPath}: the attribute file ${basename(shpPath, extname(shpPath))}.dbf is missing (a shapefile needs its .shp, .shx and .dbf)`);
  const prjPath = await companion(shpPath, 'prj');
  const cpgPath = await companion(shpPath, 'cpg');

  // The index: its record count, and its last record must lie inside the .shp.
  const shx = await ChunkedFileReader.open(shxPath);
  let recordCount: number;
  try {
    checkMainHeader(Buffer.from(await shx.read(0, 100)), shxPath);
    if ((shx.size - 100) % 8 !== 0) throw new IngestError(shxPath, `${shxPath} is corrupt: ${shx.size - 100} bytes of index is not a whole number of 8-byte entries`);
    recordCount = (shx.size - 100) / 8;
    if (recordCount > 0) {
      const last = await shx.read(100 + (recordCount - 1) * 8, 8);
      const end = last.readUInt32BE(0) * 2 + 8 + last.readUInt32BE(4) * 2;
      if (end > shpSize) throw new IngestError(shpPath, `${shpPath} is truncated: record ${recordCount} ends at byte ${end} but the file has ${shpSize}`);
    }
  } finally {
    await shx.close();
  }

  const cpg = cpgPath ? { path: cpgPath, text: (await readFile(cpgPath)).toString('latin1') } : null;
  const dbf = await ChunkedFileReader.open(dbfPath);
  let fields: DbfField[];
  let codePage: CodePage;
  let dbfLayout: { headerLength: number; recordLength: number };
  try {
    const first = Buffer.from(await dbf.read(0, 32));
    const headerLength = first.length >= 10 ? first.readUInt16LE(8) : 0;
    const head = Buffer.from(await dbf.read(0, Math.max(32, headerLength)));
    const parsed = parseDbfHeader(head, dbf.size, dbfPath, (ldid) => resolveDbfCodePage(cpg, ldid, dbfPath));
    fields = parsed.header.fields;
    codePage = parsed.codePage;
    dbfLayout = parsed.header;
    if (parsed.header.recordCount !== recordCount) {
      throw new IngestError(dbfPath, `${dbfPath} has ${parsed.header.recordCount} records but ${shxPath} indexes ${recordCount} shapes: the files do not belong together or one is damaged`);
    }
  } finally {
    await dbf.close();
  }

  const prjText = prjPath ? (await readFile(prjPath, 'utf8')).replace(/^\uFEFF/, '').trim() : '';
  const crs: RawCrs = prjText ? { wkt: prjText, source: prjPath! } : null;
  const hasZ = [11, 13, 15, 18].includes(shapeType);
  const files = { shp: shpPath, shx: shxPath, dbf: dbfPath, prj: prjPath, cpg: cpgPath };

  return {
    name: basename(shpPath, extname(shpPath)),
    file: shpPath,
    geometryType: LAYER_TYPES[shapeType]!,
    hasZ,
    fields: fields.map(({ name, type, width, decimals }) => ({ name, type, width, ...(decimals !== undefined ? { decimals } : {}) })),
    crs,
    featureCount: recordCount,
    files,
    shapeType,
    codePage: { label: codePage.label, declaredBy: codePage.declaredBy },
    features: () => readFeatures(files, recordCount, fields, codePage, dbfLayout),
  };
}

async function* readFeatures(
  files: ShapefileLayer['files'], count: number, fields: DbfField[], codePage: CodePage, dbfLayout: { headerLength: number; recordLength: number },
): AsyncGenerator<ImportFeature> {
  const shx = await ChunkedFileReader.open(files.shx, 1 << 16);
  const shp = await ChunkedFileReader.open(files.shp);
  const dbf = await ChunkedFileReader.open(files.dbf);
  try {
    for (let i = 0; i < count; i++) {
      const entry = await shx.read(100 + i * 8, 8);
      if (entry.length < 8) throw new IngestError(files.shx, `${files.shx} is truncated at record ${i + 1}`);
      const offset = entry.readUInt32BE(0) * 2;
      const recordHead = await shp.read(offset, 8);
      if (recordHead.length < 8) throw new IngestError(files.shp, `${files.shp} is truncated: record ${i + 1} starts past the end of the file`);
      const length = recordHead.readUInt32BE(4) * 2;
      const content = await shp.read(offset + 8, length);
      if (content.length < length) throw new IngestError(files.shp, `${files.shp} is truncated: record ${i + 1} needs ${length} bytes at byte ${offset + 8} but the file has ${shp.size}`);
      const geometry = parseShape(content, files.shp, i + 1);
      const row = await dbf.read(dbfLayout.headerLength + i * dbfLayout.recordLength, dbfLayout.recordLength);
      if (row.length < dbfLayout.recordLength) throw new IngestError(files.dbf, `${files.dbf} is truncated at record ${i + 1}`);
      yield { geometry, attributes: decodeDbfRecord(row, fields, codePage) };
    }
  } finally {
    await Promise.all([shx.close(), shp.close(), dbf.close()]);
  }
}

/** Decodes one record's content (from its shape type on). Exported for tests. */
export function parseShape(b: Buffer, file: string, recordNo: number): Geometry | null {
  const corrupt = (why: string) => new IngestError(file, `${file}: record ${recordNo} is corrupt (${why})`);
  if (b.length < 4) throw corrupt('no shape type');
  const type = b.readInt32LE(0);
  const withZ = type === 11 || type === 13 || type === 15 || type === 18;
  switch (type) {
    case 0: return null;
    case 1: case 11: case 21: {
      if (b.length < (withZ ? 28 : 20)) throw corrupt(`${b.length} bytes for a point`);
      const p = withZ ? [b.readDoubleLE(4), b.readDoubleLE(12), b.readDoubleLE(20)] : [b.readDoubleLE(4), b.readDoubleLE(12)];
      return Number.isNaN(p[0]) ? null : { type: 'Point', coordinates: p };
    }
    case 8: case 18: case 28: {
      if (b.length < 40) throw corrupt('multipoint header');
      const n = b.readInt32LE(36);
      if (n < 0 || 40 + n * 16 + (withZ ? 16 + n * 8 : 0) > b.length) throw corrupt(`${n} points do not fit in ${b.length} bytes`);
      if (n === 0) return null;
      return { type: 'MultiPoint', coordinates: readPoints(b, 40, n, withZ ? 40 + n * 16 + 16 : -1) };
    }
    case 3: case 13: case 23: case 5: case 15: case 25: {
      if (b.length < 44) throw corrupt('part header');
      const numParts = b.readInt32LE(36);
      const numPoints = b.readInt32LE(40);
      const pointsAt = 44 + 4 * numParts;
      if (numParts < 0 || numPoints < 0 || pointsAt + numPoints * 16 + (withZ ? 16 + numPoints * 8 : 0) > b.length) {
        throw corrupt(`${numParts} parts and ${numPoints} points do not fit in ${b.length} bytes`);
      }
      if (numParts === 0 || numPoints === 0) return null;
      const all = readPoints(b, pointsAt, numPoints, withZ ? pointsAt + numPoints * 16 + 16 : -1);
      const parts: Position[][] = [];
      for (let k = 0; k < numParts; k++) {
        const start = b.readInt32LE(44 + 4 * k);
        const end = k + 1 < numParts ? b.readInt32LE(44 + 4 * (k + 1)) : numPoints;
        if (start < 0 || end > numPoints || start > end) throw corrupt(`part ${k + 1} runs from point ${start} to ${end} of ${numPoints}`);
        if (end > start) parts.push(all.slice(start, end));
      }
      if (parts.length === 0) return null;
      if (type === 3 || type === 13 || type === 23) {
        return parts.length === 1 ? { type: 'LineString', coordinates: parts[0]! } : { type: 'MultiLineString', coordinates: parts };
      }
      return assemblePolygon(parts.map(closeRing));
    }
    case 31: throw corrupt('MultiPatch shapes are not imported');
    default: throw corrupt(`unknown shape type ${type}`);
  }
}

/** `n` XY points at `at`, with Z values from `zAt` when it is not -1. */
function readPoints(b: Buffer, at: number, n: number, zAt: number): Position[] {
  const out: Position[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = at + i * 16;
    out[i] = zAt < 0 ? [b.readDoubleLE(o), b.readDoubleLE(o + 8)] : [b.readDoubleLE(o), b.readDoubleLE(o + 8), b.readDoubleLE(zAt + i * 8)];
  }
  return out;
}
