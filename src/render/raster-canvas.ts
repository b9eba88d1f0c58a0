/**
 * A raster display item's pixels on their own canvas: what the canvas backend draws with the
 * item's opacity (so it composes with what is below, unlike `putImageData`, which replaces) and
 * what the SVG backend encodes as PNG.
 * @module render/raster-canvas
 */
import { createCanvas, ImageData, type Canvas } from '@napi-rs/canvas';
import type { RasterItem } from '../carto/display-list.js';

/** A `width` × `height` canvas holding exactly the item's pixels. */
export function rasterCanvas(item: RasterItem): Canvas {
  const canvas = createCanvas(item.width, item.height);
  canvas.getContext('2d').putImageData(new ImageData(item.pixels, item.width, item.height), 0, 0);
  return canvas;
}
