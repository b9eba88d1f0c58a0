/**
 * ExtractData (tps.md §5.4): a service's feature layers copied over the AOI into the job's own
 * GeoPackage, one table per layer with the layer's fields, field types and object IDs, so the
 * sheet is drawn — and the package delivered — from a fixed snapshot of the data rather than
 * from live tables that may change while the job runs. Rows stream from the layer's source
 * into the writer; no layer is held in memory.
 *
 * What is copied: the features of each layer (its definition expression applied, as the
 * service shows them) that intersect the AOI's envelope grown by `buffer` metres, in the
 * layer's own SR — exactly what a layer `query` with that envelope returns.
 *
 * Decision: with `clip`, geometries are cut to that same rectangle, not to the AOI polygon.
 * The rectangle is what the R-tree answers and what a map view asks for, so a clipped table
 * still holds everything any view of the sheet (neatline, overedge, a map rotated by the grid
 * convergence) can show, and a client can repeat the selection with one envelope query.
 * Cutting to a rectangle is also exact and robust (Liang–Barsky for lines, Sutherland–Hodgman
 * for rings) where a general polygon intersection — and a true round-cornered buffer — would
 * need a polygon-clipping library. Cut edges lie `buffer` metres outside the AOI, where the
 * sheet, clipped at its neatline, never draws them.
 *
 * Tables store lines and areas as MULTILINESTRING / MULTIPOLYGON (Esri polylines and polygons
 * are multipart by nature, and a cut can split a line), points as POINT or MULTIPOINT; one
 * declared type per table, as GeoPackage requires. Coordinates are written in 2D.
 * @module production/extract-data
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { clipPolyline } from '../carto/clip-polyline.js';
import { clipRing } from '../carto/clip-ring.js';
import type { MapLayer, MapService } from '../catalog/map-service.js';
import type { EsriFieldType } from '../data/feature-source.js';
import { GeoPackageFeatureSource } from '../data/geopackage/geopackage-feature-source.js';
import {
  GeoPackageWriter, type GpkgFeature, type GpkgField, type GpkgFieldType, type GpkgGeometryType, type GpkgSpatialRef,
} from '../data/geopackage/geopackage-writer.js';
import { parseWhere } from '../data/where/index.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import { geometryEnvelope, type Envelope, type Geometry, type MultiPolygon, type Polygon, type Position } from '../geo/geometry.js';
import { getTransform, transformEnvelope } from '../geo/projection.js';
import { canonicalWkid, isGeographic, lookupEpsg, projDefinition, type SpatialReference } from '../geo/spatial-reference.js';
import { rectangleIntersects } from '../geo/spatial-relation.js';

/** The area to extract: the sheet polygon in its SR. */
export interface ExtractAoi {
  geometry: Polygon | MultiPolygon;
  spatialReference: SpatialReference;
}

/** What {@link extractData} copies, and where to. */
export interface ExtractDataOptions {
  service: MapService;
  /** `*` for every feature layer, else layer IDs or names (names match case-insensitively). */
  layers: '*' | readonly string[];
  /** [none] Layer IDs left out whatever `layers` says (generateProduct `layerExclusion`). */
  exclude?: readonly number[];
  aoi: ExtractAoi;
  /** Metres beyond the AOI's envelope. */
  buffer: number;
  /** Cut geometries to the AOI envelope plus buffer. */
  clip: boolean;
  /** The GeoPackage to write (replaced if present); must lie inside `jobFolder`. */
  path: string;
  /** The job's working folder. */
  jobFolder: string;
  /** Called after each layer is written, and awaited (a job pauses here between layers). */
  onLayer?: (layer: ExtractedLayer, index: number, total: number) => void | Promise<void>;
}

/** One extracted layer. */
export interface ExtractedLayer {
  layerId: number;
  name: string;
  /** Its table in the GeoPackage. */
  table: string;
  /** Features written. */
  count: number;
  /** The selection (and clip) rectangle, in the layer's SR. */
  envelope: Envelope;
  spatialReference: SpatialReference;
  /** Fields that could not be copied (not SQL identifiers, blobs). */
  skippedFields: string[];
}

/** What {@link extractData} wrote. */
export interface ExtractResult {
  /** Absolute path of the GeoPackage. */
  path: string;
  layers: ExtractedLayer[];
  /** Features written over all layers. */
  features: number;
  /** Problems worth a job warning (fields left out). */
  warnings: string[];
}

/** A request extraction cannot honour: a layer it does not know, a path outside the job folder. */
export class ExtractDataError extends Error {}

/**
 * The feature layers `layers` names, in service order: `*` is every layer with a feature
 * source and a geometry; an ID or name that is not such a layer is refused.
 */
export function selectExtractLayers(service: MapService, layers: '*' | readonly string[]): MapLayer[] {
  const isFeatureLayer = (id: number) => {
    const def = service.layerDefinition(id);
    return def?.type === 'Feature Layer' && !!service.layer(id)?.source?.schema.geometryType;
  };
  const defs = service.definition.layers;
  if (layers === '*') return defs.filter((d) => isFeatureLayer(d.id)).map((d) => service.layer(d.id)!);
  const chosen = new Set<number>();
  for (const wanted of layers) {
    const text = wanted.trim();
    const def = /^\d+$/.test(text) ? defs.find((d) => d.id === Number(text)) : defs.find((d) => d.name.toLowerCase() === text.toLowerCase());
    if (!def) throw new ExtractDataError(`ExtractData: layers names '${text.slice(0, 80)}', which is not a layer of ${service.path}`);
    if (!isFeatureLayer(def.id)) throw new ExtractDataError(`ExtractData: layer '${def.name}' (${def.id}) is not a feature layer`);
    chosen.add(def.id);
  }
  return defs.filter((d) => chosen.has(d.id)).map((d) => service.layer(d.id)!);
}

/** Metres per unit of a projected SR: its proj4 `+units`/`+to_meter`, or its WKT's last UNIT. */
function metresPerUnit(sr: SpatialReference): number {
  const def = projDefinition(sr);
  const toMeter = /\+to_meter=([\d.eE+-]+)/.exec(def);
  if (toMeter) return Number(toMeter[1]);
  const units = /\+units=([\w-]+)/.exec(def)?.[1];
  if (units) return ({ m: 1, km: 1000, ft: 0.3048, 'us-ft': 1200 / 3937 } as Record<string, number>)[units] ?? 1;
  const wktUnits = [...def.matchAll(/UNIT\["[^"]*",\s*([\d.eE+-]+)/g)];
  return wktUnits.length ? Number(wktUnits[wktUnits.length - 1]![1]) || 1 : 1;
}

/**
 * The AOI's envelope grown by `buffer` metres (in the AOI's SR; degrees at the AOI's widest
 * latitude for a geographic SR), as an envelope in `layerSr` (edges densified).
 */
export function extractionEnvelope(aoi: ExtractAoi, buffer: number, layerSr: SpatialReference): Envelope {
  const e = geometryEnvelope(aoi.geometry);
  let dx: number, dy: number;
  if (isGeographic(aoi.spatialReference)) {
    dy = buffer / 111_320;
    dx = buffer / (111_320 * Math.max(0.01, Math.cos((Math.max(Math.abs(e.ymin), Math.abs(e.ymax)) * Math.PI) / 180)));
  } else dx = dy = buffer / metresPerUnit(aoi.spatialReference);
  const grown = { xmin: e.xmin - dx, ymin: e.ymin - dy, xmax: e.xmax + dx, ymax: e.ymax + dy };
  return transformEnvelope(grown, getTransform(aoi.spatialReference, layerSr));
}

const ring2d = (flat: number[]): Position[] => {
  const out: Position[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const prev = out[out.length - 1];
    if (!prev || prev[0] !== flat[i] || prev[1] !== flat[i + 1]) out.push([flat[i]!, flat[i + 1]!]);
  }
  return out;
};

/** Twice the signed area of an open ring. */
function ringArea2(ring: Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0]! + ring[i]![0]!) * (ring[j]![1]! - ring[i]![1]!);
  return a;
}

/** A ring (closed, GeoJSON) cut to the rectangle; null when nothing with area is left. */
function clipClosedRing(ring: Position[], r: Envelope): Position[] | null {
  const flat: number[] = [];
  const n = ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1] ? ring.length - 1 : ring.length;
  for (let i = 0; i < n; i++) flat.push(ring[i]![0]!, ring[i]![1]!);
  const open = ring2d(clipRing(flat, r.xmin, r.ymin, r.xmax, r.ymax));
  if (open.length > 1 && open[0]![0] === open[open.length - 1]![0] && open[0]![1] === open[open.length - 1]![1]) open.pop();
  if (open.length < 3 || ringArea2(open) === 0) return null;
  return [...open, [open[0]![0]!, open[0]![1]!]];
}

/**
 * A geometry cut to rectangle `r` (same SR), in 2D: lines split where they leave it, rings cut
 * along its edges. Null when nothing of it (with length or area) lies inside.
 */
export function clipToRectangle(g: Geometry, r: Envelope): Geometry | null {
  const inside = (p: Position) => p[0]! >= r.xmin && p[0]! <= r.xmax && p[1]! >= r.ymin && p[1]! <= r.ymax;
  switch (g.type) {
    case 'Point': return inside(g.coordinates) ? { type: 'Point', coordinates: [g.coordinates[0]!, g.coordinates[1]!] } : null;
    case 'MultiPoint': {
      const pts = g.coordinates.filter(inside).map((p) => [p[0]!, p[1]!]);
      return pts.length ? { type: 'MultiPoint', coordinates: pts } : null;
    }
    case 'LineString': case 'MultiLineString': {
      const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
      const parts: Position[][] = [];
      for (const line of lines) {
        const flat: number[] = [];
        for (const p of line) flat.push(p[0]!, p[1]!);
        for (const piece of clipPolyline(flat, r.xmin, r.ymin, r.xmax, r.ymax)) {
          const part = ring2d(piece);
          if (part.length >= 2) parts.push(part);
        }
      }
      return parts.length ? { type: 'MultiLineString', coordinates: parts } : null;
    }
    case 'Polygon': case 'MultiPolygon': {
      const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
      const out: Position[][][] = [];
      for (const rings of polys) {
        const outer = rings[0] && clipClosedRing(rings[0], r);
        if (!outer) continue;
        const holes = rings.slice(1).map((h) => clipClosedRing(h, r)).filter((h): h is Position[] => h !== null);
        out.push([outer, ...holes]);
      }
      return out.length ? { type: 'MultiPolygon', coordinates: out } : null;
    }
  }
}

/** The geometry as the table's declared type: singles promoted to multi, 2D. */
function asTableGeometry(g: Geometry, type: GpkgGeometryType): Geometry {
  const xy = (p: Position): Position => [p[0]!, p[1]!];
  switch (g.type) {
    case 'Point': return type === 'MULTIPOINT' ? { type: 'MultiPoint', coordinates: [xy(g.coordinates)] } : { type: 'Point', coordinates: xy(g.coordinates) };
    case 'MultiPoint': return { type: 'MultiPoint', coordinates: g.coordinates.map(xy) };
    case 'LineString': return { type: 'MultiLineString', coordinates: [g.coordinates.map(xy)] };
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: g.coordinates.map((l) => l.map(xy)) };
    case 'Polygon': return { type: 'MultiPolygon', coordinates: [g.coordinates.map((l) => l.map(xy))] };
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((l) => l.map(xy))) };
  }
}

const GEOMETRY_TYPES: Partial<Record<EsriGeometryType, GpkgGeometryType>> = {
  esriGeometryPoint: 'POINT', esriGeometryMultipoint: 'MULTIPOINT', esriGeometryPolyline: 'MULTILINESTRING', esriGeometryPolygon: 'MULTIPOLYGON',
};

/** GeoPackage column types of Esri field types; blobs and geometries are not copied. */
const FIELD_TYPES: Partial<Record<EsriFieldType, GpkgFieldType>> = {
  esriFieldTypeSmallInteger: 'SMALLINT', esriFieldTypeInteger: 'INTEGER', esriFieldTypeBigInteger: 'INTEGER',
  esriFieldTypeSingle: 'FLOAT', esriFieldTypeDouble: 'REAL',
  esriFieldTypeString: 'TEXT', esriFieldTypeGUID: 'TEXT', esriFieldTypeGlobalID: 'TEXT', esriFieldTypeXML: 'TEXT',
  esriFieldTypeDate: 'DATETIME', esriFieldTypeDateOnly: 'DATE',
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A table name from the layer name: lower-case ASCII identifier, unique in the file. */
function tableName(layer: MapLayer, taken: Set<string>): string {
  let base = layer.definition.name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!base) base = `layer_${layer.definition.id}`;
  if (/^\d/.test(base) || /^(gpkg_|rtree_|sqlite_)/.test(base)) base = `t_${base}`;
  const name = taken.has(base) ? `${base}_${layer.definition.id}` : base;
  taken.add(name);
  return name;
}

/** The gpkg_spatial_ref_sys row of an SR: its EPSG code when it has one, else a numbered row holding its WKT. */
function spatialRefRow(sr: SpatialReference, custom: Map<string, number>): GpkgSpatialRef {
  const wkid = sr.latestWkid ?? sr.wkid;
  if (wkid !== undefined) {
    const code = canonicalWkid(wkid);
    const entry = lookupEpsg(code);
    if (entry) return { srsId: code, name: entry.name, organization: 'EPSG', organizationCoordsysId: code, definition: entry.wkt || 'undefined' };
  }
  if (!sr.wkt) throw new ExtractDataError('ExtractData: a layer has a spatial reference without WKID or WKT');
  const srsId = custom.get(sr.wkt) ?? 100000 + custom.size;
  custom.set(sr.wkt, srsId);
  return { srsId, name: /^\s*\w+\["([^"]+)"/.exec(sr.wkt)?.[1] ?? `Custom ${srsId}`, organization: 'NONE', organizationCoordsysId: srsId, definition: sr.wkt };
}

/** `path` resolved inside `jobFolder` (which is created if missing), links followed; anything else is refused. */
function confinedPath(path: string, jobFolder: string): string {
  const folder = resolve(jobFolder);
  const full = resolve(folder, path);
  if (!full.startsWith(folder + sep)) throw new ExtractDataError(`ExtractData: the database must lie in the job folder, got '${path.slice(0, 200)}'`);
  mkdirSync(dirname(full), { recursive: true });
  const realFolder = realpathSync(folder), realDir = realpathSync(dirname(full));
  if (realDir !== realFolder && !realDir.startsWith(realFolder + sep)) throw new ExtractDataError(`ExtractData: the database must lie in the job folder, got '${path.slice(0, 200)}'`);
  return join(realDir, basename(full));
}

/**
 * Writes the AOI's features of the chosen layers into a new GeoPackage at `options.path` (built
 * under a temporary name and renamed when complete) and answers what it holds.
 */
export async function extractData(options: ExtractDataOptions): Promise<ExtractResult> {
  const { service, aoi, clip } = options;
  const buffer = Number.isFinite(options.buffer) ? Math.max(0, options.buffer) : 0;
  const path = confinedPath(options.path, options.jobFolder);
  const excluded = new Set(options.exclude ?? []);
  const layers = selectExtractLayers(service, options.layers).filter((l) => !excluded.has(l.definition.id));
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const writer = new GeoPackageWriter(tmp);
  const written: ExtractedLayer[] = [];
  const warnings: string[] = [];
  let closed = false;
  try {
    const taken = new Set<string>();
    const customSrs = new Map<string, number>();
    for (const [index, layer] of layers.entries()) {
      const source = layer.source!;
      const schema = source.schema;
      const geometryType = GEOMETRY_TYPES[schema.geometryType!];
      if (!geometryType) throw new ExtractDataError(`ExtractData: layer '${layer.definition.name}' has geometry type ${schema.geometryType}, which cannot be extracted`);
      const srs = spatialRefRow(layer.spatialReference, customSrs);
      writer.addSpatialRef(srs);
      const idColumn = IDENTIFIER.test(schema.objectIdField) ? schema.objectIdField : 'OBJECTID';
      const taken2 = new Set([idColumn.toLowerCase()]);
      const geometryColumn = ['geom', 'geometry', 'shape_geom'].find((c) => !layer.fields.some((f) => f.name.toLowerCase() === c))!;
      taken2.add(geometryColumn);
      const fields: (GpkgField & { esri: EsriFieldType })[] = [];
      const skippedFields: string[] = [];
      for (const f of layer.fields) {
        if (f.name === schema.objectIdField || f.type === 'esriFieldTypeOID') continue;
        const type = FIELD_TYPES[f.type];
        if (!type || !IDENTIFIER.test(f.name) || taken2.has(f.name.toLowerCase())) { skippedFields.push(f.name); continue; }
        taken2.add(f.name.toLowerCase());
        fields.push({ name: f.name, type, esri: f.type });
      }
      if (skippedFields.length) warnings.push(`ExtractData: layer '${layer.definition.name}': fields ${skippedFields.join(', ')} were not copied.`);
      const table = tableName(layer, taken);
      const envelope = extractionEnvelope(aoi, buffer, layer.spatialReference);
      writer.createFeatureTable({
        table, identifier: `${layer.definition.name} (${layer.definition.id})`, description: layer.definition.description ?? '',
        geometryType, srsId: srs.srsId, fields: fields.map(({ name, type }) => ({ name, type })), idColumn, geometryColumn,
      });
      const where = layer.definition.definitionExpression ? parseWhere(layer.definition.definitionExpression) : undefined;
      const dates = fields.filter((f) => f.type === 'DATETIME' || f.type === 'DATE').map((f) => f.name);
      const fieldNames = fields.map((f) => f.name);
      function* rows(): Iterable<GpkgFeature> {
        for (const row of source.scan({ where, bbox: envelope, fields: fieldNames, geometry: true })) {
          if (!row.geometry || !rectangleIntersects(envelope, row.geometry, row.envelope)) continue;
          const g = clip ? clipToRectangle(row.geometry, envelope) : row.geometry;
          if (!g) continue;
          const properties = row.attributes as GpkgFeature['properties'];
          // Sources give dates as epoch milliseconds; the writer formats Date values.
          for (const name of dates) { const v = properties[name]; if (typeof v === 'number') properties[name] = new Date(v); }
          yield { id: row.id, geometry: asTableGeometry(g, geometryType!), properties };
        }
      }
      const count = writer.insertFeatures(table, rows());
      const done: ExtractedLayer = { layerId: layer.definition.id, name: layer.definition.name, table, count, envelope, spatialReference: layer.spatialReference, skippedFields };
      written.push(done);
      await options.onLayer?.(done, index, layers.length);
    }
    writer.close();
    closed = true;
    renameSync(tmp, path);
  } catch (e) {
    if (!closed) { try { writer.close(); } catch { /* already failing */ } }
    rmSync(tmp, { force: true });
    throw e;
  }
  return { path, layers: written, features: written.reduce((s, l) => s + l.count, 0), warnings };
}

/** Map layers bound to extracted tables; `close` closes their sources. */
export interface BoundLayers {
  /** The input layers in order, each feature layer replaced by its extracted table; raster layers unchanged. */
  layers: MapLayer[];
  /** Feature layers with no extracted table (left out of `layers`). */
  missing: MapLayer[];
  close(): void;
}

/**
 * ApplyLayout's binding (tps.md §5.4): each of `layers` (what the sheet would draw from the
 * service) as a MapLayer over its table in the extraction — the same definition (renderer,
 * labels, definition expression, scale range) and field aliases, features from the GeoPackage.
 */
export function bindExtractedLayers(layers: MapLayer[], extraction: ExtractResult): BoundLayers {
  const byId = new Map(extraction.layers.map((l) => [l.layerId, l]));
  const opened: GeoPackageFeatureSource[] = [];
  const bound: MapLayer[] = [];
  const missing: MapLayer[] = [];
  try {
    for (const layer of layers) {
      if (layer.raster || !layer.source) { bound.push(layer); continue; }
      const extracted = byId.get(layer.definition.id);
      if (!extracted) { missing.push(layer); continue; }
      const source = new GeoPackageFeatureSource(extraction.path, extracted.table);
      opened.push(source);
      const aliases = layer.definition.fieldAliases ?? {};
      const fields = source.schema.fields.map((f) => ({ ...f, alias: aliases[f.name] ?? f.alias }));
      const displayField = fields.some((f) => f.name === layer.displayField) ? layer.displayField : source.schema.objectIdField;
      bound.push({
        definition: { ...layer.definition, source: { type: 'geopackage', path: extraction.path, table: extracted.table } },
        source, fields, displayField, extent: source.extent(), spatialReference: source.schema.spatialReference,
      });
    }
  } catch (e) {
    for (const s of opened) s.close();
    throw e;
  }
  return { layers: bound, missing, close: () => { for (const s of opened) s.close(); } };
}

