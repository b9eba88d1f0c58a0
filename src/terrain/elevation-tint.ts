/**
 * Hypsometric tints: elevations coloured through a ramp of stops, interpolated linearly in RGB.
 * The ramp is sampled once into a lookup table, so colouring a pixel is one index computation.
 * @module terrain/elevation-tint
 */

/** A ramp stop: an elevation (DEM vertical units, metres for the sample) and its RGB colour (0–255). */
export type TintStop = readonly [elevation: number, rgb: readonly [number, number, number]];

/**
 * Sea-bed blues, a sharp coastline, lowland greens, upland yellows and browns, snowy white
 * summits — tuned to the sample region's −105 to 1113 m.
 */
export const DEFAULT_TINT_STOPS: readonly TintStop[] = [
  [-200, [110, 160, 205]], [-0.01, [185, 215, 238]],
  [0, [120, 172, 120]], [80, [150, 195, 130]], [200, [205, 218, 150]], [350, [232, 214, 155]],
  [500, [214, 176, 120]], [700, [178, 136, 98]], [900, [205, 190, 178]], [1100, [250, 250, 250]],
];

/** Entries of the lookup table: finer than any stop spacing a ramp needs. */
const LUT_SIZE = 4096;

/** A ramp ready to colour elevations. */
export class ColorRamp {
  private readonly lut = new Uint8Array(LUT_SIZE * 3);
  private readonly low: number;
  private readonly scale: number;

  /** @param stops at least one stop; sorted by elevation here. Elevations beyond the ends take the end colours. */
  constructor(stops: readonly TintStop[]) {
    if (stops.length === 0) throw new RangeError('a colour ramp needs at least one stop');
    const sorted = [...stops].sort((a, b) => a[0] - b[0]);
    this.low = sorted[0]![0];
    const high = sorted[sorted.length - 1]![0];
    this.scale = high > this.low ? (LUT_SIZE - 1) / (high - this.low) : 0;
    let k = 0;
    for (let i = 0; i < LUT_SIZE; i++) {
      const z = this.scale ? this.low + i / this.scale : this.low;
      while (k + 1 < sorted.length - 1 && z > sorted[k + 1]![0]) k++;
      const [z0, c0] = sorted[k]!, [z1, c1] = sorted[Math.min(k + 1, sorted.length - 1)]!;
      const t = z1 > z0 ? Math.min(1, Math.max(0, (z - z0) / (z1 - z0))) : 0;
      for (let ch = 0; ch < 3; ch++) this.lut[i * 3 + ch] = Math.round(c0[ch]! + (c1[ch]! - c0[ch]!) * t);
    }
  }

  /** Writes the colour of `z` at byte `offset` of `rgba` (opaque), or a transparent pixel for NaN. */
  write(z: number, rgba: Uint8ClampedArray, offset: number): void {
    if (z !== z) { rgba[offset + 3] = 0; return; }
    let i = Math.round((z - this.low) * this.scale);
    i = i < 0 ? 0 : i >= LUT_SIZE ? LUT_SIZE - 1 : i;
    rgba[offset] = this.lut[i * 3]!; rgba[offset + 1] = this.lut[i * 3 + 1]!; rgba[offset + 2] = this.lut[i * 3 + 2]!;
    rgba[offset + 3] = 255;
  }

  /** The colour of `z` as [r, g, b]. */
  color(z: number): [number, number, number] {
    const px = new Uint8ClampedArray(4);
    this.write(z, px, 0);
    return [px[0]!, px[1]!, px[2]!];
  }
}

/** Colours an elevation grid (row-major, NaN for no-data) into RGBA pixels. */
export function elevationTint(z: Float32Array, ramp: ColorRamp): Uint8ClampedArray {
  const out = new Uint8ClampedArray(z.length * 4);
  for (let i = 0; i < z.length; i++) ramp.write(z[i]!, out, i * 4);
  return out;
}
