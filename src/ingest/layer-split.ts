/**
 * How a file that mixes geometry families becomes layers, shared by the GeoJSON and
 * FlatGeobuf readers: one family → one layer named after the file (features without geometry
 * included); several → `<name>_points`, `<name>_lines`, `<name>_polygons`, and
 * `<name>_nogeometry` for features without geometry.
 * @module ingest/layer-split
 */
import type { GeometryFamily, LayerGeometryType } from './vector-layer.js';

export type Bucket = GeometryFamily | 'none';

/** What a scan saw of one bucket. */
export interface BucketStats { count: number; hasZ: boolean; multiPoint: boolean }

export interface LayerGroup {
  name: string;
  buckets: Set<Bucket>;
  geometryType: LayerGeometryType | null;
  hasZ: boolean;
  count: number;
}

const SUFFIX = { point: 'points', line: 'lines', polygon: 'polygons' } as const;

export function splitByFamily(base: string, buckets: Map<Bucket, BucketStats>): LayerGroup[] {
  const families = (['point', 'line', 'polygon'] as const).filter((f) => buckets.has(f));
  const group = (name: string, members: Bucket[], family: GeometryFamily | null): LayerGroup => {
    const stats = members.map((b) => buckets.get(b)).filter((s): s is BucketStats => !!s);
    const geometryType: LayerGeometryType | null = family === 'point' ? (stats.some((s) => s.multiPoint) ? 'multipoint' : 'point') : family;
    return { name, buckets: new Set(members), geometryType, hasZ: stats.some((s) => s.hasZ), count: stats.reduce((n, s) => n + s.count, 0) };
  };
  if (families.length <= 1) return [group(base, [...families, 'none'], families[0] ?? null)];
  const groups = families.map((f) => group(`${base}_${SUFFIX[f]}`, [f], f));
  if (buckets.has('none')) groups.push(group(`${base}_nogeometry`, ['none'], null));
  return groups;
}
