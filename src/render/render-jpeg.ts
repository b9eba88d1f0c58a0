/**
 * JPEG output of a display list (mapserver.md §6 format jpg).
 * @module render/render-jpeg
 */
import type { DisplayList } from '../carto/display-list.js';
import { rasterize } from './rasterize.js';

/**
 * Renders the list to JPEG bytes, on white where the background is transparent.
 * @param quality 0–100, default 85 (mapserver.md §6).
 */
export async function renderJpeg(list: DisplayList, quality = 85): Promise<Buffer> {
  return (await rasterize(list, true)).encode('jpeg', quality);
}
