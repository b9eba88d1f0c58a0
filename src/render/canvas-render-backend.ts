/**
 * Draws display lists on a Skia 2D context: a raster canvas (PNG, JPEG) or a PDF page, which
 * share this code so both look the same. Geometry reaches Skia as SVG path data, one `Path2D`
 * per item (see path-data.ts).
 * @module render/canvas-render-backend
 */
import { Image, Path2D, type SKRSContext2D } from '@napi-rs/canvas';
import type { DisplayItem, DisplayList, FontSpec, Halo, PictureStyle, Rgba, StrokeStyle, TextItem } from '../carto/display-list.js';
import { cssFont, registerMapFonts } from '../carto/font-registry.js';
import { hatchData, markerHasArea, markerItemData, pathItemData } from './path-data.js';
import { rasterCanvas } from './raster-canvas.js';
import type { ItemDrawers, RenderBackend } from './render-backend.js';
import { DECORATION_LINES } from './text-decoration.js';
import { TextOutlines } from './text-outlines.js';

/** The context drawn on, and the glyph outlines halos are stroked from (null: stroke the text itself). */
interface Surface { ctx: SKRSContext2D; outlines: TextOutlines | null }

/** A CSS colour with the item's opacity folded into its alpha. */
function css(c: Rgba, opacity = 1): string {
  return `rgba(${c[0]},${c[1]},${c[2]},${((c[3] / 255) * opacity).toFixed(4)})`;
}

function applyStroke(ctx: SKRSContext2D, s: StrokeStyle, opacity: number): void {
  ctx.strokeStyle = css(s.color, opacity);
  ctx.lineWidth = s.width;
  ctx.lineCap = s.cap;
  ctx.lineJoin = s.join;
  ctx.setLineDash(s.dash as number[]);
}

/** A halo is a round-joined stroke twice its width, centred on the glyph outline. */
const haloStroke = (halo: Halo): StrokeStyle => ({ color: halo.color, width: halo.width * 2, dash: [], cap: 'round', join: 'round' });

/** Decoded pictures, per encoded image: every run of one symbol shares its bytes. */
const decoded = new WeakMap<Uint8Array, Image>();

/**
 * Decodes every picture of a list before drawing: image decoding is asynchronous, drawing is
 * not. Call before `drawDisplayList` with a canvas backend.
 */
export async function preparePictures(list: Pick<DisplayList, 'items'>): Promise<void> {
  const pending: Promise<void>[] = [];
  for (const item of list.items) {
    if (item.kind === 'clip' || item.kind === 'group') { pending.push(preparePictures(item)); continue; }
    const picture = item.kind === 'image' ? item.picture : item.kind === 'path' ? item.picture : null;
    if (!picture || decoded.has(picture.data)) continue;
    const image = new Image();
    image.src = picture.data;
    decoded.set(picture.data, image);
    pending.push(image.decode().catch(() => { decoded.delete(picture.data); }));
  }
  await Promise.all(pending);
}

function decode(picture: PictureStyle): Image | null {
  const image = decoded.get(picture.data);
  return image?.complete ? image : null;
}

function applyFont(ctx: SKRSContext2D, font: FontSpec): void {
  ctx.font = cssFont(font);
  ctx.fontKerning = font.kerning ? 'normal' : 'none';
  ctx.textBaseline = 'alphabetic';
}

const drawPath = ({ ctx }: Surface, item: Extract<DisplayItem, { kind: 'path' }>): void => {
  const path = new Path2D(pathItemData(item));
  if (item.fill) {
    ctx.fillStyle = css(item.fill, item.opacity);
    ctx.fill(path);
  }
  const image = item.picture && decode(item.picture);
  if (item.picture && image) {
    const pattern = ctx.createPattern(image, 'repeat');
    if (pattern) {
      pattern.setTransform({ a: item.picture.width / image.width, b: 0, c: 0, d: item.picture.height / image.height, e: 0, f: 0 });
      ctx.globalAlpha = item.opacity;
      ctx.fillStyle = pattern;
      ctx.fill(path);
      ctx.globalAlpha = 1;
    }
  }
  if (item.hatch) {
    ctx.save();
    ctx.clip(path);
    const [l, t, r, b] = path.getBounds();
    applyStroke(ctx, { color: item.hatch.color, width: item.hatch.width, dash: [], cap: 'butt', join: 'miter' }, item.opacity);
    ctx.stroke(new Path2D(hatchData(item.hatch, l, t, r, b)));
    ctx.restore();
  }
  if (item.stroke) {
    applyStroke(ctx, item.stroke, item.opacity);
    ctx.stroke(path);
  }
};

const drawMarker = ({ ctx }: Surface, item: Extract<DisplayItem, { kind: 'marker' }>): void => {
  const path = new Path2D(markerItemData(item));
  if (item.fill && markerHasArea(item.shape)) {
    ctx.fillStyle = css(item.fill, item.opacity);
    ctx.fill(path);
  }
  if (item.stroke) {
    applyStroke(ctx, item.stroke, item.opacity);
    ctx.stroke(path);
  }
};

const drawImage = ({ ctx }: Surface, item: Extract<DisplayItem, { kind: 'image' }>): void => {
  const image = decode(item.picture);
  if (!image) return;
  const { width, height } = item.picture;
  ctx.globalAlpha = item.opacity;
  for (let i = 0; i < item.points.length / 2; i++) {
    const s = item.scales ? item.scales[i]! : 1;
    const angle = item.angles ? item.angles[i]! : item.angle;
    ctx.save();
    ctx.translate(item.points[i * 2]!, item.points[i * 2 + 1]!);
    if (angle) ctx.rotate((-angle * Math.PI) / 180);
    ctx.drawImage(image, (-width * s) / 2, (-height * s) / 2, width * s, height * s);
    ctx.restore();
  }
  ctx.globalAlpha = 1;
};

/** Left end of a text item's advance, relative to its anchor. */
const LEFT: Record<TextItem['align'], (width: number) => number> = { left: () => 0, center: (w) => -w / 2, right: (w) => -w };

const drawText = ({ ctx, outlines }: Surface, item: Extract<DisplayItem, { kind: 'text' }>): void => {
  ctx.save();
  ctx.translate(item.x, item.y);
  if (item.angle) ctx.rotate((-item.angle * Math.PI) / 180);
  const { box, halo, font } = item;
  if (box?.fill) {
    ctx.fillStyle = css(box.fill, item.opacity);
    ctx.fillRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
  }
  if (box?.stroke) {
    applyStroke(ctx, box.stroke, item.opacity);
    ctx.strokeRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
  }
  applyFont(ctx, font);
  ctx.textAlign = item.align;
  if (halo) {
    applyStroke(ctx, haloStroke(halo), item.opacity);
    if (outlines) ctx.stroke(outlines.path(item.text, font, item.align));
    else ctx.strokeText(item.text, 0, 0);
  }
  ctx.fillStyle = css(item.color, item.opacity);
  ctx.fillText(item.text, 0, 0);
  const line = DECORATION_LINES[font.decoration];
  if (line) ctx.fillRect(LEFT[item.align](item.width), line.offset * font.size, item.width, line.thickness * font.size);
  ctx.restore();
};

const drawTextPath = ({ ctx, outlines }: Surface, item: Extract<DisplayItem, { kind: 'textPath' }>): void => {
  ctx.save();
  applyFont(ctx, item.font);
  ctx.textAlign = 'left';
  const each = (draw: (glyph: string) => void) => {
    item.glyphs.forEach((glyph, i) => {
      ctx.save();
      ctx.translate(item.xs[i]!, item.ys[i]!);
      ctx.rotate((-item.angles[i]! * Math.PI) / 180);
      draw(glyph);
      ctx.restore();
    });
  };
  // All halos first, so one glyph's halo never covers its neighbour's ink.
  if (item.halo) {
    applyStroke(ctx, haloStroke(item.halo), item.opacity);
    each((g) => (outlines ? ctx.stroke(outlines.path(g, item.font, 'left')) : ctx.strokeText(g, 0, 0)));
  }
  ctx.fillStyle = css(item.color, item.opacity);
  each((g) => ctx.fillText(g, 0, 0));
  ctx.restore();
};

const drawRaster = ({ ctx }: Surface, item: Extract<DisplayItem, { kind: 'raster' }>): void => {
  ctx.globalAlpha = item.opacity;
  if (item.blend === 'multiply') ctx.globalCompositeOperation = 'multiply';
  ctx.drawImage(rasterCanvas(item), 0, 0, item.width, item.height);
  ctx.globalCompositeOperation = 'source-over';
  ctx.globalAlpha = 1;
};

const drawClip = (surface: Surface, item: Extract<DisplayItem, { kind: 'clip' }>): void => {
  surface.ctx.save();
  surface.ctx.clip(new Path2D(pathItemData({ ...item, closed: true })), 'evenodd');
  for (const child of item.items) drawItem(surface, child);
  surface.ctx.restore();
};

const drawGroup = (surface: Surface, item: Extract<DisplayItem, { kind: 'group' }>): void => {
  surface.ctx.save();
  surface.ctx.transform(...item.transform);
  for (const child of item.items) drawItem(surface, child);
  surface.ctx.restore();
};

const DRAWERS: ItemDrawers<Surface> = {
  path: drawPath, marker: drawMarker, image: drawImage, text: drawText, textPath: drawTextPath, raster: drawRaster, clip: drawClip, group: drawGroup,
};

function drawItem(surface: Surface, item: DisplayItem): void {
  (DRAWERS[item.kind] as (surface: Surface, item: DisplayItem) => void)(surface, item);
}

/** Options of a canvas backend. */
export interface CanvasBackendOptions {
  /**
   * [haloOutlines=false] Stroke label halos along glyph outline paths instead of with
   * `strokeText`; for PDF, where stroked text would be a second, extractable copy of every label.
   */
  haloOutlines?: boolean;
}

/** Draws display lists on a Skia context (raster canvas or PDF page) whose user space is the list's px. */
export class CanvasRenderBackend implements RenderBackend {
  private readonly surface: Surface;

  constructor(ctx: SKRSContext2D, options: CanvasBackendOptions = {}) {
    registerMapFonts();
    this.surface = { ctx, outlines: options.haloOutlines ? new TextOutlines() : null };
  }

  begin(list: DisplayList): void {
    if (!list.background) return;
    this.surface.ctx.fillStyle = css(list.background);
    this.surface.ctx.fillRect(0, 0, list.width, list.height);
  }

  draw(item: DisplayItem): void {
    drawItem(this.surface, item);
  }
}
