/**
 * Places label candidates in order, each through the placement function of its family, against
 * one collision index: higher priority (lower number) first, then upper layers, then bigger
 * features (longer lines, larger areas, larger symbols).
 * @module carto/label-placer
 */
import type { DisplayItem } from './display-list.js';
import type { LabelCandidate, PlacementEnv } from './label-candidate.js';
import { placeLineLabel } from './line-label-placement.js';
import { placePointLabel } from './point-label-placement.js';
import { placePolygonLabel } from './polygon-label-placement.js';

type Placer<F extends LabelCandidate['family']> = (c: Extract<LabelCandidate, { family: F }>, env: PlacementEnv) => DisplayItem | null;

const PLACERS: { [F in LabelCandidate['family']]: Placer<F> } = {
  point: placePointLabel,
  line: placeLineLabel,
  polygon: placePolygonLabel,
};

/** A placed label's item and the index of the layer it labels (a clip may cover only some layers). */
export interface PlacedLabel { item: DisplayItem; layer: number }

/**
 * Places the candidates that fit, in place order, and returns their items (to draw above all
 * features). `env.index` should already hold the point symbols as obstacles.
 */
export function placeLabels(candidates: LabelCandidate[], env: PlacementEnv): PlacedLabel[] {
  const order = candidates.slice().sort((a, b) => a.labelClass.priority - b.labelClass.priority || b.layer - a.layer || b.size - a.size);
  const placed: PlacedLabel[] = [];
  for (const c of order) {
    const item = (PLACERS[c.family] as Placer<typeof c.family>)(c as never, env);
    if (item) placed.push({ item, layer: c.layer });
  }
  return placed;
}
