/**
 * Legend swatches: an Esri symbol (mapserver.md §15.3) drawn into a small PNG, as ArcGIS
 * returns them from `legend`. Sizes are in points, scaled to the requested dpi. Swatches are
 * drawn through the map's own symbol codecs and canvas backend, so a legend shows exactly
 * what the map draws (dash patterns, hatch spacing, marker shapes).
 * @module carto/symbol-swatch
 */
import { renderPng } from '../render/render-png.js';
import type { DisplayItem } from './display-list.js';
import { decodeSymbol, type SymbolStyle } from './symbol-codec.js';

/** An Esri symbol as JSON (mapserver.md §15.3). */
export type EsriSymbol = Record<string, unknown>;

/** Symbols drawn into a swatch; pictures answer with their own image instead. */
type DrawnStyle = Exclude<SymbolStyle, { kind: 'picture' }>;

/** One swatch layout per symbol kind, in a `w` × `h` px image. */
const SWATCH_ITEMS: { [K in DrawnStyle['kind']]: (style: Extract<DrawnStyle, { kind: K }>, w: number, h: number) => DisplayItem[] } = {
  // A marker keeps a pixel of margin, however large its symbol.
  marker: (s, w, h) => [{
    kind: 'marker', shape: s.shape, points: Float64Array.of(w / 2, h / 2), size: Math.min(Math.max(2, s.size), Math.min(w, h) - 2), sizes: null,
    angle: s.angle, angles: null, fill: s.fill, stroke: s.stroke, opacity: 1,
  }],
  line: (s, w, h) => [{
    kind: 'path', coords: Float64Array.of(1, h / 2, w - 1, h / 2), offsets: Uint32Array.of(0, 2), closed: false,
    fill: null, hatch: null, picture: null, stroke: s.stroke, opacity: 1,
  }],
  fill: (s, w, h) => [{
    kind: 'path', coords: Float64Array.of(1, 1, w - 1, 1, w - 1, h - 1, 1, h - 1), offsets: Uint32Array.of(0, 4), closed: true,
    fill: s.fill, hatch: s.hatch, picture: s.picture, stroke: s.stroke, opacity: 1,
  }],
};

/**
 * Draws `symbol` into a `width` × `height` pixel PNG. Picture symbols (esriPMS/esriPFS) return
 * their own image data; unknown types draw an empty swatch.
 */
export async function renderSwatch(symbol: EsriSymbol | null | undefined, width: number, height: number, dpi: number): Promise<Buffer> {
  if (symbol && (symbol.type === 'esriPMS' || symbol.type === 'esriPFS') && typeof symbol.imageData === 'string') {
    return Buffer.from(symbol.imageData, 'base64');
  }
  const style = decodeSymbol(symbol, dpi / 72);
  const items = style && style.kind !== 'picture' ? (SWATCH_ITEMS[style.kind] as (s: DrawnStyle, w: number, h: number) => DisplayItem[])(style, width, height) : [];
  return renderPng({ width, height, dpi, background: null, items }, { mode: 'png32' });
}
