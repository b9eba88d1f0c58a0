/**
 * A plain elevation grid in map units, the input of contouring, spot-height selection and the
 * elevation guide. Those work on a grid rather than on a {@link DemSource} so they stay free of
 * files and projections: the sheet reads the DEM once, over its own extent and cell size, and
 * hands the same grid to each of them.
 * @module terrain/dem-grid
 */
import type { Envelope } from '../geo/geometry.js';
import type { DemSource } from './dem-source.js';

/** Elevations on a regular grid in map units (e.g. UTM metres). */
export interface DemGrid {
  /** Row-major, top (north) row first; NaN for no-data. */
  z: Float32Array;
  width: number;
  height: number;
  /** Map x, y of the centre of cell (0, 0), the top-left cell. */
  x0: number;
  y0: number;
  /** Cell size in map units; columns run east (x increases), rows run south (y decreases). */
  cell: number;
}

/** Map x of the centre of column `col` (fractional columns allowed). */
export const gridX = (grid: DemGrid, col: number): number => grid.x0 + col * grid.cell;

/** Map y of the centre of row `row` (fractional rows allowed). */
export const gridY = (grid: DemGrid, row: number): number => grid.y0 - row * grid.cell;

/**
 * Bilinear elevation at a map position, between the four surrounding cell centres; NaN outside
 * the outer cell centres or when one of the four is no-data.
 */
export function sampleGrid(grid: DemGrid, x: number, y: number): number {
  const { z, width, height } = grid;
  const col = (x - grid.x0) / grid.cell, row = (grid.y0 - y) / grid.cell;
  if (!(col >= 0 && row >= 0 && col <= width - 1 && row <= height - 1)) return NaN;
  const c0 = Math.min(Math.floor(col), Math.max(0, width - 2)), r0 = Math.min(Math.floor(row), Math.max(0, height - 2));
  const c1 = Math.min(c0 + 1, width - 1), r1 = Math.min(r0 + 1, height - 1);
  const fx = col - c0, fy = row - r0;
  const z00 = z[r0 * width + c0]!, z01 = z[r0 * width + c1]!, z10 = z[r1 * width + c0]!, z11 = z[r1 * width + c1]!;
  return (z00 * (1 - fx) + z01 * fx) * (1 - fy) + (z10 * (1 - fx) + z11 * fx) * fy;
}

/**
 * Reads `dem` over `envelope` (DEM SR) onto a grid of `cell`-sized cells anchored at the
 * envelope's top-left corner; the grid covers the envelope, its last row and column reaching
 * up to one cell beyond when the envelope is not a whole number of cells.
 */
export function gridFromDem(dem: DemSource, envelope: Envelope, cell: number): DemGrid {
  if (!(cell > 0)) throw new RangeError('a grid cell must be larger than zero');
  const width = Math.max(1, Math.ceil((envelope.xmax - envelope.xmin) / cell - 1e-9));
  const height = Math.max(1, Math.ceil((envelope.ymax - envelope.ymin) / cell - 1e-9));
  const window = { xmin: envelope.xmin, ymax: envelope.ymax, xmax: envelope.xmin + width * cell, ymin: envelope.ymax - height * cell };
  return { z: dem.window(window, width, height), width, height, x0: envelope.xmin + cell / 2, y0: envelope.ymax - cell / 2, cell };
}
