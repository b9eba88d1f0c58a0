/**
 * Draws a display list onto a raster canvas.
 * @module render/rasterize
 */
import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { DisplayList } from '../carto/display-list.js';
import { CanvasRenderBackend, preparePictures } from './canvas-render-backend.js';
import { drawDisplayList } from './render-backend.js';

function paint(ctx: SKRSContext2D, list: DisplayList, opaque: boolean): void {
  if (opaque && (!list.background || list.background[3] < 255)) {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, list.width, list.height);
  }
  drawDisplayList(list, new CanvasRenderBackend(ctx));
}

/**
 * A `list.width` × `list.height` canvas with the list drawn on it.
 * @param opaque lay the image on white first, for formats without alpha (JPEG, png24), so a
 * transparent background and anti-aliased edges do not turn black.
 */
export async function rasterize(list: DisplayList, opaque: boolean): Promise<Canvas> {
  await preparePictures(list);
  const canvas = createCanvas(list.width, list.height);
  paint(canvas.getContext('2d'), list, opaque);
  return canvas;
}

/** The canvas `rasterizePixels` draws on, kept for the next image of the same size. */
let spare: Canvas | null = null;

/**
 * The list's pixels as RGBA bytes, not premultiplied (as `getImageData` gives them). The
 * thread's last canvas is reused when the size matches: a new 1024 × 768 canvas costs several
 * milliseconds of allocation before the first pixel, a map export's most common size repeats,
 * and drawing and reading back happen without an await between them, so no other image can
 * take the canvas meanwhile.
 */
export async function rasterizePixels(list: DisplayList, opaque: boolean): Promise<Uint8Array> {
  await preparePictures(list);
  const canvas = spare && spare.width === list.width && spare.height === list.height ? spare : createCanvas(list.width, list.height);
  spare = null;
  const ctx = canvas.getContext('2d');
  ctx.save();
  ctx.clearRect(0, 0, list.width, list.height);
  try {
    paint(ctx, list, opaque);
  } finally {
    ctx.restore();
  }
  const data = ctx.getImageData(0, 0, list.width, list.height).data;
  spare = canvas;
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
