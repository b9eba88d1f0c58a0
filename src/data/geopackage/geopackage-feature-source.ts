/**
 * A feature table of a GeoPackage (OGC 12-128r18), read with better-sqlite3: schema from
 * `gpkg_geometry_columns`/`gpkg_spatial_ref_sys`, R-tree prefilter when the table has one,
 * where clauses compiled to parameterised SQL.
 * @module data/geopackage/geopackage-feature-source
 */
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import type { Envelope } from '../../geo/geometry.js';
import type { EsriGeometryType } from '../../geo/esri-json.js';
import { esriTypeOf } from '../../geo/esri-json.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { lookupEpsg, SpatialReferenceError } from '../../geo/spatial-reference.js';
import { resolveCrs } from '../../geo/crs-match.js';
import type { EsriFieldType, FeatureRow, FeatureSource, FeatureSourceSchema, FieldInfo, ScanRequest } from '../feature-source.js';
import { FeatureQueryError } from '../feature-source.js';
import type { WhereFieldType } from '../where/index.js';
import { compileWhereToSql, registerWhereFunctions } from '../where/index.js';
import { decodeGpkgGeometry } from './gpkg-geometry.js';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** GeoPackage geometry type names to Esri geometry types. */
const GEOMETRY_TYPES: Record<string, EsriGeometryType> = {
  POINT: 'esriGeometryPoint', MULTIPOINT: 'esriGeometryMultipoint',
  LINESTRING: 'esriGeometryPolyline', MULTILINESTRING: 'esriGeometryPolyline', CURVE: 'esriGeometryPolyline', MULTICURVE: 'esriGeometryPolyline',
  POLYGON: 'esriGeometryPolygon', MULTIPOLYGON: 'esriGeometryPolygon', CURVEPOLYGON: 'esriGeometryPolygon', MULTISURFACE: 'esriGeometryPolygon', SURFACE: 'esriGeometryPolygon',
};

interface ColumnInfo { field: FieldInfo; kind: 'date' | 'datetime' | 'boolean' | 'plain'; whereType: WhereFieldType }

/** Maps a declared SQLite/GeoPackage column type to an Esri field type (GeoPackage §1.1.1.1.3). */
function describeColumn(name: string, declared: string, notNull: boolean, pk: boolean): ColumnInfo {
  const t = declared.toUpperCase();
  const width = /\((\d+)\)/.exec(t);
  const base = t.replace(/\(.*$/, '').trim();
  let type: EsriFieldType = 'esriFieldTypeString';
  let kind: ColumnInfo['kind'] = 'plain';
  let whereType: WhereFieldType = 'string';
  if (pk) { type = 'esriFieldTypeOID'; whereType = 'integer'; }
  else if (base === 'BOOLEAN') { type = 'esriFieldTypeSmallInteger'; kind = 'boolean'; whereType = 'integer'; }
  else if (base === 'TINYINT' || base === 'SMALLINT') { type = 'esriFieldTypeSmallInteger'; whereType = 'integer'; }
  else if (base === 'MEDIUMINT' || base === 'INT' || base === 'INTEGER') { type = base === 'INTEGER' ? 'esriFieldTypeInteger' : 'esriFieldTypeInteger'; whereType = 'integer'; }
  else if (base === 'FLOAT') { type = 'esriFieldTypeSingle'; whereType = 'double'; }
  else if (base === 'DOUBLE' || base === 'REAL' || base === 'NUMERIC') { type = 'esriFieldTypeDouble'; whereType = 'double'; }
  else if (base === 'DATE') { type = 'esriFieldTypeDate'; kind = 'date'; whereType = 'date'; }
  else if (base === 'DATETIME') { type = 'esriFieldTypeDate'; kind = 'datetime'; whereType = 'date'; }
  else if (base === 'BLOB') { type = 'esriFieldTypeBlob'; whereType = 'other'; }
  const field: FieldInfo = { name, type, alias: name, nullable: !notNull && !pk, editable: !pk };
  if (type === 'esriFieldTypeString') field.length = width ? Number(width[1]) : 255;
  return { field, kind, whereType };
}

/** GeoPackage stores dates as ISO text; ArcGIS wants epoch milliseconds (mapserver.md §1). */
function toArcGisValue(kind: ColumnInfo['kind'], v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'date' && typeof v === 'string') { const ms = Date.parse(`${v.slice(0, 10)}T00:00:00Z`); return Number.isNaN(ms) ? null : ms; }
  if (kind === 'datetime' && typeof v === 'string') { const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`); return Number.isNaN(ms) ? null : ms; }
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  return v;
}

/** Open read-only connections, one per file, shared by every table of the file. */
const connections = new Map<string, { db: Database.Database; users: number }>();

function openShared(path: string): Database.Database {
  const entry = connections.get(path);
  if (entry) { entry.users++; return entry.db; }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  registerWhereFunctions(db);
  connections.set(path, { db, users: 1 });
  return db;
}

function releaseShared(path: string): void {
  const entry = connections.get(path);
  if (entry && --entry.users === 0) { entry.db.close(); connections.delete(path); }
}

/** Lists the feature and attribute tables of a GeoPackage (`gpkg_contents`). */
export function listGeoPackageTables(path: string): { table: string; dataType: string; identifier: string | null; description: string | null }[] {
  const db = openShared(path);
  try {
    return db.prepare(`SELECT table_name AS "table", data_type AS dataType, identifier, description FROM gpkg_contents WHERE data_type IN ('features', 'attributes') ORDER BY table_name`).all() as never;
  } finally { releaseShared(path); }
}

export class GeoPackageFeatureSource implements FeatureSource {
  readonly schema: FeatureSourceSchema;
  private readonly db: Database.Database;
  private readonly table: string;
  private readonly geomColumn: string | null;
  private readonly rtree: string | null;
  private readonly columns = new Map<string, ColumnInfo>();
  private readonly byLowerName = new Map<string, ColumnInfo>();
  private readonly statements = new Map<string, Database.Statement>();
  private cachedExtent: Envelope | null | undefined;

  /** Opens `table` of the GeoPackage at `path` (a path already checked to be in a data directory). */
  constructor(private readonly path: string, table: string) {
    this.db = openShared(path);
    try {
      const content = this.db.prepare(`SELECT table_name, data_type, srs_id, min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?`).get(table) as
        { table_name: string; data_type: string; srs_id: number | null } | undefined;
      if (!content) throw new FeatureQueryError(`table '${table}' is not in the GeoPackage`);
      this.table = content.table_name;
      const geom = this.db.prepare(`SELECT column_name, geometry_type_name, srs_id, z FROM gpkg_geometry_columns WHERE table_name = ?`).get(table) as
        { column_name: string; geometry_type_name: string; srs_id: number; z: number } | undefined;
      this.geomColumn = geom?.column_name ?? null;
      const tableInfo = this.db.prepare(`SELECT name, type, "notnull" AS "notNull", pk FROM pragma_table_info(?)`).all(table) as
        { name: string; type: string; notNull: number; pk: number }[];
      const pkColumns = tableInfo.filter((c) => c.pk > 0);
      const oid = pkColumns.length === 1 && /^INT/i.test(pkColumns[0]!.type) ? pkColumns[0]!.name : null;
      if (!oid) throw new FeatureQueryError(`table '${table}' has no integer primary key`);
      for (const c of tableInfo) {
        if (c.name === this.geomColumn) continue;
        const info = describeColumn(c.name, c.type, c.notNull === 1, c.name === oid);
        this.columns.set(c.name, info);
        this.byLowerName.set(c.name.toLowerCase(), info);
      }
      const rtreeName = this.geomColumn ? `rtree_${this.table}_${this.geomColumn}` : null;
      this.rtree = rtreeName && this.db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(rtreeName) ? rtreeName : null;
      this.schema = {
        fields: [...this.columns.values()].map((c) => c.field),
        objectIdField: oid,
        geometryType: geom ? GEOMETRY_TYPES[geom.geometry_type_name.toUpperCase()] ?? this.sampleGeometryType() : null,
        hasZ: geom ? geom.z === 1 : false,
        spatialReference: this.readSpatialReference(geom?.srs_id ?? content.srs_id ?? 0),
      };
    } catch (e) {
      releaseShared(path);
      throw e;
    }
  }

  /**
   * A GEOMETRY (or GEOMETRYCOLLECTION) column says nothing of its contents; GDAL writes it for
   * layers of unknown type. The first stored geometry decides, as ArcGIS layers have one type.
   */
  private sampleGeometryType(): EsriGeometryType {
    const row = this.db.prepare(`SELECT ${quote(this.geomColumn!)} AS g FROM ${quote(this.table)} WHERE ${quote(this.geomColumn!)} IS NOT NULL LIMIT 1`).get() as { g: Uint8Array } | undefined;
    const g = row ? decodeGpkgGeometry(row.g).geometry : null;
    return g ? esriTypeOf(g.type) : 'esriGeometryPoint';
  }

  /**
   * The SR comes from the file: an EPSG code when the organisation is EPSG and the code is
   * known; otherwise (organisation NONE, an unknown code, a GeoPackage's own srs_id) the stored
   * WKT — `definition`, or the WKT 2 of the crs_wkt extension — matched to an EPSG code where one
   * fits, else kept as a custom definition proj4 can use. Never silently assumed: srs_id -1 and 0
   * ("undefined Cartesian/geographic", definition `undefined`) are refused.
   */
  private readSpatialReference(srsId: number): SpatialReference {
    const row = this.db.prepare(`SELECT * FROM gpkg_spatial_ref_sys WHERE srs_id = ?`).get(srsId) as
      { organization: string | null; organization_coordsys_id: number | null; definition: string | null; definition_12_063?: string | null } | undefined;
    if (row && row.organization?.toUpperCase() === 'EPSG' && row.organization_coordsys_id !== null && lookupEpsg(row.organization_coordsys_id)) {
      return { wkid: row.organization_coordsys_id, latestWkid: row.organization_coordsys_id };
    }
    const usable = (wkt: string | null | undefined) => (wkt && wkt.trim() && wkt.trim().toLowerCase() !== 'undefined' ? wkt : null);
    const wkt = usable(row?.definition) ?? usable(row?.definition_12_063);
    if (!row || !wkt) throw new FeatureQueryError(`table '${this.table}' has an undefined spatial reference (srs_id ${srsId})`);
    try {
      return resolveCrs({ wkt }, `${basename(this.path)}: table '${this.table}' (srs_id ${srsId})`).sr;
    } catch (e) {
      if (e instanceof SpatialReferenceError) throw new FeatureQueryError(e.message);
      throw e;
    }
  }

  extent(): Envelope | null {
    if (this.cachedExtent !== undefined) return this.cachedExtent;
    let e: Envelope | null = null;
    if (this.rtree) {
      const r = this.db.prepare(`SELECT min(minx) xmin, min(miny) ymin, max(maxx) xmax, max(maxy) ymax FROM ${quote(this.rtree)}`).get() as Envelope;
      if (r.xmin !== null) e = r;
    } else if (this.geomColumn) {
      const r = this.db.prepare(`SELECT min_x xmin, min_y ymin, max_x xmax, max_y ymax FROM gpkg_contents WHERE table_name = ?`).get(this.table) as Envelope;
      if (r.xmin !== null) e = r;
    }
    this.cachedExtent = e;
    return e;
  }

  private column(name: string): ColumnInfo {
    const c = this.columns.get(name) ?? this.byLowerName.get(name.toLowerCase());
    if (!c) throw new FeatureQueryError(`unknown field '${name.slice(0, 64)}'`);
    return c;
  }

  /** Builds FROM … WHERE … shared by scan and count. */
  private filterSql(req: Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'>): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const oid = `t.${quote(this.schema.objectIdField)}`;
    if (req.bbox) {
      if (this.rtree) {
        clauses.push(`${oid} IN (SELECT id FROM ${quote(this.rtree)} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)`);
        params.push(req.bbox.xmax, req.bbox.xmin, req.bbox.ymax, req.bbox.ymin);
      } else if (this.geomColumn) {
        clauses.push(`t.${quote(this.geomColumn)} IS NOT NULL`);
      }
    }
    if (req.objectIds) {
      clauses.push(`${oid} IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(req.objectIds));
    }
    if (req.where) {
      const compiled = compileWhereToSql(req.where, {
        dialect: 'sqlite',
        resolveField: (name) => {
          const c = this.columns.get(name) ?? this.byLowerName.get(name.toLowerCase());
          return c ? { sql: `t.${quote(c.field.name)}`, type: c.whereType } : null;
        },
      });
      clauses.push(compiled.sql);
      params.push(...compiled.params);
    }
    return { sql: `FROM ${quote(this.table)} AS t${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`, params };
  }

  private prepare(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size > 200) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }

  *scan(req: ScanRequest): Iterable<FeatureRow> {
    const cols = req.fields.map((f) => this.column(f));
    const oidName = this.schema.objectIdField;
    const select = [`t.${quote(oidName)} AS "__oid"`, ...cols.map((c, i) => `t.${quote(c.field.name)} AS "f${i}"`)];
    if (req.geometry && this.geomColumn) select.push(`t.${quote(this.geomColumn)} AS "__geom"`);
    const filter = this.filterSql(req);
    const order = (req.orderBy?.length ? req.orderBy : [{ field: oidName, descending: false }])
      .map((o) => `t.${quote(this.column(o.field).field.name)} ${o.descending ? 'DESC' : 'ASC'}`);
    if (!order.some((o) => o.startsWith(`t.${quote(oidName)} `))) order.push(`t.${quote(oidName)} ASC`);
    let sql = `SELECT ${select.join(', ')} ${filter.sql} ORDER BY ${order.join(', ')}`;
    const params = [...filter.params];
    if (req.limit !== undefined || req.offset) { sql += ' LIMIT ? OFFSET ?'; params.push(req.limit ?? -1, req.offset ?? 0); }
    // Raw rows (arrays) and plain loops: this runs once per feature of every query and map.
    const geomIndex = cols.length + 1;
    const withGeometry = select.length > geomIndex;
    for (const row of this.prepare(sql).raw(true).iterate(...params) as Iterable<unknown[]>) {
      const attributes: Record<string, unknown> = {};
      for (let i = 0; i < cols.length; i++) attributes[cols[i]!.field.name] = toArcGisValue(cols[i]!.kind, row[i + 1]);
      let geometry = null;
      let envelope: Envelope | undefined;
      const blob = withGeometry ? row[geomIndex] as Uint8Array | null : null;
      if (blob) {
        const decoded = decodeGpkgGeometry(blob);
        geometry = decoded.geometry;
        envelope = decoded.envelope ?? undefined;
      }
      yield { id: Number(row[0]), attributes, geometry, envelope };
    }
  }

  dataVersion(): number {
    // Changes when another connection (an editor, a republish) commits to the file.
    return Number(this.prepare('PRAGMA data_version').pluck().get());
  }

  count(req: Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'>): number {
    const filter = this.filterSql(req);
    return Number((this.prepare(`SELECT count(*) AS n ${filter.sql}`).get(...filter.params) as { n: number }).n);
  }

  close(): void {
    this.statements.clear();
    releaseShared(this.path);
  }
}
