/**
 * Places a straight label beside or on an anchor point (point and polygon labels): the label's
 * box sits on one of nine sides of the anchor, clear of a radius, optionally turned about it.
 * @module carto/straight-label-placement
 */
import type { TextItem } from './display-list.js';
import type { LabelCandidate, PlacementEnv } from './label-candidate.js';
import { labelTextItem } from './label-text-item.js';
import type { FontMetrics } from './text-measurer.js';

/** Space kept around label boxes in pt, so neighbouring labels do not touch. */
export const LABEL_PADDING_PT = 1;

/** Where the label goes: −1, 0, 1 for left/centre/right (`hx`) and above/middle/below (`vy`), and how far from the anchor (px). */
export interface AnchorSide { hx: -1 | 0 | 1; vy: -1 | 0 | 1; radius: number }

const ALIGN: Record<AnchorSide['hx'], TextItem['align']> = { [-1]: 'right', 0: 'center', 1: 'left' };

/** The label's box relative to the anchor (y down), before rotation: [x0, y0, x1, y1] and the baseline anchor. */
function layout(side: AnchorSide, width: number, m: FontMetrics): { box: number[]; ax: number; ay: number } {
  const h = m.ascent + m.descent;
  // On a diagonal the box corner sits on the circle of `radius`, not on its bounding square.
  const r = side.hx !== 0 && side.vy !== 0 ? side.radius * Math.SQRT1_2 : side.radius;
  const x0 = side.hx === 1 ? r : side.hx === 0 ? -width / 2 : -r - width;
  const y0 = side.vy === -1 ? -r - h : side.vy === 0 ? -h / 2 : r;
  return { box: [x0, y0, x0 + width, y0 + h], ax: side.hx === 1 ? x0 : side.hx === 0 ? 0 : x0 + width, ay: y0 + m.ascent };
}

/** Collision box of the label: its own box turned by `angle`, grown by `pad`, as an axis-aligned box in px. */
function collisionBox(x: number, y: number, box: number[], cos: number, sin: number, pad: number): number[] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [bx, by] of [[box[0]!, box[1]!], [box[2]!, box[1]!], [box[0]!, box[3]!], [box[2]!, box[3]!]] as const) {
    const px = x + bx * cos + by * sin, py = y - bx * sin + by * cos;
    minX = Math.min(minX, px); maxX = Math.max(maxX, px); minY = Math.min(minY, py); maxY = Math.max(maxY, py);
  }
  return [minX - pad, minY - pad, maxX + pad, maxY + pad];
}

/**
 * Places the candidate's label at (x, y) px on the given side, if it fits the collision index;
 * a first test with the cheap width estimate spares measuring labels that cannot fit.
 * @param angle degrees counter-clockwise, about the anchor.
 * @returns the text item, or null when it does not fit.
 */
export function placeStraightLabel(c: LabelCandidate, env: PlacementEnv, x: number, y: number, side: AnchorSide, angle: number): TextItem | null {
  const { font, halo } = c.labelClass.style;
  const m = env.measurer.metrics(font);
  const pad = (halo?.width ?? 0) + LABEL_PADDING_PT * env.k;
  const t = (angle * Math.PI) / 180;
  const cos = Math.cos(t), sin = Math.sin(t);
  const estimate = env.measurer.advances(font, [...c.text]).reduce((s, a) => s + a, 0);
  if (!env.index.fits(collisionBox(x, y, layout(side, estimate, m).box, cos, sin, pad), c.owner)) return null;
  const width = env.measurer.width(font, c.text);
  const { box, ax, ay } = layout(side, width, m);
  const boxes = collisionBox(x, y, box, cos, sin, pad);
  if (!env.index.fits(boxes, c.owner)) return null;
  env.index.insert(boxes);
  return labelTextItem(c.labelClass.style, c.text, x + ax * cos + ay * sin, y - ax * sin + ay * cos, angle, ALIGN[side.hx], width, m, c.opacity);
}
