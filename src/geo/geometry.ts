/**
 * The geometry model every engine shares: GeoJSON geometry objects in the coordinates of
 * whatever spatial reference the caller is working in (not necessarily WGS 84).
 * Esri JSON is converted to and from this model only at the edges (see esri-json.ts).
 * @module geo/geometry
 */

/** `[x, y]` or `[x, y, z]` in map units. */
export type Position = number[];

export interface Point { type: 'Point'; coordinates: Position }
export interface MultiPoint { type: 'MultiPoint'; coordinates: Position[] }
export interface LineString { type: 'LineString'; coordinates: Position[] }
export interface MultiLineString { type: 'MultiLineString'; coordinates: Position[][] }
/** Rings are closed (first position repeated last); the first ring is the exterior. */
export interface Polygon { type: 'Polygon'; coordinates: Position[][] }
export interface MultiPolygon { type: 'MultiPolygon'; coordinates: Position[][][] }

export type Geometry = Point | MultiPoint | LineString | MultiLineString | Polygon | MultiPolygon;
export type GeometryType = Geometry['type'];

/** Axis-aligned rectangle in map units. */
export interface Envelope { xmin: number; ymin: number; xmax: number; ymax: number }

/** An empty envelope that any `extendEnvelope` call replaces. */
export function emptyEnvelope(): Envelope {
  return { xmin: Infinity, ymin: Infinity, xmax: -Infinity, ymax: -Infinity };
}

export function isEmptyEnvelope(e: Envelope): boolean {
  return !(e.xmin <= e.xmax && e.ymin <= e.ymax);
}

/** Visits every position of a geometry, in order. */
export function eachPosition(g: Geometry, visit: (p: Position) => void): void {
  switch (g.type) {
    case 'Point': visit(g.coordinates); break;
    case 'MultiPoint': case 'LineString': g.coordinates.forEach(visit); break;
    case 'MultiLineString': case 'Polygon': for (const part of g.coordinates) part.forEach(visit); break;
    case 'MultiPolygon': for (const poly of g.coordinates) for (const ring of poly) ring.forEach(visit); break;
  }
}

/** A new geometry of the same type with every position replaced by `fn(position)`. */
export function mapPositions<G extends Geometry>(g: G, fn: (p: Position) => Position): G {
  switch (g.type) {
    case 'Point': return { type: g.type, coordinates: fn(g.coordinates) } as G;
    case 'MultiPoint': case 'LineString': return { type: g.type, coordinates: g.coordinates.map(fn) } as G;
    case 'MultiLineString': case 'Polygon': return { type: g.type, coordinates: g.coordinates.map((l) => l.map(fn)) } as G;
    case 'MultiPolygon': return { type: g.type, coordinates: g.coordinates.map((p) => p.map((l) => l.map(fn))) } as G;
  }
  return g;
}

/** Grows `into` (in place) to cover `g`, and returns it. */
export function extendEnvelope(into: Envelope, g: Geometry): Envelope {
  eachPosition(g, (p) => {
    const x = p[0]!, y = p[1]!;
    if (x < into.xmin) into.xmin = x;
    if (x > into.xmax) into.xmax = x;
    if (y < into.ymin) into.ymin = y;
    if (y > into.ymax) into.ymax = y;
  });
  return into;
}

export function geometryEnvelope(g: Geometry): Envelope {
  return extendEnvelope(emptyEnvelope(), g);
}

export function envelopesIntersect(a: Envelope, b: Envelope): boolean {
  return a.xmin <= b.xmax && b.xmin <= a.xmax && a.ymin <= b.ymax && b.ymin <= a.ymax;
}

export function envelopeToPolygon(e: Envelope): Polygon {
  return {
    type: 'Polygon',
    coordinates: [[[e.xmin, e.ymin], [e.xmin, e.ymax], [e.xmax, e.ymax], [e.xmax, e.ymin], [e.xmin, e.ymin]]],
  };
}

/** True when the geometry has z values (judged from its first position). */
export function geometryHasZ(g: Geometry): boolean {
  let hasZ = false;
  let seen = false;
  eachPosition(g, (p) => { if (!seen) { hasZ = p.length > 2; seen = true; } });
  return hasZ;
}

/** The geometry's first position, or undefined for an empty geometry. */
export function firstPosition(g: Geometry): Position | undefined {
  switch (g.type) {
    case 'Point': return g.coordinates;
    case 'MultiPoint': case 'LineString': return g.coordinates[0];
    case 'MultiLineString': case 'Polygon': return g.coordinates[0]?.[0];
    case 'MultiPolygon': return g.coordinates[0]?.[0]?.[0];
  }
}
