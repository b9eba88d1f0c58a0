/**
 * SVG output of a display list (mapserver.md §6 formats svg, svgz).
 * @module render/render-svg
 */
import type { DisplayList } from '../carto/display-list.js';
import { drawDisplayList } from './render-backend.js';
import { SvgRenderBackend } from './svg-render-backend.js';

/** Renders the list as an SVG document (width and height in px, user units px). */
export function renderSvg(list: DisplayList): string {
  const backend = new SvgRenderBackend();
  drawDisplayList(list, backend);
  return backend.toString();
}
