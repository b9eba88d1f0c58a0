/**
 * The map engine's front: a MapRequest becomes a display list. Layers are painted bottom to top,
 * then labels are placed over them, avoiding each other and the point symbols.
 * @module carto/build-display-list
 */
import { applyClip } from './clip-region.js';
import { CollisionIndex, type CollisionIndexOptions } from './collision-index.js';
import type { DisplayItem, DisplayList } from './display-list.js';
import { esriColor } from './esri-color.js';
import type { LabelCandidate } from './label-candidate.js';
import { placeLabels } from './label-placer.js';
import { paintLayer, type PaintContext } from './layer-painter.js';
import type { MapRequest } from './map-request.js';
import { sharedTextMeasurer } from './text-measurer.js';
import { ViewTransform } from './view-transform.js';
import { warnOnce, type Warn } from './warn-once.js';

/** Options of `buildDisplayList`. */
export interface BuildOptions {
  /** [warn=warnOnce] Receives warnings about drawingInfo that cannot be honoured. */
  warn?: Warn;
  /** Grid of the label collision index. */
  collision?: CollisionIndexOptions;
  /** Boxes (x0, y0, x1, y1 in px) labels must avoid: text placed before the map's own labels, such as contour values. */
  obstacles?: readonly (readonly [number, number, number, number])[];
}

/**
 * Builds the display list of a map: items in px of the `width` × `height` image, y down.
 * Symbol sizes (pt) become px at `request.dpi`.
 */
export function buildDisplayList(request: MapRequest, options: BuildOptions = {}): DisplayList {
  const { width, height } = request;
  const k = request.dpi / 72;
  const rotation = request.rotation ?? 0;
  const items: DisplayItem[] = [];
  const candidates: LabelCandidate[] = [];
  const pc: PaintContext = {
    view: new ViewTransform(request.extent, width, height, rotation), width, height, k, rotation, scale: request.scale,
    items, candidates, obstacles: [], obstacleOwners: [], warn: options.warn ?? warnOnce,
  };
  /** Index into `request.layers` of each item's layer, for the clip. */
  const itemLayers: number[] = [];
  request.layers.forEach((layer, i) => {
    if (layer.kind !== 'raster') paintLayer(layer, i, pc);
    else items.push({ kind: 'raster', width, height, pixels: layer.paint({ width, height, view: pc.view }), opacity: 1 - layer.transparency / 100, blend: layer.blend ?? 'normal' });
    while (itemLayers.length < items.length) itemLayers.push(i);
  });
  if (candidates.length) {
    const index = new CollisionIndex(width, height, options.collision);
    const boxes = Float64Array.from(pc.obstacles);
    for (let i = 0; i < pc.obstacleOwners.length; i++) index.insert(boxes.subarray(i * 4, i * 4 + 4), pc.obstacleOwners[i]);
    for (const box of options.obstacles ?? []) index.insert(Float64Array.from(box), -1);
    for (const { item, layer } of placeLabels(candidates, { index, measurer: sharedTextMeasurer(), k })) { items.push(item); itemLayers.push(layer); }
  }
  const { clip } = request;
  const excluded = new Set(clip?.excludedLayers);
  const drawn = clip ? applyClip(items, (n) => !excluded.has(request.layers[itemLayers[n]!]!.id), clip, pc.view) : items;
  return { width, height, dpi: request.dpi, background: request.background && esriColor(request.background), items: drawn };
}
