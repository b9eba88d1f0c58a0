/**
 * GeoJSON files — a FeatureCollection, a single Feature or a bare geometry — streamed with
 * stream-json's tokenizer: only the current feature is ever assembled in memory, so a
 * collection of any size reads in constant memory.
 *
 * Two kinds of pass: `openGeoJson` scans the whole file once to infer each layer's schema
 * (see field-inference.ts: a column's type is fixed when the table is created, so every
 * value must be seen first), its geometry types, Z, and the legacy `crs` member, which may
 * come after the features; each layer's `features()` then streams the file again.
 *
 * CRS: RFC 7946 GeoJSON is WGS 84 (EPSG:4326, longitude first). The 2008 format's `crs`
 * member is honoured when present: `urn:ogc:def:crs:EPSG::27700`, `EPSG:27700`, the OGC URL
 * form, and `urn:ogc:def:crs:OGC:1.3:CRS84` (EPSG:4326 in longitude/latitude order, which is
 * also how `urn:ogc:def:crs:EPSG::4326` files are written in practice, as GDAL reads them).
 *
 * Mixed geometry types: single and multi parts of one family share a layer (the table is
 * multi and single parts are promoted on import); a file mixing families is split into
 * `<name>_points`, `<name>_lines` and `<name>_polygons`, as publishing tools do, with any
 * features without geometry in `<name>_nogeometry`. A GeometryCollection whose members are
 * of one family joins that family as a multi geometry; one mixing families is refused.
 * @module ingest/geojson-reader
 */
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { none } from 'stream-chain/defs.js';
import Assembler from 'stream-json/assembler.js';
import { jsonParser, type Token } from 'stream-json/parser.js';
import type { Geometry, Position } from '../geo/geometry.js';
import { mapPositions } from '../geo/geometry.js';
import { convertValue, FieldInference } from './field-inference.js';
import { IngestError } from './ingest-error.js';
import { splitByFamily, type Bucket, type BucketStats } from './layer-split.js';
import { closeRing } from './polygon-rings.js';
import type { ImportFeature, RawCrs, VectorLayerSource } from './vector-layer.js';
import { firstPositionDims, geometryFamily } from './vector-layer.js';

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

/** Assembles the top-level members and each element of `features` from the token stream. */
class DocumentWalker {
  /** Items ready to hand out: features, or (at the end) the document itself. */
  out: unknown[] = [];
  sawFeatures = false;
  private depth = 0;
  private key: string | null = null;
  private asm: Assembler | null = null;
  private assemblingFeature = false;

  constructor(private readonly top: Record<string, unknown>, private readonly path: string) {}

  push(t: Token): void {
    if (this.asm) {
      this.asm.consume(t);
      if (this.asm.done) this.finish(this.asm.current);
      return;
    }
    switch (this.depth) {
      case 0:
        if (t.name !== 'startObject') throw new IngestError(this.path, `${this.path} is not GeoJSON: the document is not a JSON object`);
        this.depth = 1;
        return;
      case 1:
        if (t.name === 'keyValue') { this.key = t.value; return; }
        if (t.name === 'endObject') { this.depth = 3; return; }
        if (this.key === 'features' && t.name === 'startArray') { this.depth = 2; this.sawFeatures = true; return; }
        this.start(t, false);
        return;
      case 2:
        if (t.name === 'endArray') { this.depth = 1; return; }
        this.start(t, true);
        return;
    }
  }

  private start(t: Token, feature: boolean): void {
    this.assemblingFeature = feature;
    const asm = new Assembler();
    asm.consume(t);
    if (asm.done) this.finish(asm.current);
    else this.asm = asm;
  }

  private finish(value: unknown): void {
    this.asm = null;
    if (this.assemblingFeature) this.out.push(value);
    else this.top[this.key!] = value;
  }
}

/**
 * Streams the feature objects of a GeoJSON file (each element of `features`, or the document
 * itself when it is a Feature or a geometry). `top` receives the document's other members
 * (`type`, `crs`…) as they are read; it is complete once the generator has finished.
 */
async function* geoJsonItems(path: string, top: Record<string, unknown>): AsyncGenerator<unknown> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const parse = jsonParser({ packValues: true, streamValues: false });
  const walker = new DocumentWalker(top, path);
  const feed = (tokens: ReturnType<typeof parse>) => {
    if (tokens !== none) for (const t of (tokens as { values: Token[] }).values) walker.push(t);
  };
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      try {
        feed(parse(first ? chunk.replace(/^\uFEFF/, '') : chunk));
      } catch (e) {
        throw asIngestError(e, path);
      }
      first = false;
      if (walker.out.length) {
        const ready = walker.out;
        walker.out = [];
        yield* ready;
      }
    }
    try { feed(parse(none as never)); } catch (e) { throw asIngestError(e, path); }
    yield* walker.out;
    if (!walker.sawFeatures) {
      const type = top.type;
      if (type === 'Feature' || (typeof type === 'string' && GEOMETRY_TYPES.has(type))) yield top;
      else if (type !== 'FeatureCollection') throw new IngestError(path, `${path} is not GeoJSON: no FeatureCollection, Feature or geometry at the top level`);
    }
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(path, `${path} cannot be read (${(e as Error).message})`);
  } finally {
    stream.destroy();
  }
}

function asIngestError(e: unknown, path: string): Error {
  return e instanceof IngestError ? e : new IngestError(path, `${path} is not valid JSON (${(e as Error).message})`);
}

/** A feature object as read: its raw geometry and properties (with a Feature `id` as property `id`). */
function featureParts(item: unknown, index: number, path: string): { geometry: unknown; properties: Record<string, unknown> } {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new IngestError(path, `${path}: features[${index}] is not an object`);
  const o = item as Record<string, unknown>;
  if (typeof o.type === 'string' && GEOMETRY_TYPES.has(o.type)) return { geometry: o, properties: {} };
  if (o.type !== undefined && o.type !== 'Feature') throw new IngestError(path, `${path}: features[${index}] is a ${String(o.type).slice(0, 40)}, not a Feature`);
  const props = o.properties;
  let properties = typeof props === 'object' && props !== null && !Array.isArray(props) ? (props as Record<string, unknown>) : {};
  if (o.id !== undefined && o.id !== null && !('id' in properties)) properties = { id: o.id, ...properties };
  return { geometry: o.geometry, properties };
}

/** Validates and converts a GeoJSON geometry; `null` for a missing or empty one. */
export function toGeometry(raw: unknown, path: string, index: number): Geometry | null {
  if (raw === null || raw === undefined) return null;
  const bad = (why: string) => new IngestError(path, `${path}: feature ${index}: ${why}`);
  if (typeof raw !== 'object' || Array.isArray(raw)) throw bad('the geometry is not an object');
  const g = raw as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  const position = (p: unknown): Position => {
    if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') throw bad('a position is not an array of numbers');
    return typeof p[2] === 'number' ? [p[0], p[1], p[2]] : [p[0], p[1]];
  };
  const list = <T>(v: unknown, each: (x: unknown) => T): T[] => {
    if (!Array.isArray(v)) throw bad(`${String(g.type)} coordinates are not nested arrays`);
    return v.map(each);
  };
  const line = (v: unknown) => list(v, position);
  const parts = (v: unknown) => list(v, line).filter((r) => r.length > 0);
  const rings = (v: unknown) => parts(v).map(closeRing); // writers that forget to close rings exist
  switch (g.type) {
    case 'Point': {
      if (Array.isArray(g.coordinates) && g.coordinates.length === 0) return null;
      return { type: 'Point', coordinates: position(g.coordinates) };
    }
    case 'MultiPoint': { const c = line(g.coordinates); return c.length ? { type: 'MultiPoint', coordinates: c } : null; }
    case 'LineString': { const c = line(g.coordinates); return c.length ? { type: 'LineString', coordinates: c } : null; }
    case 'MultiLineString': { const c = parts(g.coordinates); return c.length ? { type: 'MultiLineString', coordinates: c } : null; }
    case 'Polygon': { const c = rings(g.coordinates); return c.length ? { type: 'Polygon', coordinates: c } : null; }
    case 'MultiPolygon': {
      const c = list(g.coordinates, rings).filter((p) => p.length > 0);
      return c.length ? { type: 'MultiPolygon', coordinates: c } : null;
    }
    case 'GeometryCollection': {
      const members = list(g.geometries, (m) => toGeometry(m, path, index)).filter((m): m is Geometry => m !== null);
      if (members.length === 0) return null;
      const families = new Set(members.map((m) => geometryFamily(m.type)));
      if (families.size > 1) throw bad(`a GeometryCollection mixes ${[...families].join(', ')} geometries, which no single layer can hold`);
      return mergeMembers(members);
    }
    default:
      throw bad(`unknown geometry type '${String(g.type).slice(0, 40)}'`);
  }
}

/** Members of one family as one multi geometry. */
function mergeMembers(members: Geometry[]): Geometry {
  const family = geometryFamily(members[0]!.type);
  if (members.length === 1) return members[0]!;
  if (family === 'point') return { type: 'MultiPoint', coordinates: members.flatMap((m) => (m.type === 'Point' ? [m.coordinates] : (m as { coordinates: Position[] }).coordinates)) };
  if (family === 'line') return { type: 'MultiLineString', coordinates: members.flatMap((m) => (m.type === 'LineString' ? [m.coordinates] : (m as { coordinates: Position[][] }).coordinates)) };
  return { type: 'MultiPolygon', coordinates: members.flatMap((m) => (m.type === 'Polygon' ? [m.coordinates] : (m as { coordinates: Position[][][] }).coordinates)) };
}

/** Reads the legacy `crs` member; absent means RFC 7946 WGS 84. */
export function geoJsonCrs(crs: unknown, path: string): RawCrs {
  const source = `crs member of ${path}`;
  if (crs === undefined) return { epsg: 4326, source: `${path} (GeoJSON without crs member: WGS 84)` };
  if (crs === null) return null;
  const c = crs as { type?: unknown; properties?: { name?: unknown; code?: unknown; href?: unknown } };
  if (c.type === 'name' && typeof c.properties?.name === 'string') return crsFromName(c.properties.name, source);
  if (c.type === 'EPSG' && c.properties?.code !== undefined && Number.isSafeInteger(Number(c.properties.code))) return { epsg: Number(c.properties.code), source };
  throw new IngestError(path, `${path}: the crs member ${JSON.stringify(crs).slice(0, 120)} is not a named CRS Quadrangle can read (use an EPSG name such as "urn:ogc:def:crs:EPSG::27700")`);
}

function crsFromName(name: string, source: string): RawCrs {
  const n = name.trim();
  if (/^urn:ogc:def:crs:OGC:[\d.]*:CRS84$/i.test(n) || /^https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[\d.]+\/CRS84$/i.test(n) || /^(OGC:)?CRS84$/i.test(n)) return { epsg: 4326, source };
  const m = /^urn:ogc:def:crs:EPSG:[\d.]*:(\d+)$/i.exec(n) ?? /^EPSG:{1,2}(\d+)$/i.exec(n) ?? /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d+)$/i.exec(n);
  if (m) return { epsg: Number(m[1]), source };
  return { identifier: n, source };
}

interface ScanStats extends BucketStats { fields: FieldInference }

/**
 * Opens a GeoJSON file: scans it once (validating every feature) and returns its layers —
 * one, or one per geometry family when the file mixes them.
 */
export async function openGeoJson(path: string): Promise<VectorLayerSource[]> {
  const top: Record<string, unknown> = {};
  const buckets = new Map<Bucket, ScanStats>();
  let index = 0;
  for await (const item of geoJsonItems(path, top)) {
    const i = index++;
    const { geometry: raw, properties } = featureParts(item, i, path);
    const g = toGeometry(raw, path, i);
    const bucket: Bucket = g ? geometryFamily(g.type) : 'none';
    let s = buckets.get(bucket);
    if (!s) { s = { count: 0, fields: new FieldInference(), hasZ: false, multiPoint: false }; buckets.set(bucket, s); }
    s.count++;
    s.fields.observe(properties);
    if (g && firstPositionDims(g) > 2) s.hasZ = true;
    if (g?.type === 'MultiPoint') s.multiPoint = true;
  }
  const crs = geoJsonCrs(top.crs, path);
  return splitByFamily(basename(path, extname(path)), buckets).map((grp) => {
    const fields = FieldInference.merge([...grp.buckets].flatMap((b) => buckets.get(b)?.fields ?? [])).result();
    return {
      name: grp.name,
      file: path,
      geometryType: grp.geometryType,
      hasZ: grp.hasZ,
      fields,
      crs,
      featureCount: grp.count,
      features: () => layerFeatures(path, grp.buckets, fields, grp.hasZ),
    };
  });
}

async function* layerFeatures(path: string, buckets: Set<Bucket>, fields: ReturnType<FieldInference['result']>, hasZ: boolean): AsyncGenerator<ImportFeature> {
  let index = 0;
  for await (const item of geoJsonItems(path, {})) {
    const i = index++;
    const { geometry: raw, properties } = featureParts(item, i, path);
    let geometry = toGeometry(raw, path, i);
    if (!buckets.has(geometry ? geometryFamily(geometry.type) : 'none')) continue;
    if (geometry && (firstPositionDims(geometry) > 2) !== hasZ) {
      // One dimension per layer: pad 2D positions of a Z layer with z = 0, drop z otherwise.
      geometry = mapPositions(geometry, hasZ ? (p) => (p.length > 2 ? p : [p[0]!, p[1]!, 0]) : (p) => [p[0]!, p[1]!]);
    }
    const attributes: ImportFeature['attributes'] = {};
    for (const f of fields) attributes[f.name] = convertValue(properties[f.name], f.type);
    yield { geometry, attributes };
  }
}
