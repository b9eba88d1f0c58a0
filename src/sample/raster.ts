/**
 * North-up rasters over the sample region and the few whole-grid operations the generator
 * needs (resampling, blurs, distance transforms, slope). Cells are stored row-major from the
 * north-west corner; cell (col, row) covers
 * `[originX + col·cellSize, originX + (col+1)·cellSize] × [originY − (row+1)·cellSize, originY − row·cellSize]`.
 * All coordinates are map units (metres in EPSG:32630).
 * @module sample/raster
 */

/** Placement of a north-up raster in map coordinates. */
export interface RasterGrid {
  width: number;
  height: number;
  /** Cell edge length, map units. */
  cellSize: number;
  /** West edge of the raster, map units. */
  originX: number;
  /** North edge of the raster, map units. */
  originY: number;
}

/** x of a column's cell centre. */
export function cellX(grid: RasterGrid, col: number): number {
  return grid.originX + (col + 0.5) * grid.cellSize;
}

/** y of a row's cell centre. */
export function cellY(grid: RasterGrid, row: number): number {
  return grid.originY - (row + 0.5) * grid.cellSize;
}

/** Index of the cell containing (x, y), or -1 outside the raster. */
export function cellIndexAt(grid: RasterGrid, x: number, y: number): number {
  const col = Math.floor((x - grid.originX) / grid.cellSize);
  const row = Math.floor((grid.originY - y) / grid.cellSize);
  if (col < 0 || row < 0 || col >= grid.width || row >= grid.height) return -1;
  return row * grid.width + col;
}

/** A grid covering the same area as `grid` with cells `factor` times larger (factor must divide the size). */
export function coarserGrid(grid: RasterGrid, factor: number): RasterGrid {
  if (grid.width % factor !== 0 || grid.height % factor !== 0) throw new RangeError(`grid size is not a multiple of ${factor}`);
  return { width: grid.width / factor, height: grid.height / factor, cellSize: grid.cellSize * factor, originX: grid.originX, originY: grid.originY };
}

/** Bilinear sample of cell-centred values at (x, y); clamps at the raster edge. */
export function sampleBilinear(grid: RasterGrid, data: ArrayLike<number>, x: number, y: number): number {
  const fx = (x - grid.originX) / grid.cellSize - 0.5;
  const fy = (grid.originY - y) / grid.cellSize - 0.5;
  const w = grid.width, h = grid.height;
  let x0 = Math.floor(fx), y0 = Math.floor(fy);
  let tx = fx - x0, ty = fy - y0;
  if (x0 < 0) { x0 = 0; tx = 0; } else if (x0 >= w - 1) { x0 = w - 2; tx = 1; }
  if (y0 < 0) { y0 = 0; ty = 0; } else if (y0 >= h - 1) { y0 = h - 2; ty = 1; }
  const i = y0 * w + x0;
  const a = data[i]!, b = data[i + 1]!, c = data[i + w]!, d = data[i + w + 1]!;
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

/** Value of the cell containing (x, y), clamped to the raster. */
export function sampleNearest(grid: RasterGrid, data: ArrayLike<number>, x: number, y: number): number {
  const col = Math.min(grid.width - 1, Math.max(0, Math.floor((x - grid.originX) / grid.cellSize)));
  const row = Math.min(grid.height - 1, Math.max(0, Math.floor((grid.originY - y) / grid.cellSize)));
  return data[row * grid.width + col]!;
}

/** Catmull-Rom weights for fractional offset t. */
function cubicWeights(t: number, out: Float64Array): void {
  const t2 = t * t, t3 = t2 * t;
  out[0] = -0.5 * t3 + t2 - 0.5 * t;
  out[1] = 1.5 * t3 - 2.5 * t2 + 1;
  out[2] = -1.5 * t3 + 2 * t2 + 0.5 * t;
  out[3] = 0.5 * t3 - 0.5 * t2;
}

/**
 * Upsamples cell-centred values by an integer factor with separable Catmull-Rom
 * interpolation, so hillshades of the result show no bilinear creases.
 */
export function upsampleCubic(data: Float32Array, width: number, height: number, factor: number): Float32Array {
  const W = width * factor, H = height * factor;
  // Horizontal pass: width → W for every source row.
  const rows = new Float32Array(W * height);
  const wts = new Float64Array(4);
  for (let X = 0; X < W; X++) {
    const f = (X + 0.5) / factor - 0.5;
    const x0 = Math.floor(f);
    cubicWeights(f - x0, wts);
    const xs = [x0 - 1, x0, x0 + 1, x0 + 2].map((x) => (x < 0 ? 0 : x >= width ? width - 1 : x));
    const [xa, xb, xc, xd] = xs as [number, number, number, number];
    for (let y = 0; y < height; y++) {
      const r = y * width;
      rows[y * W + X] = wts[0]! * data[r + xa]! + wts[1]! * data[r + xb]! + wts[2]! * data[r + xc]! + wts[3]! * data[r + xd]!;
    }
  }
  const out = new Float32Array(W * H);
  for (let Y = 0; Y < H; Y++) {
    const f = (Y + 0.5) / factor - 0.5;
    const y0 = Math.floor(f);
    cubicWeights(f - y0, wts);
    const ys = [y0 - 1, y0, y0 + 1, y0 + 2].map((y) => (y < 0 ? 0 : y >= height ? height - 1 : y) * W);
    const [ya, yb, yc, yd] = ys as [number, number, number, number];
    const w0 = wts[0]!, w1 = wts[1]!, w2 = wts[2]!, w3 = wts[3]!;
    const o = Y * W;
    for (let X = 0; X < W; X++) out[o + X] = w0 * rows[ya + X]! + w1 * rows[yb + X]! + w2 * rows[yc + X]! + w3 * rows[yd + X]!;
  }
  return out;
}

/** Block-reduces a raster by an integer factor (mean, max or any-nonzero of each block). */
export function downsample(data: ArrayLike<number>, width: number, height: number, factor: number, mode: 'mean' | 'max' | 'min'): Float32Array {
  const w = Math.floor(width / factor), h = Math.floor(height / factor);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = mode === 'max' ? -Infinity : mode === 'min' ? Infinity : 0;
      for (let dy = 0; dy < factor; dy++) {
        const r = (y * factor + dy) * width + x * factor;
        for (let dx = 0; dx < factor; dx++) {
          const v = data[r + dx]!;
          if (mode === 'max') { if (v > acc) acc = v; } else if (mode === 'min') { if (v < acc) acc = v; } else acc += v;
        }
      }
      out[y * w + x] = mode === 'mean' ? acc / (factor * factor) : acc;
    }
  }
  return out;
}

/** Separable box blur with the given radius in cells (edges clamp), repeated `passes` times (3 ≈ Gaussian). */
export function boxBlur(data: Float32Array, width: number, height: number, radius: number, passes = 1): Float32Array {
  let src = Float32Array.from(data);
  let dst = new Float32Array(data.length);
  const span = 2 * radius + 1;
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < height; y++) {
      const r = y * width;
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += src[r + Math.min(width - 1, Math.max(0, k))]!;
      for (let x = 0; x < width; x++) {
        dst[r + x] = sum / span;
        sum += src[r + Math.min(width - 1, x + radius + 1)]! - src[r + Math.max(0, x - radius)]!;
      }
    }
    [src, dst] = [dst, src];
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += src[Math.min(height - 1, Math.max(0, k)) * width + x]!;
      for (let y = 0; y < height; y++) {
        dst[y * width + x] = sum / span;
        sum += src[Math.min(height - 1, y + radius + 1) * width + x]! - src[Math.max(0, y - radius) * width + x]!;
      }
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/**
 * Distance (map units) from every cell centre to the nearest cell where `mask` is non-zero,
 * by a two-pass 3-4 chamfer transform (within about 8 % of Euclidean). Infinity when the mask is empty.
 */
export function distanceToMask(mask: ArrayLike<number>, width: number, height: number, cellSize: number): Float32Array {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = mask[i] ? 0 : Infinity;
  const a = cellSize, b = cellSize * Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[i - 1]! + a);
      if (y > 0) {
        v = Math.min(v, d[i - width]! + a);
        if (x > 0) v = Math.min(v, d[i - width - 1]! + b);
        if (x < width - 1) v = Math.min(v, d[i - width + 1]! + b);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x < width - 1) v = Math.min(v, d[i + 1]! + a);
      if (y < height - 1) {
        v = Math.min(v, d[i + width]! + a);
        if (x < width - 1) v = Math.min(v, d[i + width + 1]! + b);
        if (x > 0) v = Math.min(v, d[i + width - 1]! + b);
      }
      d[i] = v;
    }
  }
  return d;
}

/** Gradient magnitude (rise over run, dimensionless) by central differences. */
export function slopeOf(data: Float32Array, width: number, height: number, cellSize: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const yn = y > 0 ? y - 1 : y, ys = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const xw = x > 0 ? x - 1 : x, xe = x < width - 1 ? x + 1 : x;
      const gx = (data[y * width + xe]! - data[y * width + xw]!) / ((xe - xw) * cellSize);
      const gy = (data[ys * width + x]! - data[yn * width + x]!) / ((ys - yn) * cellSize);
      out[y * width + x] = Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}

/** Column offsets of the eight neighbours, orthogonal first. */
export const NEIGHBOUR_DX = [1, 0, -1, 0, 1, -1, -1, 1] as const;
/** Row offsets of the eight neighbours, matching {@link NEIGHBOUR_DX}. */
export const NEIGHBOUR_DY = [0, 1, 0, -1, 1, 1, -1, -1] as const;
/** Centre-to-centre distance of each neighbour in cells. */
export const NEIGHBOUR_DIST = [1, 1, 1, 1, Math.SQRT2, Math.SQRT2, Math.SQRT2, Math.SQRT2] as const;
