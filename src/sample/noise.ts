/**
 * Seeded 2D noise fields (simplex-noise) and the fractal sums the terrain and land cover use.
 * Inputs are dimensionless noise-space coordinates: callers divide map metres by a wavelength.
 * @module sample/noise
 */
import { createNoise2D, type NoiseFunction2D } from 'simplex-noise';
import { deriveSeed, Random } from './prng.js';

/** A 2D noise function returning values in about [-1, 1]. */
export type Noise2D = NoiseFunction2D;

/** A simplex noise function (values in about [-1, 1]) seeded from the run seed and a label. */
export function createNoise(seed: number, label: string): Noise2D {
  const random = new Random(deriveSeed(seed, label));
  return createNoise2D(() => random.next());
}

/** Fractional Brownian motion: `octaves` octaves, frequency ×2 and amplitude ×`gain` each. Result in about [-1, 1]. */
export function fbm(noise: Noise2D, x: number, y: number, octaves: number, gain = 0.5): number {
  let sum = 0;
  let amp = 1;
  let norm = 0;
  let fx = x;
  let fy = y;
  for (let o = 0; o < octaves; o++) {
    sum += amp * noise(fx, fy);
    norm += amp;
    amp *= gain;
    // Rotate each octave a little so the octave lattices do not line up into visible grain.
    const rx = fx * 1.6 - fy * 1.2;
    fy = fx * 1.2 + fy * 1.6;
    fx = rx;
  }
  return sum / norm;
}

/**
 * Ridged multifractal (Musgrave): sharp crests where the noise crosses zero, each octave
 * weighted by the one before so detail gathers on the ridges rather than in the valleys.
 * Result in [0, 1].
 */
export function ridged(noise: Noise2D, x: number, y: number, octaves: number): number {
  let sum = 0;
  let amp = 0.5;
  let norm = 0;
  let weight = 1;
  let fx = x;
  let fy = y;
  for (let o = 0; o < octaves; o++) {
    let s = 1 - Math.abs(noise(fx, fy));
    s *= s;
    s *= weight;
    weight = s * 2 > 1 ? 1 : s * 2;
    sum += s * amp;
    norm += amp;
    amp *= 0.5;
    const rx = fx * 1.6 - fy * 1.2;
    fy = fx * 1.2 + fy * 1.6;
    fx = rx;
  }
  return sum / norm;
}

/** Hermite smoothstep of `x` between `edge0` and `edge1`. */
export function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = (x - edge0) / (edge1 - edge0);
  const c = t < 0 ? 0 : t > 1 ? 1 : t;
  return c * c * (3 - 2 * c);
}

/** Linear interpolation. */
export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}
