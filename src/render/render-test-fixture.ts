/**
 * Shared by the render tests: decoding rendered images back to pixels.
 * @module render/render-test-fixture
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';

/** RGBA pixels of a decoded image. */
export interface Pixels {
  width: number;
  height: number;
  /** [r, g, b, a] at pixel (x, y), 0–255. */
  at(x: number, y: number): [number, number, number, number];
}

/** Decodes PNG or JPEG bytes (or SVG text, rasterised by resvg) into pixels. */
export async function decodePixels(image: Buffer): Promise<Pixels> {
  const img = await loadImage(image);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, img.width, img.height);
  return {
    width: img.width, height: img.height,
    at: (x, y) => {
      const i = (Math.round(y) * img.width + Math.round(x)) * 4;
      return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
    },
  };
}

/** True when two colours differ by at most `tolerance` in every channel. */
export function near(actual: readonly number[], expected: readonly number[], tolerance = 24): boolean {
  return expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);
}
