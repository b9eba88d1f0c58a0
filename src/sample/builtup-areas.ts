/**
 * Built-up areas (AL020) of towns and villages: the ground within a few tens of metres of the
 * settlement's buildings, closed over small gaps, clipped to dry land and traced into one
 * polygon per settlement. Coordinates in map metres.
 * @module sample/builtup-areas
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import { polygonArea } from './polyline.js';
import { polygonize } from './polygonize.js';
import { distanceToMask, sampleBilinear, type RasterGrid } from './raster.js';
import type { SampleFeature } from './schema.js';
import type { Settlement } from './settlements.js';

const CELL = 10;
/** Buffer round each building, m, and how much of it is taken back after closing gaps. */
const REACH = 50;
const SHRINK = 20;

/** One built-up area polygon per town or village, from its buildings (`clusters[i]` belongs to `settlements[i]`). */
export function buildBuiltupAreas(land: Landscape, settlements: Settlement[], clusters: Position[][]): SampleFeature[] {
  const features: SampleFeature[] = [];
  const water = Float32Array.from(land.water);
  settlements.forEach((town, k) => {
    const points = clusters[k]!;
    if (town.type === 'Hamlet' || points.length < 5) return;
    let xmin = Infinity, ymin = Infinity, xmax = -Infinity, ymax = -Infinity;
    for (const p of points) { xmin = Math.min(xmin, p[0]!); xmax = Math.max(xmax, p[0]!); ymin = Math.min(ymin, p[1]!); ymax = Math.max(ymax, p[1]!); }
    const margin = REACH + 3 * CELL;
    const grid: RasterGrid = {
      width: Math.ceil((xmax - xmin + 2 * margin) / CELL), height: Math.ceil((ymax - ymin + 2 * margin) / CELL),
      cellSize: CELL, originX: Math.floor(xmin - margin), originY: Math.ceil(ymax + margin),
    };
    const seeds = new Uint8Array(grid.width * grid.height);
    for (const p of points) {
      const col = Math.floor((p[0]! - grid.originX) / CELL), row = Math.floor((grid.originY - p[1]!) / CELL);
      seeds[row * grid.width + col] = 1;
    }
    // Closing: grow by REACH, shrink by SHRINK (distance from the outside of the grown area).
    const grown = distanceToMask(seeds, grid.width, grid.height, CELL);
    const outside = new Uint8Array(grown.length);
    for (let i = 0; i < grown.length; i++) outside[i] = grown[i]! > REACH ? 1 : 0;
    const inward = distanceToMask(outside, grid.width, grid.height, CELL);
    const mask = new Float32Array(grown.length);
    for (let r = 0; r < grid.height; r++) {
      for (let c = 0; c < grid.width; c++) {
        const i = r * grid.width + c;
        if (inward[i]! <= SHRINK) continue;
        const x = grid.originX + (c + 0.5) * CELL, y = grid.originY - (r + 0.5) * CELL;
        // Stay a cell clear of water so the outline never crosses the shore.
        mask[i] = sampleBilinear(land.grid, water, x, y) < 0.05 ? 1 : 0;
      }
    }
    const polygons = polygonize(grid, { col0: 0, row0: 0, cols: grid.width, rows: grid.height }, mask, { simplify: 4, minArea: 20000, minHoleArea: 5000 });
    if (polygons.length === 0) return;
    const largest = polygons.reduce((a, b) => (polygonArea(b) > polygonArea(a) ? b : a));
    features.push({ geometry: { type: 'Polygon', coordinates: largest }, properties: { F_CODE: 'AL020', NAM: town.name, TYPE: town.type, POP: town.population } });
  });
  return features;
}
