/**
 * The service definition of a user's published files: one Feature Layer per feature table (a
 * Table for one without geometry), ids from 0 with the first on top — points above lines above
 * polygons, each group in the order the files were given — and, with a DEM, the sample's three
 * terrain layers at the bottom: a hillshade, an elevation tint and the elevations themselves
 * ("Elevation", the one identify answers). The service takes the spatial reference of its first
 * layer, or the DEM's when it has no feature layer.
 * @module publish/service-builder
 */
import { basename } from 'node:path';
import type { LayerDefinition, ServiceDefinition } from '../catalog/service-definition.js';
import type { EsriGeometryType } from '../geo/esri-json.js';
import type { DemInfo } from '../terrain/dem-source.js';
import type { TerrainRendering } from '../terrain/terrain-renderer.js';
import { layerStyle } from './default-style.js';
import type { PublishedTable } from './published-tables.js';

/** A DEM copied into the service's folder. */
export interface PublishedDem {
  /** Relative to the data directory. */
  path: string;
  /** The user's file. */
  file: string;
  info: DemInfo;
}

/** What the user is told of each layer. */
export interface PublishedLayer {
  id: number;
  name: string;
  type: LayerDefinition['type'];
  geometryType: EsriGeometryType | null;
  /** Rows of a feature layer. */
  featureCount?: number;
  /** The user's file the layer comes from. */
  file: string;
  /** The sample layer whose topographic style it reuses, if any. */
  styledAfter?: string;
}

export interface ServicePlan {
  name: string;
  /** '' for the root folder. */
  folder: string;
  tables: PublishedTable[];
  dem?: PublishedDem;
  /** Who published it (the document's author). */
  user?: string;
}

/** Draw order class: points on top, then lines, polygons, tables without geometry. */
function drawRank(type: EsriGeometryType | null): number {
  switch (type) {
    case 'esriGeometryPoint': case 'esriGeometryMultipoint': return 0;
    case 'esriGeometryPolyline': return 1;
    case 'esriGeometryPolygon': case 'esriGeometryEnvelope': return 2;
    default: return 3;
  }
}

/** The terrain layers over a DEM, as the sample region draws its own (no sea level: a user's land may lie below 0 m). */
const TERRAIN_LAYERS: { name: string; raster: TerrainRendering; transparency: number; visible: boolean }[] = [
  { name: 'Hillshade', raster: { render: 'hillshade', azimuth: 315, altitude: 45, zFactor: 1 }, transparency: 50, visible: true },
  { name: 'Elevation tint', raster: { render: 'elevation' }, transparency: 0, visible: false },
  { name: 'Elevation', raster: { render: 'dem' }, transparency: 0, visible: false },
];

/** Makes titles unique within the service: "Roads", "Roads (2)"… */
function uniqueTitles(titles: string[]): string[] {
  const seen = new Map<string, number>();
  return titles.map((t) => {
    const n = (seen.get(t.toLowerCase()) ?? 0) + 1;
    seen.set(t.toLowerCase(), n);
    return n === 1 ? t : `${t} (${n})`;
  });
}

function featureLayer(id: number, title: string, t: PublishedTable): { definition: LayerDefinition; styledAfter: string | null } {
  const base: LayerDefinition = {
    id, name: title, type: t.geometryType ? 'Feature Layer' : 'Table',
    source: { type: 'geopackage', path: t.gpkg, table: t.table },
    description: `From ${basename(t.file)}`, defaultVisibility: true, minScale: 0, maxScale: 0,
  };
  const style = layerStyle({ name: title, table: t.table, geometryType: t.geometryType, fields: t.fields, featureCodes: t.featureCodes, index: id });
  const fieldAliases = { ...t.sourceNames, ...style.fieldAliases };
  const definition: LayerDefinition = {
    ...base,
    ...(t.geometryType ? { drawingInfo: style.drawingInfo } : {}),
    ...(style.displayField ? { displayField: style.displayField } : {}),
    ...(Object.keys(fieldAliases).length ? { fieldAliases } : {}),
  };
  return { definition, styledAfter: t.geometryType ? style.basedOn : null };
}

/** The definition (without its initial extent, which the opened service computes) and a summary of its layers. */
export function buildServiceDefinition(plan: ServicePlan): { definition: ServiceDefinition; layers: PublishedLayer[] } {
  const ordered = plan.tables.map((t, i) => ({ t, i })).sort((a, b) => drawRank(a.t.geometryType) - drawRank(b.t.geometryType) || a.i - b.i).map((x) => x.t);
  const titles = uniqueTitles(ordered.map((t) => t.title));
  const layers: LayerDefinition[] = [];
  const summary: PublishedLayer[] = [];
  ordered.forEach((t, id) => {
    const { definition, styledAfter } = featureLayer(id, titles[id]!, t);
    layers.push(definition);
    summary.push({ id, name: definition.name, type: definition.type, geometryType: t.geometryType, featureCount: t.featureCount, file: t.file, ...(styledAfter ? { styledAfter } : {}) });
  });
  const { dem } = plan;
  if (dem) {
    for (const terrain of TERRAIN_LAYERS) {
      const id = layers.length;
      layers.push({
        id, name: terrain.name, type: 'Raster Layer', raster: { path: dem.path, ...terrain.raster },
        description: `From ${basename(dem.file)}`, drawingInfo: { transparency: terrain.transparency }, defaultVisibility: terrain.visible, minScale: 0, maxScale: 0,
      });
      summary.push({ id, name: terrain.name, type: 'Raster Layer', geometryType: null, file: dem.file });
    }
  }
  const spatialReference = ordered[0]?.spatialReference ?? dem?.info.spatialReference;
  if (!spatialReference) throw new Error('a service needs at least one table or a DEM');
  const sources = [...new Set([...plan.tables.map((t) => basename(t.file)), ...(dem ? [basename(dem.file)] : [])])];
  const definition: ServiceDefinition = {
    serviceName: plan.name,
    folder: plan.folder,
    type: 'MapServer',
    description: `Published${plan.user ? ` by ${plan.user}` : ''} from ${sources.join(', ')}.`,
    serviceDescription: plan.name,
    copyrightText: '',
    mapName: 'Layers',
    documentInfo: { Title: plan.name, Author: plan.user ?? '' },
    spatialReference,
    capabilities: ['Map', 'Query', 'Data'],
    maxRecordCount: 2000,
    layers,
  };
  return { definition, layers: summary };
}
