/**
 * esriSLS simple line symbols (mapserver.md §15.3) decoded to a stroke in px.
 * @module carto/line-symbol
 */
import type { LineCap, LineJoin, StrokeStyle } from './display-list.js';
import { esriColor } from './esri-color.js';

/** Dash patterns in multiples of the line width, as on/off lengths of the visible marks. */
const DASHES: Record<string, readonly number[]> = {
  esriSLSSolid: [], esriSLSInsideFrame: [], esriSLSDash: [4, 3], esriSLSDashDot: [4, 3, 1, 3], esriSLSDashDotDot: [4, 3, 1, 3, 1, 3],
  esriSLSDot: [1, 3], esriSLSLongDash: [8, 3], esriSLSShortDash: [2, 2],
};

/** esriSLS has no cap or join in the REST spec; some writers add them, in either spelling. */
const CAPS: Record<string, LineCap> = {
  butt: 'butt', round: 'round', square: 'square', esriLCSButt: 'butt', esriLCSRound: 'round', esriLCSSquare: 'square',
};
const JOINS: Record<string, LineJoin> = {
  miter: 'miter', round: 'round', bevel: 'bevel', esriLJSMiter: 'miter', esriLJSRound: 'round', esriLJSBevel: 'bevel',
};

/** A width of 0 is a hairline in ArcGIS; draw it one device pixel wide. */
const HAIRLINE_PX = 1;

/**
 * Dash lengths in px for a pattern given in widths. Round and square caps stretch every mark by
 * half a width at each end, so the marks are shortened and the gaps lengthened by one width to
 * keep the pattern's look (a dot stays a dot).
 */
function dashFor(pattern: readonly number[], width: number, cap: LineCap): number[] {
  const capped = cap !== 'butt';
  return pattern.map((d, i) => (i % 2 === 0 ? Math.max(0, d * width - (capped ? width : 0)) : d * width + (capped ? width : 0)));
}

/**
 * Decodes an esriSLS (also an SMS or SFS outline, which may lack `type` and `style`) to a stroke.
 * @param k px per pt (dpi / 72).
 * @returns null when nothing would show: style esriSLSNull or a missing or transparent colour.
 */
export function decodeLineSymbol(sym: Record<string, unknown> | null | undefined, k: number): StrokeStyle | null {
  if (!sym || sym.style === 'esriSLSNull') return null;
  const color = esriColor(sym.color);
  if (!color) return null;
  const w = Number(sym.width ?? 1);
  const width = w > 0 ? w * k : HAIRLINE_PX;
  const cap = CAPS[String(sym.cap)] ?? 'round';
  const join = JOINS[String(sym.join)] ?? 'round';
  return { color, width, dash: dashFor(DASHES[String(sym.style ?? 'esriSLSSolid')] ?? [], width, cap), cap, join };
}

/** The same stroke at another width (size visual variable); the dash pattern scales with it. */
export function withStrokeWidth(stroke: StrokeStyle, width: number): StrokeStyle {
  const f = width / stroke.width;
  return { ...stroke, width, dash: stroke.dash.map((d) => d * f) };
}
