/**
 * A GeoJSON file held in memory with a Flatbush index. Suited to small and medium files;
 * where clauses run through the same parser as SQL sources, evaluated in JavaScript.
 * @module data/geojson/geojson-feature-source
 */
import { readFileSync } from 'node:fs';
import Flatbush from 'flatbush';
import type { Envelope, Geometry } from '../../geo/geometry.js';
import { emptyEnvelope, extendEnvelope, geometryEnvelope, isEmptyEnvelope } from '../../geo/geometry.js';
import { esriTypeOf } from '../../geo/esri-json.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { lookupEpsg } from '../../geo/spatial-reference.js';
import type { FeatureRow, FeatureSource, FeatureSourceSchema, FieldInfo, ScanRequest } from '../feature-source.js';
import { FeatureQueryError } from '../feature-source.js';
import { compareValues } from '../compare-values.js';
import type { WhereFieldType } from '../where/index.js';
import { compileWhereToPredicate } from '../where/index.js';

interface StoredFeature { id: number; attributes: Record<string, unknown>; geometry: Geometry | null; envelope: Envelope | null }

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

/**
 * RFC 7946 GeoJSON is WGS 84. Files written by older tools carry a `crs` member
 * (`urn:ogc:def:crs:EPSG::32630`, `EPSG:32630`); honour it rather than assume.
 */
function readCrs(doc: Record<string, unknown>): SpatialReference {
  const name = (doc.crs as { properties?: { name?: string } } | undefined)?.properties?.name;
  if (!name || /CRS84$/i.test(name)) return { wkid: 4326, latestWkid: 4326 };
  const m = /EPSG:+(\d+)$/i.exec(name);
  if (!m || !lookupEpsg(Number(m[1]))) throw new FeatureQueryError(`unsupported GeoJSON crs '${name.slice(0, 80)}'`);
  return { wkid: Number(m[1]), latestWkid: Number(m[1]) };
}

function inferType(values: unknown[]): { type: FieldInfo['type']; whereType: WhereFieldType } {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length && present.every((v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) < 2 ** 31)) return { type: 'esriFieldTypeInteger', whereType: 'integer' };
  if (present.length && present.every((v) => typeof v === 'number')) return { type: 'esriFieldTypeDouble', whereType: 'double' };
  if (present.length && present.every((v) => typeof v === 'boolean')) return { type: 'esriFieldTypeSmallInteger', whereType: 'integer' };
  return { type: 'esriFieldTypeString', whereType: 'string' };
}

export class GeoJsonFeatureSource implements FeatureSource {
  readonly schema: FeatureSourceSchema;
  private readonly features: StoredFeature[] = [];
  private readonly byId = new Map<number, StoredFeature>();
  private readonly index: Flatbush | null;
  private readonly indexed: StoredFeature[] = [];
  private readonly whereTypes = new Map<string, WhereFieldType>();
  private readonly fullExtent: Envelope | null;

  /** Reads the file at `path` (already checked to be in a data directory). */
  constructor(path: string) {
    let doc: Record<string, unknown>;
    try { doc = JSON.parse(readFileSync(path, 'utf8')); } catch { throw new FeatureQueryError('the GeoJSON file cannot be read'); }
    const list = doc.type === 'FeatureCollection' ? doc.features : doc.type === 'Feature' ? [doc] : null;
    if (!Array.isArray(list)) throw new FeatureQueryError('the GeoJSON file holds no FeatureCollection');
    const raw = list as { id?: unknown; properties?: Record<string, unknown> | null; geometry?: Geometry | null }[];
    const names = new Map<string, unknown[]>();
    for (const f of raw) for (const [k, v] of Object.entries(f.properties ?? {})) {
      if (!names.has(k)) names.set(k, []);
      names.get(k)!.push(v);
    }
    let oidName = 'OBJECTID';
    while (names.has(oidName)) oidName = `_${oidName}`;
    const fields: FieldInfo[] = [{ name: oidName, type: 'esriFieldTypeOID', alias: oidName, nullable: false, editable: false }];
    this.whereTypes.set(oidName, 'integer');
    for (const [name, values] of names) {
      const t = inferType(values);
      const field: FieldInfo = { name, type: t.type, alias: name, nullable: true, editable: true };
      if (t.type === 'esriFieldTypeString') field.length = Math.max(255, ...values.map((v) => String(v ?? '').length));
      fields.push(field);
      this.whereTypes.set(name, t.whereType);
    }
    const usedIds = new Set<number>();
    const extent = emptyEnvelope();
    const geometryKinds = new Set<string>();
    raw.forEach((f, i) => {
      const fid = typeof f.id === 'number' && Number.isSafeInteger(f.id) && f.id > 0 && !usedIds.has(f.id) ? f.id : i + 1;
      usedIds.add(fid);
      const geometry = f.geometry && GEOMETRY_TYPES.has(f.geometry.type) ? f.geometry : null;
      const attributes: Record<string, unknown> = { [oidName]: fid };
      for (const [k, v] of Object.entries(f.properties ?? {})) attributes[k] = typeof v === 'boolean' ? Number(v) : (v !== null && typeof v === 'object' ? JSON.stringify(v) : v);
      const envelope = geometry ? geometryEnvelope(geometry) : null;
      if (geometry && envelope) { extendEnvelope(extent, geometry); geometryKinds.add(esriTypeOf(geometry.type)); }
      const stored = { id: fid, attributes, geometry, envelope };
      this.features.push(stored);
      this.byId.set(fid, stored);
    });
    this.features.sort((a, b) => a.id - b.id);
    this.fullExtent = isEmptyEnvelope(extent) ? null : extent;
    const withGeometry = this.features.filter((f) => f.envelope);
    this.index = withGeometry.length ? new Flatbush(withGeometry.length) : null;
    if (this.index) {
      for (const f of withGeometry) { this.index.add(f.envelope!.xmin, f.envelope!.ymin, f.envelope!.xmax, f.envelope!.ymax); this.indexed.push(f); }
      this.index.finish();
    }
    this.schema = {
      fields,
      objectIdField: oidName,
      geometryType: geometryKinds.size === 1 ? [...geometryKinds][0] as FeatureSourceSchema['geometryType'] : geometryKinds.size ? 'esriGeometryPolygon' : null,
      hasZ: false,
      spatialReference: readCrs(doc),
    };
  }

  extent(): Envelope | null { return this.fullExtent ? { ...this.fullExtent } : null; }

  private fieldName(name: string): string {
    const f = this.schema.fields.find((x) => x.name === name) ?? this.schema.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!f) throw new FeatureQueryError(`unknown field '${name.slice(0, 64)}'`);
    return f.name;
  }

  private filter(req: Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'>): StoredFeature[] {
    let rows: StoredFeature[];
    if (req.objectIds) rows = req.objectIds.map((id) => this.byId.get(id)).filter((f): f is StoredFeature => !!f).sort((a, b) => a.id - b.id);
    else if (req.bbox) rows = this.index ? this.index.search(req.bbox.xmin, req.bbox.ymin, req.bbox.xmax, req.bbox.ymax).map((i) => this.indexed[i]!).sort((a, b) => a.id - b.id) : [];
    else rows = this.features;
    if (req.bbox && req.objectIds) rows = rows.filter((f) => f.envelope && f.envelope.xmin <= req.bbox!.xmax && f.envelope.xmax >= req.bbox!.xmin && f.envelope.ymin <= req.bbox!.ymax && f.envelope.ymax >= req.bbox!.ymin);
    if (req.where) {
      const predicate = compileWhereToPredicate(req.where, (name) => {
        const f = this.schema.fields.find((x) => x.name.toLowerCase() === name.toLowerCase());
        return f ? { key: f.name, type: this.whereTypes.get(f.name)! } : null;
      });
      rows = rows.filter((f) => predicate(f.attributes));
    }
    return rows;
  }

  *scan(req: ScanRequest): Iterable<FeatureRow> {
    const fields = req.fields.map((f) => this.fieldName(f));
    let rows = this.filter(req);
    if (req.orderBy?.length) {
      const order = req.orderBy.map((o) => ({ key: this.fieldName(o.field), sign: o.descending ? -1 : 1 }));
      rows = [...rows].sort((a, b) => {
        for (const { key, sign } of order) {
          const c = compareValues(a.attributes[key], b.attributes[key]);
          if (c !== 0) return c * sign;
        }
        return a.id - b.id;
      });
    }
    const start = req.offset ?? 0;
    const end = req.limit === undefined ? rows.length : start + req.limit;
    for (const f of rows.slice(start, end)) {
      const attributes: Record<string, unknown> = {};
      for (const k of fields) attributes[k] = f.attributes[k] ?? null;
      yield { id: f.id, attributes, geometry: req.geometry ? f.geometry : null, envelope: f.envelope ?? undefined };
    }
  }

  count(req: Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'>): number { return this.filter(req).length; }

  close(): void { /* nothing held open */ }
}
