/**
 * Writes display lists as SVG: paths with the same path data the canvas backend draws, and
 * labels as real `<text>` elements (curved labels as one `<text>` with per-glyph positions and
 * rotations), so the text stays searchable and selectable.
 * @module render/svg-render-backend
 */
import type { DisplayItem, DisplayList, FontSpec, Halo, PictureStyle, Rgba, StrokeStyle } from '../carto/display-list.js';
import { DECORATION_LINES } from './text-decoration.js';
import { hatchData, markerHasArea, markerItemData, pathItemData } from './path-data.js';
import { rasterCanvas } from './raster-canvas.js';
import type { ItemDrawers, RenderBackend } from './render-backend.js';

/** An SVG document being written: body elements and `<defs>`. */
class SvgDocument {
  readonly body: string[] = [];
  readonly defs: string[] = [];
  private ids = 0;

  /** A fresh element id. */
  id(prefix: string): string {
    return `${prefix}${++this.ids}`;
  }
}

const num = (v: number): string => String(Math.round(v * 100) / 100);

const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Paint attributes of a colour, with the item's opacity folded into the alpha. */
function paint(attr: 'fill' | 'stroke', c: Rgba, opacity: number): string {
  const a = (c[3] / 255) * opacity;
  return ` ${attr}="rgb(${c[0]},${c[1]},${c[2]})"${a < 1 ? ` ${attr}-opacity="${a.toFixed(4)}"` : ''}`;
}

/** Stroke attributes; the miter limit is the canvas default, 10, where SVG's default is 4. */
function strokeAttrs(s: StrokeStyle, opacity: number): string {
  return `${paint('stroke', s.color, opacity)} stroke-width="${num(s.width)}" stroke-linecap="${s.cap}" stroke-linejoin="${s.join}" stroke-miterlimit="10"`
    + (s.dash.length ? ` stroke-dasharray="${s.dash.map(num).join(' ')}"` : '');
}

function fontAttrs(font: FontSpec): string {
  const generic = font.family.includes('Serif') ? 'serif' : 'sans-serif';
  return ` font-family="'${escapeXml(font.family)}', ${generic}" font-size="${num(font.size)}" font-style="${font.style}" font-weight="${font.weight}"`
    + (font.kerning ? '' : ' font-kerning="none"');
}

/**
 * A label's `<text>` elements: a stroked copy for the halo under the filled text. Two elements
 * rather than `paint-order="stroke"`, which several renderers (resvg, older librsvg) ignore; the
 * halo copy is hidden from assistive technology.
 */
function textElements(item: { halo: Halo | null; color: Rgba; opacity: number; font: FontSpec }, attrs: string, content: string): string {
  const halo = item.halo
    ? `<text aria-hidden="true"${attrs}${fontAttrs(item.font)} fill="none"${strokeAttrs({ color: item.halo.color, width: item.halo.width * 2, dash: [], cap: 'round', join: 'round' }, item.opacity)}>${content}</text>`
    : '';
  return `${halo}<text${attrs}${fontAttrs(item.font)}${paint('fill', item.color, item.opacity)}>${content}</text>`;
}

const dataUri = (p: PictureStyle): string => `data:${p.contentType};base64,${Buffer.from(p.data).toString('base64')}`;

/** Bounding box of a path item's coordinates, px. */
function bounds(coords: Float64Array): [number, number, number, number] {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < coords.length; i += 2) {
    const x = coords[i]!, y = coords[i + 1]!;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

const drawPath = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'path' }>): void => {
  const d = pathItemData(item);
  if (item.fill) doc.body.push(`<path d="${d}"${paint('fill', item.fill, item.opacity)}/>`);
  if (item.picture) {
    const id = doc.id('p');
    const { width, height } = item.picture;
    doc.defs.push(`<pattern id="${id}" patternUnits="userSpaceOnUse" width="${num(width)}" height="${num(height)}">`
      + `<image xlink:href="${dataUri(item.picture)}" width="${num(width)}" height="${num(height)}" preserveAspectRatio="none"/></pattern>`);
    doc.body.push(`<path d="${d}" fill="url(#${id})"${item.opacity < 1 ? ` fill-opacity="${item.opacity.toFixed(4)}"` : ''}/>`);
  }
  if (item.hatch) {
    const id = doc.id('c');
    doc.defs.push(`<clipPath id="${id}"><path d="${d}"/></clipPath>`);
    const [x0, y0, x1, y1] = bounds(item.coords);
    const h = item.hatch;
    doc.body.push(`<path d="${hatchData(h, x0, y0, x1, y1)}" fill="none" clip-path="url(#${id})"${strokeAttrs({ color: h.color, width: h.width, dash: [], cap: 'butt', join: 'miter' }, item.opacity)}/>`);
  }
  if (item.stroke) doc.body.push(`<path d="${d}" fill="none"${strokeAttrs(item.stroke, item.opacity)}/>`);
};

const drawMarker = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'marker' }>): void => {
  const fill = item.fill && markerHasArea(item.shape) ? paint('fill', item.fill, item.opacity) : ' fill="none"';
  doc.body.push(`<path d="${markerItemData(item)}"${fill}${item.stroke ? strokeAttrs(item.stroke, item.opacity) : ''}/>`);
};

const drawImage = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'image' }>): void => {
  const id = doc.id('i');
  const { width, height } = item.picture;
  doc.defs.push(`<image id="${id}" xlink:href="${dataUri(item.picture)}" x="${num(-width / 2)}" y="${num(-height / 2)}" width="${num(width)}" height="${num(height)}" preserveAspectRatio="none"/>`);
  const opacity = item.opacity < 1 ? ` opacity="${item.opacity.toFixed(4)}"` : '';
  for (let i = 0; i < item.points.length / 2; i++) {
    const s = item.scales ? item.scales[i]! : 1;
    const angle = item.angles ? item.angles[i]! : item.angle;
    const transform = `translate(${num(item.points[i * 2]!)} ${num(item.points[i * 2 + 1]!)})${angle ? ` rotate(${num(-angle)})` : ''}${s !== 1 ? ` scale(${num(s)})` : ''}`;
    doc.body.push(`<use xlink:href="#${id}" transform="${transform}"${opacity}/>`);
  }
};

const ANCHOR = { left: 'start', center: 'middle', right: 'end' } as const;
const LEFT = { left: () => 0, center: (w: number) => -w / 2, right: (w: number) => -w } as const;

const drawText = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'text' }>): void => {
  const out: string[] = [`<g transform="translate(${num(item.x)} ${num(item.y)})${item.angle ? ` rotate(${num(-item.angle)})` : ''}">`];
  const { box, font } = item;
  if (box) {
    out.push(`<rect x="${num(box.x0)}" y="${num(box.y0)}" width="${num(box.x1 - box.x0)}" height="${num(box.y1 - box.y0)}"`
      + `${box.fill ? paint('fill', box.fill, item.opacity) : ' fill="none"'}${box.stroke ? strokeAttrs(box.stroke, item.opacity) : ''}/>`);
  }
  out.push(textElements(item, ` xml:space="preserve" text-anchor="${ANCHOR[item.align]}"`, escapeXml(item.text)));
  const line = DECORATION_LINES[font.decoration];
  if (line) {
    out.push(`<rect x="${num(LEFT[item.align](item.width))}" y="${num(line.offset * font.size)}" width="${num(item.width)}" height="${num(line.thickness * font.size)}"${paint('fill', item.color, item.opacity)}/>`);
  }
  out.push('</g>');
  doc.body.push(out.join(''));
};

const drawTextPath = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'textPath' }>): void => {
  const xs = Array.from(item.xs, num).join(' ');
  const ys = Array.from(item.ys, num).join(' ');
  // SVG turns each glyph clockwise about its own origin; display-list angles are counter-clockwise.
  const rotate = Array.from(item.angles, (a) => num(-a)).join(' ');
  doc.body.push(textElements(item, ` xml:space="preserve" x="${xs}" y="${ys}" rotate="${rotate}"`, escapeXml(item.glyphs.join(''))));
};

const drawRaster = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'raster' }>): void => {
  const png = rasterCanvas(item).toBuffer('image/png');
  doc.body.push(`<image xlink:href="data:image/png;base64,${png.toString('base64')}" width="${item.width}" height="${item.height}" preserveAspectRatio="none"`
    + `${item.opacity < 1 ? ` opacity="${item.opacity.toFixed(4)}"` : ''}${item.blend === 'multiply' ? ' style="mix-blend-mode:multiply"' : ''}/>`);
};

const drawClip = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'clip' }>): void => {
  const id = doc.id('r');
  doc.defs.push(`<clipPath id="${id}"><path d="${pathItemData({ ...item, closed: true })}" clip-rule="evenodd"/></clipPath>`);
  doc.body.push(`<g clip-path="url(#${id})">`);
  for (const child of item.items) drawItem(doc, child);
  doc.body.push('</g>');
};

const drawGroup = (doc: SvgDocument, item: Extract<DisplayItem, { kind: 'group' }>): void => {
  doc.body.push(`<g transform="matrix(${item.transform.map((v) => String(+v.toFixed(6))).join(' ')})">`);
  for (const child of item.items) drawItem(doc, child);
  doc.body.push('</g>');
};

const DRAWERS: ItemDrawers<SvgDocument> = {
  path: drawPath, marker: drawMarker, image: drawImage, text: drawText, textPath: drawTextPath, raster: drawRaster, clip: drawClip, group: drawGroup,
};

function drawItem(doc: SvgDocument, item: DisplayItem): void {
  (DRAWERS[item.kind] as (doc: SvgDocument, item: DisplayItem) => void)(doc, item);
}

/** Writes display lists as an SVG document; `toString` returns it. */
export class SvgRenderBackend implements RenderBackend {
  private doc = new SvgDocument();
  private width = 0;
  private height = 0;

  begin(list: DisplayList): void {
    this.doc = new SvgDocument();
    this.width = list.width;
    this.height = list.height;
    if (list.background) this.doc.body.push(`<rect width="${list.width}" height="${list.height}"${paint('fill', list.background, 1)}/>`);
  }

  draw(item: DisplayItem): void {
    drawItem(this.doc, item);
  }

  /** The SVG document drawn so far. */
  toString(): string {
    const { width: w, height: h } = this;
    return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">\n`
      + (this.doc.defs.length ? `<defs>${this.doc.defs.join('')}</defs>\n` : '')
      + this.doc.body.join('\n') + '\n</svg>\n';
  }
}
