/**
 * The image served for a tile with nothing on it (mapserver.md §10): fully transparent PNG, or
 * white JPEG for a JPEG cache, which has no transparency to show.
 * @module tiles/blank-tile
 */
import { createCanvas } from '@napi-rs/canvas';
import { encodePng } from '../render/png-encoder.js';
import type { TileInfo } from './tiling-scheme.js';

const cache = new Map<string, Promise<Buffer>>();

/** The blank tile image of a scheme's size and format (made once per size and format). */
export function blankTileImage(info: TileInfo): Promise<Buffer> {
  const jpeg = info.format === 'JPEG';
  const key = `${info.cols}x${info.rows}:${jpeg ? 'jpg' : 'png'}`;
  let image = cache.get(key);
  if (!image) {
    image = jpeg ? whiteJpeg(info.cols, info.rows) : encodePng(new Uint8Array(info.cols * info.rows * 4), info.cols, info.rows, { color: 'rgba' });
    cache.set(key, image);
  }
  return image;
}

function whiteJpeg(width: number, height: number): Promise<Buffer> {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return canvas.encode('jpeg', 90);
}
