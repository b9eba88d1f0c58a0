/**
 * Labels waiting to be placed: one per feature and label class, collected while features are
 * drawn and placed afterwards in priority order.
 * @module carto/label-candidate
 */
import type { CollisionIndex } from './collision-index.js';
import type { LabelClass } from './label-class.js';
import type { PixelParts } from './pixel-path-buffer.js';
import type { TextMeasurer } from './text-measurer.js';

interface CandidateBase {
  labelClass: LabelClass;
  text: string;
  /** Index of the layer in the request (higher is drawn later, and labelled first). */
  layer: number;
  /** Feature weight among equal priorities: symbol size, line length or area, in px units. */
  size: number;
  /** Id of the feature's point symbol in the collision index, so a label may cover its own symbol. */
  owner: number;
  /** Layer opacity, 0–1. */
  opacity: number;
}

/** A point feature's label: the symbol centre and the radius to keep clear of, px. */
export interface PointCandidate extends CandidateBase { family: 'point'; x: number; y: number; radius: number }
/** A line feature's label: its pixel parts and the line's stroke width, px. */
export interface LineCandidate extends CandidateBase { family: 'line'; parts: PixelParts; lineWidth: number }
/** A polygon feature's label: its pixel rings (exteriors clockwise on screen, holes counter-clockwise). */
export interface PolygonCandidate extends CandidateBase { family: 'polygon'; parts: PixelParts }

/** A label waiting for placement. */
export type LabelCandidate = PointCandidate | LineCandidate | PolygonCandidate;

/** What placement functions share: the collision index, text measurement and the pt → px factor. */
export interface PlacementEnv {
  index: CollisionIndex;
  measurer: TextMeasurer;
  /** px per pt. */
  k: number;
}
