/**
 * ISO/OGC Well-Known Binary for the six simple geometry types, 2D and Z.
 * GeoPackage stores WKB after its own header (see data/geopackage/gpkg-geometry.ts).
 * @module geo/wkb
 */
import { firstPosition, type Geometry, type Position } from './geometry.js';

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
  const p = firstPosition(g);
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
 * A cursor over WKB bytes. A class rather than closures inside the decoder: decoding runs for
 * every feature of every query, and per-call closures cost more than the reading itself.
 */
class WkbReader {
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array, public offset: number) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): void {
    if (this.offset + n > this.bytes.byteLength) throw new WkbError('WKB is truncated');
  }

  private u32(le: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, le);
    this.offset += 4;
    return v;
  }

  private positions(n: number, le: boolean, hasZ: boolean, dims: number): Position[] {
    if (n * 8 * dims > this.bytes.byteLength - this.offset) throw new WkbError('WKB is truncated');
    const out: Position[] = new Array(n);
    const v = this.view;
    let o = this.offset;
    for (let i = 0; i < n; i++, o += 8 * dims) {
      out[i] = hasZ ? [v.getFloat64(o, le), v.getFloat64(o + 8, le), v.getFloat64(o + 16, le)] : [v.getFloat64(o, le), v.getFloat64(o + 8, le)];
    }
    this.offset = o;
    return out;
  }

  private rings(le: boolean, hasZ: boolean, dims: number): Position[][] {
    const n = this.u32(le);
    const out: Position[][] = [];
    for (let i = 0; i < n; i++) out.push(this.positions(this.u32(le), le, hasZ, dims));
    return out;
  }

  read(): Geometry | null {
    this.need(5);
    const le = this.view.getUint8(this.offset) === 1;
    let code = this.view.getUint32(this.offset + 1, le);
    this.offset += 5;
    let hasZ = (code & 0x80000000) !== 0; // EWKB flags
    let hasM = (code & 0x40000000) !== 0;
    if (code & 0x20000000) { this.need(4); this.offset += 4; } // EWKB SRID
    code &= 0x0fffffff;
    const iso = Math.floor(code / 1000);
    if (iso === 1 || iso === 3) hasZ = true;
    if (iso === 2 || iso === 3) hasM = true;
    const name = TYPE_NAMES[code % 1000];
    if (!name) throw new WkbError(`unsupported WKB geometry type ${code}`);
    const dims = 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0);
    switch (name) {
      case 'Point': {
        const p = this.positions(1, le, hasZ, dims)[0]!;
        return Number.isNaN(p[0]) ? null : { type: 'Point', coordinates: p };
      }
      case 'LineString': return { type: 'LineString', coordinates: this.positions(this.u32(le), le, hasZ, dims) };
      case 'Polygon': return { type: 'Polygon', coordinates: this.rings(le, hasZ, dims) };
      case 'MultiPoint': return { type: 'MultiPoint', coordinates: this.parts(le).map((g) => (g as { coordinates: Position }).coordinates) };
      case 'MultiLineString': return { type: 'MultiLineString', coordinates: this.parts(le).map((g) => (g as { coordinates: Position[] }).coordinates) };
      case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: this.parts(le).map((g) => (g as { coordinates: Position[][] }).coordinates) };
    }
  }

  /** The member geometries of a multi-geometry; empty members are dropped. */
  private parts(le: boolean): Geometry[] {
    const n = this.u32(le);
    const out: Geometry[] = [];
    for (let i = 0; i < n; i++) { const g = this.read(); if (g) out.push(g); }
    return out;
  }
}

/**
 * Decodes WKB (either byte order; ISO Z/M/ZM codes and the EWKB flag bits) starting at
 * `offset`. M values are dropped. Empty points (NaN coordinates) decode as `null`.
 */
export function decodeWkb(buf: Uint8Array, offset = 0): Geometry | null {
  return new WkbReader(buf, offset).read();
}
