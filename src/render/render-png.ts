/**
 * PNG output of a display list (mapserver.md §6 formats png, png8, png24, png32).
 * @module render/render-png
 */
import type { DisplayList } from '../carto/display-list.js';
import { quantize } from './palette-quantizer.js';
import { encodePng, type PngColor } from './png-encoder.js';
import { rasterizePixels } from './rasterize.js';

/**
 * png32: RGBA; png24: RGB on white; png8: at most 256 colours, transparency kept; png: RGB when
 * the background is opaque, else RGBA (what ArcGIS answers for `transparent=true`).
 */
export type PngMode = 'png' | 'png8' | 'png24' | 'png32';

/** Options of `renderPng`. */
export interface RenderPngOptions {
  mode: PngMode;
}

const COLOR: Record<PngMode, (list: DisplayList) => PngColor> = {
  png8: () => 'palette',
  png32: () => 'rgba',
  png24: () => 'rgb',
  png: (list) => (list.background && list.background[3] === 255 ? 'rgb' : 'rgba'),
};

/** Renders the list to PNG bytes. */
export async function renderPng(list: DisplayList, options: RenderPngOptions): Promise<Buffer> {
  const color = COLOR[options.mode](list);
  const pixels = await rasterizePixels(list, color === 'rgb');
  if (color !== 'palette') return encodePng(pixels, list.width, list.height, { color });
  const { indices, palette } = quantize(pixels);
  return encodePng(indices, list.width, list.height, { color, palette });
}
