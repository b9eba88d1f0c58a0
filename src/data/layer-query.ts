/**
 * Layer query, written once over any FeatureSource (mapserver.md §13): exact spatial
 * refinement after the source's index prefilter, paging with `exceededTransferLimit`,
 * IDs/count/extent answers, distinct values and statistics, and output shaping (projection,
 * generalisation, precision).
 * @module data/layer-query
 */
import type { Envelope, Geometry } from '../geo/geometry.js';
import { emptyEnvelope, extendEnvelope, geometryEnvelope, isEmptyEnvelope } from '../geo/geometry.js';
import type { PositionTransform } from '../geo/projection.js';
import { transformEnvelope, transformGeometry } from '../geo/projection.js';
import { generalize, roundGeometry } from '../geo/simplify.js';
import type { PreparedFilter } from '../geo/spatial-relation.js';
import type { FeatureRow, FeatureSource, OrderBy, ScanRequest } from './feature-source.js';
import { compareValues } from './compare-values.js';
import type { WhereNode } from './where/index.js';

/** The filter part of a query, in the source's SR. */
export interface QueryFilter {
  where?: WhereNode;
  objectIds?: number[];
  spatial?: PreparedFilter;
}

/** How result geometries are shaped, in output SR units. */
export interface OutputShape {
  /** Source SR → output SR; `null` when they are the same. */
  transform: PositionTransform | null;
  maxAllowableOffset?: number;
  geometryPrecision?: number;
}

export interface FeaturesQuery extends QueryFilter {
  outFields: string[];
  returnGeometry: boolean;
  orderBy?: OrderBy[];
  offset: number;
  /** Most rows to return (already capped by maxRecordCount). */
  limit: number;
  shape: OutputShape;
}

export interface FeaturesResult { features: FeatureRow[]; exceededTransferLimit: boolean }

function baseRequest(f: QueryFilter): Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'> {
  return { where: f.where, objectIds: f.objectIds, bbox: f.spatial?.envelope };
}

/** Whether the source's index alone answers the spatial part, so SQL can page. */
const exactInSource = (f: QueryFilter) => !f.spatial || f.spatial.envelopeOnly;

/** Rows that pass the filter, with exact spatial refinement; lazily. */
function* matching(source: FeatureSource, f: QueryFilter, req: Omit<ScanRequest, 'where' | 'objectIds' | 'bbox'>): Iterable<FeatureRow> {
  const refine = !exactInSource(f);
  const rows = source.scan({ ...baseRequest(f), ...req, geometry: req.geometry || refine });
  if (!refine) { yield* rows; return; }
  for (const row of rows) {
    if (row.geometry && f.spatial!.test(row.geometry, row.envelope)) yield row;
  }
}

/** Applies projection, generalisation and precision to one geometry. */
export function shapeGeometry(g: Geometry | null, shape: OutputShape): Geometry | null {
  if (!g) return null;
  let out: Geometry | null = transformGeometry(g, shape.transform);
  if (shape.maxAllowableOffset && out) out = generalize(out, shape.maxAllowableOffset);
  if (shape.geometryPrecision !== undefined && out) out = roundGeometry(out, shape.geometryPrecision);
  return out;
}

/** Features with their attributes and shaped geometries, one page at a time. */
export function queryFeatures(source: FeatureSource, q: FeaturesQuery): FeaturesResult {
  const features: FeatureRow[] = [];
  const request = { fields: q.outFields, geometry: q.returnGeometry, orderBy: q.orderBy };
  let rows: Iterable<FeatureRow>;
  let skip = 0;
  if (exactInSource(q)) rows = matching(source, q, { ...request, offset: q.offset, limit: q.limit + 1 });
  else { rows = matching(source, q, request); skip = q.offset; }
  let exceeded = false;
  for (const row of rows) {
    if (skip > 0) { skip--; continue; }
    if (features.length === q.limit) { exceeded = true; break; }
    features.push({ ...row, geometry: q.returnGeometry ? shapeGeometry(row.geometry, q.shape) : null });
  }
  return { features, exceededTransferLimit: exceeded };
}

/** All matching object IDs (not capped, mapserver.md §13). */
export function queryIds(source: FeatureSource, f: QueryFilter, orderBy?: OrderBy[]): number[] {
  const ids: number[] = [];
  for (const row of matching(source, f, { fields: [], geometry: false, orderBy })) ids.push(row.id);
  return ids;
}

export function queryCount(source: FeatureSource, f: QueryFilter): number {
  if (exactInSource(f)) return source.count(baseRequest(f));
  let n = 0;
  for (const _ of matching(source, f, { fields: [], geometry: false })) n++;
  return n;
}

/** Count and extent of the matching features, the extent in the output SR. */
export function queryExtent(source: FeatureSource, f: QueryFilter, transform: PositionTransform | null): { count: number; extent: Envelope | null } {
  const e = emptyEnvelope();
  let count = 0;
  for (const row of matching(source, f, { fields: [], geometry: true })) {
    count++;
    if (!row.geometry) continue;
    if (transform) extendEnvelope(e, transformGeometry(row.geometry, transform));
    else {
      const re = row.envelope ?? geometryEnvelope(row.geometry);
      e.xmin = Math.min(e.xmin, re.xmin); e.ymin = Math.min(e.ymin, re.ymin);
      e.xmax = Math.max(e.xmax, re.xmax); e.ymax = Math.max(e.ymax, re.ymax);
    }
  }
  return { count, extent: isEmptyEnvelope(e) ? null : e };
}

export type StatisticType = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'stddev' | 'var';
export const STATISTIC_TYPES: readonly StatisticType[] = ['count', 'sum', 'min', 'max', 'avg', 'stddev', 'var'];

export interface StatisticDefinition { type: StatisticType; field: string; outName: string }

class Accumulator {
  n = 0; sum = 0; sumSq = 0; min: unknown = null; max: unknown = null;
  add(v: unknown): void {
    if (v === null || v === undefined) return;
    this.n++;
    if (typeof v === 'number') { this.sum += v; this.sumSq += v * v; }
    if (this.min === null || compareValues(v, this.min) < 0) this.min = v;
    if (this.max === null || compareValues(v, this.max) > 0) this.max = v;
  }
  /** Sample variance and standard deviation, as databases compute STDDEV/VAR. */
  value(type: StatisticType): unknown {
    switch (type) {
      case 'count': return this.n;
      case 'sum': return this.n ? this.sum : null;
      case 'min': return this.min;
      case 'max': return this.max;
      case 'avg': return this.n ? this.sum / this.n : null;
      case 'var': return this.n > 1 ? (this.sumSq - (this.sum * this.sum) / this.n) / (this.n - 1) : this.n === 1 ? 0 : null;
      case 'stddev': { const v = this.value('var') as number | null; return v === null ? null : Math.sqrt(Math.max(0, v)); }
    }
  }
}

/**
 * Statistics over the matching rows, grouped by `groupBy` fields; each result row holds the
 * group-by values and one value per statistic. `count` on `*` counts rows.
 */
export function queryStatistics(source: FeatureSource, f: QueryFilter, stats: StatisticDefinition[], groupBy: string[], orderBy?: OrderBy[]): Record<string, unknown>[] {
  const fields = [...new Set([...groupBy, ...stats.map((s) => s.field).filter((x) => x !== '*')])];
  const groups = new Map<string, { keys: unknown[]; acc: Accumulator[] }>();
  for (const row of matching(source, f, { fields, geometry: false })) {
    const keys = groupBy.map((g) => row.attributes[g] ?? null);
    const k = JSON.stringify(keys);
    let group = groups.get(k);
    if (!group) { group = { keys, acc: stats.map(() => new Accumulator()) }; groups.set(k, group); }
    stats.forEach((s, i) => group!.acc[i]!.add(s.field === '*' ? 1 : row.attributes[s.field]));
  }
  if (groups.size === 0 && groupBy.length === 0) groups.set('[]', { keys: [], acc: stats.map(() => new Accumulator()) });
  const rows = [...groups.values()].map((g) => {
    const out: Record<string, unknown> = {};
    groupBy.forEach((name, i) => { out[name] = g.keys[i]; });
    stats.forEach((s, i) => { out[s.outName] = g.acc[i]!.value(s.type); });
    return out;
  });
  return sortRows(rows, orderBy ?? groupBy.map((field) => ({ field, descending: false })));
}

/** Distinct combinations of `fields` among the matching rows. */
export function queryDistinct(source: FeatureSource, f: QueryFilter, fields: string[], orderBy?: OrderBy[]): Record<string, unknown>[] {
  const seen = new Map<string, Record<string, unknown>>();
  for (const row of matching(source, f, { fields, geometry: false })) {
    const k = JSON.stringify(fields.map((x) => row.attributes[x] ?? null));
    if (!seen.has(k)) seen.set(k, row.attributes);
  }
  return sortRows([...seen.values()], orderBy ?? fields.map((field) => ({ field, descending: false })));
}

function sortRows(rows: Record<string, unknown>[], orderBy: OrderBy[]): Record<string, unknown>[] {
  const keyOf = (row: Record<string, unknown>, field: string) => {
    const k = Object.keys(row).find((x) => x.toLowerCase() === field.toLowerCase());
    return k === undefined ? null : row[k];
  };
  return rows.sort((a, b) => {
    for (const o of orderBy) {
      const c = compareValues(keyOf(a, o.field), keyOf(b, o.field));
      if (c !== 0) return o.descending ? -c : c;
    }
    return 0;
  });
}

/** The extent of a whole source in another SR. */
export function projectedExtent(source: FeatureSource, transform: PositionTransform | null): Envelope | null {
  const e = source.extent();
  return e ? transformEnvelope(e, transform) : null;
}
