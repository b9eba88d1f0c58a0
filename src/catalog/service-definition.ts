/**
 * Service definitions: the JSON document that describes a map service — its layers, where
 * their data comes from, how they are drawn (Esri drawingInfo) and the service's limits.
 * Stored by a CatalogStore; validated here, apart from the code that uses it.
 * @module catalog/service-definition
 */
import type { SourceConfig } from '../data/source-registry.js';
import { sourceConfigProblems } from '../data/source-registry.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { parseSpatialReference, SpatialReferenceError } from '../geo/spatial-reference.js';
import { TERRAIN_RENDERS, type TerrainRendering } from '../terrain/terrain-renderer.js';
import { validateTileInfo, type TileInfo } from '../tiles/tiling-scheme.js';
import { validateExtensions, validateFramework, validateItemInfo, type ServiceExtension, type ServiceFramework, type ServiceItemInfo } from './service-framework.js';


/**
 * A Raster Layer's data and drawing: a single-band GeoTIFF elevation model (path relative to the
 * data directory) and how it is drawn (terrain/terrain-renderer.ts).
 */
export type RasterLayerConfig = { path: string } & TerrainRendering;

export type LayerType = 'Feature Layer' | 'Group Layer' | 'Raster Layer' | 'Table';

export interface LayerDefinition {
  id: number;
  name: string;
  type: LayerType;
  /** Group layer this layer belongs to; -1 or absent at the top. */
  parentLayerId?: number;
  /** Where a Feature Layer's or Table's features come from. */
  source?: SourceConfig;
  /** A Raster Layer's DEM and rendering. */
  raster?: RasterLayerConfig;
  description?: string;
  copyrightText?: string;
  /** Standardized SQL every request on the layer is ANDed with. */
  definitionExpression?: string;
  displayField?: string;
  /** Scale denominators; 0 = no limit. */
  minScale?: number;
  maxScale?: number;
  defaultVisibility?: boolean;
  /** Esri drawingInfo: renderer, transparency, labelingInfo (mapserver.md §15). */
  drawingInfo?: { renderer?: Record<string, unknown>; transparency?: number; labelingInfo?: Record<string, unknown>[] | null };
  /** Field name → alias shown to users. */
  fieldAliases?: Record<string, string>;
}

export type Capability = 'Map' | 'Query' | 'Data';
export const CAPABILITIES: readonly Capability[] = ['Map', 'Query', 'Data'];

export interface ServiceDefinition {
  serviceName: string;
  /** Folder name, or '' for the root folder. */
  folder: string;
  type: 'MapServer';
  description?: string;
  serviceDescription?: string;
  copyrightText?: string;
  mapName?: string;
  documentInfo?: Record<string, string>;
  spatialReference: SpatialReference;
  capabilities: Capability[];
  /** Default 2000. */
  maxRecordCount?: number;
  /** Default 4096 each. */
  maxImageWidth?: number;
  maxImageHeight?: number;
  /** Initial map extent in the service SR; defaults to the full extent. */
  initialExtent?: { xmin: number; ymin: number; xmax: number; ymax: number };
  /** A stopped service answers 500 (mapserver.md §2). Default STARTED. */
  configuredState?: 'STARTED' | 'STOPPED';
  /** Hidden from the catalog, and answered 404, for everyone without ADMINISTER (admin.md §7). */
  private?: boolean;
  /** Instance pool and framework settings of admin.md §7; absent fields take their defaults (service-framework.ts). */
  framework?: Partial<ServiceFramework>;
  /** Server object extensions (KmlServer, TopographicProductionServer); absent: both enabled. */
  extensions?: ServiceExtension[];
  /** The item description editable through the admin API (`iteminfo`). */
  itemInfo?: ServiceItemInfo;
  /** MapServer `properties` Quadrangle does not act on (outputFileAge, cacheDir, …), stored and echoed. */
  properties?: Record<string, string>;
  /** The tiling scheme of the service's map cache (mapserver.md §10); none: no `tile` resource. */
  tileInfo?: TileInfo;
  layers: LayerDefinition[];
}

export interface ValidationIssue { path: string; message: string }

/** Folder and service names: letters, digits and underscores, as ArcGIS Server allows. */
export const NAME_PATTERN = /^[A-Za-z0-9_]{1,120}$/;

const LAYER_TYPES: readonly LayerType[] = ['Feature Layer', 'Group Layer', 'Raster Layer', 'Table'];

/** Ranges of the numeric rendering options (terrain/hillshade.ts). */
const RASTER_NUMBERS: Record<string, [min: number, max: number]> = {
  azimuth: [0, 360], altitude: [0, 90], zFactor: [0, 1000], seaLevel: [-20000, 20000],
};

function validateRaster(r: RasterLayerConfig | undefined, p: string, add: (path: string, message: string) => void): void {
  if (!r || typeof r !== 'object') { add(p, 'is required for a Raster Layer: { path, render }'); return; }
  if (typeof r.path !== 'string' || !r.path) add(`${p}.path`, 'is required');
  if (!TERRAIN_RENDERS.includes(r.render)) { add(`${p}.render`, `must be one of ${TERRAIN_RENDERS.join(', ')}`); return; }
  for (const [key, [min, max]] of Object.entries(RASTER_NUMBERS)) {
    const v = (r as unknown as Record<string, unknown>)[key];
    if (v !== undefined && !(typeof v === 'number' && v >= min && v <= max)) add(`${p}.${key}`, `must be a number from ${min} to ${max}`);
  }
  if (r.render === 'hillshade' && r.multidirectional !== undefined && typeof r.multidirectional !== 'boolean') add(`${p}.multidirectional`, 'must be true or false');
  if (r.render === 'elevation' && r.stops !== undefined) {
    const ok = Array.isArray(r.stops) && r.stops.length > 0 && r.stops.every((s) => Array.isArray(s) && Number.isFinite(s[0])
      && Array.isArray(s[1]) && s[1].length === 3 && s[1].every((c) => Number.isInteger(c) && c >= 0 && c <= 255));
    if (!ok) add(`${p}.stops`, 'must be a list of [elevation, [r, g, b]] with channels 0–255');
  }
}

/** Checks a definition; returns every problem found (empty when valid). */
export function validateServiceDefinition(def: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (!def || typeof def !== 'object') return [{ path: '', message: 'must be an object' }];
  const d = def as Partial<ServiceDefinition>;
  if (typeof d.serviceName !== 'string' || !NAME_PATTERN.test(d.serviceName)) add('serviceName', 'must be 1–120 letters, digits or underscores');
  if (typeof d.folder !== 'string' || (d.folder !== '' && !NAME_PATTERN.test(d.folder))) add('folder', "must be '' or 1–120 letters, digits or underscores");
  if (d.type !== 'MapServer') add('type', "must be 'MapServer'");
  try { if (!parseSpatialReference(d.spatialReference)) add('spatialReference', 'is required'); } catch (e) {
    if (e instanceof SpatialReferenceError) add('spatialReference', e.message); else throw e;
  }
  if (!Array.isArray(d.capabilities) || d.capabilities.some((c) => !CAPABILITIES.includes(c))) add('capabilities', `must be a list of ${CAPABILITIES.join(', ')}`);
  for (const key of ['maxRecordCount', 'maxImageWidth', 'maxImageHeight'] as const) {
    const v = d[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 100000)) add(key, 'must be an integer from 1 to 100000');
  }
  if (d.tileInfo !== undefined) issues.push(...validateTileInfo(d.tileInfo));
  if (d.configuredState !== undefined && d.configuredState !== 'STARTED' && d.configuredState !== 'STOPPED') add('configuredState', "must be 'STARTED' or 'STOPPED'");
  if (d.private !== undefined && typeof d.private !== 'boolean') add('private', 'must be true or false');
  if (d.framework !== undefined) validateFramework(d.framework, add);
  if (d.extensions !== undefined) validateExtensions(d.extensions, add);
  if (d.itemInfo !== undefined) validateItemInfo(d.itemInfo, add, 'itemInfo');
  if (!Array.isArray(d.layers)) { add('layers', 'must be an array'); return issues; }
  const ids = new Set<number>();
  d.layers.forEach((l, i) => {
    const p = `layers[${i}]`;
    if (!Number.isInteger(l?.id) || l.id < 0) add(`${p}.id`, 'must be a non-negative integer');
    else if (ids.has(l.id)) add(`${p}.id`, `duplicates layer id ${l.id}`);
    else ids.add(l.id);
    if (typeof l?.name !== 'string' || !l.name) add(`${p}.name`, 'is required');
    if (!LAYER_TYPES.includes(l?.type)) add(`${p}.type`, `must be one of ${LAYER_TYPES.join(', ')}`);
    if (l?.type === 'Raster Layer') validateRaster(l.raster, `${p}.raster`, add);
    else if (l?.type !== 'Group Layer') {
      for (const [field, problem] of sourceConfigProblems(l?.source)) add(`${p}.source${field}`, problem);
    }
    for (const key of ['minScale', 'maxScale'] as const) {
      const v = l?.[key];
      if (v !== undefined && !(typeof v === 'number' && v >= 0)) add(`${p}.${key}`, 'must be a number ≥ 0');
    }
  });
  d.layers.forEach((l, i) => {
    if (l?.parentLayerId !== undefined && l.parentLayerId !== -1) {
      const parent = d.layers!.find((x) => x.id === l.parentLayerId);
      if (!parent || parent.type !== 'Group Layer') add(`layers[${i}].parentLayerId`, 'must name a group layer');
    }
  });
  return issues;
}

/** `folder/name` or `name`, as service paths are written in URLs and messages. */
export function servicePath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}
