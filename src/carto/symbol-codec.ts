/**
 * Esri symbols (mapserver.md §15.3) decoded once per renderer into draw styles in px: a table of
 * small functions keyed by symbol `type`. esriTS lives in text-symbol.ts, since only labels use it.
 * @module carto/symbol-codec
 */
import type { HatchStyle, MarkerShape, PictureStyle, Rgba, StrokeStyle } from './display-list.js';
import { esriColor } from './esri-color.js';
import { imageSize } from './image-size.js';
import { decodeLineSymbol } from './line-symbol.js';

type Json = Record<string, unknown>;

/** A simple marker (esriSMS), sizes in px, offset in px with y down. */
export interface MarkerStyle {
  kind: 'marker';
  shape: MarkerShape;
  size: number;
  angle: number;
  dx: number;
  dy: number;
  fill: Rgba | null;
  stroke: StrokeStyle | null;
}

/** A picture marker (esriPMS), offset in px with y down. */
export interface PictureMarkerStyle { kind: 'picture'; picture: PictureStyle; angle: number; dx: number; dy: number }

/** A line (esriSLS). */
export interface LineStyle { kind: 'line'; stroke: StrokeStyle }

/** An area (esriSFS, esriPFS): at most one of fill, hatch and picture, plus an outline. */
export interface FillStyle { kind: 'fill'; fill: Rgba | null; hatch: HatchStyle | null; picture: PictureStyle | null; stroke: StrokeStyle | null }

/** Any decoded symbol but text. */
export type SymbolStyle = MarkerStyle | PictureMarkerStyle | LineStyle | FillStyle;

const MARKER_SHAPES: Record<string, MarkerShape> = {
  esriSMSCircle: 'circle', esriSMSSquare: 'square', esriSMSDiamond: 'diamond', esriSMSTriangle: 'triangle', esriSMSCross: 'cross', esriSMSX: 'x',
};

/** Hatch line directions of the esriSFS styles, degrees counter-clockwise from east ("/" is forward, as in the legend). */
const HATCH_ANGLES: Record<string, readonly number[]> = {
  esriSFSHorizontal: [0], esriSFSVertical: [90], esriSFSForwardDiagonal: [45], esriSFSBackwardDiagonal: [-45],
  esriSFSCross: [0, 90], esriSFSDiagonalCross: [45, -45],
};

/** Hatch line width in pt: ArcGIS hatches are thin lines a few points apart. */
const HATCH_WIDTH_PT = 1;
/** Hatch line spacing in pt, measured across the lines. */
const HATCH_SPACING_PT = 6;

/** A default outline for cross and x markers, which have no area: one point wide in the marker colour. */
const OPEN_MARKER_OUTLINE_PT = 1;

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/**
 * Decodes the image of an esriPMS/esriPFS. Only inline `imageData` is read: the caller resolves a
 * `url` into `imageData` (mapserver.md §15.3), since engines do no I/O. Sizes are pt, default
 * the image's own size at 96 dpi.
 */
function decodePicture(sym: Json, k: number, scaleX = 1, scaleY = 1): PictureStyle | null {
  if (typeof sym.imageData !== 'string' || sym.imageData.length === 0) return null;
  const data = Buffer.from(sym.imageData, 'base64');
  const image = imageSize(data);
  if (!image || !image.width || !image.height) return null;
  const width = num(sym.width, image.width * 0.75) * k * scaleX;
  const height = num(sym.height, image.height * 0.75) * k * scaleY;
  return { data, contentType: typeof sym.contentType === 'string' ? sym.contentType : 'image/png', width, height };
}

type SymbolCodec = (sym: Json, k: number) => SymbolStyle | null;

/** One decoder per Esri symbol type; `k` is px per pt. */
const SYMBOL_CODECS: Record<string, SymbolCodec> = {
  esriSMS: (sym, k) => {
    const shape = MARKER_SHAPES[String(sym.style ?? 'esriSMSCircle')] ?? 'circle';
    const open = shape === 'cross' || shape === 'x';
    const outline = (sym.outline as Json | null | undefined) ?? (open ? { color: sym.color, width: OPEN_MARKER_OUTLINE_PT } : null);
    const fill = open ? null : esriColor(sym.color);
    const stroke = decodeLineSymbol(outline, k);
    if (!fill && !stroke) return null;
    return { kind: 'marker', shape, size: Math.max(0, num(sym.size, 8)) * k, angle: num(sym.angle, 0), dx: num(sym.xoffset, 0) * k, dy: -num(sym.yoffset, 0) * k, fill, stroke };
  },
  esriPMS: (sym, k) => {
    const picture = decodePicture(sym, k);
    return picture && { kind: 'picture', picture, angle: num(sym.angle, 0), dx: num(sym.xoffset, 0) * k, dy: -num(sym.yoffset, 0) * k };
  },
  esriSLS: (sym, k) => {
    const stroke = decodeLineSymbol(sym, k);
    return stroke && { kind: 'line', stroke };
  },
  esriSFS: (sym, k) => {
    const style = String(sym.style ?? 'esriSFSSolid');
    const color = style === 'esriSFSNull' ? null : esriColor(sym.color);
    const angles = HATCH_ANGLES[style];
    const hatch = color && angles ? { color, width: HATCH_WIDTH_PT * k, spacing: HATCH_SPACING_PT * k, angles } : null;
    const fill = hatch ? null : color;
    const stroke = decodeLineSymbol(sym.outline as Json | undefined, k);
    return fill || hatch || stroke ? { kind: 'fill', fill, hatch, picture: null, stroke } : null;
  },
  esriPFS: (sym, k) => {
    const picture = decodePicture(sym, k, num(sym.xscale, 1) || 1, num(sym.yscale, 1) || 1);
    const stroke = decodeLineSymbol(sym.outline as Json | undefined, k);
    return picture || stroke ? { kind: 'fill', fill: null, hatch: null, picture, stroke } : null;
  },
};

/**
 * Decodes an Esri symbol to a draw style in px.
 * @param k px per pt (dpi / 72).
 * @returns null for a symbol that draws nothing, an unknown type (CIM symbols are refused by the
 * caller, mapserver.md §15.3) or an esriTS.
 */
export function decodeSymbol(sym: unknown, k: number): SymbolStyle | null {
  if (!sym || typeof sym !== 'object') return null;
  const codec = SYMBOL_CODECS[String((sym as Json).type)];
  return codec ? codec(sym as Json, k) : null;
}
