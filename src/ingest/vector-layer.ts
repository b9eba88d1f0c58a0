/**
 * The common shape every vector reader yields — one `VectorLayerSource` per layer of a user's
 * file — and the small geometry helpers the readers and the importer share. Features stream:
 * `features()` opens the file afresh each time it is called and reads it record by record.
 * @module ingest/vector-layer
 */
import { firstPosition, type Geometry } from '../geo/geometry.js';

/**
 * The kind of geometry a layer holds. `line` and `polygon` layers may mix single and multi
 * parts (a shapefile's PolyLine is either); `point` layers hold only single points.
 */
export type LayerGeometryType = 'point' | 'multipoint' | 'line' | 'polygon';

/**
 * Attribute types, close to the GeoPackage/Esri types they become. Dates (`date`, `dateTime`)
 * are carried as epoch milliseconds UTC.
 */
export type ImportFieldType = 'smallInteger' | 'integer' | 'single' | 'double' | 'string' | 'boolean' | 'date' | 'dateTime';

export interface ImportField {
  /** The field's name as the file spells it (made unique within the layer). */
  name: string;
  type: ImportFieldType;
  /** Declared width in characters (dBASE, FlatGeobuf) or the longest value seen (GeoJSON). */
  width?: number;
  /** Declared decimal places of a dBASE numeric field. */
  decimals?: number;
}

/** An attribute value: numbers, strings, booleans, null; dates as epoch milliseconds UTC. */
export type AttributeValue = string | number | boolean | null;

export interface ImportFeature {
  geometry: Geometry | null;
  /** Values by field name; a field missing here is null. */
  attributes: Record<string, AttributeValue>;
}

/**
 * The CRS as the file states it, unresolved: an EPSG code, WKT text, or another identifier
 * (`identifier`, e.g. `urn:ogc:def:crs:ESRI::102100`) the reader could not turn into either.
 * `source` says where it came from (a .prj path, "crs member of x.geojson"…) for error messages.
 * `null` when the file says nothing.
 */
export type RawCrs = { epsg?: number; wkt?: string; identifier?: string; source: string } | null;

export interface VectorLayerSource {
  /** Layer name: the file's base name, or a suffixed one when a file is split by geometry. */
  name: string;
  /** The file the layer was read from. */
  file: string;
  /** `null` for a layer whose features have no geometry. */
  geometryType: LayerGeometryType | null;
  hasZ: boolean;
  fields: ImportField[];
  crs: RawCrs;
  /** Number of features when the reader knows it without reading them all. */
  featureCount?: number;
  /** Streams the features, reading the file afresh; stops reading (and closes it) when the consumer stops. */
  features(): AsyncIterable<ImportFeature>;
}

/** Geometry families: the layer type a geometry belongs to once single parts are promoted. */
export type GeometryFamily = 'point' | 'line' | 'polygon';

export function geometryFamily(type: Geometry['type']): GeometryFamily {
  switch (type) {
    case 'Point': case 'MultiPoint': return 'point';
    case 'LineString': case 'MultiLineString': return 'line';
    case 'Polygon': case 'MultiPolygon': return 'polygon';
  }
}

/** Number of values in the geometry's first position (2 or 3), 0 for an empty geometry. */
export function firstPositionDims(g: Geometry): number {
  return firstPosition(g)?.length ?? 0;
}
