/**
 * The map inside the neatline: the service's layers in topographic draw order with the sheet's
 * relief, drawn by the map engine as a display list of its own at `dpi` and placed on the page
 * by a group transform, clipped at the neatline (topographic-sheet.md §2).
 * @module sheet/map-body
 */
import { buildDisplayList } from '../carto/build-display-list.js';
import type { DisplayItem, GroupItem, TextItem, TextPathItem } from '../carto/display-list.js';
import type { MapRequestLayer } from '../carto/map-request.js';
import type { Envelope } from '../geo/geometry.js';
import type { SheetFrame } from './sheet-frame.js';
import { pointsPerMetre } from './sheet-frame.js';

/** A drawn map frame. */
export interface MapBody {
  /** The frame's items, placed and clipped, in page points. */
  item: GroupItem;
  /** Every label drawn in the frame as page quadrilaterals (x0, y0, … x3, y3 pt; one per glyph of a curved label), for the layout checks. */
  labelQuads: { label: number; quad: number[] }[];
}

/** The pixel grid of a frame drawn at `dpi`: its size and the map extent it covers before rotation. */
export function bodyGrid(frame: SheetFrame, dpi: number): { width: number; height: number; extent: Envelope; pxPerPt: number } {
  const pxPerPt = dpi / 72;
  const width = Math.ceil(frame.box.width * pxPerPt), height = Math.ceil(frame.box.height * pxPerPt);
  // The image is centred on the box centre; its extent is the unrotated window about that point.
  const [cx, cy] = frame.toMap(frame.box.x + width / pxPerPt / 2, frame.box.y + height / pxPerPt / 2);
  const metresPerPx = 1 / pointsPerMetre(frame.scale) / pxPerPt;
  return { width, height, pxPerPt, extent: { xmin: cx - (width * metresPerPx) / 2, xmax: cx + (width * metresPerPx) / 2, ymin: cy - (height * metresPerPx) / 2, ymax: cy + (height * metresPerPx) / 2 } };
}

/** Corners of a straight label's box (px): baseline anchor, advance width, font ascent/descent, angle. */
function textQuad(t: TextItem): number[] {
  const left = t.align === 'left' ? 0 : t.align === 'center' ? -t.width / 2 : -t.width;
  const a = (-t.angle * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  const up = t.font.size * 0.8, down = t.font.size * 0.25;
  return [[left, -up], [left + t.width, -up], [left + t.width, down], [left, down]]
    .flatMap(([u, v]) => [t.x + u! * cos - v! * sin, t.y + u! * sin + v! * cos]);
}

/** A curved label as one box per glyph: from its origin to the next glyph's, turned with it. */
function textPathQuads(t: TextPathItem): number[][] {
  const out: number[][] = [];
  const n = t.glyphs.length;
  for (let i = 0; i < n; i++) {
    const x = t.xs[i]!, y = t.ys[i]!;
    const w = i + 1 < n ? Math.hypot(t.xs[i + 1]! - x, t.ys[i + 1]! - y) : t.font.size * 0.6;
    const a = (-t.angles[i]! * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
    const up = t.font.size * 0.8, down = t.font.size * 0.25;
    out.push([[0, -up], [w, -up], [w, down], [0, down]].flatMap(([u, v]) => [x + u! * cos - v! * sin, y + u! * sin + v! * cos]));
  }
  return out;
}

function collectLabels(items: readonly DisplayItem[], out: { label: number; quad: number[] }[]): void {
  for (const item of items) {
    const label = out.length ? out[out.length - 1]!.label + 1 : 0;
    if (item.kind === 'text') out.push({ label, quad: textQuad(item) });
    else if (item.kind === 'textPath') out.push(...textPathQuads(item).map((quad) => ({ label, quad })));
    else if (item.kind === 'clip' || item.kind === 'group') collectLabels(item.items, out);
  }
}

/**
 * Draws `layers` (bottom first, features in the frame's CRS) inside the neatline. `extraItems`
 * (px of the frame's grid, e.g. contour values) are drawn over the map, and `obstacles` keep the
 * map's own labels off them.
 */
export function drawMapBody(frame: SheetFrame, layers: MapRequestLayer[], dpi: number, extra: { items: DisplayItem[]; obstacles: [number, number, number, number][] } = { items: [], obstacles: [] }): MapBody {
  const grid = bodyGrid(frame, dpi);
  const list = buildDisplayList({
    extent: grid.extent, width: grid.width, height: grid.height, dpi, rotation: frame.rotation, background: null, layers, scale: frame.scale,
    clip: { geometry: { type: 'Polygon', coordinates: [frame.neatline] }, excludedLayers: [] },
  }, { obstacles: extra.obstacles });
  const s = 1 / grid.pxPerPt;
  const labelQuadsPx: { label: number; quad: number[] }[] = [];
  collectLabels([...list.items, ...extra.items], labelQuadsPx);
  const labelQuads = labelQuadsPx.map(({ label, quad }) => ({ label, quad: quad.map((v, i) => v * s + (i % 2 === 0 ? frame.box.x : frame.box.y)) }));
  return { item: { kind: 'group', transform: [s, 0, 0, s, frame.box.x, frame.box.y], items: [...list.items, ...extra.items] }, labelQuads };
}
