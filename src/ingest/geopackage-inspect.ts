/**
 * Lists the feature tables of a GeoPackage someone else wrote (GDAL, QGIS, ArcGIS) without
 * converting anything: GeoPackages are served in place, so publishing one only needs to know
 * what is in it — each table's geometry column and type, Z/M flags, spatial reference
 * (organisation, code, definition), row count and extent. OGC 12-128r18 §1.1.
 * @module ingest/geopackage-inspect
 */
import Database from 'better-sqlite3';
import { openSync, readSync, closeSync } from 'node:fs';
import type { Envelope } from '../geo/geometry.js';
import { IngestError } from './ingest-error.js';

export interface GeoPackageSrs {
  srsId: number;
  name: string;
  organization: string;
  organizationCoordsysId: number;
  /** WKT; the text 'undefined' for the undefined systems (srs_id -1 and 0). */
  definition: string;
}

export interface GeoPackageFeatureTable {
  table: string;
  identifier: string | null;
  description: string | null;
  geometryColumn: string;
  /** `gpkg_geometry_columns.geometry_type_name`, upper case: POINT, MULTIPOLYGON, GEOMETRY… */
  geometryType: string;
  /** z flag 1 (mandatory); 2 (optional) counts as Z too. */
  hasZ: boolean;
  hasM: boolean;
  srs: GeoPackageSrs | null;
  featureCount: number;
  /** From `gpkg_contents`, else the R-tree, else `null` (empty table or no extent recorded). */
  extent: Envelope | null;
  /** Whether the table has a `gpkg_rtree_index` R-tree. */
  hasSpatialIndex: boolean;
  /** Attribute columns (not the primary key or geometry) with their declared types. */
  columns: { name: string; type: string }[];
}

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Whether the bytes start with the SQLite file signature. */
export function isSqliteMagic(b: Uint8Array): boolean {
  return b.length >= 16 && Buffer.from(b.subarray(0, 16)).toString('latin1') === SQLITE_MAGIC;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The feature tables of the GeoPackage at `path`, in table name order. */
export function inspectGeoPackage(path: string): GeoPackageFeatureTable[] {
  const head = Buffer.alloc(16);
  try {
    const fd = openSync(path, 'r');
    try { readSync(fd, head, 0, 16, 0); } finally { closeSync(fd); }
  } catch (e) {
    throw new IngestError(path, `${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!isSqliteMagic(head)) throw new IngestError(path, `${path} is not a GeoPackage (not an SQLite database)`);
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasTable = (name: string) => !!db.prepare(`SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?`).get(name);
    if (!hasTable('gpkg_contents') || !hasTable('gpkg_geometry_columns') || !hasTable('gpkg_spatial_ref_sys')) {
      throw new IngestError(path, `${path} is an SQLite database but not a GeoPackage (no gpkg_contents, gpkg_geometry_columns or gpkg_spatial_ref_sys table)`);
    }
    const rows = db.prepare(`
      SELECT c.table_name AS tableName, c.identifier, c.description, c.min_x AS minX, c.min_y AS minY, c.max_x AS maxX, c.max_y AS maxY,
             g.column_name AS geometryColumn, g.geometry_type_name AS geometryType, g.z, g.m, g.srs_id AS srsId
      FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
      WHERE c.data_type = 'features' ORDER BY c.table_name`).all() as {
      tableName: string; identifier: string | null; description: string | null; minX: number | null; minY: number | null; maxX: number | null; maxY: number | null;
      geometryColumn: string; geometryType: string; z: number; m: number; srsId: number;
    }[];
    const srsQuery = db.prepare(`SELECT srs_id AS srsId, srs_name AS name, organization, organization_coordsys_id AS organizationCoordsysId, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?`);
    return rows.map((r) => {
      if (!hasTable(r.tableName)) throw new IngestError(path, `${path}: gpkg_contents lists table '${r.tableName}', which does not exist`);
      const rtree = `rtree_${r.tableName}_${r.geometryColumn}`;
      const hasSpatialIndex = hasTable(rtree);
      let extent: Envelope | null = r.minX !== null && r.minY !== null && r.maxX !== null && r.maxY !== null ? { xmin: r.minX, ymin: r.minY, xmax: r.maxX, ymax: r.maxY } : null;
      if (!extent && hasSpatialIndex) {
        const e = db.prepare(`SELECT min(minx) xmin, min(miny) ymin, max(maxx) xmax, max(maxy) ymax FROM ${quote(rtree)}`).get() as Envelope;
        if (e.xmin !== null) extent = e;
      }
      const columns = (db.prepare(`SELECT name, type, pk FROM pragma_table_info(?)`).all(r.tableName) as { name: string; type: string; pk: number }[])
        .filter((c) => c.pk === 0 && c.name !== r.geometryColumn)
        .map((c) => ({ name: c.name, type: c.type }));
      const count = (db.prepare(`SELECT count(*) AS n FROM ${quote(r.tableName)}`).get() as { n: number }).n;
      const srs = (srsQuery.get(r.srsId) as GeoPackageSrs | undefined) ?? null;
      return {
        table: r.tableName, identifier: r.identifier, description: r.description,
        geometryColumn: r.geometryColumn, geometryType: r.geometryType.toUpperCase(),
        hasZ: r.z === 1 || r.z === 2, hasM: r.m === 1 || r.m === 2,
        srs, featureCount: Number(count), extent, hasSpatialIndex, columns,
      };
    });
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(path, `${path} cannot be read as a GeoPackage (${(e as Error).message})`);
  } finally {
    db.close();
  }
}
