/**
 * Imports users' vector files (shapefiles, GeoJSON, FlatGeobuf) into one GeoPackage that
 * Quadrangle then serves. Every input is opened and checked, and every CRS resolved, before
 * anything is written; features then stream into `GeoPackageWriter` in batches (one
 * transaction each), the writer builds the R-trees, and the finished file is renamed onto the
 * target: the GeoPackage is written as a temporary file beside it, so a failure leaves no
 * half-written GeoPackage behind (and an existing one untouched).
 *
 * Tables: one per layer, named after the layer (folded to SQL-safe, unique, lower-case
 * names); columns keep the source's names where SQL allows (see names.ts). Object IDs are
 * the features' positions in the source (1, 2, …). Point layers become POINT or MULTIPOINT
 * tables; line and polygon layers become MULTILINESTRING and MULTIPOLYGON tables with single
 * parts promoted, so each table holds the one type it declares.
 *
 * Two things the writer does not do are done here on the finished file's own connection:
 * rows without geometry (a shapefile's Null shapes, GeoJSON features with `"geometry": null`)
 * are inserted directly, since the writer needs a geometry per feature (they are written
 * before the writer adds its R-tree triggers, so no GeoPackage SQL function is needed); and
 * Z tables get `z = 1` in `gpkg_geometry_columns`, which the writer always writes as 0.
 * @module ingest/import-to-geopackage
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { EsriFieldType } from '../data/feature-source.js';
import type { GpkgFeature, GpkgFieldType, GpkgGeometryType, GpkgValue } from '../data/geopackage/geopackage-writer.js';
import { GeoPackageWriter } from '../data/geopackage/geopackage-writer.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import type { Envelope, Geometry } from '../geo/geometry.js';
import { mapPositions } from '../geo/geometry.js';
import { IngestError } from './ingest-error.js';
import { NameRegistry, sanitiseName, tableNameFor } from './names.js';
import { openVectorFile } from './open-vector-file.js';
import type { AttributeValue, ImportFieldType, LayerGeometryType, RawCrs, VectorLayerSource } from './vector-layer.js';
import { firstPositionDims } from './vector-layer.js';

/** A CRS resolved to a `gpkg_spatial_ref_sys` row, ready for `GeoPackageWriter.addSpatialRef`. */
export interface ResolvedSrs {
  srsId: number;
  organization: string;
  organizationCoordsysId: number;
  /** WKT definition. */
  definition: string;
  /** `srs_name`; default: the WKT's own name, else `organization:code`. */
  name?: string;
  description?: string;
}

export interface ImportOptions {
  /** Resolves a layer's CRS as its file states it; throws (with a message for the user) when it cannot. */
  resolveCrs: (raw: RawCrs, file: string) => ResolvedSrs;
  /** Features per transaction (default 10,000). */
  batchSize?: number;
}

export interface ImportedField {
  /** Column name in the GeoPackage. */
  name: string;
  /** The field's name in the source file. */
  sourceName: string;
  /** The Esri type the served layer reports for the column. */
  type: EsriFieldType;
  /** The GeoPackage column type. */
  gpkgType: GpkgFieldType;
  /** The width the source declared (dBASE, FlatGeobuf) or the longest text seen (GeoJSON). */
  sourceWidth?: number;
}

export interface ImportedTable {
  /** Table name in the GeoPackage. */
  table: string;
  /** `gpkg_contents.identifier`: the layer's own name. */
  identifier: string;
  /** The file the table was imported from, and the layer of it. */
  file: string;
  layer: string;
  geometryType: GpkgGeometryType;
  /** `null` for a table whose features have no geometry. */
  esriGeometryType: EsriGeometryType | null;
  hasZ: boolean;
  objectIdField: string;
  geometryColumn: string;
  fields: ImportedField[];
  featureCount: number;
  /** Extent in the table's SRS; `null` when no feature has a geometry. */
  extent: Envelope | null;
  srs: ResolvedSrs;
}

const OBJECT_ID = 'OBJECTID';
const GEOMETRY_COLUMN = 'geom';

const GPKG_TYPES: Record<ImportFieldType, GpkgFieldType> = {
  smallInteger: 'SMALLINT', integer: 'INTEGER', single: 'FLOAT', double: 'REAL', string: 'TEXT', boolean: 'SMALLINT', date: 'DATE', dateTime: 'DATETIME',
};
/** As GeoPackageFeatureSource reports the column types the writer declares. */
const ESRI_TYPES: Record<GpkgFieldType, EsriFieldType> = {
  SMALLINT: 'esriFieldTypeSmallInteger', INTEGER: 'esriFieldTypeInteger', FLOAT: 'esriFieldTypeSingle', REAL: 'esriFieldTypeDouble',
  TEXT: 'esriFieldTypeString', DATE: 'esriFieldTypeDate', DATETIME: 'esriFieldTypeDate',
};
const TABLE_TYPES: Record<LayerGeometryType, GpkgGeometryType> = { point: 'POINT', multipoint: 'MULTIPOINT', line: 'MULTILINESTRING', polygon: 'MULTIPOLYGON' };
const ESRI_GEOMETRY: Record<LayerGeometryType, EsriGeometryType> = {
  point: 'esriGeometryPoint', multipoint: 'esriGeometryMultipoint', line: 'esriGeometryPolyline', polygon: 'esriGeometryPolygon',
};

interface TablePlan {
  layer: VectorLayerSource;
  table: string;
  identifier: string;
  geometryType: GpkgGeometryType;
  srs: ResolvedSrs;
  /** Source field → column. */
  columns: { source: string; name: string; type: ImportFieldType; gpkgType: GpkgFieldType; width?: number }[];
}

/**
 * Imports every layer of `inputs` into a new GeoPackage at `gpkgPath` (replacing any file
 * there once the import has succeeded) and describes the tables written.
 */
export async function importVectorFiles(inputs: string[], gpkgPath: string, opts: ImportOptions): Promise<ImportedTable[]> {
  if (inputs.length === 0) throw new IngestError(gpkgPath, 'no input files to import');
  const batchSize = Math.max(1, opts.batchSize ?? 10_000);
  const target = resolve(gpkgPath);
  if (!existsSync(dirname(target))) throw new IngestError(gpkgPath, `${gpkgPath}: the folder ${dirname(target)} does not exist`);

  // Open and check everything first: a bad file fails the import before anything is written.
  const layers: VectorLayerSource[] = [];
  for (const input of inputs) layers.push(...(await openVectorFile(input)));
  const plans = planTables(layers, opts);

  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.importing`);
  let writer: GeoPackageWriter | null = null;
  let side: Database.Database | null = null;
  try {
    writer = new GeoPackageWriter(temp);
    const srsDefinitions = new Map<number, string>();
    for (const p of plans) {
      const known = srsDefinitions.get(p.srs.srsId);
      if (known !== undefined && known !== p.srs.definition) {
        throw new Error(`the CRS resolver gave srs_id ${p.srs.srsId} to two different definitions`);
      }
      srsDefinitions.set(p.srs.srsId, p.srs.definition);
      writer.addSpatialRef({
        srsId: p.srs.srsId, name: p.srs.name ?? srsName(p.srs), organization: p.srs.organization,
        organizationCoordsysId: p.srs.organizationCoordsysId, definition: p.srs.definition, description: p.srs.description,
      });
      writer.createFeatureTable({
        table: p.table, identifier: p.identifier, description: `Imported from ${basename(p.layer.file)}`,
        geometryType: p.geometryType, srsId: p.srs.srsId, idColumn: OBJECT_ID, geometryColumn: GEOMETRY_COLUMN,
        fields: p.columns.map((c) => ({ name: c.name, type: c.gpkgType })),
      });
    }
    const counts = new Map<string, number>();
    for (const p of plans) {
      const sideDb = () => (side ??= new Database(temp));
      counts.set(p.table, await copyFeatures(p, writer, sideDb, batchSize));
    }
    writer.close();
    writer = null;
    side ??= new Database(temp);
    const results = describe(side, plans, counts);
    side.close();
    side = null;
    renameSync(temp, target);
    return results;
  } catch (e) {
    try { side?.close(); } catch { /* already failing */ }
    try { writer?.close(); } catch { /* already failing */ }
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${temp}${suffix}`, { force: true });
    throw e;
  }
}

/** Table names, columns and resolved CRSs for every layer; throws before any file is written. */
function planTables(layers: VectorLayerSource[], opts: ImportOptions): TablePlan[] {
  const tables = new NameRegistry();
  const identifiers = new NameRegistry();
  return layers.map((layer) => {
    let srs: ResolvedSrs;
    try {
      srs = opts.resolveCrs(layer.crs, layer.file);
    } catch (e) {
      if (e instanceof IngestError) throw e;
      const message = (e as Error).message;
      throw new IngestError(layer.file, message.includes(layer.file) ? message : `${layer.file}: ${message}`);
    }
    const columnNames = new NameRegistry([OBJECT_ID, GEOMETRY_COLUMN]);
    const columns = layer.fields.map((f) => {
      let name = sanitiseName(f.name, 'f_', 'field');
      // A source field called OBJECTID (ArcGIS exports have one) becomes OBJECTID_1, as ArcGIS names it.
      if (name.toLowerCase() === OBJECT_ID.toLowerCase() || name.toLowerCase() === GEOMETRY_COLUMN) name = `${name}_1`;
      return { source: f.name, name: columnNames.claim(name), type: f.type, gpkgType: GPKG_TYPES[f.type], ...(f.width !== undefined ? { width: f.width } : {}) };
    });
    return {
      layer,
      table: tables.claim(tableNameFor(layer.name)),
      identifier: identifiers.claim(layer.name),
      geometryType: layer.geometryType ? TABLE_TYPES[layer.geometryType] : 'GEOMETRY',
      srs,
      columns,
    };
  });
}

/** The WKT's own name (`PROJCS["OSGB 1936 / British National Grid",…`), else organisation:code. */
function srsName(srs: ResolvedSrs): string {
  const m = /^\s*[A-Z_]+\s*\[\s*"([^"]*)"/.exec(srs.definition);
  return m?.[1] || `${srs.organization}:${srs.organizationCoordsysId}`;
}

/** Streams one layer into its table; returns the number of rows written. */
async function copyFeatures(p: TablePlan, writer: GeoPackageWriter, sideDb: () => Database.Database, batchSize: number): Promise<number> {
  const { layer } = p;
  let batch: GpkgFeature[] = [];
  let nulls: { id: number; properties: Record<string, GpkgValue> }[] = [];
  let insertNull: Database.Statement | null = null;
  const flush = () => {
    if (batch.length) writer.insertFeatures(p.table, batch);
    if (nulls.length) {
      const db = sideDb();
      insertNull ??= db.prepare(`INSERT INTO "${p.table}" ("${OBJECT_ID}"${p.columns.map((c) => `, "${c.name}"`).join('')}) VALUES (?${', ?'.repeat(p.columns.length)})`);
      const rows = nulls;
      db.transaction(() => {
        for (const r of rows) insertNull!.run(r.id, ...p.columns.map((c) => sqlValue(r.properties[c.name], c.gpkgType)));
      })();
    }
    batch = [];
    nulls = [];
  };
  let id = 0;
  for await (const feature of layer.features()) {
    id++;
    const properties: Record<string, GpkgValue> = {};
    for (const c of p.columns) properties[c.name] = gpkgValue(feature.attributes[c.source] ?? null, c.type);
    if (feature.geometry) {
      batch.push({ id, geometry: fitGeometry(feature.geometry, p.geometryType, layer.hasZ, layer, id), properties });
    } else {
      nulls.push({ id, properties });
    }
    if (batch.length + nulls.length >= batchSize) flush();
  }
  flush();
  return id;
}

function gpkgValue(v: AttributeValue, type: ImportFieldType): GpkgValue {
  if (v === null) return null;
  if ((type === 'date' || type === 'dateTime') && typeof v === 'number') return new Date(v);
  return v;
}

/** What the writer would store for a value (dates as GeoPackage text, booleans as 0/1). */
function sqlValue(v: GpkgValue, type: GpkgFieldType): string | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return type === 'DATE' ? v.toISOString().slice(0, 10) : v.toISOString();
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v;
}

/**
 * Makes a geometry the type its table declares (single parts promoted to multi, a one-point
 * MultiPoint in a point table demoted) and gives it the table's dimension.
 */
function fitGeometry(g: Geometry, tableType: GpkgGeometryType, hasZ: boolean, layer: VectorLayerSource, id: number): Geometry {
  let out: Geometry = g;
  const mismatch = () => new IngestError(layer.file, `${layer.file}: feature ${id} of layer ${layer.name} is a ${g.type}, which a ${tableType} table cannot hold`);
  switch (tableType) {
    case 'POINT':
      if (g.type === 'MultiPoint' && g.coordinates.length === 1) out = { type: 'Point', coordinates: g.coordinates[0]! };
      else if (g.type !== 'Point') throw mismatch();
      break;
    case 'MULTIPOINT':
      if (g.type === 'Point') out = { type: 'MultiPoint', coordinates: [g.coordinates] };
      else if (g.type !== 'MultiPoint') throw mismatch();
      break;
    case 'MULTILINESTRING':
      if (g.type === 'LineString') out = { type: 'MultiLineString', coordinates: [g.coordinates] };
      else if (g.type !== 'MultiLineString') throw mismatch();
      break;
    case 'MULTIPOLYGON':
      if (g.type === 'Polygon') out = { type: 'MultiPolygon', coordinates: [g.coordinates] };
      else if (g.type !== 'MultiPolygon') throw mismatch();
      break;
    default:
      break;
  }
  if ((firstPositionDims(out) > 2) !== hasZ) {
    out = mapPositions(out, hasZ ? (q) => (q.length > 2 ? q : [q[0]!, q[1]!, 0]) : (q) => [q[0]!, q[1]!]);
  }
  return out;
}

/** Marks Z tables and reads back what was written. */
function describe(db: Database.Database, plans: TablePlan[], counts: Map<string, number>): ImportedTable[] {
  const setZ = db.prepare(`UPDATE gpkg_geometry_columns SET z = 1 WHERE table_name = ?`);
  const extent = db.prepare(`SELECT min_x AS xmin, min_y AS ymin, max_x AS xmax, max_y AS ymax FROM gpkg_contents WHERE table_name = ?`);
  db.transaction(() => { for (const p of plans) if (p.layer.hasZ) setZ.run(p.table); })();
  return plans.map((p) => {
    const e = extent.get(p.table) as Envelope | undefined;
    return {
      table: p.table,
      identifier: p.identifier,
      file: p.layer.file,
      layer: p.layer.name,
      geometryType: p.geometryType,
      esriGeometryType: p.layer.geometryType ? ESRI_GEOMETRY[p.layer.geometryType] : null,
      hasZ: p.layer.hasZ,
      objectIdField: OBJECT_ID,
      geometryColumn: GEOMETRY_COLUMN,
      fields: p.columns.map((c) => ({ name: c.name, sourceName: c.source, type: ESRI_TYPES[c.gpkgType], gpkgType: c.gpkgType, ...(c.width !== undefined ? { sourceWidth: c.width } : {}) })),
      featureCount: counts.get(p.table) ?? 0,
      extent: e && e.xmin !== null ? { xmin: e.xmin, ymin: e.ymin, xmax: e.xmax, ymax: e.ymax } : null,
      srs: p.srs,
    };
  });
}
