/**
 * Draws one layer's features into display-list items and collects their label candidates, in a
 * single pass over the features: classify, transform to px, cull, batch. Point symbols are also
 * recorded as obstacles that labels must avoid.
 * @module carto/layer-painter
 */
import type { Geometry, LineString, MultiLineString, MultiPolygon, Polygon, Position } from '../geo/geometry.js';
import type { DisplayItem } from './display-list.js';
import { compileRenderer, percentOfTotalField } from './feature-renderer.js';
import { fieldGetter } from './field-access.js';
import { ItemBatcher, type PathPaint } from './item-batcher.js';
import type { LabelCandidate } from './label-candidate.js';
import { compileLabelClasses, type LabelClass } from './label-class.js';
import { withStrokeWidth } from './line-symbol.js';
import type { RenderFeature, RenderLayer } from './map-request.js';
import type { PixelParts, PixelPathBuffer } from './pixel-path-buffer.js';
import type { MarkerStyle, PictureMarkerStyle, SymbolStyle } from './symbol-codec.js';
import type { ViewTransform } from './view-transform.js';
import type { Warn } from './warn-once.js';

/** What all layers of a map share while they are painted. */
export interface PaintContext {
  view: ViewTransform;
  /** Image size in px. */
  width: number;
  height: number;
  /** px per pt. */
  k: number;
  /** Map rotation, degrees counter-clockwise; field-driven symbol rotation turns with the map. */
  rotation: number;
  /** Map scale denominator. */
  scale: number;
  /** Finished items, bottom to top. */
  items: DisplayItem[];
  /** Labels to place once every layer is drawn. */
  candidates: LabelCandidate[];
  /** Point-symbol boxes (x0, y0, x1, y1 in px) for labels to avoid, and their owner ids. */
  obstacles: number[];
  obstacleOwners: number[];
  warn: Warn;
}

type Attributes = Record<string, unknown>;

/** Per-feature state handed to the geometry painters. */
interface FeatureJob {
  pc: PaintContext;
  batcher: ItemBatcher;
  /** Batch key: symbol index plus any size override. */
  key: string;
  /** Null for a feature that is only labelled. */
  style: SymbolStyle | null;
  /** Size override in px (sizeInfo), or null. */
  size: number | null;
  /** Screen angle override in degrees counter-clockwise, or null. */
  angle: number | null;
  /** Label texts of this feature, one per applicable class. */
  labels: { cls: LabelClass; text: string }[];
  layer: number;
  opacity: number;
}

const stroked = (stroke: PathPaint['stroke']): PathPaint => ({ fill: null, hatch: null, picture: null, stroke });

/** The paint of a line or area symbol; markers draw nothing on lines and areas. */
function pathPaint(style: SymbolStyle, size: number | null): PathPaint | null {
  if (style.kind === 'fill') return style;
  if (style.kind !== 'line') return null;
  return stroked(size !== null && size > 0 ? withStrokeWidth(style.stroke, size) : style.stroke);
}

/** Sum of segment lengths (lines) or of absolute ring areas (polygons), in px units, to rank labels. */
function pixelSize(parts: PixelParts, closed: boolean): number {
  const { coords, offsets } = parts;
  let total = 0;
  for (let p = 0; p + 1 < offsets.length; p++) {
    const s = offsets[p]!, e = offsets[p + 1]!;
    let acc = 0;
    for (let i = s + 1; i < e; i++) {
      const x0 = coords[i * 2 - 2]!, y0 = coords[i * 2 - 1]!, x1 = coords[i * 2]!, y1 = coords[i * 2 + 1]!;
      acc += closed ? x0 * y1 - x1 * y0 : Math.hypot(x1 - x0, y1 - y0);
    }
    if (closed) acc += coords[(e - 1) * 2]! * coords[s * 2 + 1]! - coords[s * 2]! * coords[(e - 1) * 2 + 1]!;
    total += closed ? acc / 2 : acc;
  }
  return Math.abs(total);
}

/** Writes a geometry's parts into a pixel buffer. */
type PartWriter<G> = (buffer: PixelPathBuffer, view: ViewTransform, g: G) => void;

/** Exterior rings clockwise, holes counter-clockwise: in a GeoJSON polygon the first ring is the exterior. */
function writeRings(buffer: PixelPathBuffer, view: ViewTransform, rings: readonly (readonly Position[])[]): void {
  for (let i = 0; i < rings.length; i++) buffer.addPart(rings[i]!, view, true, i > 0 ? -1 : 1);
}

const writeLineString: PartWriter<LineString> = (b, v, g) => b.addPart(g.coordinates, v, false);
const writeMultiLineString: PartWriter<MultiLineString> = (b, v, g) => { for (const line of g.coordinates) b.addPart(line, v, false); };
const writePolygon: PartWriter<Polygon> = (b, v, g) => writeRings(b, v, g.coordinates);
const writeMultiPolygon: PartWriter<MultiPolygon> = (b, v, g) => { for (const rings of g.coordinates) writeRings(b, v, rings); };

/**
 * Adds one line or polygon feature to a path run, and its labels to the candidates. A feature
 * without a symbol to draw it with is still labelled.
 */
function paintParts<G>(job: FeatureJob, closed: boolean, write: PartWriter<G>, g: G): void {
  const paint = job.style && pathPaint(job.style, job.size);
  if (!paint && !job.labels.length) return;
  const { pc, batcher } = job;
  const buffer = batcher.scratch;
  const stroke = paint?.stroke;
  const margin = (stroke?.width ?? 0) / 2 + 1;
  // Geometry beyond the image is cut short, except on dashed lines, whose dashes would shift.
  // Mitred corners reach up to the canvas miter limit (10) times half the width.
  const reach = (stroke ? (stroke.join === 'miter' ? 5 * stroke.width : stroke.width / 2) : 0) + 2;
  buffer.beginFeature(stroke?.dash.length ? null : { xmin: -reach, ymin: -reach, xmax: pc.width + reach, ymax: pc.height + reach });
  write(buffer, pc.view, g);
  if (!buffer.endFeature(pc.width, pc.height, margin)) return;
  if (job.labels.length) {
    const geometry = buffer.featureGeometry();
    const size = pixelSize(geometry, closed);
    for (const { cls, text } of job.labels) {
      const base = { labelClass: cls, text, layer: job.layer, size, owner: -1, opacity: job.opacity };
      pc.candidates.push(closed
        ? { ...base, family: 'polygon', parts: geometry }
        : { ...base, family: 'line', parts: geometry, lineWidth: paint?.stroke?.width ?? 0 });
    }
  }
  if (paint) batcher.commitPath(job.key, closed, paint, margin);
  else buffer.dropFeature();
}

/** Half the drawn extent of a point symbol, px. */
function pointRadius(style: MarkerStyle | PictureMarkerStyle, size: number | null): number {
  if (style.kind === 'marker') return (size ?? style.size) / 2 + (style.stroke?.width ?? 0) / 2;
  const { width, height } = style.picture;
  const scale = size === null ? 1 : size / Math.max(width, height);
  return (style.angle ? Math.hypot(width, height) : Math.max(width, height)) * scale / 2;
}

/**
 * Adds point symbols at the given positions, their obstacles, and a label for the first one shown.
 * A point without a symbol is still labelled, right at the point.
 */
function paintPoints(job: FeatureJob, positions: readonly Position[]): void {
  const style = job.style && (job.style.kind === 'marker' || job.style.kind === 'picture') ? job.style : null;
  if (!style && !job.labels.length) return;
  const { pc } = job;
  const radius = style ? pointRadius(style, job.size) : 0;
  const dx = style?.dx ?? 0, dy = style?.dy ?? 0;
  let labelled = false;
  for (const p of positions) {
    const x = pc.view.x(p[0]!, p[1]!) + dx, y = pc.view.y(p[0]!, p[1]!) + dy;
    if (x < -radius || y < -radius || x > pc.width + radius || y > pc.height + radius) continue;
    let owner = -1;
    if (style) {
      const scale = style.kind === 'picture' && job.size !== null ? job.size / Math.max(style.picture.width, style.picture.height) : job.size;
      job.batcher.point(job.key, style, x, y, scale, job.angle === null ? null : style.angle + job.angle, radius);
      owner = pc.obstacleOwners.length;
      pc.obstacles.push(x - radius, y - radius, x + radius, y + radius);
      pc.obstacleOwners.push(owner);
    }
    if (labelled) continue;
    labelled = true;
    for (const { cls, text } of job.labels) {
      pc.candidates.push({ labelClass: cls, text, layer: job.layer, size: radius, owner, opacity: job.opacity, family: 'point', x, y, radius });
    }
  }
}

/** One painter per geometry type. */
const GEOMETRY_PAINTERS: { [T in Geometry['type']]: (job: FeatureJob, g: Extract<Geometry, { type: T }>) => void } = {
  Point: (job, g) => paintPoints(job, [g.coordinates]),
  MultiPoint: (job, g) => paintPoints(job, g.coordinates),
  LineString: (job, g) => paintParts(job, false, writeLineString, g),
  MultiLineString: (job, g) => paintParts(job, false, writeMultiLineString, g),
  Polygon: (job, g) => paintParts(job, true, writePolygon, g),
  MultiPolygon: (job, g) => paintParts(job, true, writeMultiPolygon, g),
};

/**
 * Features, and the renderer to draw them with. A percent-of-total classBreaks renderer that
 * does not state its total gets it summed here, which needs the features twice.
 */
function prepare(layer: RenderLayer): { features: Iterable<RenderFeature>; renderer: Attributes | null } {
  const renderer = layer.drawingInfo.renderer ?? null;
  const field = percentOfTotalField(renderer);
  if (!renderer || !field) return { features: layer.features, renderer };
  const features = Array.from(layer.features);
  const get = fieldGetter(field);
  const total = features.reduce((s, f) => s + (Number(get(f.attributes)) || 0), 0);
  return { features, renderer: { ...renderer, normalizationTotal: total } };
}

/**
 * Paints a layer's features into `pc.items` and collects their label candidates.
 * @param layerIndex position of the layer in the request (bottom 0).
 */
export function paintLayer(layer: RenderLayer, layerIndex: number, pc: PaintContext): void {
  const { features, renderer } = prepare(layer);
  const styler = compileRenderer(renderer, pc.k, pc.warn);
  const info = layer.drawingInfo;
  const classes = info.showLabels !== false && Array.isArray(info.labelingInfo)
    ? compileLabelClasses(info.labelingInfo, layer.geometryType, pc.scale, pc.k, pc.warn) : [];
  const opacity = 1 - Math.max(0, Math.min(100, Number(info.transparency) || 0)) / 100;
  if (opacity <= 0) return;
  const batcher = new ItemBatcher(pc.items, pc.width, pc.height, opacity);
  const keys = styler.symbols.map((_, i) => String(i));
  // One job object serves every feature: allocation per feature is what a 50,000-feature map notices.
  const job: FeatureJob = { pc, batcher, style: null, size: null, labels: [], layer: layerIndex, opacity, key: '', angle: null };
  for (const f of features) {
    if (!f.geometry) continue;
    const a = f.attributes ?? {};
    const index = styler.classify(a);
    const style = index >= 0 ? styler.symbols[index] ?? null : null;
    job.labels.length = 0;
    for (const cls of classes) {
      const text = cls.labelOf(a);
      if (text !== null) job.labels.push({ cls, text });
    }
    if (!style && !job.labels.length) continue;
    const size = style && styler.size ? styler.size(a) : null;
    const angle = style && styler.angle ? styler.angle(a) : null;
    job.style = style;
    job.size = size;
    job.key = !style ? '' : size === null || style.kind === 'marker' || style.kind === 'picture' ? keys[index]! : `${index}:${size}`;
    job.angle = angle === null ? null : angle + pc.rotation;
    (GEOMETRY_PAINTERS[f.geometry.type] as (job: FeatureJob, g: Geometry) => void)(job, f.geometry);
  }
  batcher.flush();
}
