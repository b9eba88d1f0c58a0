/**
 * What a PostGIS table or view looks like, read from the database's catalog: the relation
 * (`pg_class`), its columns (`information_schema.columns`) as Esri fields, its object ID
 * column (the integer primary key, or `idColumn`), its geometry column (`geometry_columns`)
 * and the spatial reference of its SRID (`spatial_ref_sys`, matched to the EPSG registry).
 *
 * The source's configuration only ever selects among names the catalog returns: the names
 * from the configuration are compared as bound parameters, and the SQL is later written with
 * the catalog's spelling, quoted.
 * @module data/postgis/postgis-schema
 */
import type { EsriGeometryType } from '../../geo/esri-json.js';
import type { SpatialReference } from '../../geo/spatial-reference.js';
import { lookupEpsg, SpatialReferenceError } from '../../geo/spatial-reference.js';
import { resolveCrs } from '../../geo/crs-match.js';
import type { EsriFieldType, FeatureSourceSchema, FieldInfo } from '../feature-source.js';
import { FeatureQueryError } from '../feature-source.js';
import type { WhereFieldType } from '../where/index.js';
import type { PgConnection } from './postgis-connection.js';

/** A layer's features in a PostGIS table or view (service definition `source`). */
export interface PostgisSourceConfig {
  type: 'postgis';
  /** A `postgresql://` URL, or the name of a connection configured as `QUADRANGLE_POSTGIS_<NAME>`. */
  connection: string;
  /** `schema.table` or a table/view name found on the search path. */
  table: string;
  /** Which geometry column, when the relation has several. */
  geometryColumn?: string;
  /** An integer column with unique values; required for views (they have no primary key). */
  idColumn?: string;
  /** Database sources have no file. */
  path?: undefined;
}

/**
 * How a column's text-format values become ArcGIS values. 'other' columns are read as their
 * text, and compared as text in where clauses when their where type is 'string'.
 */
export type ColumnKind = 'integer' | 'float' | 'boolean' | 'date' | 'text' | 'bytea' | 'other';

/** An attribute column (the object ID column included). */
export interface PgColumn {
  /** The catalog's spelling. */
  name: string;
  kind: ColumnKind;
  field: FieldInfo;
  whereType: WhereFieldType;
}

export interface PgGeometryColumn {
  name: string;
  srid: number;
  /** Curves are linearised (`ST_CurveToLine`) before they are read as WKB. */
  curved: boolean;
}

/** A relation ready to be queried. */
export interface PostgisRelation {
  /** `"schema"."name"`, from the catalog. */
  sql: string;
  /** `schema.name`, for messages. */
  label: string;
  /** The catalog's names of schema and relation. */
  schemaName: string;
  tableName: string;
  isView: boolean;
  /** Rows the planner expects (`pg_class.reltuples`; -1 when never analysed). */
  estimatedRows: number;
  /** The PostGIS extension's schema, quoted, to qualify its functions and operators. */
  postgis: string;
  columns: PgColumn[];
  geometry: PgGeometryColumn | null;
  schema: FeatureSourceSchema;
}

/** Quotes an identifier taken from the catalog. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const GEOMETRY_UDTS = new Set(['geometry', 'geography', 'raster', 'topogeometry']);

/** PostgreSQL types (information_schema `udt_name`) as Esri field types and value kinds. */
const TYPES: Record<string, { type: EsriFieldType; kind: ColumnKind; where: WhereFieldType }> = {
  int2: { type: 'esriFieldTypeSmallInteger', kind: 'integer', where: 'integer' },
  int4: { type: 'esriFieldTypeInteger', kind: 'integer', where: 'integer' },
  int8: { type: 'esriFieldTypeBigInteger', kind: 'integer', where: 'integer' },
  float4: { type: 'esriFieldTypeSingle', kind: 'float', where: 'double' },
  float8: { type: 'esriFieldTypeDouble', kind: 'float', where: 'double' },
  numeric: { type: 'esriFieldTypeDouble', kind: 'float', where: 'double' },
  // 0/1 like a GeoPackage BOOLEAN, and compared as an integer in where clauses.
  bool: { type: 'esriFieldTypeSmallInteger', kind: 'boolean', where: 'integer' },
  date: { type: 'esriFieldTypeDate', kind: 'date', where: 'date' },
  timestamp: { type: 'esriFieldTypeDate', kind: 'date', where: 'date' },
  timestamptz: { type: 'esriFieldTypeDate', kind: 'date', where: 'date' },
  text: { type: 'esriFieldTypeString', kind: 'text', where: 'string' },
  varchar: { type: 'esriFieldTypeString', kind: 'text', where: 'string' },
  bpchar: { type: 'esriFieldTypeString', kind: 'text', where: 'string' },
  name: { type: 'esriFieldTypeString', kind: 'text', where: 'string' },
  citext: { type: 'esriFieldTypeString', kind: 'text', where: 'string' },
  uuid: { type: 'esriFieldTypeGUID', kind: 'other', where: 'other' },
  xml: { type: 'esriFieldTypeXML', kind: 'other', where: 'string' },
  bytea: { type: 'esriFieldTypeBlob', kind: 'bytea', where: 'other' },
};
/** Anything else (json, arrays, time, intervals, enums…) is served as its text. */
const OTHER = { type: 'esriFieldTypeString' as EsriFieldType, kind: 'other' as ColumnKind, where: 'string' as WhereFieldType };

const INTEGER_UDTS = new Set(['int2', 'int4', 'int8']);

/** PostGIS geometry type names (without a trailing M) to Esri geometry types. */
const GEOMETRY_TYPES: Record<string, EsriGeometryType> = {
  POINT: 'esriGeometryPoint', MULTIPOINT: 'esriGeometryMultipoint',
  LINESTRING: 'esriGeometryPolyline', MULTILINESTRING: 'esriGeometryPolyline',
  CIRCULARSTRING: 'esriGeometryPolyline', COMPOUNDCURVE: 'esriGeometryPolyline', MULTICURVE: 'esriGeometryPolyline',
  POLYGON: 'esriGeometryPolygon', MULTIPOLYGON: 'esriGeometryPolygon', CURVEPOLYGON: 'esriGeometryPolygon', MULTISURFACE: 'esriGeometryPolygon',
};
const CURVED = new Set(['CIRCULARSTRING', 'COMPOUNDCURVE', 'MULTICURVE', 'CURVEPOLYGON', 'MULTISURFACE']);
/** Columns that declare no single type; the first stored geometry decides, as in GeoPackage. */
const GENERIC = new Set(['GEOMETRY', 'GEOMETRYCOLLECTION']);

/** Splits `schema.table` (or `table`) and checks each part can be a PostgreSQL name. */
function parseTableName(table: unknown): { schema: string | null; name: string } {
  if (typeof table !== 'string' || !table.trim()) throw new FeatureQueryError('source.table is required for a PostGIS source');
  const parts = table.trim().split('.');
  const valid = (p: string) => p.length > 0 && p.length <= 63 && !/["\u0000-\u001f]/.test(p);
  if (parts.length > 2 || !parts.every(valid)) throw new FeatureQueryError(`source.table must be 'table' or 'schema.table', got '${table.slice(0, 130)}'`);
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { schema: null, name: parts[0]! };
}

/** Picks the catalog's name equal to `wanted`, or the only one equal to it ignoring case. */
function pickName<T>(items: T[], nameOf: (t: T) => string, wanted: string): T | undefined {
  const exact = items.find((t) => nameOf(t) === wanted);
  if (exact) return exact;
  const folded = items.filter((t) => nameOf(t).toLowerCase() === wanted.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** Reads the relation `config.table` names, with everything a feature source needs. */
export function readPostgisRelation(db: PgConnection, config: PostgisSourceConfig): PostgisRelation {
  const wanted = parseTableName(config.table);
  const [ext] = db.query(`SELECT n.nspname FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'`);
  if (!ext) throw new FeatureQueryError(`PostGIS is not installed in the database of ${db.label} (CREATE EXTENSION postgis)`);
  const postgis = quoteIdent(ext[0]!);

  const candidates = db.query(
    `SELECT c.oid::text, n.nspname, c.relname, c.relkind::text, c.reltuples::float8, pg_catalog.has_table_privilege(c.oid, 'SELECT')
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND lower(c.relname) = lower($2)
        AND CASE WHEN $1::text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid) ELSE lower(n.nspname) = lower($1::text) END`,
    [wanted.schema, wanted.name],
  );
  const exact = candidates.filter((r) => r[2] === wanted.name && (wanted.schema === null || r[1] === wanted.schema));
  const found = exact.length === 1 ? exact[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (!found) {
    const why = candidates.length > 1 ? 'names several relations that differ only in case; write it exactly' : 'is not a table or view in the database';
    throw new FeatureQueryError(`table '${config.table.slice(0, 130)}' ${why} (${db.label})`);
  }
  const [oid, schemaName, relName, relkind, reltuples, canSelect] = found as string[];
  const label = `${schemaName}.${relName}`;
  if (canSelect !== 't') throw new FeatureQueryError(`the PostgreSQL user of ${db.label} may not read '${label}' (no SELECT privilege)`);
  const sql = `${quoteIdent(schemaName!)}.${quoteIdent(relName!)}`;
  const isView = relkind !== 'r' && relkind !== 'p';

  const columnRows = db.query(
    `SELECT column_name::text, udt_name::text, is_nullable::text, character_maximum_length::int
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schemaName, relName],
  );
  const idName = findIdColumn(db, config, oid!, label, isView, columnRows);
  const geometry = readGeometryColumn(db, config, postgis, sql, label, schemaName!, relName!, columnRows);

  const columns: PgColumn[] = [];
  for (const [name, udt, nullable, length] of columnRows as string[][]) {
    if (GEOMETRY_UDTS.has(udt!)) continue;
    const isId = name === idName;
    const t = TYPES[udt!] ?? OTHER;
    const field: FieldInfo = {
      name: name!, type: isId ? 'esriFieldTypeOID' : t.type, alias: name!,
      nullable: !isId && nullable === 'YES', editable: !isId,
    };
    // As the GeoPackage source: a declared width, else 255 (text and varchar have none).
    if (field.type === 'esriFieldTypeString') field.length = length ? Number(length) : 255;
    columns.push({ name: name!, kind: t.kind, field, whereType: isId ? 'integer' : t.where });
  }

  return {
    sql, label, schemaName: schemaName!, tableName: relName!, isView, estimatedRows: Number(reltuples), postgis, columns,
    geometry: geometry && { name: geometry.name, srid: geometry.srid, curved: geometry.curved },
    schema: {
      fields: columns.map((c) => c.field),
      objectIdField: idName,
      geometryType: geometry?.type ?? null,
      hasZ: geometry?.hasZ ?? false,
      // A table without geometry has no SR of its own; WGS 84 stands in, as nothing is drawn or projected from it.
      spatialReference: geometry ? readSpatialReference(db, postgis, geometry.srid, label) : { wkid: 4326, latestWkid: 4326 },
    },
  };
}

/** The object ID column: `idColumn` when given, else a single-column integer primary key. */
function findIdColumn(db: PgConnection, config: PostgisSourceConfig, oid: string, label: string, isView: boolean, columns: (string | null)[][]): string {
  const integerColumns = columns.filter((c) => INTEGER_UDTS.has(c[1]!)).map((c) => c[0]!);
  if (config.idColumn !== undefined) {
    if (typeof config.idColumn !== 'string' || !config.idColumn) throw new FeatureQueryError('source.idColumn must be a column name');
    const name = pickName(columns.map((c) => c[0]!), (n) => n, config.idColumn);
    if (!name) throw new FeatureQueryError(`source.idColumn '${config.idColumn.slice(0, 63)}' is not a column of '${label}'`);
    if (!integerColumns.includes(name)) throw new FeatureQueryError(`source.idColumn '${name}' of '${label}' is not an integer column (smallint, integer or bigint)`);
    return name;
  }
  const key = isView ? [] : db.query(
    `SELECT a.attname::text, pg_catalog.format_type(a.atttypid, NULL)
       FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
      WHERE i.indrelid = $1::oid AND i.indisprimary`,
    [oid],
  );
  if (key.length === 1 && integerColumns.includes(key[0]![0]!)) return key[0]![0]!;
  const what = isView ? `'${label}' is a view, which has no primary key` : `table '${label}' has no single integer primary key`;
  const hint = integerColumns.length ? ` (integer columns: ${integerColumns.slice(0, 8).join(', ')})` : ' and it has no integer column';
  throw new FeatureQueryError(`${what}: set source.idColumn to an integer column with unique values${hint}`);
}

interface GeometryInfo extends PgGeometryColumn { type: EsriGeometryType; hasZ: boolean }

/** The geometry column from `geometry_columns`, its type and SRID (from the data when the column declares none). */
function readGeometryColumn(db: PgConnection, config: PostgisSourceConfig, postgis: string, relation: string, label: string,
  schemaName: string, relName: string, columns: (string | null)[][]): GeometryInfo | null {
  const rows = db.query(
    `SELECT f_geometry_column::text, coord_dimension, srid, upper(type) FROM ${postgis}.geometry_columns WHERE f_table_schema = $1 AND f_table_name = $2`,
    [schemaName, relName],
  );
  let row: (string | null)[] | undefined;
  if (config.geometryColumn !== undefined) {
    row = typeof config.geometryColumn === 'string' ? pickName(rows, (r) => r[0]!, config.geometryColumn) : undefined;
    if (!row) {
      const isGeography = columns.some((c) => c[0] === config.geometryColumn && c[1] === 'geography');
      throw new FeatureQueryError(isGeography
        ? `source.geometryColumn '${config.geometryColumn}' of '${label}' is a geography column; serve a view that casts it to geometry`
        : `source.geometryColumn '${String(config.geometryColumn).slice(0, 63)}' is not a geometry column of '${label}'${rows.length ? ` (geometry columns: ${rows.map((r) => r[0]).join(', ')})` : ''}`);
    }
  } else if (rows.length > 1) {
    throw new FeatureQueryError(`'${label}' has several geometry columns (${rows.map((r) => r[0]).join(', ')}): set source.geometryColumn`);
  } else {
    row = rows[0];
  }
  if (!row) return null;

  const name = row[0]!;
  let typeName = row[3]!.replace(/M$/, '');
  let srid = Number(row[2]);
  let dims = Number(row[1]);
  let zm = row[3]!.endsWith('M') ? (dims === 4 ? 3 : 1) : dims >= 3 ? 2 : 0;
  const column = quoteIdent(name);
  if (GENERIC.has(typeName) || srid === 0) {
    // Unconstrained columns (typical of views): the first stored geometry tells.
    const [sample] = db.query(
      `SELECT upper(${postgis}.GeometryType(t.${column})), ${postgis}.ST_Zmflag(t.${column}), ${postgis}.ST_SRID(t.${column})
         FROM ${relation} AS t WHERE t.${column} IS NOT NULL LIMIT 1`,
    );
    if (sample) {
      if (GENERIC.has(typeName)) { typeName = sample[0]!.replace(/M$/, ''); zm = Number(sample[1]); }
      if (srid === 0) srid = Number(sample[2]);
    }
    dims = zm === 3 ? 4 : zm === 0 ? 2 : 3;
  }
  const type = GEOMETRY_TYPES[typeName];
  if (!type) throw new FeatureQueryError(`geometry column '${name}' of '${label}' holds ${typeName} geometries, which ArcGIS layers cannot show`);
  if (!srid) throw new FeatureQueryError(`geometry column '${name}' of '${label}' has no SRID (0): give it one (ST_SetSRID) so its coordinates can be placed`);
  return { name, srid, curved: CURVED.has(typeName) || GENERIC.has(row[3]!.replace(/M$/, '')), type, hasZ: zm === 2 || zm === 3 };
}

/**
 * The SRID's spatial reference: its EPSG code when `spatial_ref_sys` says EPSG and the registry
 * knows it; otherwise the stored WKT (or proj4 text) matched to an EPSG code where one fits,
 * else kept as a custom definition. Never assumed.
 */
function readSpatialReference(db: PgConnection, postgis: string, srid: number, label: string): SpatialReference {
  const [row] = db.query(`SELECT auth_name, auth_srid, srtext, proj4text FROM ${postgis}.spatial_ref_sys WHERE srid = $1`, [srid]);
  if (!row) throw new FeatureQueryError(`'${label}' uses SRID ${srid}, which is not in spatial_ref_sys`);
  const [auth, code, wkt, proj4] = row;
  const epsg = Number(code);
  if (auth?.toUpperCase() === 'EPSG' && lookupEpsg(epsg)) return { wkid: epsg, latestWkid: epsg };
  try {
    return resolveCrs({ wkt: wkt ?? undefined, proj4: proj4 ?? undefined }, `'${label}' (SRID ${srid})`).sr;
  } catch (e) {
    if (e instanceof SpatialReferenceError) throw new FeatureQueryError(e.message);
    throw e;
  }
}
