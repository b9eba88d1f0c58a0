/**
 * A DEM resampled onto a map image's pixel grid, so terrain is rendered at the image's own
 * resolution, rotation and spatial reference. Pixel centres are inverse-projected into the
 * DEM's SR exactly on a lattice every {@link LATTICE_STEP} px and interpolated in between,
 * which keeps proj4 out of the per-pixel loop; when both SRs are the same the mapping is affine
 * and the interpolation exact.
 * @module terrain/elevation-grid
 */
import { getTransform } from '../geo/projection.js';
import { metresPerUnit } from '../geo/map-scale.js';
import { isGeographic, type SpatialReference } from '../geo/spatial-reference.js';
import type { DemSource } from './dem-source.js';

/** The image a grid is computed for: size in px and the position of a pixel in image-SR units. */
export interface ImageGrid {
  width: number;
  height: number;
  /** Map position (image SR) of a pixel position; pixel (0, 0) is the top-left corner of the image. */
  toMap(px: number, py: number): [number, number];
  spatialReference: SpatialReference;
}

/** Elevations at every pixel centre, with the ground size of a pixel. */
export interface ElevationGrid {
  width: number;
  height: number;
  /** Row-major, top row first, DEM vertical units; NaN outside the DEM or on no-data. */
  z: Float32Array;
  /** Ground distance between neighbouring pixel centres along a row and down a column, metres. */
  pixelWidth: number;
  pixelHeight: number;
  /** The DEM's cell size on the ground, metres (the finest detail the grid holds). */
  demCell: number;
}

/** Lattice spacing in px: projection error within a 16 px block is far below a pixel at map scales. */
export const LATTICE_STEP = 16;

/** Ground metres of a step (dx, dy) in DEM units at latitude `y` (degrees) when geographic. */
function groundLength(dx: number, dy: number, y: number, geographic: boolean, mpu: number): number {
  return geographic ? Math.hypot(dx * Math.cos((y * Math.PI) / 180), dy) * mpu : Math.hypot(dx, dy) * mpu;
}

/** Pixel column (or row) of lattice node `i` on an axis `size` px long. */
const node = (i: number, size: number): number => Math.min(i * LATTICE_STEP, size - 1);

/** Resamples `dem` (bilinear) onto the pixel centres of `image`. */
export function elevationGrid(dem: DemSource, image: ImageGrid): ElevationGrid {
  const { width, height } = image;
  const toDem = getTransform(image.spatialReference, dem.spatialReference);
  // Lattice nodes sit on pixel centres (node i ↔ column node(i, width)); at least two per axis.
  const nx = Math.max(2, Math.ceil((width - 1) / LATTICE_STEP) + 1), ny = Math.max(2, Math.ceil((height - 1) / LATTICE_STEP) + 1);
  const cols = new Float64Array(nx * ny), rows = new Float64Array(nx * ny);
  const demX = new Float64Array(nx * ny), demY = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [mx, my] = image.toMap(node(i, width) + 0.5, node(j, height) + 0.5);
      const p = toDem ? toDem([mx, my]) : [mx, my];
      const k = j * nx + i;
      demX[k] = p[0]!; demY[k] = p[1]!;
      cols[k] = (p[0]! - dem.extent.xmin) / dem.cellWidth - 0.5;
      rows[k] = (dem.extent.ymax - p[1]!) / dem.cellHeight - 0.5;
    }
  }
  const z = new Float32Array(width * height);
  for (let py = 0; py < height; py++) {
    const j = Math.min((py / LATTICE_STEP) | 0, ny - 2);
    const y0 = node(j, height), y1 = node(j + 1, height);
    const fy = y1 > y0 ? (py - y0) / (y1 - y0) : 0;
    for (let i = 0; i < nx - 1; i++) {
      const x0 = node(i, width), x1 = node(i + 1, width);
      const a = j * nx + i, b = a + 1, c = a + nx, d = b + nx;
      // Grid coordinates at this row's crossing of the block's left and right edges; linear in between.
      const cl = cols[a]! + (cols[c]! - cols[a]!) * fy, cr = cols[b]! + (cols[d]! - cols[b]!) * fy;
      const rl = rows[a]! + (rows[c]! - rows[a]!) * fy, rr = rows[b]! + (rows[d]! - rows[b]!) * fy;
      const span = x1 > x0 ? x1 - x0 : 1;
      const dc = (cr - cl) / span, dr = (rr - rl) / span;
      const last = i === nx - 2 ? x1 : x1 - 1;
      for (let px = x0, o = py * width + x0; px <= last; px++, o++) z[o] = dem.sampleGrid(cl + dc * (px - x0), rl + dr * (px - x0));
    }
  }
  // Ground size of a pixel, averaged over the lattice (it varies little across one image).
  const geographic = isGeographic(dem.spatialReference), mpu = metresPerUnit(dem.spatialReference);
  let sumW = 0, sumH = 0, nW = 0, nH = 0;
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const k = j * nx + i;
    const stepX = i + 1 < nx ? node(i + 1, width) - node(i, width) : 0;
    const stepY = j + 1 < ny ? node(j + 1, height) - node(j, height) : 0;
    if (stepX > 0) { const w = groundLength(demX[k + 1]! - demX[k]!, demY[k + 1]! - demY[k]!, demY[k]!, geographic, mpu) / stepX; if (Number.isFinite(w)) { sumW += w; nW++; } }
    if (stepY > 0) { const h = groundLength(demX[k + nx]! - demX[k]!, demY[k + nx]! - demY[k]!, demY[k]!, geographic, mpu) / stepY; if (Number.isFinite(h)) { sumH += h; nH++; } }
  }
  const pixelWidth = nW ? sumW / nW : nH ? sumH / nH : dem.cellWidth * mpu;
  const pixelHeight = nH ? sumH / nH : pixelWidth;
  const cy = (dem.extent.ymin + dem.extent.ymax) / 2;
  const demCell = Math.sqrt(groundLength(dem.cellWidth, 0, cy, geographic, mpu) * groundLength(0, dem.cellHeight, cy, geographic, mpu));
  return { width, height, z, pixelWidth, pixelHeight, demCell };
}
