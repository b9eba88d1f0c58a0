/**
 * Underline and line-through as filled bars, drawn by the backends themselves so every format
 * puts them in the same place (SVG viewers and PDF have no common decoration model).
 * @module render/text-decoration
 */
import type { FontSpec } from '../carto/display-list.js';

/** Bar of a decoration, in em: top edge below the baseline (negative is above) and thickness. */
export interface DecorationLine { offset: number; thickness: number }

/** Decoration bars, close to DejaVu's own underline metrics. */
export const DECORATION_LINES: Record<FontSpec['decoration'], DecorationLine | undefined> = {
  none: undefined,
  underline: { offset: 0.08, thickness: 0.05 },
  'line-through': { offset: -0.3, thickness: 0.05 },
};
