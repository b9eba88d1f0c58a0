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

/** Places a point label at its class's position only: ArcGIS Server does not try other sides. */
export function placePointLabel(c: PointCandidate, env: PlacementEnv): TextItem | null {
  const style = c.labelClass.style;
  const [hx, vy] = POINT_PLACEMENTS[c.labelClass.placement] ?? [1, -1];
  const radius = hx === 0 && vy === 0 ? 0 : c.radius + SYMBOL_GAP_PT * env.k;
  return placeStraightLabel(c, env, c.x + style.dx, c.y + style.dy, { hx, vy, radius }, style.angle);
}
