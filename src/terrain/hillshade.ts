/**
 * Hillshade by Horn's method (the 3 × 3 weighted gradient ArcGIS and GDAL use), from one light
 * or from four (multidirectional, after Mark 1992, as GDAL's `-multidirectional`). Works on an
 * elevation grid in the output image's pixels, so the light comes from the image's upper left
 * whatever its rotation or spatial reference — the cartographic convention.
 * @module terrain/hillshade
 */

/** Light and exaggeration of a hillshade. */
export interface HillshadeOptions {
  /** [azimuth=315] Direction the light comes from, degrees clockwise from the image's up. */
  azimuth?: number;
  /** [altitude=45] Height of the light above the horizon, degrees. */
  altitude?: number;
  /** [zFactor=1] Vertical exaggeration (elevation units per ground metre, times any exaggeration). */
  zFactor?: number;
  /** [multidirectional=false] Blend lights from 225°, 270°, 315° and 360°, each weighted by how squarely it meets the slope. */
  multidirectional?: boolean;
}

/** An elevation grid the shade is computed on. */
export interface ShadeInput {
  width: number;
  height: number;
  /** Elevations, row-major, top row first; NaN for no-data. */
  z: Float32Array;
  /** Ground distance between neighbouring samples along a row and down a column, in elevation units. */
  pixelWidth: number;
  pixelHeight: number;
  /**
   * [stride=1] Distance in samples between the kernel's rows and columns. A grid finer than its
   * DEM is interpolated, and a 1-sample kernel would show the DEM cells as facets; a stride of
   * about one DEM cell measures the slope the DEM actually holds.
   */
  stride?: number;
}

const RAD = Math.PI / 180;
const MULTI_AZIMUTHS = [225, 270, 315, 360];

/** Lights of a hillshade, precomputed so the per-sample work allocates nothing. */
interface Lights {
  sinAlt: number;
  cosAlt: number;
  /** Per light: x (east) and y (north) of the horizontal unit vector towards it. */
  dirs: Float64Array;
  multi: boolean;
}

function lights(options: HillshadeOptions): Lights {
  const altitude = (options.altitude ?? 45) * RAD;
  const azimuths = options.multidirectional ? MULTI_AZIMUTHS : [options.azimuth ?? 315];
  return {
    sinAlt: Math.sin(altitude), cosAlt: Math.cos(altitude), multi: !!options.multidirectional,
    dirs: Float64Array.from(azimuths.flatMap((az) => [Math.sin(az * RAD), Math.cos(az * RAD)])),
  };
}

function shadeWith(l: Lights, p: number, q: number): number {
  const norm = 1 / Math.sqrt(1 + p * p + q * q);
  if (!l.multi) {
    // Normal (−p, −q, 1)/|n| · light (cos alt·lx, cos alt·ly, sin alt).
    const v = (l.sinAlt - l.cosAlt * (p * l.dirs[0]! + q * l.dirs[1]!)) * norm;
    return v > 0 ? v : 0;
  }
  const g2 = p * p + q * q;
  if (g2 === 0) return l.sinAlt;
  // Each light weighs cos² of its angle to the gradient; the four weights sum to 2.
  let sum = 0;
  for (let k = 0; k < l.dirs.length; k += 2) {
    const d = p * l.dirs[k]! + q * l.dirs[k + 1]!;
    const v = (l.sinAlt - l.cosAlt * d) * norm;
    if (v > 0) sum += ((d * d) / g2) * v;
  }
  return sum / 2;
}

/**
 * Shade of one surface element from its gradient, 0 (facing away from the light) to 1 (facing
 * it): the cosine of the angle between the surface normal and the light.
 * @param p elevation rise per ground unit eastwards (towards the image's right), z-factor applied.
 * @param q elevation rise per ground unit northwards (towards the image's top), z-factor applied.
 */
export function shade(p: number, q: number, options: HillshadeOptions = {}): number {
  return shadeWith(lights(options), p, q);
}

/**
 * Hillshade of a grid as 0–1 shade values (NaN where the centre sample is no-data; missing
 * neighbours take the centre's value, so data edges are shaded as flat, not as cliffs).
 */
export function hillshade(input: ShadeInput, options: HillshadeOptions = {}): Float32Array {
  const { width, height, z } = input;
  const s = Math.max(1, Math.round(input.stride ?? 1));
  const zFactor = options.zFactor ?? 1;
  // Horn: dz/dx = ((c + 2f + i) − (a + 2d + g)) / (4·span), span being the kernel's width on the
  // ground — 2·stride samples inside the grid, fewer where the kernel is clamped at its edges.
  const kx = zFactor / (4 * input.pixelWidth), ky = zFactor / (4 * input.pixelHeight);
  const out = new Float32Array(width * height);
  const l = lights(options);
  for (let y = 0; y < height; y++) {
    const yn = y - s < 0 ? 0 : y - s, ys = y + s >= height ? height - 1 : y + s;
    const rowN = yn * width, row = y * width, rowS = ys * width;
    const qk = ys > yn ? ky / (ys - yn) : 0;
    for (let x = 0; x < width; x++) {
      const e = z[row + x]!;
      if (e !== e) { out[row + x] = NaN; continue; }
      const xw = x - s < 0 ? 0 : x - s, xe = x + s >= width ? width - 1 : x + s;
      let a = z[rowN + xw]!, b = z[rowN + x]!, c = z[rowN + xe]!;
      let d = z[row + xw]!, f = z[row + xe]!;
      let g = z[rowS + xw]!, h = z[rowS + x]!, i = z[rowS + xe]!;
      if (a !== a) a = e; if (b !== b) b = e; if (c !== c) c = e; if (d !== d) d = e;
      if (f !== f) f = e; if (g !== g) g = e; if (h !== h) h = e; if (i !== i) i = e;
      const p = xe > xw ? ((c + 2 * f + i - (a + 2 * d + g)) * kx) / (xe - xw) : 0;
      // Rows run south; q is the rise northwards.
      const q = (a + 2 * b + c - (g + 2 * h + i)) * qk;
      out[row + x] = shadeWith(l, p, q);
    }
  }
  return out;
}
