/**
 * Sheet indexes and products on a user's own map service, so the Topographic Production Service
 * makes sheets of any published area the way it does of the sample region. `addSheetIndex`
 * builds the index of one grid definition over the service's extent (sheet-index-builder),
 * writes it as `sheets_<grid>` into its own GeoPackage under `<data>/sheet-indexes/`, adds a
 * hidden Feature Layer for it to the service (red outlines labelled with the sheet number, in a
 * "Sheet indexes" group, as the sample draws its indexes) and, when asked, registers a product
 * for the grid whose DEM is the service's elevation model and whose layout is the grid's.
 *
 * Everything is checked before anything is written; the definition is then stored through the
 * catalog store like any edit, so its revision changes and running servers reopen the service
 * within their refresh time. Adding the same grid again rebuilds that index in place: the layer
 * keeps its ID (AOI layer URLs stay valid) and the product is replaced.
 * @module production/user-products
 */
import { productOperations } from './product-operations.js';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { MapService, type MapLayer } from '../catalog/map-service.js';
import { NAME_PATTERN, servicePath, validateServiceDefinition, type LayerDefinition, type ServiceDefinition } from '../catalog/service-definition.js';
import type { ServiceManager } from '../catalog/service-manager.js';
import { catalogExists, openCatalogStore } from '../catalog/open-catalog-store.js';
import { GeoPackageWriter, type GpkgSpatialRef } from '../data/geopackage/geopackage-writer.js';
import { emptyEnvelope, isEmptyEnvelope, type Envelope } from '../geo/geometry.js';
import { getTransform } from '../geo/projection.js';
import { canonicalWkid, lookupEpsg, type SpatialReference } from '../geo/spatial-reference.js';
import type { GridDefinition } from '../layout/grid-definition.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import { validateProductDefinition, type ProductDefinition } from './product-definition.js';
import { ProductDefinitionError } from './production-errors.js';
import {
  buildSheetIndex, checkExtent, quarterParentOf, SHEET_INDEX_FIELDS, SheetIndexError, type SheetFeature, type SheetNameCandidate,
} from './sheet-index-builder.js';

export { SheetIndexError } from './sheet-index-builder.js';

/** Folder of the data directory holding the indexes Quadrangle builds, one subfolder per service. */
export const SHEET_INDEX_DIR = 'sheet-indexes';

/** Name of the group layer the indexes are put in. */
export const SHEET_INDEX_GROUP = 'Sheet indexes';

/** The one version of a product registered for a user's service. */
export const USER_PRODUCT_VERSION = 'Standard';

/** What to add. */
export interface AddSheetIndexOptions {
  dataDir: string;
  /** The PostgreSQL catalog's URL (`quadrangle sheets`); unset for `<data>/catalog.sqlite`. */
  databaseUrl?: string;
  /** The service's folder, '' for the root. */
  folder: string;
  service: string;
  /** Grid definition name, e.g. `TM50` (any case). */
  grid: string;
  /** [the service's full extent, sheet indexes left out] Area to cover, in the service's spatial reference. */
  extent?: Envelope;
  /** Also register a product for the grid on the service (needs a DEM raster layer). */
  products?: boolean;
  /** [the grid's layout] Layout template of the product. */
  template?: string;
  /** ['1'] Edition recorded for every sheet. */
  edition?: string;
  /**
   * Point layer whose features name the sheets: a layer ID, or null for unnamed sheets. Default:
   * the first point layer whose name says it holds places (place names, settlements…).
   */
  nameLayer?: number | null;
}

/** What addSheetIndex works with. */
export interface AddSheetIndexDeps {
  store: CatalogStore;
  /** Grid definitions and layout templates (the data directory's own included). */
  library: TemplateLibrary;
  /** This process's service runtimes, told to reopen the service at once. */
  services?: ServiceManager;
  /** [now] Time recorded as the product's lastModified and the table's last change. */
  now?: Date;
}

/** What was written. */
export interface SheetIndexResult {
  /** `Folder/Name`. */
  service: string;
  /** The grid definition's name as the library spells it. */
  grid: string;
  /** The index layer: its ID in the service (the `aoiLayer` of generateProduct) and name. */
  layerId: number;
  layerName: string;
  /** GeoPackage, relative to the data directory, and its table. */
  path: string;
  table: string;
  /** Sheet numbers, south to north and west to east. */
  sheetNumbers: string[];
  /** The area covered, in the service's spatial reference. */
  extent: Envelope;
  /** True when an index of this grid was there before and was rebuilt. */
  replaced: boolean;
  /** The layer whose places name the sheets, or null. */
  nameLayer: string | null;
  /** The registered product's name, or null without `products`. */
  product: string | null;
}

/** A table or file name from a grid name: lower case, anything but letters and digits as `_`. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'grid';
}

/** Product family of a grid, from its name (CTM25 → CTM, JOG250 → JOG, TM50 → TM). */
function productType(grid: GridDefinition): string {
  const m = /^(MTM|CTM|JOG|TM)/i.exec(grid.name);
  return m ? m[1]!.toUpperCase() : 'Custom';
}

/**
 * The definition document of a product on `grid`, as a client would send it to addProduct: one
 * version (`Standard`) on `template`, the DEM `raster`, a `Contours` resource with the grid's
 * interval and the full operation list of tps.md §5.5. Operation GUIDs derive from `key` (the
 * service), the grid and the step, so rebuilding gives the same ones.
 */
export function gridProductDocument(grid: GridDefinition, options: { raster: string; template: string; key: string }): Record<string, unknown> {
  const scaleText = grid.scale.toLocaleString('en-US');
  const seriesName = (grid.description ?? `Topographic map 1:${scaleText}`).toUpperCase();
  return {
    version: 0,
    name: grid.name,
    type: productType(grid),
    gridType: grid.name,
    description: grid.description ?? `Topographic map 1:${scaleText}`,
    sheetIDField: 'NRN',
    productVersions: [{ name: USER_PRODUCT_VERSION, template: options.template }],
    resources: [{ name: 'Contours', type: 'number', value: String(grid.contourInterval) }],
    operations: productOperations(`quadrangle-sheets/${options.key}/${grid.name}`, { name: seriesName, number: grid.name }),
    enabled: true,
    raster: options.raster,
    ancillaryLayers: [],
  };
}

/** The `gpkg_spatial_ref_sys` row of the index table: the EPSG code, or the WKT under a private srs_id. */
function gpkgSpatialRef(sr: SpatialReference): GpkgSpatialRef {
  const wkid = sr.latestWkid ?? sr.wkid;
  if (wkid !== undefined) {
    const code = canonicalWkid(wkid);
    const entry = lookupEpsg(code);
    if (!entry) throw new SheetIndexError(`The service's spatial reference (wkid ${wkid}) is not in the EPSG registry.`);
    return { srsId: code, name: entry.name, organization: 'EPSG', organizationCoordsysId: code, definition: entry.wkt || 'undefined' };
  }
  return { srsId: 100000, name: 'Service spatial reference', organization: 'NONE', organizationCoordsysId: 100000, definition: sr.wkt ?? 'undefined' };
}

/** Whether a layer is a sheet index: one Quadrangle built, or a `sheets_…` table (the sample's). */
function isSheetIndexLayer(def: LayerDefinition): boolean {
  const s = def.source;
  if (!s) return false;
  return !!s.path?.startsWith(`${SHEET_INDEX_DIR}/`) || (s.type === 'geopackage' && /^sheets_/i.test(s.table));
}

/** Union of the extents of the service's layers other than sheet indexes, in the service's SR. */
function dataExtent(service: MapService): Envelope | null {
  const e = emptyEnvelope();
  for (const def of service.definition.layers) {
    if (def.type === 'Group Layer' || isSheetIndexLayer(def)) continue;
    const layer = service.tryLayer(def.id);
    const le = layer && service.layerExtentInServiceSr(layer);
    if (!le || ![le.xmin, le.ymin, le.xmax, le.ymax].every(Number.isFinite)) continue;
    e.xmin = Math.min(e.xmin, le.xmin); e.ymin = Math.min(e.ymin, le.ymin);
    e.xmax = Math.max(e.xmax, le.xmax); e.ymax = Math.max(e.ymax, le.ymax);
  }
  return isEmptyEnvelope(e) ? null : e;
}

/** The service's elevation model: the raster layer rendered as `dem`, else the first raster layer (as the sheet engine picks it). */
function findDemLayer(service: MapService): MapLayer | null {
  const rasters = service.definition.layers.filter((d) => d.type === 'Raster Layer').map((d) => service.tryLayer(d.id)).filter((l): l is MapLayer => !!l?.raster);
  return rasters.find((l) => l.raster!.config.render === 'dem') ?? rasters[0] ?? null;
}

/** Layers whose name says they hold named places. */
const PLACE_LAYER = /place|settlement|gazetteer|populated|locality|localities|\btowns?\b|cities|villages|toponym/i;
/** Place types, most prominent first, for layers that have a type but no priority. */
const PLACE_TYPES = ['capital', 'city', 'town', 'village', 'hamlet', 'suburb', 'neighbourhood', 'locality', 'island', 'peak', 'hill', 'water', 'farm'];
const NUMERIC = new Set(['esriFieldTypeSmallInteger', 'esriFieldTypeInteger', 'esriFieldTypeBigInteger', 'esriFieldTypeSingle', 'esriFieldTypeDouble']);

/** A point layer's name field: its display field when that is text, else a field called name, nam, label…. */
function placeNameField(layer: MapLayer): string | null {
  const strings = layer.fields.filter((f) => f.type === 'esriFieldTypeString');
  if (strings.some((f) => f.name === layer.displayField)) return layer.displayField;
  return strings.find((f) => /^(name|nam|nom|label|title|toponym)$/i.test(f.name))?.name ?? strings.find((f) => /name/i.test(f.name))?.name ?? null;
}

/** The layer naming the sheets, or null. */
function findNameLayer(service: MapService, requested: number | null | undefined): MapLayer | null {
  if (requested === null) return null;
  const usable = (l: MapLayer | undefined): l is MapLayer => !!l?.source && ['esriGeometryPoint', 'esriGeometryMultipoint'].includes(l.source.schema.geometryType ?? '') && !!placeNameField(l);
  if (requested !== undefined) {
    const layer = service.tryLayer(requested);
    if (!usable(layer)) throw new SheetIndexError(`nameLayer: layer ${requested} of ${service.path} is not a point feature layer with a text name field.`);
    return layer;
  }
  for (const def of service.definition.layers) {
    if (def.type !== 'Feature Layer') continue;
    const table = def.source?.type === 'geopackage' ? def.source.table : '';
    if (!PLACE_LAYER.test(def.name) && !PLACE_LAYER.test(table)) continue;
    const layer = service.tryLayer(def.id);
    if (usable(layer)) return layer;
  }
  return null;
}

/**
 * The places of a layer as name candidates in `sr`: prominence from a PRIORITY or RANK field
 * (lower first), else from a TYPE or CLASS field (city before town before village…); ties go to
 * the larger POP or POPULATION.
 */
function readPlaces(layer: MapLayer, sr: SpatialReference): SheetNameCandidate[] {
  const nameField = placeNameField(layer)!;
  const numeric = layer.fields.filter((f) => NUMERIC.has(f.type));
  const priorityField = numeric.find((f) => /^(priority|rank)$/i.test(f.name))?.name;
  const typeField = priorityField ? undefined : layer.fields.find((f) => f.type === 'esriFieldTypeString' && /^(type|class|fclass|place|feature_type)$/i.test(f.name))?.name;
  const weightField = numeric.find((f) => /^(pop|population|pop_max)$/i.test(f.name))?.name;
  const toSr = getTransform(layer.spatialReference, sr);
  const places: SheetNameCandidate[] = [];
  const fields = [nameField, priorityField, typeField, weightField].filter((f): f is string => !!f);
  for (const row of layer.source!.scan({ fields, geometry: true, limit: 200_000 })) {
    const name = row.attributes[nameField];
    const g = row.geometry;
    const point = g?.type === 'Point' ? g.coordinates : g?.type === 'MultiPoint' ? g.coordinates[0] : undefined;
    if (typeof name !== 'string' || !name.trim() || !point) continue;
    let priority = 0;
    if (priorityField) priority = Number(row.attributes[priorityField] ?? 99);
    else if (typeField) {
      const rank = PLACE_TYPES.indexOf(String(row.attributes[typeField] ?? '').toLowerCase());
      priority = rank < 0 ? PLACE_TYPES.length : rank;
    }
    const weight = weightField ? Number(row.attributes[weightField] ?? 0) : 0;
    const position = toSr ? toSr(point) : point;
    if (!Number.isFinite(position[0]!) || !Number.isFinite(position[1]!)) continue;
    places.push({ name: name.trim(), position, priority: Number.isFinite(priority) ? priority : 99, weight: Number.isFinite(weight) ? weight : 0 });
  }
  return places;
}

/** Writes the index table into a new GeoPackage at `file`, replacing an older one only once complete. */
function writeIndex(file: string, table: string, grid: GridDefinition, sr: SpatialReference, features: SheetFeature[], now: Date): void {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  try {
    const writer = new GeoPackageWriter(partial, { lastChange: now });
    const ref = gpkgSpatialRef(sr);
    writer.addSpatialRef(ref);
    writer.createFeatureTable({
      table, identifier: `Sheet Index ${grid.name}`, description: `Sheet index of the ${grid.name} grid (1:${grid.scale.toLocaleString('en-US')}), ${grid.sheetMinutes.lat}′ × ${grid.sheetMinutes.lon}′ sheets.`,
      geometryType: 'POLYGON', srsId: ref.srsId, fields: SHEET_INDEX_FIELDS,
    });
    writer.insertFeatures(table, features.map((f) => ({ geometry: f.geometry, properties: f.properties })));
    writer.close();
    renameSync(partial, file);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
}

/**
 * The service's layers with the index layer added or replaced, and its ID: a replaced layer keeps
 * its ID and place; a new one goes into the "Sheet indexes" group (made when missing, above the
 * raster layers), after the group's other indexes.
 */
function withIndexLayer(layers: LayerDefinition[], index: Omit<LayerDefinition, 'id'>): { layers: LayerDefinition[]; id: number; replaced: boolean } {
  const src = index.source as { path: string; table: string };
  const at = layers.findIndex((l) => l.source?.type === 'geopackage' && l.source.path === src.path && l.source.table === src.table);
  if (at >= 0) {
    const old = layers[at]!;
    const layer: LayerDefinition = { ...index, id: old.id, ...(old.parentLayerId !== undefined ? { parentLayerId: old.parentLayerId } : {}) };
    return { layers: layers.map((l, i) => (i === at ? layer : l)), id: old.id, replaced: true };
  }
  const out = layers.slice();
  let nextId = Math.max(-1, ...layers.map((l) => l.id)) + 1;
  let group = out.find((l) => l.type === 'Group Layer' && l.name.toLowerCase() === SHEET_INDEX_GROUP.toLowerCase());
  if (!group) {
    group = { id: nextId++, name: SHEET_INDEX_GROUP, type: 'Group Layer', defaultVisibility: false, minScale: 0, maxScale: 0 };
    const firstRaster = out.findIndex((l) => l.type === 'Raster Layer' && (l.parentLayerId ?? -1) === -1);
    out.splice(firstRaster < 0 ? out.length : firstRaster, 0, group);
  }
  const groupId = group.id;
  const layer: LayerDefinition = { ...index, id: nextId, parentLayerId: groupId };
  let last = out.findIndex((l) => l.id === groupId);
  out.forEach((l, i) => { if (l.parentLayerId === groupId) last = Math.max(last, i); });
  out.splice(last + 1, 0, layer);
  return { layers: out, id: nextId, replaced: false };
}

/** The drawing of the sample's sheet indexes: red outlines, the sheet number as a label. */
function sheetIndexDrawing(): LayerDefinition['drawingInfo'] {
  const sample = sampleServiceDefinition().layers.find((l) => l.source?.type === 'geopackage' && l.source.table === 'sheets_tm50');
  return structuredClone(sample!.drawingInfo);
}

/**
 * Builds the sheet index of `options.grid` over a service, stores it beside the service's data,
 * adds it to the service as a layer and, with `products`, registers the grid's product.
 * Throws SheetIndexError naming what is wrong (grid, service, extent, DEM, template, name layer).
 */
export async function addSheetIndex(options: AddSheetIndexOptions, deps: AddSheetIndexDeps): Promise<SheetIndexResult> {
  const { dataDir, folder, service: name } = options;
  const label = servicePath(folder, name);
  const now = deps.now ?? new Date();
  const grid = deps.library.grid(options.grid);
  if (!grid) throw new SheetIndexError(`grid: unknown grid definition '${options.grid}' (known: ${deps.library.gridNames().join(', ')})`);
  if (options.extent !== undefined) checkExtent(options.extent);
  const stored = NAME_PATTERN.test(name) && (folder === '' || NAME_PATTERN.test(folder)) ? await deps.store.getService(folder, name) : null;
  if (!stored) throw new SheetIndexError(`service: service '${label}' not found`);

  const runtime = new MapService(stored.definition, stored.revision, dataDir);
  let features: SheetFeature[], extent: Envelope, nameLayer: MapLayer | null, product: ProductDefinition | null = null;
  const sr = stored.definition.spatialReference;
  try {
    await runtime.prepare();
    // Products are checked before anything is written, so a refused product leaves the service as it was.
    if (options.products) {
      const dem = findDemLayer(runtime);
      if (!dem) throw new SheetIndexError(`products: service '${label}' has no elevation model (a Raster Layer over a DEM): products need one for contours, relief and spot heights; add one to the service or leave products out`);
      const template = options.template ?? grid.layout;
      if (!template) throw new SheetIndexError(`template: grid ${grid.name} names no layout template; give one (known: ${deps.library.templateNames().join(', ')})`);
      if (!deps.library.template(template)) throw new SheetIndexError(`template: unknown layout template '${template}' (known: ${deps.library.templateNames().join(', ')})`);
      try {
        product = validateProductDefinition(gridProductDocument(grid, { raster: dem.definition.raster!.path, template, key: label }), { library: deps.library, now });
      } catch (e) {
        if (e instanceof ProductDefinitionError) throw new SheetIndexError(`products: the ${grid.name} product is not valid: ${e.message}`);
        throw e;
      }
    }
    const found = options.extent ?? dataExtent(runtime);
    if (!found) throw new SheetIndexError(`extent: service '${label}' has no data to take an extent from; give one`);
    extent = found;
    nameLayer = findNameLayer(runtime, options.nameLayer);
    const places = nameLayer ? readPlaces(nameLayer, sr) : [];
    const parent = quarterParentOf(grid, deps.library.gridNames().map((n) => deps.library.grid(n)!));
    features = buildSheetIndex(grid, extent, sr, { places, edition: options.edition, quarterOf: parent ? parent.sheetMinutes : null });
    if (!features.length) throw new SheetIndexError(`extent: no ${grid.name} sheet touches ${[extent.xmin, extent.ymin, extent.xmax, extent.ymax].join(',')} in the service's spatial reference`);
  } finally {
    runtime.close();
  }

  const table = `sheets_${slug(grid.name)}`;
  const path = [SHEET_INDEX_DIR, ...(folder ? [folder] : []), name, `${table}.gpkg`].join('/');
  const { layers, id, replaced } = withIndexLayer(stored.definition.layers, {
    name: `${grid.name} sheets`, type: 'Feature Layer', source: { type: 'geopackage', path, table },
    description: `Sheet index of the ${grid.name} grid: one polygon per sheet, numbered in NRN.`,
    drawingInfo: sheetIndexDrawing(), displayField: 'NRN', defaultVisibility: false, minScale: 0, maxScale: 0,
  });
  const definition: ServiceDefinition = { ...stored.definition, layers };
  const issues = validateServiceDefinition(definition);
  if (issues.length) throw new SheetIndexError(`service '${label}': its definition would not be valid with the index: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);

  writeIndex(join(dataDir, ...path.split('/')), table, grid, sr, features, now);
  // The new layer must open before the service points at it.
  const check = new MapService(definition, 0, dataDir);
  try {
    await check.prepare();
    check.layer(id);
  } catch (e) {
    throw new SheetIndexError(`The sheet index ${path} cannot be opened: ${(e as Error).message}`);
  } finally {
    check.close();
  }
  await deps.store.putService(definition);
  deps.services?.invalidate(folder, name);
  if (product) await deps.store.putProduct(label, product);
  return {
    service: label, grid: grid.name, layerId: id, layerName: `${grid.name} sheets`, path, table,
    sheetNumbers: features.map((f) => f.properties.NRN), extent, replaced, nameLayer: nameLayer?.definition.name ?? null, product: product?.name ?? null,
  };
}

/** `quadrangle sheets`: addSheetIndex on the catalog of a data directory, the service given as `Folder/Name` or `Name`. */
export async function addSheetIndexToDataDir(options: Omit<AddSheetIndexOptions, 'folder' | 'service'> & { service: string }): Promise<SheetIndexResult> {
  const parts = options.service.split('/');
  if (parts.length > 2 || parts.some((p) => !p)) throw new SheetIndexError(`service: expected Folder/Name or Name, got '${options.service}'`);
  const [folder, service] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
  if (!catalogExists(options)) throw new SheetIndexError(`data: no catalog in ${options.dataDir} (start the server once, or pass --data)`);
  const store = await openCatalogStore(options);
  try {
    const library = new TemplateLibrary({ layoutDirs: [join(options.dataDir, 'layouts')], gridDirs: [join(options.dataDir, 'grids')] });
    return await addSheetIndex({ ...options, folder, service }, { store, library });
  } finally {
    await store.close();
  }
}
