/**
 * The physical model every feature generator reads: the hydrologically conditioned DEM, sea
 * and lake rasters, D8 flow routing and accumulation, and the stream network.
 * Rasters share one {@link RasterGrid} (metres, EPSG:32630 for the sample region).
 * @module sample/landscape
 */
import { accumulateFlow, extractStreams, fillDepressions, findLakes, findSea, routeFlow, type FlowRouting, type LakeCells, type StreamSegment } from './hydrology.js';
import { createNoise } from './noise.js';
import { cellX, cellY, slopeOf, type RasterGrid } from './raster.js';
import { generateTerrain, type TerrainLayout } from './terrain.js';

/** Channel initiation threshold: contributing area for a mapped watercourse, km². */
export const STREAM_THRESHOLD_KM2 = 0.3;
/** Smallest filled depression kept as a lake, km². */
export const LAKE_MIN_KM2 = 0.03;
/** Shallowest filled depression kept as a lake, m. */
export const LAKE_MIN_DEPTH_M = 2;
/** Lowest elevation of a land cell, m, so the 0 m contour separates land and sea exactly. */
export const MIN_LAND_ELEVATION = 0.1;

/** Result of {@link buildLandscape}. */
export interface Landscape {
  seed: number;
  grid: RasterGrid;
  layout: TerrainLayout;
  /** Elevation, m: depression-filled on land (lakes hold their flat surface), negative depths at sea. */
  dem: Float32Array;
  /** 1 for sea cells. */
  sea: Uint8Array;
  /** Lake id per cell (0 = none), indexing `lakes[id - 1]`. */
  lakeId: Int32Array;
  lakes: LakeCells[];
  /** 1 for sea or lake cells. */
  water: Uint8Array;
  routing: FlowRouting;
  /** Contributing area, cells. */
  acc: Float32Array;
  /** Slope, rise over run. */
  slope: Float32Array;
  streams: StreamSegment[];
}

/** Generates terrain on `grid` and runs the hydrology over it. Deterministic for a seed and grid. */
export function buildLandscape(seed: number, grid: RasterGrid): Landscape {
  const { dem: raw, layout } = generateTerrain(seed, grid);
  const { width, height, cellSize } = grid;
  const n = width * height;
  const sea = findSea(raw, width, height);
  for (let i = 0; i < n; i++) if (!sea[i] && raw[i]! < MIN_LAND_ELEVATION) raw[i] = MIN_LAND_ELEVATION;
  const cellArea = cellSize * cellSize;
  const { lakeId, lakes } = findLakes(raw, fillDepressions(raw, width, height, sea), width, height, (LAKE_MIN_KM2 * 1e6) / cellArea, LAKE_MIN_DEPTH_M);
  // Hydrological conditioning: lakes are set flat at their spill level, and every other hollow
  // is filled with a tiny, spatially varying rise towards its outlet (centimetres per cell).
  // Flow across filled flats then wanders like a real channel instead of running in the
  // straight lines a flat fill gives D8 routing. The published DEM is this surface, so every
  // watercourse runs downhill on it.
  for (const lake of lakes) {
    for (let row = lake.minRow; row <= lake.maxRow; row++) {
      for (let col = lake.minCol; col <= lake.maxCol; col++) if (lakeId[row * width + col] === lake.id) raw[row * width + col] = lake.level;
    }
  }
  const wander = createNoise(seed, 'flat-routing');
  const rise = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (lakeId[i]) continue;
    const col = i % width, row = (i - col) / width;
    rise[i] = 0.002 + 0.02 * Math.max(0, 0.5 + 0.6 * wander(cellX(grid, col) / 300, cellY(grid, row) / 300));
  }
  const routing = routeFlow(raw, width, height, sea, rise);
  const dem = routing.filled;
  const water = new Uint8Array(n);
  for (let i = 0; i < n; i++) water[i] = sea[i] || lakeId[i] ? 1 : 0;
  const acc = accumulateFlow(routing);
  const streams = extractStreams(routing, acc, sea, lakeId, (STREAM_THRESHOLD_KM2 * 1e6) / cellArea);
  const slope = slopeOf(dem, width, height, cellSize);
  return { seed, grid, layout, dem, sea, lakeId, lakes, water, routing, acc, slope, streams };
}
