/**
 * Draws a display list onto a new raster canvas.
 * @module render/rasterize
 */
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import type { DisplayList } from '../carto/display-list.js';
import { CanvasRenderBackend, preparePictures } from './canvas-render-backend.js';
import { drawDisplayList } from './render-backend.js';

/**
 * A `list.width` × `list.height` canvas with the list drawn on it.
 * @param opaque lay the image on white first, for formats without alpha (JPEG, png24), so a
 * transparent background and anti-aliased edges do not turn black.
 */
export async function rasterize(list: DisplayList, opaque: boolean): Promise<Canvas> {
  await preparePictures(list);
  const canvas = createCanvas(list.width, list.height);
  const ctx = canvas.getContext('2d');
  if (opaque && (!list.background || list.background[3] < 255)) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, list.width, list.height);
  }
  drawDisplayList(list, new CanvasRenderBackend(ctx));
  return canvas;
}
