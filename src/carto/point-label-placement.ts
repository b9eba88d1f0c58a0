/**
 * Point labels: the nine esriServerPointLabelPlacement* positions (mapserver.md §15.5) around the
 * point symbol, offset by the esriTS xoffset/yoffset and turned by its angle.
 * @module carto/point-label-placement
 */
import type { TextItem } from './display-list.js';
import type { PlacementEnv, PointCandidate } from './label-candidate.js';
import { placeStraightLabel, type AnchorSide } from './straight-label-placement.js';

/** Gap between a point symbol and its label, pt. */
const SYMBOL_GAP_PT = 1.5;

/** Side of the point each placement puts the label on: [hx, vy], −1 left/above, 1 right/below. */
export const POINT_PLACEMENTS: Record<string, readonly [AnchorSide['hx'], AnchorSide['vy']]> = {
  esriServerPointLabelPlacementAboveLeft: [-1, -1],
  esriServerPointLabelPlacementAboveCenter: [0, -1],
  esriServerPointLabelPlacementAboveRight: [1, -1],
  esriServerPointLabelPlacementCenterLeft: [-1, 0],
  esriServerPointLabelPlacementCenterCenter: [0, 0],
  esriServerPointLabelPlacementCenterRight: [1, 0],
  esriServerPointLabelPlacementBelowLeft: [-1, 1],
  esriServerPointLabelPlacementBelowCenter: [0, 1],
  esriServerPointLabelPlacementBelowRight: [1, 1],
};

/**
 * Positions tried after the class's own when that one is taken, in the cartographer's order
 * of preference (Imhof): upper right, lower right, upper left, lower left, then the sides.
 */
const FALLBACKS: readonly (readonly [AnchorSide['hx'], AnchorSide['vy']])[] = [[1, -1], [1, 1], [-1, -1], [-1, 1], [1, 0], [-1, 0], [0, -1], [0, 1]];

/**
 * Places a point label at its class's position or, when that collides, at the first free
 * position around the symbol, so a town name is not lost to a nearby spot height. A centred
 * label (CenterCenter, e.g. a water name) stays centred or is dropped.
 */
export function placePointLabel(c: PointCandidate, env: PlacementEnv): TextItem | null {
  const style = c.labelClass.style;
  const preferred = POINT_PLACEMENTS[c.labelClass.placement] ?? [1, -1];
  const sides = preferred[0] === 0 && preferred[1] === 0 ? [preferred] : [preferred, ...FALLBACKS.filter(([h, v]) => h !== preferred[0] || v !== preferred[1])];
  for (const [hx, vy] of sides) {
    const radius = hx === 0 && vy === 0 ? 0 : c.radius + SYMBOL_GAP_PT * env.k;
    const placed = placeStraightLabel(c, env, c.x + style.dx, c.y + style.dy, { hx, vy, radius }, style.angle);
    if (placed) return placed;
  }
  return null;
}
