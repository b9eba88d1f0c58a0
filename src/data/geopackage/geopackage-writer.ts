/**
 * Writes OGC GeoPackage 1.4 files with feature tables: the required metadata tables, spatial
 * reference rows, feature tables with an integer primary key and one geometry column, bulk
 * inserts in a single transaction, and an R-tree spatial index per table (the
 * `gpkg_rtree_index` extension, with the GeoPackage 1.4 maintenance triggers) built once the
 * rows are in. OGC 12-128r19.
 *
 * Usage: construct (creates or replaces the file), `addSpatialRef`, `createFeatureTable`,
 * `insertFeatures` (any number of times), then `close()`, which builds the spatial indexes,
 * records each table's extent in `gpkg_contents`, and closes the database.
 * @module data/geopackage/geopackage-writer
 */
import Database from 'better-sqlite3';
import { existsSync, unlinkSync } from 'node:fs';
import type { Geometry } from '../../geo/geometry.js';
import { geometryEnvelope } from '../../geo/geometry.js';
import { encodeGpkgGeometry } from './gpkg-geometry.js';

/** SQLite application id of a GeoPackage ('GPKG'). */
export const GPKG_APPLICATION_ID = 0x47504b47;
/**
 * `user_version` 1.3.0: GDAL before 3.7 warns on 1.4 files, and nothing written here needs 1.4.
 * The R-tree triggers are the 1.4 ones, which fix an erratum and are valid in 1.3 files too.
 */
export const GPKG_USER_VERSION = 10300;

/**
 * Attribute column types the writer supports (GeoPackage §1.1.1.1.3): SMALLINT and FLOAT keep a
 * copied table's narrower types. DATE values are 'YYYY-MM-DD', DATETIME ISO 8601 UTC.
 */
export type GpkgFieldType = 'INTEGER' | 'SMALLINT' | 'REAL' | 'FLOAT' | 'TEXT' | 'DATE' | 'DATETIME';

/** Geometry type names of gpkg_geometry_columns. */
export type GpkgGeometryType = 'GEOMETRY' | 'POINT' | 'LINESTRING' | 'POLYGON' | 'MULTIPOINT' | 'MULTILINESTRING' | 'MULTIPOLYGON';

/** An attribute column. */
export interface GpkgField {
  name: string;
  type: GpkgFieldType;
}

/** A row of `gpkg_spatial_ref_sys`. */
export interface GpkgSpatialRef {
  srsId: number;
  name: string;
  organization: string;
  organizationCoordsysId: number;
  /** WKT (1) definition. */
  definition: string;
  description?: string;
}

/** Definition of a feature table. */
export interface GpkgFeatureTable {
  table: string;
  /** Human-readable name (`gpkg_contents.identifier`); defaults to the table name. Must be unique. */
  identifier?: string;
  description?: string;
  geometryType: GpkgGeometryType;
  srsId: number;
  fields: GpkgField[];
  /** Name of the integer primary key column (default 'OBJECTID'). */
  idColumn?: string;
  /** Name of the geometry column (default 'geom'). */
  geometryColumn?: string;
}

/** Attribute values: DATE/DATETIME columns accept a Date or an already formatted string. */
export type GpkgValue = string | number | boolean | Date | null | undefined;

/** A feature to insert: geometry in the table's CRS and attribute values by field name. */
export interface GpkgFeature {
  geometry: Geometry;
  properties: Record<string, GpkgValue>;
  /** Primary key to store, so a copied feature keeps its object ID; default: the next one. */
  id?: number;
}

/** Options of the {@link GeoPackageWriter} constructor. */
export interface GeoPackageWriterOptions {
  /** Timestamp recorded as each table's `last_change` (default: when the table is created). */
  lastChange?: Date;
}

/** Raised for misuse of the writer (unknown table, unknown field, writes after close). */
export class GeoPackageWriteError extends Error {}

interface TableState {
  def: Required<Omit<GpkgFeatureTable, 'description' | 'identifier'>> & { identifier: string; description: string };
  insert: Database.Statement;
  /** The insert with the primary key given. */
  insertWithId: Database.Statement;
  /** minx, maxx, miny, maxy per row, in insertion order, paired with `ids`. */
  boxes: number[];
  ids: number[];
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new GeoPackageWriteError(`invalid SQL identifier '${name}'`);
  return name;
}

const q = (name: string) => `"${name}"`;

/** The three rows every GeoPackage must have (OGC 12-128 Requirement 11). */
const REQUIRED_SPATIAL_REFS: GpkgSpatialRef[] = [
  { srsId: -1, name: 'Undefined Cartesian SRS', organization: 'NONE', organizationCoordsysId: -1, definition: 'undefined', description: 'undefined Cartesian coordinate reference system' },
  { srsId: 0, name: 'Undefined geographic SRS', organization: 'NONE', organizationCoordsysId: 0, definition: 'undefined', description: 'undefined geographic coordinate reference system' },
  {
    srsId: 4326, name: 'WGS 84 geodetic', organization: 'EPSG', organizationCoordsysId: 4326,
    definition: 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]',
    description: 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid',
  },
];

const SCHEMA = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
`;

/**
 * GeoPackage 1.4 R-tree maintenance triggers (OGC 12-128r19 Annex F.3): 1.4 replaced 1.2's
 * `update1` by `update6` and `update7` (safe with UPSERT) and renamed `update3` to `update5`.
 */
function rtreeTriggers(t: string, c: string, i: string): string {
  const rt = q(`rtree_${t}_${c}`);
  const T = q(t), C = q(c), I = q(i);
  const values = `NEW.${I}, ST_MinX(NEW.${C}), ST_MaxX(NEW.${C}), ST_MinY(NEW.${C}), ST_MaxY(NEW.${C})`;
  return `
CREATE TRIGGER ${q(`rtree_${t}_${c}_insert`)} AFTER INSERT ON ${T}
  WHEN (NEW.${C} NOT NULL AND NOT ST_IsEmpty(NEW.${C}))
BEGIN
  INSERT OR REPLACE INTO ${rt} VALUES (${values});
END;
CREATE TRIGGER ${q(`rtree_${t}_${c}_update2`)} AFTER UPDATE OF ${C} ON ${T}
  WHEN OLD.${I} = NEW.${I} AND (NEW.${C} ISNULL OR ST_IsEmpty(NEW.${C}))
BEGIN
  DELETE FROM ${rt} WHERE id = OLD.${I};
END;
CREATE TRIGGER ${q(`rtree_${t}_${c}_update5`)} AFTER UPDATE ON ${T}
  WHEN OLD.${I} != NEW.${I} AND (NEW.${C} NOTNULL AND NOT ST_IsEmpty(NEW.${C}))
BEGIN
  DELETE FROM ${rt} WHERE id = OLD.${I};
  INSERT OR REPLACE INTO ${rt} VALUES (${values});
END;
CREATE TRIGGER ${q(`rtree_${t}_${c}_update4`)} AFTER UPDATE ON ${T}
  WHEN OLD.${I} != NEW.${I} AND (NEW.${C} ISNULL OR ST_IsEmpty(NEW.${C}))
BEGIN
  DELETE FROM ${rt} WHERE id IN (OLD.${I}, NEW.${I});
END;
CREATE TRIGGER ${q(`rtree_${t}_${c}_update6`)} AFTER UPDATE OF ${C} ON ${T}
  WHEN OLD.${I} = NEW.${I} AND (NEW.${C} NOTNULL AND NOT ST_IsEmpty(NEW.${C}))
    AND (OLD.${C} NOTNULL AND NOT ST_IsEmpty(OLD.${C}))
BEGIN
  UPDATE ${rt} SET minx = ST_MinX(NEW.${C}), maxx = ST_MaxX(NEW.${C}), miny = ST_MinY(NEW.${C}), maxy = ST_MaxY(NEW.${C})
  WHERE id = NEW.${I};
END;
CREATE TRIGGER ${q(`rtree_${t}_${c}_update7`)} AFTER UPDATE OF ${C} ON ${T}
  WHEN OLD.${I} = NEW.${I} AND (NEW.${C} NOTNULL AND NOT ST_IsEmpty(NEW.${C}))
    AND (OLD.${C} ISNULL OR ST_IsEmpty(OLD.${C}))
BEGIN
  INSERT INTO ${rt} VALUES (${values});
END;
CREATE TRIGGER ${q(`rtree_${t}_${c}_delete`)} AFTER DELETE ON ${T}
  WHEN OLD.${C} NOT NULL
BEGIN
  DELETE FROM ${rt} WHERE id = OLD.${I};
END;`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function formatDate(v: Date): string {
  return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
}

/** Converts an attribute value to what SQLite stores for the column type. */
function toSqlValue(value: GpkgValue, type: GpkgFieldType, field: string): string | number | null {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'INTEGER':
    case 'SMALLINT':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new GeoPackageWriteError(`field ${field}: ${String(value)} is not an integer`);
      return value;
    case 'REAL':
    case 'FLOAT':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new GeoPackageWriteError(`field ${field}: ${String(value)} is not a finite number`);
      return value;
    case 'TEXT':
      return typeof value === 'string' ? value : String(value);
    case 'DATE':
      return value instanceof Date ? formatDate(value) : String(value);
    case 'DATETIME':
      return value instanceof Date ? value.toISOString() : String(value);
  }
}

/** Builds a GeoPackage feature database file. Not reusable after {@link GeoPackageWriter.close}. */
export class GeoPackageWriter {
  private db: Database.Database | null;
  private readonly tables = new Map<string, TableState>();
  private readonly spatialRefs = new Set<number>();
  private readonly lastChange: Date | undefined;

  /** Creates `path`, replacing any existing file. */
  constructor(path: string, options: GeoPackageWriterOptions = {}) {
    if (existsSync(path)) unlinkSync(path);
    this.lastChange = options.lastChange;
    const db = new Database(path);
    this.db = db;
    db.pragma(`application_id = ${GPKG_APPLICATION_ID}`);
    db.pragma(`user_version = ${GPKG_USER_VERSION}`);
    // The file is built in one go and is useless if the process dies half way, so trade
    // crash safety for speed while writing.
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.exec(SCHEMA);
    for (const ref of REQUIRED_SPATIAL_REFS) this.addSpatialRef(ref);
  }

  private open(): Database.Database {
    if (!this.db) throw new GeoPackageWriteError('the GeoPackage writer is closed');
    return this.db;
  }

  /** Adds a `gpkg_spatial_ref_sys` row (ignored if the id is already present). */
  addSpatialRef(ref: GpkgSpatialRef): void {
    if (this.spatialRefs.has(ref.srsId)) return;
    this.open()
      .prepare('INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, ?, ?, ?, ?)')
      .run(ref.name, ref.srsId, ref.organization, ref.organizationCoordsysId, ref.definition, ref.description ?? null);
    this.spatialRefs.add(ref.srsId);
  }

  /** Creates an empty feature table and registers it in `gpkg_contents` and `gpkg_geometry_columns`. */
  createFeatureTable(table: GpkgFeatureTable): void {
    const db = this.open();
    const name = checkIdentifier(table.table);
    if (this.tables.has(name)) throw new GeoPackageWriteError(`table ${name} already exists`);
    if (!this.spatialRefs.has(table.srsId)) throw new GeoPackageWriteError(`spatial reference ${table.srsId} has not been added`);
    const idColumn = checkIdentifier(table.idColumn ?? 'OBJECTID');
    const geometryColumn = checkIdentifier(table.geometryColumn ?? 'geom');
    const seen = new Set([idColumn.toLowerCase(), geometryColumn.toLowerCase()]);
    for (const f of table.fields) {
      checkIdentifier(f.name);
      if (seen.has(f.name.toLowerCase())) throw new GeoPackageWriteError(`duplicate column ${f.name} in ${name}`);
      seen.add(f.name.toLowerCase());
    }
    const def = {
      table: name,
      identifier: table.identifier ?? name,
      description: table.description ?? '',
      geometryType: table.geometryType,
      srsId: table.srsId,
      fields: table.fields.map((f) => ({ ...f })),
      idColumn,
      geometryColumn,
    };
    const columns = [
      `${q(idColumn)} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL`,
      `${q(geometryColumn)} ${def.geometryType}`,
      ...def.fields.map((f) => `${q(f.name)} ${f.type}`),
    ];
    const lastChange = (this.lastChange ?? new Date()).toISOString();
    db.transaction(() => {
      db.exec(`CREATE TABLE ${q(name)} (${columns.join(', ')})`);
      db.prepare('INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, 'features', def.identifier, def.description, lastChange, def.srsId);
      db.prepare('INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, 0, 0)')
        .run(name, geometryColumn, def.geometryType, def.srsId);
    })();
    const insertColumns = [geometryColumn, ...def.fields.map((f) => f.name)].map(q).join(', ');
    const placeholders = new Array(def.fields.length + 1).fill('?').join(', ');
    const insert = db.prepare(`INSERT INTO ${q(name)} (${insertColumns}) VALUES (${placeholders})`);
    const insertWithId = db.prepare(`INSERT INTO ${q(name)} (${q(idColumn)}, ${insertColumns}) VALUES (?, ${placeholders})`);
    this.tables.set(name, { def, insert, insertWithId, boxes: [], ids: [], xmin: Infinity, ymin: Infinity, xmax: -Infinity, ymax: -Infinity });
  }

  /**
   * Inserts features in one transaction and returns how many were written. Property names
   * must be fields of the table; missing properties are stored as NULL. `features` is read
   * once, lazily, so rows can stream from another source.
   */
  insertFeatures(table: string, features: Iterable<GpkgFeature>): number {
    const db = this.open();
    const state = this.tables.get(table);
    if (!state) throw new GeoPackageWriteError(`unknown table ${table}`);
    const { def, insert, insertWithId } = state;
    const known = new Set(def.fields.map((f) => f.name));
    let count = 0;
    db.transaction(() => {
      for (const feature of features) {
        for (const key of Object.keys(feature.properties)) {
          if (!known.has(key)) throw new GeoPackageWriteError(`table ${table} has no field ${key}`);
        }
        const values: (string | number | null | Buffer)[] = [encodeGpkgGeometry(feature.geometry, def.srsId)];
        for (const f of def.fields) values.push(toSqlValue(feature.properties[f.name], f.type, f.name));
        if (feature.id !== undefined && !Number.isSafeInteger(feature.id)) throw new GeoPackageWriteError(`table ${table}: id ${String(feature.id)} is not an integer`);
        const id = Number((feature.id === undefined ? insert.run(values) : insertWithId.run(feature.id, ...values)).lastInsertRowid);
        const e = geometryEnvelope(feature.geometry);
        state.ids.push(id);
        state.boxes.push(e.xmin, e.xmax, e.ymin, e.ymax);
        if (e.xmin < state.xmin) state.xmin = e.xmin;
        if (e.ymin < state.ymin) state.ymin = e.ymin;
        if (e.xmax > state.xmax) state.xmax = e.xmax;
        if (e.ymax > state.ymax) state.ymax = e.ymax;
        count++;
      }
    })();
    return count;
  }

  /** Number of features written to `table` so far. */
  featureCount(table: string): number {
    const state = this.tables.get(table);
    if (!state) throw new GeoPackageWriteError(`unknown table ${table}`);
    return state.ids.length;
  }

  /**
   * Builds the R-tree index of every table from the envelopes gathered while inserting, adds
   * the maintenance triggers and extension rows, records table extents, and closes the file.
   * The triggers call the GeoPackage SQL functions (ST_MinX…) that GDAL and other GeoPackage
   * clients register, so they are created only after all rows are in.
   */
  close(): void {
    const db = this.open();
    db.transaction(() => {
      const extension = db.prepare('INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, ?, ?, ?, ?)');
      const extent = db.prepare('UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?');
      for (const [name, state] of this.tables) {
        const { geometryColumn, idColumn } = state.def;
        const rtree = `rtree_${name}_${geometryColumn}`;
        db.exec(`CREATE VIRTUAL TABLE ${q(rtree)} USING rtree(id, minx, maxx, miny, maxy)`);
        const insert = db.prepare(`INSERT INTO ${q(rtree)} VALUES (?, ?, ?, ?, ?)`);
        for (let k = 0; k < state.ids.length; k++) {
          const b = 4 * k;
          insert.run(state.ids[k]!, state.boxes[b]!, state.boxes[b + 1]!, state.boxes[b + 2]!, state.boxes[b + 3]!);
        }
        db.exec(rtreeTriggers(name, geometryColumn, idColumn));
        extension.run(name, geometryColumn, 'gpkg_rtree_index', 'http://www.geopackage.org/spec/#extension_rtree', 'write-only');
        if (state.ids.length > 0) extent.run(state.xmin, state.ymin, state.xmax, state.ymax, name);
      }
    })();
    db.close();
    this.db = null;
  }
}
