/**
 * What a published GeoPackage holds, read as the server will read it: each feature table opened
 * with `GeoPackageFeatureSource` for its fields, geometry type, spatial reference and extent, plus
 * the feature codes of an F_CODE field (which choose a topographic style). Tables imported by
 * Quadrangle and GeoPackages copied as they are go through the same reading, so both kinds of
 * layer are described alike.
 * @module publish/published-tables
 */
import Database from 'better-sqlite3';
import type { FieldInfo } from '../data/feature-source.js';
import { GeoPackageFeatureSource } from '../data/geopackage/geopackage-feature-source.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import type { Envelope } from '../geo/geometry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';

/** A feature table about to become a layer. */
export interface PublishedTable {
  /** The GeoPackage, relative to the data directory (as the layer's source names it). */
  gpkg: string;
  table: string;
  /** The layer's title: the table's `gpkg_contents.identifier`, else its name. */
  title: string;
  /** The user's file the table came from. */
  file: string;
  geometryType: EsriGeometryType | null;
  fields: FieldInfo[];
  featureCount: number;
  spatialReference: SpatialReference;
  /** In the table's own SR; null for an empty table. */
  extent: Envelope | null;
  /** Distinct F_CODE values (at most 50), when the table has such a field. */
  featureCodes?: string[];
  /** Column → the field's name in the user's file, where importing changed it ("Région" → Region). */
  sourceNames?: Record<string, string>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Up to 50 distinct, non-empty values of `column`. */
function distinctCodes(path: string, table: string, column: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`SELECT DISTINCT CAST(${quote(column)} AS TEXT) AS c FROM ${quote(table)} WHERE ${quote(column)} IS NOT NULL LIMIT 50`).all() as { c: string }[];
    return rows.map((r) => r.c.trim()).filter(Boolean);
  } finally { db.close(); }
}

/**
 * Opens `table` of the GeoPackage at `absolutePath` and describes it. Throws the source's own
 * error (FeatureQueryError) when the server could not serve the table.
 */
export function describeTable(absolutePath: string, relativePath: string, table: string, origin: { file: string; title?: string | null; featureCount: number; sourceNames?: Record<string, string> }): PublishedTable {
  const source = new GeoPackageFeatureSource(absolutePath, table);
  try {
    const { schema } = source;
    const fCode = schema.fields.find((f) => f.name.toUpperCase() === 'F_CODE');
    return {
      gpkg: relativePath, table, title: origin.title || table, file: origin.file,
      geometryType: schema.geometryType, fields: schema.fields, featureCount: origin.featureCount,
      spatialReference: schema.spatialReference, extent: source.extent(),
      ...(fCode ? { featureCodes: distinctCodes(absolutePath, table, fCode.name) } : {}),
      ...(origin.sourceNames && Object.keys(origin.sourceNames).length ? { sourceNames: origin.sourceNames } : {}),
    };
  } finally { source.close(); }
}
