/**
 * Coordinate transformation between spatial references with proj4, cached per pair.
 * @module geo/projection
 */
import proj4 from 'proj4';
import type { Envelope, Geometry, Position } from './geometry.js';
import { emptyEnvelope, mapPositions } from './geometry.js';
import type { SpatialReference } from './spatial-reference.js';
import { projDefinition, srKey } from './spatial-reference.js';

/** Transforms one position; returns a new array. */
export type PositionTransform = (p: Position) => Position;

const cache = new Map<string, PositionTransform | null>();

/** A transform from `from` to `to`, or `null` when they are the same system. */
export function getTransform(from: SpatialReference, to: SpatialReference): PositionTransform | null {
  const key = `${srKey(from)}>${srKey(to)}`;
  if (cache.has(key)) return cache.get(key)!;
  let fn: PositionTransform | null = null;
  if (srKey(from) !== srKey(to)) {
    const converter = proj4(projDefinition(from), projDefinition(to));
    fn = (p) => {
      const out = converter.forward([p[0]!, p[1]!]);
      return p.length > 2 ? [out[0]!, out[1]!, p[2]!] : [out[0]!, out[1]!];
    };
  }
  if (cache.size > 256) cache.clear();
  cache.set(key, fn);
  return fn;
}

/** Applies a transform to every position of a geometry, returning a new geometry. */
export function transformGeometry<G extends Geometry>(g: G, t: PositionTransform | null): G {
  return t ? mapPositions(g, t) : g;
}

/**
 * Projects an envelope by transforming points along its edges (not just the corners),
 * so curved edges in the target system are covered.
 */
export function transformEnvelope(e: Envelope, t: PositionTransform | null, steps = 16): Envelope {
  if (!t) return { ...e };
  const out = emptyEnvelope();
  for (let i = 0; i <= steps; i++) {
    const fx = e.xmin + ((e.xmax - e.xmin) * i) / steps;
    const fy = e.ymin + ((e.ymax - e.ymin) * i) / steps;
    for (const p of [[fx, e.ymin], [fx, e.ymax], [e.xmin, fy], [e.xmax, fy]]) {
      const q = t(p);
      if (!Number.isFinite(q[0]!) || !Number.isFinite(q[1]!)) continue;
      out.xmin = Math.min(out.xmin, q[0]!); out.xmax = Math.max(out.xmax, q[0]!);
      out.ymin = Math.min(out.ymin, q[1]!); out.ymax = Math.max(out.ymax, q[1]!);
    }
  }
  return out;
}
