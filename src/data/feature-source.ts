/**
 * The one interface every feature store implements (GeoPackage, GeoJSON, PostGIS).
 * A source knows its schema and extent and scans rows with an index-backed prefilter;
 * exact spatial tests, paging after them, statistics and output shaping are written once in
 * layer-query.ts on top of it.
 * @module data/feature-source
 */
import type { Envelope, Geometry } from '../geo/geometry.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import type { WhereNode } from './where/index.js';

export type EsriFieldType =
  | 'esriFieldTypeSmallInteger' | 'esriFieldTypeInteger' | 'esriFieldTypeBigInteger' | 'esriFieldTypeSingle'
  | 'esriFieldTypeDouble' | 'esriFieldTypeString' | 'esriFieldTypeDate' | 'esriFieldTypeDateOnly' | 'esriFieldTypeOID'
  | 'esriFieldTypeGeometry' | 'esriFieldTypeBlob' | 'esriFieldTypeGUID' | 'esriFieldTypeGlobalID' | 'esriFieldTypeXML';

/** An attribute field as ArcGIS describes it (mapserver.md §12). */
export interface FieldInfo {
  name: string;
  type: EsriFieldType;
  alias: string;
  /** Characters, for string fields that declare a width. */
  length?: number;
  nullable: boolean;
  editable: boolean;
}

export interface FeatureSourceSchema {
  /** Attribute fields including the object ID field; the geometry column is not listed. */
  fields: FieldInfo[];
  objectIdField: string;
  /** `null` for a table without geometry. */
  geometryType: EsriGeometryType | null;
  hasZ: boolean;
  spatialReference: SpatialReference;
}

export interface OrderBy { field: string; descending: boolean }

/** What a source is asked for. Field names are exactly as the schema spells them. */
export interface ScanRequest {
  where?: WhereNode;
  objectIds?: number[];
  /** Index prefilter, in the source's SR: rows whose envelope meets this box. */
  bbox?: Envelope;
  fields: string[];
  geometry: boolean;
  /** Default: object ID ascending, so paging is stable. */
  orderBy?: OrderBy[];
  offset?: number;
  limit?: number;
}

/**
 * One row. Attributes hold ArcGIS values: numbers, strings, null, and dates as epoch
 * milliseconds (UTC).
 */
export interface FeatureRow {
  id: number;
  attributes: Record<string, unknown>;
  geometry: Geometry | null;
  /** The stored envelope when the source has one at no cost (saves recomputing it). */
  envelope?: Envelope;
}

export interface FeatureSource {
  readonly schema: FeatureSourceSchema;
  /** Extent of all rows in the source's SR; `null` for tables and empty layers. */
  extent(): Envelope | null;
  scan(request: ScanRequest): Iterable<FeatureRow>;
  /** Number of rows that `scan` would return without offset/limit. */
  count(request: Omit<ScanRequest, 'fields' | 'geometry' | 'orderBy' | 'offset' | 'limit'>): number;
  /**
   * A number that changes whenever the stored rows change (for SQLite, `PRAGMA data_version`).
   * Sources that cannot tell leave it out, and are then never held in memory for drawing.
   */
  dataVersion?(): number;
  close(): void;
}

/** Raised for a request the source cannot answer because of the caller's input. */
export class FeatureQueryError extends Error {}
