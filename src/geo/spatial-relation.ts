/**
 * Spatial relationships of layer `query` (mapserver.md §13): the query geometry is tested
 * against each candidate feature, in the sense ArcGIS defines them ("query geometry contains
 * target geometry", …). Exact tests use single @turf modules; rectangles get a fast path
 * because map clients mostly query with envelopes.
 * @module geo/spatial-relation
 */
import booleanContains from '@turf/boolean-contains';
import booleanCrosses from '@turf/boolean-crosses';
import booleanIntersects from '@turf/boolean-intersects';
import booleanTouches from '@turf/boolean-touches';
import type { Envelope, Geometry, Position } from './geometry.js';
import { eachPosition, envelopesIntersect, geometryEnvelope } from './geometry.js';
import { pointInRing } from './esri-json.js';
import { pointToLineDistance } from './simplify.js';

export type SpatialRelation =
  | 'esriSpatialRelIntersects' | 'esriSpatialRelContains' | 'esriSpatialRelCrosses'
  | 'esriSpatialRelEnvelopeIntersects' | 'esriSpatialRelIndexIntersects' | 'esriSpatialRelOverlaps'
  | 'esriSpatialRelTouches' | 'esriSpatialRelWithin';

export const SPATIAL_RELATIONS: readonly SpatialRelation[] = [
  'esriSpatialRelIntersects', 'esriSpatialRelContains', 'esriSpatialRelCrosses', 'esriSpatialRelEnvelopeIntersects',
  'esriSpatialRelIndexIntersects', 'esriSpatialRelOverlaps', 'esriSpatialRelTouches', 'esriSpatialRelWithin',
];

/** A query geometry prepared once for testing many features. */
export interface PreparedFilter {
  readonly envelope: Envelope;
  /** True when only envelopes matter, so the source's index answers exactly. */
  readonly envelopeOnly: boolean;
  test(feature: Geometry, featureEnvelope?: Envelope): boolean;
}

/** Splits multi-geometries, since some turf predicates only take single parts. */
function parts(g: Geometry): Geometry[] {
  switch (g.type) {
    case 'MultiPoint': return g.coordinates.map((c) => ({ type: 'Point', coordinates: c }));
    case 'MultiLineString': return g.coordinates.map((c) => ({ type: 'LineString', coordinates: c }));
    case 'MultiPolygon': return g.coordinates.map((c) => ({ type: 'Polygon', coordinates: c }));
    default: return [g];
  }
}

const dimension = (g: Geometry) => (g.type.endsWith('Point') ? 0 : g.type.endsWith('LineString') ? 1 : 2);

/** a contains b: every part of b lies in some part of a. */
function contains(a: Geometry, b: Geometry): boolean {
  const as = parts(a);
  return parts(b).every((pb) => as.some((pa) => safe(() => booleanContains(pa, pb))));
}

function safe(fn: () => boolean): boolean {
  try { return fn(); } catch { return false; }
}

const isRectangle = (g: Geometry, e: Envelope) => g.type === 'Polygon' && g.coordinates.length === 1 && g.coordinates[0]!.length === 5
  && g.coordinates[0]!.every((p) => (p[0] === e.xmin || p[0] === e.xmax) && (p[1] === e.ymin || p[1] === e.ymax));

const TESTS: Record<SpatialRelation, (q: Geometry, f: Geometry) => boolean> = {
  esriSpatialRelIntersects: (q, f) => booleanIntersects(q, f),
  esriSpatialRelEnvelopeIntersects: () => true, // decided by envelopes alone, below
  esriSpatialRelIndexIntersects: () => true,
  esriSpatialRelContains: (q, f) => contains(q, f),
  esriSpatialRelWithin: (q, f) => contains(f, q),
  esriSpatialRelCrosses: (q, f) => parts(q).some((a) => parts(f).some((b) => safe(() => booleanCrosses(a, b)))),
  esriSpatialRelTouches: (q, f) => parts(q).some((a) => parts(f).some((b) => safe(() => booleanTouches(a, b))))
    && !parts(q).some((a) => parts(f).some((b) => safe(() => booleanIntersects(a, b) && !booleanTouches(a, b)))),
  // Overlaps (OGC): same dimension, interiors meet (they intersect without merely touching),
  // and neither contains the other.
  esriSpatialRelOverlaps: (q, f) => dimension(q) === dimension(f) && booleanIntersects(q, f)
    && !parts(q).every((a) => parts(f).every((b) => !safe(() => booleanIntersects(a, b)) || safe(() => booleanTouches(a, b))))
    && !contains(q, f) && !contains(f, q),
};

const inside = (a: Envelope, b: Envelope) => a.xmin >= b.xmin && a.xmax <= b.xmax && a.ymin >= b.ymin && a.ymax <= b.ymax;

/** Whether segment p–q meets rectangle r (Liang–Barsky clipping). */
function segmentMeetsRect(px: number, py: number, qx: number, qy: number, r: Envelope): boolean {
  let t0 = 0, t1 = 1;
  const dx = qx - px, dy = qy - py;
  const edges: [number, number][] = [[-dx, px - r.xmin], [dx, r.xmax - px], [-dy, py - r.ymin], [dy, r.ymax - py]];
  for (const [p, q] of edges) {
    if (p === 0) { if (q < 0) return false; continue; }
    const t = q / p;
    if (p < 0) { if (t > t1) return false; if (t > t0) t0 = t; } else { if (t < t0) return false; if (t < t1) t1 = t; }
  }
  return true;
}

/**
 * Exact "rectangle intersects geometry" without general-purpose predicates: the common case of
 * every map client's envelope query, run for each candidate feature.
 */
export function rectangleIntersects(r: Envelope, g: Geometry, ge: Envelope = geometryEnvelope(g)): boolean {
  if (!envelopesIntersect(r, ge)) return false;
  if (inside(ge, r)) return true;
  const lines = outlines(g);
  for (const line of lines) {
    if (line.length === 1) { const [x, y] = line[0]!; if (x! >= r.xmin && x! <= r.xmax && y! >= r.ymin && y! <= r.ymax) return true; continue; }
    for (let i = 1; i < line.length; i++) {
      if (segmentMeetsRect(line[i - 1]![0]!, line[i - 1]![1]!, line[i]![0]!, line[i]![1]!, r)) return true;
    }
  }
  // No boundary meets the rectangle: it meets a polygon only by lying inside it (even-odd).
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return false;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.some((rings) => rings.filter((ring) => pointInRing(r.xmin, r.ymin, ring)).length % 2 === 1);
}

/** Prepares a query geometry (already in the features' SR) for a relation. */
export function prepareFilter(query: Geometry, relation: SpatialRelation): PreparedFilter {
  const envelope = geometryEnvelope(query);
  const envelopeOnly = relation === 'esriSpatialRelEnvelopeIntersects' || relation === 'esriSpatialRelIndexIntersects';
  const rect = isRectangle(query, envelope);
  const exact = TESTS[relation];
  return {
    envelope,
    envelopeOnly,
    test(feature, featureEnvelope = geometryEnvelope(feature)) {
      const touching = envelopesIntersect(envelope, featureEnvelope);
      if (relation === 'esriSpatialRelWithin') return touching && exact(query, feature);
      if (!touching) return false;
      if (envelopeOnly) return true;
      if (rect && relation === 'esriSpatialRelIntersects') return rectangleIntersects(envelope, feature, featureEnvelope);
      if (rect && relation === 'esriSpatialRelContains') return inside(featureEnvelope, envelope);
      return exact(query, feature);
    },
  };
}

/** The lines of a geometry: paths, ring outlines, or single points as one-vertex lines. */
function outlines(g: Geometry): Position[][] {
  switch (g.type) {
    case 'Point': return [[g.coordinates]];
    case 'MultiPoint': return g.coordinates.map((p) => [p]);
    case 'LineString': return [g.coordinates];
    case 'MultiLineString': case 'Polygon': return g.coordinates;
    case 'MultiPolygon': return g.coordinates.flat();
  }
}

/** Shortest planar distance between two geometries (0 when they intersect). */
export function geometryDistance(a: Geometry, b: Geometry): number {
  if (safe(() => booleanIntersects(a, b))) return 0;
  let best = Infinity;
  const la = outlines(a), lb = outlines(b);
  const vertexToLines = (p: Position, lines: Position[][]) => {
    for (const l of lines) best = Math.min(best, l.length === 1 ? Math.hypot(p[0]! - l[0]![0]!, p[1]! - l[0]![1]!) : pointToLineDistance(p, l));
  };
  eachPosition(a, (p) => vertexToLines(p, lb));
  eachPosition(b, (p) => vertexToLines(p, la));
  return best;
}

/** A circle as a 64-sided polygon, used to buffer a query point by `distance`. */
export function circlePolygon(center: Position, radius: number, sides = 64): Geometry {
  const ring: Position[] = [];
  for (let i = 0; i <= sides; i++) {
    const a = (2 * Math.PI * (i % sides)) / sides;
    ring.push([center[0]! + radius * Math.cos(a), center[1]! + radius * Math.sin(a)]);
  }
  return { type: 'Polygon', coordinates: [ring] };
}

/**
 * Prepares a query geometry buffered by `distance` (same units as the SR). A point becomes a
 * circle, so every relation works; other geometries support "intersects within distance".
 * Returns `null` when the combination is not supported.
 */
export function prepareDistanceFilter(query: Geometry, relation: SpatialRelation, distance: number): PreparedFilter | null {
  if (query.type === 'Point') return prepareFilter(circlePolygon(query.coordinates, distance), relation);
  if (relation !== 'esriSpatialRelIntersects') return null;
  const e = geometryEnvelope(query);
  const envelope = { xmin: e.xmin - distance, ymin: e.ymin - distance, xmax: e.xmax + distance, ymax: e.ymax + distance };
  return {
    envelope,
    envelopeOnly: false,
    test: (feature, fe = geometryEnvelope(feature)) => envelopesIntersect(envelope, fe) && geometryDistance(query, feature) <= distance,
  };
}
