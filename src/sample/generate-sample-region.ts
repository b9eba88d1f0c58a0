/**
 * `quadrangle sample`: generates the deterministic sample region Quadrangle serves on first
 * start — a 60 × 60 km west-Highland landscape in WGS 84 / UTM zone 30N (EPSG:32630) — as a
 * 25 m GeoTIFF DEM (`dem.tif`), a GeoPackage of topographic feature tables (`region.gpkg`) and a
 * JSON summary (`region.json`).
 * @module sample/generate-sample-region
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Envelope } from '../geo/geometry.js';
import { GeoPackageWriter } from '../data/geopackage/geopackage-writer.js';
import { writeGeoTiff } from '../terrain/geotiff-writer.js';
import { buildAdminAreas } from './admin-areas.js';
import { buildBuiltupAreas } from './builtup-areas.js';
import { placeBuildings } from './buildings.js';
import { buildCoast } from './coast.js';
import { EPSG_32630_WKT, SAMPLE_EXTENT, SAMPLE_SRID } from './crs.js';
import { buildLakes } from './lakes.js';
import { buildLandscape, type Landscape } from './landscape.js';
import { NameGenerator } from './names.js';
import { buildNetwork } from './network.js';
import { deriveSeed } from './prng.js';
import { collectPlaceNames, placeNameFeatures } from './place-names.js';
import { planRailway } from './railway.js';
import type { RasterGrid } from './raster.js';
import { planRoads, ROAD_CLASSES } from './roads.js';
import { SAMPLE_TABLES, type SampleFeature } from './schema.js';
import { placeSettlements } from './settlements.js';
import { buildSheetIndex, SHEET_SERIES } from './sheet-index.js';
import { buildSpotHeights, findSummits } from './spot-heights.js';
import { layoutStreets } from './streets.js';
import { buildVegetation } from './vegetation.js';
import { buildWatercourses } from './watercourses.js';

/** DEM cell size of the sample region, m. */
export const SAMPLE_CELL_SIZE = 25;
/** No-data value written to the DEM (no cell actually holds it). */
export const DEM_NODATA = -9999;

/** Options of {@link generateSampleRegion}. */
export interface SampleRegionOptions {
  /** Directory for dem.tif, region.gpkg and region.json (created if missing; files are replaced). */
  outDir: string;
  /** Seed of the generation (default 1). The same seed gives the same features. */
  seed?: number;
  /** Progress callback: a step label and the overall fraction done (0–1). */
  onProgress?: (step: string, fraction: number) => void;
}

/** One GeoPackage table in the summary. */
export interface SampleTableSummary {
  table: string;
  title: string;
  geometryType: string;
  count: number;
}

/** What {@link generateSampleRegion} produced; also written to `region.json`. */
export interface SampleRegionSummary {
  seed: number;
  srid: number;
  /** Region extent, EPSG:32630 metres. */
  extent: Envelope;
  dem: {
    path: string;
    width: number;
    height: number;
    /** Cell size, m. */
    cellSize: number;
    /** Lowest sea-bed and highest summit elevation, m above mean sea level. */
    minElevation: number;
    maxElevation: number;
    noData: number;
  };
  geopackage: string;
  tables: SampleTableSummary[];
  totalFeatures: number;
  elapsedMs: number;
}

/** The grid of the sample DEM: 2400 × 2400 cells of 25 m over {@link SAMPLE_EXTENT}. */
export function sampleGrid(): RasterGrid {
  const e = SAMPLE_EXTENT;
  return {
    width: Math.round((e.xmax - e.xmin) / SAMPLE_CELL_SIZE), height: Math.round((e.ymax - e.ymin) / SAMPLE_CELL_SIZE),
    cellSize: SAMPLE_CELL_SIZE, originX: e.xmin, originY: e.ymax,
  };
}

/** The generated features of every table, keyed by table name, plus the landscape they sit on. */
export interface SampleFeatures {
  landscape: Landscape;
  tables: Map<string, SampleFeature[]>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds the landscape and every feature table for `seed` on `grid` (EPSG:32630 metres).
 * Deterministic: the same seed and grid give identical features.
 */
export async function buildSampleFeatures(seed: number, grid: RasterGrid, progress: (step: string, fraction: number) => void = () => {}): Promise<SampleFeatures> {
  const step = async (label: string, fraction: number) => { progress(label, fraction); await yieldToEventLoop(); };
  await step('terrain and hydrology', 0);
  const land = buildLandscape(seed, grid);
  const names = new NameGenerator(deriveSeed(seed, 'names'));
  await step('watercourses, lakes and coast', 0.3);
  const watercourses = buildWatercourses(land, names);
  const lakes = buildLakes(land, names, watercourses.lakeStems);
  const coast = buildCoast(land, names);
  await step('settlements and roads', 0.4);
  const settlements = placeSettlements(land, names, watercourses.rivers, coast.seaLochs);
  const roads = planRoads(land, settlements);
  const railway = planRailway(roads.surface, settlements);
  const streets = layoutStreets(land, settlements, roads.links, names);
  await step('buildings', 0.55);
  const buildings = placeBuildings(land, settlements, [...roads.links, ...streets], railway, watercourses.features);
  const network = buildNetwork([...roads.links, ...streets, ...buildings.tracks]);
  const builtup = buildBuiltupAreas(land, settlements, buildings.clusters);
  await step('vegetation', 0.65);
  const vegetation = buildVegetation(land, buildings.clusters.flat());
  await step('heights, boundaries and names', 0.75);
  const { summits, saddles } = findSummits(land);
  const spotHeights = buildSpotHeights(land, summits, saddles, network);
  const admin = buildAdminAreas(land, settlements, names);
  const places = collectPlaceNames({ settlements, summits, lakes: lakes.named, seaLochs: coast.seaLochs, openSea: coast.openSea, islands: coast.islands, rivers: watercourses.rivers, farms: buildings.farms }, names);
  const extent: Envelope = { xmin: grid.originX, ymin: grid.originY - grid.height * grid.cellSize, xmax: grid.originX + grid.width * grid.cellSize, ymax: grid.originY };
  const sheetPlaces = places.map((p) => ({ name: p.name, position: p.position, priority: p.priority, weight: p.weight }));

  const tables = new Map<string, SampleFeature[]>([
    ['place_names', placeNameFeatures(places)],
    ['spot_heights', spotHeights],
    ['buildings', buildings.features],
    ['railways', railway.map((r) => ({ geometry: { type: 'LineString', coordinates: r.line }, properties: { F_CODE: 'AN010', NAM: r.name, RGC: 2, TRS: r.tracks } }))],
    ['roads', network.map((link) => ({
      geometry: { type: 'LineString', coordinates: link.line },
      properties: { F_CODE: 'AP030', CLASS: link.roadClass, RTY: ROAD_CLASSES[link.roadClass].rty, RTN: link.rtn, NAM: link.name, SURFACE: link.surface, WID: link.width },
    }))],
    ['watercourses', watercourses.features],
    ['lakes', lakes.features],
    ['coastline', coast.coastline],
    ['sea', coast.sea],
    ['builtup_areas', builtup],
    ['vegetation', vegetation],
    ['admin_boundaries', admin.boundaries],
    ['admin_areas', admin.areas],
    ...SHEET_SERIES.map((s) => [`sheets_${s.series.toLowerCase()}`, buildSheetIndex(s, extent, sheetPlaces)] as [string, SampleFeature[]]),
  ]);
  return { landscape: land, tables };
}

/** Generates the sample region into `options.outDir` and returns (and writes) its summary. */
export async function generateSampleRegion(options: SampleRegionOptions): Promise<SampleRegionSummary> {
  const started = performance.now();
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const grid = sampleGrid();
  const { landscape, tables } = await buildSampleFeatures(seed, grid, progress);

  progress('writing DEM', 0.85);
  await yieldToEventLoop();
  mkdirSync(options.outDir, { recursive: true });
  // Each file is written under a temporary name and renamed when complete, so an interrupted
  // run never leaves a truncated file behind under the real name.
  const partial = (path: string) => `${path}.partial`;
  const demPath = join(options.outDir, 'dem.tif');
  writeGeoTiff(partial(demPath), { width: grid.width, height: grid.height, data: landscape.dem, epsg: SAMPLE_SRID, originX: grid.originX, originY: grid.originY, pixelSize: grid.cellSize, noData: DEM_NODATA });
  renameSync(partial(demPath), demPath);
  let minElevation = Infinity, maxElevation = -Infinity;
  for (const z of landscape.dem) { if (z < minElevation) minElevation = z; if (z > maxElevation) maxElevation = z; }

  progress('writing GeoPackage', 0.92);
  await yieldToEventLoop();
  const gpkgPath = join(options.outDir, 'region.gpkg');
  const writer = new GeoPackageWriter(partial(gpkgPath));
  writer.addSpatialRef({ srsId: SAMPLE_SRID, name: 'WGS 84 / UTM zone 30N', organization: 'EPSG', organizationCoordsysId: SAMPLE_SRID, definition: EPSG_32630_WKT, description: 'Sample region coordinate reference system' });
  const summaries: SampleTableSummary[] = [];
  for (const table of SAMPLE_TABLES) {
    writer.createFeatureTable({ table: table.table, identifier: table.title, description: table.description, geometryType: table.geometryType, srsId: SAMPLE_SRID, fields: table.fields });
    const count = writer.insertFeatures(table.table, tables.get(table.table) ?? []);
    summaries.push({ table: table.table, title: table.title, geometryType: table.geometryType, count });
  }
  writer.close();
  renameSync(partial(gpkgPath), gpkgPath);

  const round1 = (v: number) => Math.round(v * 10) / 10;
  const summary: SampleRegionSummary = {
    seed,
    srid: SAMPLE_SRID,
    extent: { ...SAMPLE_EXTENT },
    dem: { path: demPath, width: grid.width, height: grid.height, cellSize: grid.cellSize, minElevation: round1(minElevation), maxElevation: round1(maxElevation), noData: DEM_NODATA },
    geopackage: gpkgPath,
    tables: summaries,
    totalFeatures: summaries.reduce((s, t) => s + t.count, 0),
    elapsedMs: Math.round(performance.now() - started),
  };
  writeFileSync(join(options.outDir, 'region.json'), `${JSON.stringify(summary, null, 2)}\n`);
  progress('done', 1);
  return summary;
}
