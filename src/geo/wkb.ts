/**
 * ISO/OGC Well-Known Binary for the six simple geometry types, 2D and Z.
 * GeoPackage stores WKB after its own header (see data/geopackage/gpkg-geometry.ts).
 * @module geo/wkb
 */
import type { Geometry, Position } from './geometry.js';

const TYPE_CODES: Record<Geometry['type'], number> = {
  Point: 1, LineString: 2, Polygon: 3, MultiPoint: 4, MultiLineString: 5, MultiPolygon: 6,
};
const TYPE_NAMES: Record<number, Geometry['type']> = {
  1: 'Point', 2: 'LineString', 3: 'Polygon', 4: 'MultiPoint', 5: 'MultiLineString', 6: 'MultiPolygon',
};

/** Raised for bytes that are not valid WKB; carries no user data in its message. */
export class WkbError extends Error {}

/** Encodes a geometry as little-endian WKB. Z is written when the first position has three values. */
export function encodeWkb(g: Geometry): Buffer {
  const dims = firstDims(g);
  const size = measure(g, dims);
  const buf = Buffer.allocUnsafe(size);
  const end = write(buf, 0, g, dims);
  if (end !== size) throw new WkbError(`WKB size mismatch: ${end} != ${size}`);
  return buf;
}

function firstDims(g: Geometry): number {
  let p: Position | undefined;
  switch (g.type) {
    case 'Point': p = g.coordinates; break;
    case 'MultiPoint': case 'LineString': p = g.coordinates[0]; break;
    case 'MultiLineString': case 'Polygon': p = g.coordinates[0]?.[0]; break;
    case 'MultiPolygon': p = g.coordinates[0]?.[0]?.[0]; break;
  }
  return p && p.length > 2 ? 3 : 2;
}

function measure(g: Geometry, dims: number): number {
  const pt = 8 * dims;
  const lineSize = (line: Position[]) => 4 + line.length * pt;
  const polySize = (rings: Position[][]) => 4 + rings.reduce((s, r) => s + lineSize(r), 0);
  switch (g.type) {
    case 'Point': return 5 + pt;
    case 'LineString': return 5 + lineSize(g.coordinates);
    case 'Polygon': return 5 + polySize(g.coordinates);
    case 'MultiPoint': return 9 + g.coordinates.length * (5 + pt);
    case 'MultiLineString': return 9 + g.coordinates.reduce((s, l) => s + 5 + lineSize(l), 0);
    case 'MultiPolygon': return 9 + g.coordinates.reduce((s, p) => s + 5 + polySize(p), 0);
  }
}

function write(buf: Buffer, o: number, g: Geometry, dims: number): number {
  const header = (type: Geometry['type']) => {
    buf.writeUInt8(1, o);
    buf.writeUInt32LE(TYPE_CODES[type] + (dims === 3 ? 1000 : 0), o + 1);
    o += 5;
  };
  const pos = (p: Position) => {
    buf.writeDoubleLE(p[0]!, o);
    buf.writeDoubleLE(p[1]!, o + 8);
    if (dims === 3) buf.writeDoubleLE(p[2] ?? 0, o + 16);
    o += 8 * dims;
  };
  const line = (l: Position[]) => { buf.writeUInt32LE(l.length, o); o += 4; l.forEach(pos); };
  const poly = (rings: Position[][]) => { buf.writeUInt32LE(rings.length, o); o += 4; rings.forEach(line); };
  header(g.type);
  switch (g.type) {
    case 'Point': pos(g.coordinates); break;
    case 'LineString': line(g.coordinates); break;
    case 'Polygon': poly(g.coordinates); break;
    case 'MultiPoint':
      buf.writeUInt32LE(g.coordinates.length, o); o += 4;
      for (const p of g.coordinates) { header('Point'); pos(p); }
      break;
    case 'MultiLineString':
      buf.writeUInt32LE(g.coordinates.length, o); o += 4;
      for (const l of g.coordinates) { header('LineString'); line(l); }
      break;
    case 'MultiPolygon':
      buf.writeUInt32LE(g.coordinates.length, o); o += 4;
      for (const p of g.coordinates) { header('Polygon'); poly(p); }
      break;
  }
  return o;
}

/**
 * Decodes WKB (either byte order; ISO Z/M/ZM codes and the EWKB flag bits) starting at
 * `offset`. M values are dropped. Empty points (NaN coordinates) decode as `null`.
 */
export function decodeWkb(buf: Uint8Array, offset = 0): Geometry | null {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let o = offset;
  const need = (n: number) => { if (o + n > buf.byteLength) throw new WkbError('WKB is truncated'); };

  function readGeometry(): Geometry | null {
    need(5);
    const le = view.getUint8(o) === 1;
    let code = view.getUint32(o + 1, le);
    o += 5;
    let hasZ = false, hasM = false;
    if (code & 0x80000000) hasZ = true;           // EWKB flags
    if (code & 0x40000000) hasM = true;
    if (code & 0x20000000) { need(4); o += 4; }    // EWKB SRID
    code &= 0x0fffffff;
    const iso = Math.floor(code / 1000);
    if (iso === 1 || iso === 3) hasZ = true;
    if (iso === 2 || iso === 3) hasM = true;
    const base = code % 1000;
    const name = TYPE_NAMES[base];
    if (!name) throw new WkbError(`unsupported WKB geometry type ${code}`);
    const dims = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);

    const u32 = () => { need(4); const v = view.getUint32(o, le); o += 4; return v; };
    const pos = (): Position => {
      need(8 * dims);
      const x = view.getFloat64(o, le), y = view.getFloat64(o + 8, le);
      const p = hasZ ? [x, y, view.getFloat64(o + 16, le)] : [x, y];
      o += 8 * dims;
      return p;
    };
    const line = (): Position[] => {
      const n = u32();
      if (n * 8 * dims > buf.byteLength - o) throw new WkbError('WKB is truncated');
      const out: Position[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = pos();
      return out;
    };
    const poly = (): Position[][] => { const n = u32(); const out: Position[][] = []; for (let i = 0; i < n; i++) out.push(line()); return out; };
    const parts = <T>(read: () => T | null): T[] => {
      const n = u32();
      const out: T[] = [];
      for (let i = 0; i < n; i++) { const part = read(); if (part) out.push(part); }
      return out;
    };

    switch (name) {
      case 'Point': { const p = pos(); return Number.isNaN(p[0]) ? null : { type: 'Point', coordinates: p }; }
      case 'LineString': return { type: 'LineString', coordinates: line() };
      case 'Polygon': return { type: 'Polygon', coordinates: poly() };
      case 'MultiPoint': return { type: 'MultiPoint', coordinates: parts(() => (readGeometry() as { coordinates: Position } | null)?.coordinates ?? null) };
      case 'MultiLineString': return { type: 'MultiLineString', coordinates: parts(() => (readGeometry() as { coordinates: Position[] } | null)?.coordinates ?? null) };
      case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: parts(() => (readGeometry() as { coordinates: Position[][] } | null)?.coordinates ?? null) };
    }
  }
  return readGeometry();
}
