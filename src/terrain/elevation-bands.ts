/**
 * Elevation bands for the elevation guide (topographic-sheet.md §10): the sheet's relief in 2, 3
 * or 4 bands from light to dark, whose limits are contour values printed beside the guide.
 * Limits start at quantiles of the DEM over the sheet (or at equal steps between its lowest and
 * highest point) and are snapped to the nearest contour value, kept distinct and inside the
 * relief when it holds enough contour values.
 * @module terrain/elevation-bands
 */
import type { DemGrid } from './dem-grid.js';

/** How the guide's bands are chosen (tps.md §5.4, ElevationGuide). */
export interface BandOptions {
  /** [bands=3] Number of bands, 2–4. */
  bands?: number;
  /** [method='quantile'] Limits at quantiles of the cells or at equal steps of elevation. */
  method?: 'quantile' | 'equal_interval';
  /** Contour interval: limits are multiples of it counted from `base`. */
  interval: number;
  /** [base=0] Elevation from which contour values count. */
  base?: number;
}

/** The bands of a grid. */
export interface ElevationBands {
  /** bands − 1 limits, ascending and distinct, each a contour value; a cell at a limit is in the band above. */
  limits: number[];
  /** Band names from low to high. */
  names: string[];
  /** Lowest and highest valid elevation (NaN when the grid holds no data). */
  min: number;
  max: number;
}

const NAMES: Record<number, string[]> = { 2: ['Low', 'High'], 3: ['Low', 'Medium', 'High'], 4: ['Low', 'Medium', 'High', 'Highest'] };

/** No-data in a band index grid. */
export const NO_BAND = 255;

/**
 * Band limits for `grid`. Each raw limit (a quantile, or an equal step) goes to the nearest
 * contour value; where two would coincide they are spread to neighbouring contour values,
 * staying above the lowest and at or below the highest cell when the relief allows. A grid
 * without data gives no limits.
 */
export function elevationBands(grid: DemGrid, options: BandOptions): ElevationBands {
  const { bands = 3, method = 'quantile', interval, base = 0 } = options;
  const names = NAMES[bands];
  if (!names) throw new RangeError(`an elevation guide has 2, 3 or 4 bands, not ${bands}`);
  if (!(interval > 0)) throw new RangeError('the contour interval must be larger than zero');
  if (method !== 'quantile' && method !== 'equal_interval') throw new RangeError(`unknown band method ${String(method)}`);
  const z = grid.z;
  let count = 0;
  for (let i = 0; i < z.length; i++) if (z[i] === z[i]) count++;
  if (count === 0) return { limits: [], names, min: NaN, max: NaN };
  const values = new Float32Array(count);
  for (let i = 0, j = 0; i < z.length; i++) if (z[i] === z[i]) values[j++] = z[i]!;
  values.sort();
  const min = values[0]!, max = values[values.length - 1]!;
  const raw: number[] = [];
  for (let i = 1; i < bands; i++) {
    raw.push(method === 'quantile' ? quantile(values, i / bands) : min + ((max - min) * i) / bands);
  }
  // In steps of the interval from base: the contour values strictly above min and up to max.
  const kLow = Math.floor((min - base) / interval) + 1, kHigh = Math.floor((max - base) / interval);
  const ks = raw.map((v) => Math.min(Math.max(Math.round((v - base) / interval), kLow), Math.max(kLow, kHigh)));
  for (let i = 1; i < ks.length; i++) ks[i] = Math.max(ks[i]!, ks[i - 1]! + 1);
  // Pushed past the top? Pull back down while there is room above kLow.
  for (let i = ks.length - 1; i >= 0; i--) {
    const ceiling = i === ks.length - 1 ? Math.max(kHigh, kLow + ks.length - 1) : ks[i + 1]! - 1;
    if (ks[i]! > ceiling) ks[i] = ceiling;
  }
  const limits = ks.map((k) => Math.round((base + k * interval) * 1e6) / 1e6);
  return { limits, names, min, max };
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float32Array, q: number): number {
  const at = q * (sorted.length - 1), i = Math.floor(at), f = at - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** The band of every cell (0 lowest), {@link NO_BAND} for no-data. */
export function bandIndexGrid(grid: DemGrid, limits: readonly number[]): Uint8Array {
  const out = new Uint8Array(grid.z.length);
  const z = grid.z;
  for (let i = 0; i < z.length; i++) {
    const v = z[i]!;
    if (v !== v) { out[i] = NO_BAND; continue; }
    let band = 0;
    while (band < limits.length && v >= limits[band]!) band++;
    out[i] = band;
  }
  return out;
}
