/**
 * GIF output of a display list (mapserver.md §6 format gif), encoded by Skia's GIF encoder
 * (NeuQuant colour reduction). A transparent background stays transparent; GIF has no partial
 * transparency, so anti-aliased edges over it become opaque or clear.
 * @module render/render-gif
 */
import type { DisplayList } from '../carto/display-list.js';
import { rasterize } from './rasterize.js';

/** NeuQuant sampling factor, 1 (best, slowest) to 30; 10 is the encoder's own default. */
const GIF_QUALITY = 10;

/** Renders the list to GIF bytes. */
export async function renderGif(list: DisplayList): Promise<Buffer> {
  return (await rasterize(list, false)).encode('gif', GIF_QUALITY);
}
