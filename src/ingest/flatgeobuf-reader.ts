/**
 * FlatGeobuf files, read with the `flatgeobuf` package's FlatBuffers schema classes (header,
 * feature, geometry, property decoding) over a chunked file handle: the header gives the
 * columns, geometry type, Z flag and CRS (organisation/code/WKT); the packed R-tree index is
 * skipped, not loaded; features are read one at a time.
 *
 * A file of geometry type Unknown (GDAL writes it for mixed layers) or GeometryCollection is
 * scanned first and split by geometry family like GeoJSON (layer-split.ts).
 * Column types: Byte/UByte/Short → small integer; UShort/Int → integer; UInt, Long and
 * ULong → double (they can exceed Esri's 32-bit Integer); Float → single; Double → double;
 * String and Json → text; DateTime → date-time; Bool → boolean. Binary columns are left out
 * (a GeoPackage served as a map layer has no use for them).
 * @module ingest/flatgeobuf-reader
 */
import { basename, extname } from 'node:path';
import { ByteBuffer } from 'flatbuffers';
import { parseProperties } from 'flatgeobuf/lib/mjs/generic/feature.js';
import { ColumnType } from 'flatgeobuf/lib/mjs/flat-geobuf/column-type.js';
import { Feature } from 'flatgeobuf/lib/mjs/flat-geobuf/feature.js';
import type { Geometry as FgbGeometry } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry.js';
import { GeometryType } from 'flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js';
import { Header } from 'flatgeobuf/lib/mjs/flat-geobuf/header.js';
import { fromByteBuffer, type HeaderMeta } from 'flatgeobuf/lib/mjs/header-meta.js';
import { calcTreeSize } from 'flatgeobuf/lib/mjs/packedrtree.js';
import type { Geometry, Position } from '../geo/geometry.js';
import { ChunkedFileReader } from './chunked-file-reader.js';
import { IngestError } from './ingest-error.js';
import { splitByFamily, type Bucket, type BucketStats } from './layer-split.js';
import type { AttributeValue, ImportFeature, ImportField, ImportFieldType, LayerGeometryType, RawCrs, VectorLayerSource } from './vector-layer.js';
import { firstPositionDims, geometryFamily } from './vector-layer.js';

/** Whether the bytes start with FlatGeobuf's magic ("fgb", major version 3, "fgb"). */
export function isFlatGeobufMagic(b: Uint8Array): boolean {
  return b.length >= 7 && b[0] === 0x66 && b[1] === 0x67 && b[2] === 0x62 && b[3] === 0x03 && b[4] === 0x66 && b[5] === 0x67 && b[6] === 0x62;
}

const COLUMN_TYPES: Partial<Record<ColumnType, ImportFieldType>> = {
  [ColumnType.Byte]: 'smallInteger', [ColumnType.UByte]: 'smallInteger', [ColumnType.Short]: 'smallInteger',
  [ColumnType.UShort]: 'integer', [ColumnType.Int]: 'integer', [ColumnType.UInt]: 'double',
  [ColumnType.Long]: 'double', [ColumnType.ULong]: 'double', [ColumnType.Float]: 'single', [ColumnType.Double]: 'double',
  [ColumnType.String]: 'string', [ColumnType.Json]: 'string', [ColumnType.DateTime]: 'dateTime', [ColumnType.Bool]: 'boolean',
};

const LAYER_TYPES: Partial<Record<GeometryType, LayerGeometryType>> = {
  [GeometryType.Point]: 'point', [GeometryType.MultiPoint]: 'multipoint',
  [GeometryType.LineString]: 'line', [GeometryType.MultiLineString]: 'line',
  [GeometryType.Polygon]: 'polygon', [GeometryType.MultiPolygon]: 'polygon',
};

interface FgbFile {
  path: string;
  meta: HeaderMeta;
  hasZ: boolean;
  /** Byte offset of the first feature. */
  featuresAt: number;
}

async function readHeader(path: string): Promise<FgbFile> {
  const reader = await ChunkedFileReader.open(path).catch((e: NodeJS.ErrnoException) => {
    throw new IngestError(path, `${path} cannot be read (${e.code ?? e.message})`);
  });
  try {
    const start = Buffer.from(await reader.read(0, 12));
    if (!isFlatGeobufMagic(start)) throw new IngestError(path, `${path} is not a FlatGeobuf file (no fgb version 3 signature)`);
    const headerSize = start.length >= 12 ? start.readUInt32LE(8) : 0;
    if (headerSize < 4 || 12 + headerSize > reader.size) throw new IngestError(path, `${path} is truncated: its header needs ${headerSize} bytes after byte 12 but the file has ${reader.size}`);
    const bytes = new Uint8Array(await reader.read(8, 4 + headerSize));
    let meta: HeaderMeta;
    let hasZ: boolean;
    try {
      const bb = new ByteBuffer(bytes);
      meta = fromByteBuffer(bb);
      hasZ = Header.getSizePrefixedRootAsHeader(new ByteBuffer(bytes)).hasZ();
    } catch (e) {
      throw new IngestError(path, `${path} has a corrupt FlatGeobuf header (${(e as Error).message})`);
    }
    const index = meta.indexNodeSize > 0 && meta.featuresCount > 0 ? calcTreeSize(meta.featuresCount, meta.indexNodeSize) : 0;
    const featuresAt = 12 + headerSize + index;
    if (featuresAt > reader.size) throw new IngestError(path, `${path} is truncated: its spatial index ends at byte ${featuresAt} but the file has ${reader.size}`);
    return { path, meta, hasZ, featuresAt };
  } finally {
    await reader.close();
  }
}

function crsOf(meta: HeaderMeta, path: string): RawCrs {
  const c = meta.crs;
  if (!c) return null;
  const source = `CRS of ${path}`;
  const org = c.org?.trim().toUpperCase() ?? 'EPSG'; // FlatGeobuf: a missing organisation means EPSG
  const wkt = c.wkt?.trim() || undefined;
  if (org === 'EPSG' && c.code > 0) return { epsg: c.code, ...(wkt ? { wkt } : {}), source };
  if (wkt) return { wkt, source };
  if (c.code_string) return { identifier: `${c.org ?? 'EPSG'}:${c.code_string}`, source };
  if (c.code > 0) return { identifier: `${c.org}:${c.code}`, source };
  return null;
}

/** Raw features: the parsed FlatBuffers feature of each record, in file order. */
async function* rawFeatures(file: FgbFile): AsyncGenerator<Feature> {
  const reader = await ChunkedFileReader.open(file.path);
  try {
    let offset = file.featuresAt;
    for (let n = 1; offset < reader.size; n++) {
      const sizeBytes = await reader.read(offset, 4);
      if (sizeBytes.length < 4) throw new IngestError(file.path, `${file.path} is truncated at feature ${n}`);
      const size = sizeBytes.readUInt32LE(0);
      const bytes = await reader.read(offset + 4, size);
      if (bytes.length < size) throw new IngestError(file.path, `${file.path} is truncated: feature ${n} needs ${size} bytes at byte ${offset + 4} but the file has ${reader.size}`);
      yield Feature.getRootAsFeature(new ByteBuffer(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)));
      offset += 4 + size;
    }
  } finally {
    await reader.close();
  }
}

/** Converts a FlatGeobuf geometry (of `type`, or its own type when the header says Unknown). */
export function fgbGeometry(g: FgbGeometry | null, headerType: GeometryType, path: string, n: number): Geometry | null {
  if (!g) return null;
  const type = headerType === GeometryType.Unknown ? g.type() : headerType;
  const xy = g.xyArray();
  const z = g.zArray();
  const positions = (from: number, to: number): Position[] => {
    const out: Position[] = new Array(to - from);
    for (let i = from; i < to; i++) out[i - from] = z ? [xy![2 * i]!, xy![2 * i + 1]!, z[i]!] : [xy![2 * i]!, xy![2 * i + 1]!];
    return out;
  };
  const parts = (): Position[][] => {
    const count = xy ? xy.length / 2 : 0;
    const ends = g.endsArray();
    if (!ends || ends.length === 0) return count ? [positions(0, count)] : [];
    const out: Position[][] = [];
    let start = 0;
    for (const end of ends) { if (end > start) out.push(positions(start, Math.min(end, count))); start = end; }
    return out;
  };
  switch (type) {
    case GeometryType.Point: return xy && xy.length >= 2 && !Number.isNaN(xy[0]) ? { type: 'Point', coordinates: positions(0, 1)[0]! } : null;
    case GeometryType.MultiPoint: return xy && xy.length ? { type: 'MultiPoint', coordinates: positions(0, xy.length / 2) } : null;
    case GeometryType.LineString: return xy && xy.length ? { type: 'LineString', coordinates: positions(0, xy.length / 2) } : null;
    case GeometryType.MultiLineString: { const p = parts(); return p.length ? { type: 'MultiLineString', coordinates: p } : null; }
    case GeometryType.Polygon: { const p = parts(); return p.length ? { type: 'Polygon', coordinates: p } : null; }
    case GeometryType.MultiPolygon: {
      const polys: Position[][][] = [];
      for (let i = 0; i < g.partsLength(); i++) {
        const p = fgbGeometry(g.parts(i), GeometryType.Polygon, path, n);
        if (p) polys.push((p as { coordinates: Position[][] }).coordinates);
      }
      return polys.length ? { type: 'MultiPolygon', coordinates: polys } : null;
    }
    case GeometryType.GeometryCollection: {
      const members: Geometry[] = [];
      for (let i = 0; i < g.partsLength(); i++) {
        const part = g.parts(i);
        const m = part ? fgbGeometry(part, part.type(), path, n) : null;
        if (m) members.push(m);
      }
      if (members.length === 0) return null;
      const families = new Set(members.map((m) => geometryFamily(m.type)));
      if (families.size > 1) throw new IngestError(path, `${path}: feature ${n} is a GeometryCollection mixing ${[...families].join(', ')} geometries, which no single layer can hold`);
      return members.length === 1 ? members[0]! : mergeFamily(members);
    }
    default:
      throw new IngestError(path, `${path}: feature ${n} has a ${GeometryType[type] ?? type} geometry, which Quadrangle does not import`);
  }
}

function mergeFamily(members: Geometry[]): Geometry {
  const flat = <T>(single: string, ms: Geometry[]) => ms.flatMap((m) => (m.type === single ? [m.coordinates as T] : (m.coordinates as T[])));
  switch (geometryFamily(members[0]!.type)) {
    case 'point': return { type: 'MultiPoint', coordinates: flat<Position>('Point', members) };
    case 'line': return { type: 'MultiLineString', coordinates: flat<Position[]>('LineString', members) };
    case 'polygon': return { type: 'MultiPolygon', coordinates: flat<Position[][]>('Polygon', members) };
  }
}

/** Opens a FlatGeobuf file: one layer, or one per geometry family for a mixed (Unknown) file. */
export async function openFlatGeobuf(path: string): Promise<VectorLayerSource[]> {
  const file = await readHeader(path);
  const { meta } = file;
  const columns = (meta.columns ?? []).filter((c) => COLUMN_TYPES[c.type] !== undefined);
  const fields: ImportField[] = columns.map((c) => {
    const type = COLUMN_TYPES[c.type]!;
    return type === 'string' && c.width > 0 ? { name: c.name, type, width: c.width } : { name: c.name, type };
  });
  const crs = crsOf(meta, path);
  const name = basename(path, extname(path));
  const base = { file: path, fields, crs };
  const layerType = LAYER_TYPES[meta.geometryType];
  if (layerType) {
    return [{ ...base, name, geometryType: layerType, hasZ: file.hasZ, featureCount: meta.featuresCount, features: () => layerFeatures(file, fields, null) }];
  }
  if (meta.geometryType !== GeometryType.Unknown && meta.geometryType !== GeometryType.GeometryCollection) {
    throw new IngestError(path, `${path} holds ${GeometryType[meta.geometryType] ?? meta.geometryType} geometries, which Quadrangle does not import`);
  }
  // Mixed geometry: scan to learn which families are present.
  const buckets = new Map<Bucket, BucketStats>();
  let n = 0;
  for await (const f of rawFeatures(file)) {
    const g = fgbGeometry(f.geometry(), meta.geometryType, path, ++n);
    const bucket: Bucket = g ? geometryFamily(g.type) : 'none';
    let s = buckets.get(bucket);
    if (!s) { s = { count: 0, hasZ: false, multiPoint: false }; buckets.set(bucket, s); }
    s.count++;
    if (g && firstPositionDims(g) > 2) s.hasZ = true;
    if (g?.type === 'MultiPoint') s.multiPoint = true;
  }
  return splitByFamily(name, buckets).map((grp) => ({
    ...base, name: grp.name, geometryType: grp.geometryType, hasZ: grp.hasZ, featureCount: grp.count,
    features: () => layerFeatures(file, fields, grp.buckets),
  }));
}

async function* layerFeatures(file: FgbFile, fields: ImportField[], buckets: Set<Bucket> | null): AsyncGenerator<ImportFeature> {
  const columns = file.meta.columns ?? [];
  let n = 0;
  for await (const f of rawFeatures(file)) {
    const geometry = fgbGeometry(f.geometry(), file.meta.geometryType, file.path, ++n);
    if (buckets && !buckets.has(geometry ? geometryFamily(geometry.type) : 'none')) continue;
    let props: Record<string, unknown>;
    try {
      props = parseProperties(f, columns) as Record<string, unknown>;
    } catch (e) {
      throw new IngestError(file.path, `${file.path}: feature ${n} has corrupt attributes (${(e as Error).message})`);
    }
    const attributes: Record<string, AttributeValue> = {};
    for (const field of fields) attributes[field.name] = fgbValue(props[field.name], field.type);
    yield { geometry, attributes };
  }
}

function fgbValue(v: unknown, type: ImportFieldType): AttributeValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string': return typeof v === 'string' ? v : JSON.stringify(v);
    case 'dateTime': {
      if (typeof v !== 'string') return null;
      const s = v.trim();
      const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(s) ? s : `${s}Z`);
      return Number.isNaN(ms) ? null : ms;
    }
    case 'boolean': return Boolean(v);
    default: return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
  }
}
