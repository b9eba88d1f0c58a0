/**
 * Raster → polygon conversion with d3-contour (marching squares), converted from grid
 * coordinates (cells, y down, value i centred at i + 0.5) to map coordinates, simplified,
 * rounded to 0.1 m and oriented (exterior counter-clockwise, holes clockwise, as in GeoJSON).
 * @module sample/polygonize
 */
import { contours } from 'd3-contour';
import type { Position } from '../geo/geometry.js';
import { ringArea, ringArea2, roundLine, simplifyRing } from './polyline.js';
import type { RasterGrid } from './raster.js';

/** A rectangle of cells of a {@link RasterGrid}. */
export interface CellWindow {
  col0: number;
  row0: number;
  cols: number;
  rows: number;
}

/** Options of {@link polygonize}. */
export interface PolygonizeOptions {
  /** Iso-value; the polygons enclose values ≥ threshold (default 0.5, for 0/1 masks). */
  threshold?: number;
  /** Douglas–Peucker tolerance, m (default 0: none). */
  simplify?: number;
  /** Drop polygons smaller than this, m² (default 0). */
  minArea?: number;
  /** Drop holes smaller than this, m² (default 0). */
  minHoleArea?: number;
  /** Interpolate crossings between cell centres (default true); false gives cell-edge staircases. */
  smooth?: boolean;
}

/** The window of cells covering a cell bounding box plus `margin` cells, clipped to the grid. */
export function windowAround(grid: RasterGrid, minCol: number, minRow: number, maxCol: number, maxRow: number, margin: number): CellWindow {
  const col0 = Math.max(0, minCol - margin), row0 = Math.max(0, minRow - margin);
  const col1 = Math.min(grid.width - 1, maxCol + margin), row1 = Math.min(grid.height - 1, maxRow + margin);
  return { col0, row0, cols: col1 - col0 + 1, rows: row1 - row0 + 1 };
}

/** Copies a window of a full-grid raster, mapping each value through `f`. */
export function windowValues(grid: RasterGrid, window: CellWindow, f: (index: number) => number): Float32Array {
  const out = new Float32Array(window.cols * window.rows);
  for (let r = 0; r < window.rows; r++) {
    const base = (window.row0 + r) * grid.width + window.col0;
    for (let c = 0; c < window.cols; c++) out[r * window.cols + c] = f(base + c);
  }
  return out;
}

/**
 * Polygons enclosing the cells of `values` (a window of `grid`) at or above the threshold.
 * Areas outside the window count as below the threshold, so shapes touching the window edge
 * are closed along it.
 */
export function polygonize(grid: RasterGrid, window: CellWindow, values: Float32Array, options: PolygonizeOptions = {}): Position[][][] {
  const threshold = options.threshold ?? 0.5;
  const generator = contours().size([window.cols, window.rows]).smooth(options.smooth ?? true).thresholds([threshold]);
  const [multi] = generator(values as unknown as number[]);
  if (!multi) return [];
  const x0 = grid.originX + window.col0 * grid.cellSize;
  const y0 = grid.originY - window.row0 * grid.cellSize;
  const cs = grid.cellSize;
  const toMap = (ring: number[][]): Position[] => ring.map((p) => [x0 + p[0]! * cs, y0 - p[1]! * cs]);
  const out: Position[][][] = [];
  for (const polygon of multi.coordinates) {
    const rings: Position[][] = [];
    for (let k = 0; k < polygon.length; k++) {
      let ring = toMap(polygon[k]!);
      if (options.simplify) ring = simplifyRing(ring, options.simplify);
      ring = roundLine(ring);
      const first = ring[0];
      const last = ring[ring.length - 1];
      if (first && last && (first[0] !== last[0] || first[1] !== last[1])) ring.push([first[0]!, first[1]!]);
      if (ring.length < 4) {
        if (k === 0) break;
        continue;
      }
      const area = ringArea(ring);
      if (k === 0 && area < (options.minArea ?? 0)) break;
      if (k > 0 && area < (options.minHoleArea ?? 0)) continue;
      // Exterior counter-clockwise, holes clockwise.
      const ccw = ringArea2(ring) > 0;
      if ((k === 0) !== ccw) ring.reverse();
      rings.push(ring);
    }
    if (rings.length > 0) out.push(rings);
  }
  return out;
}
