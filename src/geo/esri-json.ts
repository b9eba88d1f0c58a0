/**
 * Esri JSON geometries (mapserver.md §15.2) to and from the shared geometry model.
 * Tables of small readers and writers keyed by type, in the manner of OpenLayers' EsriJSON.
 * @module geo/esri-json
 */
import type { Envelope, Geometry, Position } from './geometry.js';
import { envelopeToPolygon } from './geometry.js';

export type EsriGeometryType =
  | 'esriGeometryPoint' | 'esriGeometryMultipoint' | 'esriGeometryPolyline'
  | 'esriGeometryPolygon' | 'esriGeometryEnvelope';

export const ESRI_GEOMETRY_TYPES: readonly EsriGeometryType[] = [
  'esriGeometryPoint', 'esriGeometryMultipoint', 'esriGeometryPolyline', 'esriGeometryPolygon', 'esriGeometryEnvelope',
];

/** Raised for malformed Esri geometry; the message is safe to show. */
export class EsriGeometryError extends Error {}

export type EsriGeometry = Record<string, unknown>;

/** The Esri geometry type that features of a model geometry type are reported as. */
export function esriTypeOf(type: Geometry['type']): EsriGeometryType {
  switch (type) {
    case 'Point': return 'esriGeometryPoint';
    case 'MultiPoint': return 'esriGeometryMultipoint';
    case 'LineString': case 'MultiLineString': return 'esriGeometryPolyline';
    case 'Polygon': case 'MultiPolygon': return 'esriGeometryPolygon';
  }
}

/** Infers the type of an Esri geometry object from its keys. */
export function inferEsriType(json: EsriGeometry): EsriGeometryType | null {
  if ('x' in json) return 'esriGeometryPoint';
  if ('points' in json) return 'esriGeometryMultipoint';
  if ('paths' in json || 'curvePaths' in json) return 'esriGeometryPolyline';
  if ('rings' in json || 'curveRings' in json) return 'esriGeometryPolygon';
  if ('xmin' in json) return 'esriGeometryEnvelope';
  return null;
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new EsriGeometryError(`${what} must be a finite number`);
  return v;
}

function position(v: unknown): Position {
  if (!Array.isArray(v) || v.length < 2) throw new EsriGeometryError('coordinate must be an array [x, y, …]');
  const x = num(v[0], 'x'), y = num(v[1], 'y');
  return typeof v[2] === 'number' && Number.isFinite(v[2]) ? [x, y, v[2]] : [x, y];
}

function positions(v: unknown, what: string): Position[] {
  if (!Array.isArray(v)) throw new EsriGeometryError(`${what} must be an array`);
  return v.map(position);
}

/**
 * Curve segments (`{"c": [[x, y], [cx, cy]]}` arcs, `{"a": …}`, `{"b": …}`) are densified to their
 * end points; mapserver.md §15.2 says curves are read and densified, never written.
 */
function curvePositions(v: unknown, what: string): Position[] {
  if (!Array.isArray(v)) throw new EsriGeometryError(`${what} must be an array`);
  return v.map((seg) => {
    if (Array.isArray(seg)) return position(seg);
    if (seg && typeof seg === 'object') {
      const s = seg as Record<string, unknown>;
      const curve = (s.c ?? s.a ?? s.b) as unknown[] | undefined;
      if (Array.isArray(curve) && curve.length > 0) return position(curve[0]);
    }
    throw new EsriGeometryError(`${what} holds an unreadable segment`);
  });
}

/** Signed area (shoelace); positive for counter-clockwise rings in a y-up system. */
export function ringArea(ring: Position[]): number {
  let a = 0;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return a / 2;
}

/** Even-odd point-in-ring test. */
export function pointInRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
    const xi = ring[i]![0]!, yi = ring[i]![1]!, xj = ring[j]![0]!, yj = ring[j]![1]!;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function closeRing(r: Position[]): Position[] {
  if (r.length === 0) return r;
  const a = r[0]!, b = r[r.length - 1]!;
  return a[0] === b[0] && a[1] === b[1] ? r : [...r, a];
}

/**
 * Groups Esri rings into polygons. Esri writes outer rings clockwise and holes
 * counter-clockwise, but files in the wild disagree, so Quadrangle reads any orientation:
 * a ring inside an odd number of other rings is a hole of the smallest ring containing it
 * (the even-odd rule, mapserver.md §15.2).
 */
export function ringsToPolygons(rings: Position[][]): Position[][][] {
  const closed = rings.filter((r) => r.length >= 3).map(closeRing);
  const areas = closed.map((r) => Math.abs(ringArea(r)));
  const depth: number[] = closed.map(() => 0);
  const parent: number[] = closed.map(() => -1);
  closed.forEach((r, i) => {
    const [x, y] = interiorProbe(r);
    closed.forEach((other, j) => {
      if (i === j || areas[j]! < areas[i]!) return;
      if (pointInRing(x, y, other)) {
        depth[i]!++;
        if (parent[i] === -1 || areas[j]! < areas[parent[i]!]!) parent[i] = j;
      }
    });
  });
  const polygons = new Map<number, Position[][]>();
  closed.forEach((r, i) => { if (depth[i]! % 2 === 0) polygons.set(i, [orient(r, false)]); });
  closed.forEach((r, i) => { if (depth[i]! % 2 === 1) polygons.get(parent[i]!)?.push(orient(r, true)); });
  return [...polygons.values()];
}

/** A point just inside the ring's first edge, so shared vertices do not confuse containment. */
function interiorProbe(r: Position[]): [number, number] {
  return [(r[0]![0]! + r[1]![0]!) / 2 + 1e-9 * (r[1]![1]! - r[0]![1]!), (r[0]![1]! + r[1]![1]!) / 2 + 1e-9 * (r[0]![0]! - r[1]![0]!)];
}

/** GeoJSON order: exterior counter-clockwise, holes clockwise. */
function orient(r: Position[], hole: boolean): Position[] {
  const ccw = ringArea(r) > 0;
  return ccw === !hole ? r : [...r].reverse();
}

type Reader = (json: EsriGeometry) => Geometry | null;

const READERS: Record<EsriGeometryType, Reader> = {
  esriGeometryPoint: (j) => {
    if (j.x === null || j.x === 'NaN') return null;
    const x = num(j.x, 'x'), y = num(j.y, 'y');
    return { type: 'Point', coordinates: typeof j.z === 'number' ? [x, y, j.z] : [x, y] };
  },
  esriGeometryMultipoint: (j) => {
    const pts = positions(j.points, 'points');
    return pts.length ? { type: 'MultiPoint', coordinates: pts } : null;
  },
  esriGeometryPolyline: (j) => {
    const raw = (j.paths ?? j.curvePaths) as unknown;
    if (!Array.isArray(raw)) throw new EsriGeometryError('paths must be an array');
    const paths = raw.map((p) => ('curvePaths' in j ? curvePositions(p, 'path') : positions(p, 'path'))).filter((p) => p.length >= 2);
    if (paths.length === 0) return null;
    return paths.length === 1 ? { type: 'LineString', coordinates: paths[0]! } : { type: 'MultiLineString', coordinates: paths };
  },
  esriGeometryPolygon: (j) => {
    const raw = (j.rings ?? j.curveRings) as unknown;
    if (!Array.isArray(raw)) throw new EsriGeometryError('rings must be an array');
    const rings = raw.map((r) => ('curveRings' in j ? curvePositions(r, 'ring') : positions(r, 'ring')));
    const polys = ringsToPolygons(rings);
    if (polys.length === 0) return null;
    return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0]! } : { type: 'MultiPolygon', coordinates: polys };
  },
  esriGeometryEnvelope: (j) => {
    if (j.xmin === null || j.xmin === 'NaN') return null;
    return envelopeToPolygon(readEnvelope(j));
  },
};

/** Reads an Esri envelope object, normalising swapped corners. */
export function readEnvelope(j: EsriGeometry): Envelope {
  const x1 = num(j.xmin, 'xmin'), y1 = num(j.ymin, 'ymin'), x2 = num(j.xmax, 'xmax'), y2 = num(j.ymax, 'ymax');
  return { xmin: Math.min(x1, x2), ymin: Math.min(y1, y2), xmax: Math.max(x1, x2), ymax: Math.max(y1, y2) };
}

/**
 * Converts Esri JSON to the geometry model; `type` defaults to the type inferred from the keys.
 * Returns `null` for an empty geometry.
 */
export function fromEsriGeometry(json: unknown, type?: EsriGeometryType): Geometry | null {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new EsriGeometryError('geometry must be a JSON object');
  const j = json as EsriGeometry;
  const t = type ?? inferEsriType(j);
  if (!t) throw new EsriGeometryError('cannot tell the geometry type');
  const reader = READERS[t];
  if (!reader) throw new EsriGeometryError(`unknown geometry type ${String(t).slice(0, 40)}`);
  if (inferEsriType(j) !== null && inferEsriType(j) !== t) throw new EsriGeometryError(`geometry is not of type ${t}`);
  return reader(j);
}

/** Esri polygon rings: outer rings clockwise, holes counter-clockwise (mapserver.md §15.2). */
function esriRings(poly: Position[][]): Position[][] {
  return poly.map((r, i) => {
    const clockwise = ringArea(r) < 0;
    return clockwise === (i === 0) ? r : [...r].reverse();
  });
}

/** Converts the model to Esri JSON (without spatialReference; callers add it). */
export function toEsriGeometry(g: Geometry): EsriGeometry {
  switch (g.type) {
    case 'Point': return g.coordinates.length > 2 ? { x: g.coordinates[0], y: g.coordinates[1], z: g.coordinates[2] } : { x: g.coordinates[0], y: g.coordinates[1] };
    case 'MultiPoint': return { points: g.coordinates };
    case 'LineString': return { paths: [g.coordinates] };
    case 'MultiLineString': return { paths: g.coordinates };
    case 'Polygon': return { rings: esriRings(g.coordinates) };
    case 'MultiPolygon': return { rings: g.coordinates.flatMap(esriRings) };
  }
}

/**
 * Parses a `geometry` request parameter: Esri JSON text, `x,y` (a point) or
 * `xmin,ymin,xmax,ymax` (an envelope). Returns the geometry and the SR it carried, if any.
 */
export function parseGeometryParam(text: string, type: EsriGeometryType | undefined): { geometry: Geometry | null; spatialReference: unknown } {
  const s = text.trim();
  if (s.startsWith('{')) {
    let json: unknown;
    try { json = JSON.parse(s); } catch { throw new EsriGeometryError('geometry is not valid JSON'); }
    return { geometry: fromEsriGeometry(json, type), spatialReference: (json as EsriGeometry).spatialReference };
  }
  const parts = s.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '' || !Number.isFinite(Number(p)))) throw new EsriGeometryError('geometry must be JSON, x,y or xmin,ymin,xmax,ymax');
  const n = parts.map(Number);
  if (n.length === 2 && (!type || type === 'esriGeometryPoint')) return { geometry: { type: 'Point', coordinates: n }, spatialReference: undefined };
  if (n.length === 4 && (!type || type === 'esriGeometryEnvelope')) {
    return { geometry: READERS.esriGeometryEnvelope({ xmin: n[0], ymin: n[1], xmax: n[2], ymax: n[3] }), spatialReference: undefined };
  }
  throw new EsriGeometryError('geometry must be JSON, x,y or xmin,ymin,xmax,ymax');
}
