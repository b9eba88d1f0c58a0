/**
 * esriTS text symbols (mapserver.md §15.3) decoded for labels: font, colour, halo, angle,
 * offsets and an optional background box, all in px.
 * @module carto/text-symbol
 */
import type { FontSpec, Halo, Rgba, StrokeStyle } from './display-list.js';
import { esriColor } from './esri-color.js';
import { resolveFontFamily } from './font-registry.js';

/** A decoded esriTS; lengths in px, offsets with y down. */
export interface TextStyle {
  font: FontSpec;
  color: Rgba;
  halo: Halo | null;
  /** Degrees counter-clockwise (point and polygon labels). */
  angle: number;
  dx: number;
  dy: number;
  /** Background fill and border drawn behind the label, or null. */
  boxFill: Rgba | null;
  boxStroke: StrokeStyle | null;
}

type Json = Record<string, unknown>;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** ArcGIS draws label text 8 pt when the symbol names no size. */
const DEFAULT_SIZE_PT = 8;

const STYLES: Record<string, FontSpec['style']> = { italic: 'italic', oblique: 'oblique' };
/** `bolder` reads as bold and `lighter` as normal: only two weights are installed. */
const WEIGHTS: Record<string, FontSpec['weight']> = { bold: 'bold', bolder: 'bold' };
const DECORATIONS: Record<string, FontSpec['decoration']> = { underline: 'underline', 'line-through': 'line-through' };

/**
 * Decodes an esriTS.
 * @param k px per pt (dpi / 72).
 * @returns null when the text colour is missing or transparent (such labels draw nothing).
 */
export function decodeTextSymbol(sym: Json | null | undefined, k: number): TextStyle | null {
  const s = sym ?? {};
  const color = s.color === undefined ? [0, 0, 0, 255] as const : esriColor(s.color);
  if (!color) return null;
  const f = (s.font ?? {}) as Json;
  const font: FontSpec = {
    family: resolveFontFamily(f.family),
    size: Math.max(1, num(f.size, DEFAULT_SIZE_PT)) * k,
    style: STYLES[String(f.style)] ?? 'normal',
    weight: WEIGHTS[String(f.weight)] ?? 'normal',
    decoration: DECORATIONS[String(f.decoration)] ?? 'none',
    kerning: s.kerning !== false,
  };
  const haloSize = num(s.haloSize, 0) * k;
  const haloColor = s.haloColor === undefined ? [255, 255, 255, 255] as const : esriColor(s.haloColor);
  const borderColor = esriColor(s.borderLineColor);
  const borderWidth = num(s.borderLineSize, 0) * k;
  return {
    font, color,
    halo: haloSize > 0 && haloColor ? { color: haloColor, width: haloSize } : null,
    angle: num(s.angle, 0), dx: num(s.xoffset, 0) * k, dy: -num(s.yoffset, 0) * k,
    boxFill: esriColor(s.backgroundColor),
    boxStroke: borderColor && borderWidth > 0 ? { color: borderColor, width: borderWidth, dash: [], cap: 'butt', join: 'miter' } : null,
  };
}
