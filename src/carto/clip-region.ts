/**
 * Applies a map's clip (mapserver.md §6 `clipping`) to its display list: the items of every
 * layer the clip covers are gathered, in draw order, into clip items holding the region's rings
 * in px, which the backends draw inside the region. Consecutive clipped items share one clip
 * item, so the region is set once per run rather than per item.
 * @module carto/clip-region
 */
import type { ClipItem, DisplayItem } from './display-list.js';
import type { MapClip } from './map-request.js';
import type { ViewTransform } from './view-transform.js';

/** The clip polygon's rings in px. */
function regionRings(clip: MapClip, view: ViewTransform): Pick<ClipItem, 'coords' | 'offsets'> {
  const polygons = clip.geometry.type === 'Polygon' ? [clip.geometry.coordinates] : clip.geometry.coordinates;
  const rings = polygons.flat();
  const coords = new Float64Array(rings.reduce((n, r) => n + r.length * 2, 0));
  const offsets = new Uint32Array(rings.length + 1);
  let p = 0;
  rings.forEach((ring, i) => {
    offsets[i] = p;
    for (const [x, y] of ring) { coords[p * 2] = view.x(x!, y!); coords[p * 2 + 1] = view.y(x!, y!); p++; }
  });
  offsets[rings.length] = p;
  return { coords, offsets };
}

/**
 * Wraps the clipped items of `items` in clip items.
 * @param clipped whether item `k` belongs to a layer the clip applies to.
 */
export function applyClip(items: DisplayItem[], clipped: (k: number) => boolean, clip: MapClip, view: ViewTransform): DisplayItem[] {
  const region = regionRings(clip, view);
  const out: DisplayItem[] = [];
  let run: ClipItem | null = null;
  items.forEach((item, k) => {
    if (!clipped(k)) { run = null; out.push(item); return; }
    if (!run) { run = { kind: 'clip', ...region, items: [] }; out.push(run); }
    run.items.push(item);
  });
  return out;
}
