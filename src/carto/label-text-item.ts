/**
 * Builds the display-list item of a straight label from its decoded esriTS.
 * @module carto/label-text-item
 */
import type { TextItem } from './display-list.js';
import type { FontMetrics } from './text-measurer.js';
import type { TextStyle } from './text-symbol.js';

/** Space between label text and its background box, px per px of font size. */
const BOX_PADDING_EM = 0.15;

/**
 * A straight label item.
 * @param x anchor on the baseline in px, at the left, centre or right end per `align`.
 * @param width the text's advance width in px.
 * @param angle degrees counter-clockwise about the anchor.
 */
export function labelTextItem(
  style: TextStyle, text: string, x: number, y: number, angle: number, align: TextItem['align'], width: number, metrics: FontMetrics, opacity: number,
): TextItem {
  const pad = style.font.size * BOX_PADDING_EM;
  const left = align === 'left' ? 0 : align === 'center' ? -width / 2 : -width;
  const box = style.boxFill || style.boxStroke
    ? { x0: left - pad, y0: -metrics.ascent - pad, x1: left + width + pad, y1: metrics.descent + pad, fill: style.boxFill, stroke: style.boxStroke }
    : null;
  return { kind: 'text', text, x, y, angle, align, width, font: style.font, color: style.color, halo: style.halo, box, opacity };
}
