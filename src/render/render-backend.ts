/**
 * The contract between the display list and a drawing surface. A backend draws one item at a
 * time, choosing its `draw<Kind>` function from a table keyed by item kind.
 * @module render/render-backend
 */
import type { DisplayItem, DisplayItemKind, DisplayList } from '../carto/display-list.js';

/** One draw function per display-list item kind. */
export type ItemDrawers<S> = { [K in DisplayItemKind]: (surface: S, item: Extract<DisplayItem, { kind: K }>) => void };

/** A drawing surface for display lists (raster canvas, PDF page, SVG document). */
export interface RenderBackend {
  /** Starts a `list.width` × `list.height` px image and paints its background, if any. */
  begin(list: DisplayList): void;
  /** Draws one item over what is already drawn. */
  draw(item: DisplayItem): void;
}

/** Draws a whole display list, items bottom to top. */
export function drawDisplayList(list: DisplayList, backend: RenderBackend): void {
  backend.begin(list);
  for (const item of list.items) backend.draw(item);
}
