/**
 * Legend swatches: an Esri symbol (mapserver.md §15.3) drawn into a small PNG, as ArcGIS
 * returns them from `legend`. Sizes are in points, scaled to the requested dpi.
 * @module carto/symbol-swatch
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';

type Color = number[] | null | undefined;
export type EsriSymbol = Record<string, unknown>;

const css = (c: Color): string | null => (Array.isArray(c) && c.length >= 3 && (c[3] ?? 255) > 0
  ? `rgba(${c[0]},${c[1]},${c[2]},${((c[3] ?? 255) / 255).toFixed(3)})` : null);

/** Dash patterns in multiples of the line width (ArcGIS esriSLS styles). */
export const DASHES: Record<string, number[]> = {
  esriSLSSolid: [], esriSLSDash: [4, 3], esriSLSDashDot: [4, 3, 1, 3], esriSLSDashDotDot: [4, 3, 1, 3, 1, 3],
  esriSLSDot: [1, 3], esriSLSLongDash: [8, 3], esriSLSShortDash: [2, 2],
};

function strokeLine(ctx: SKRSContext2D, sym: EsriSymbol | undefined, k: number): boolean {
  if (!sym || sym.style === 'esriSLSNull') return false;
  const color = css(sym.color as Color);
  if (!color) return false;
  const width = Math.max(0.5, Number(sym.width ?? 1) * k);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash((DASHES[String(sym.style ?? 'esriSLSSolid')] ?? []).map((d) => d * width));
  return true;
}

/** Hatch line directions of esriSFS styles, as [dx, dy] unit steps. */
const HATCHES: Record<string, [number, number][]> = {
  esriSFSHorizontal: [[1, 0]], esriSFSVertical: [[0, 1]], esriSFSForwardDiagonal: [[1, -1]], esriSFSBackwardDiagonal: [[1, 1]],
  esriSFSCross: [[1, 0], [0, 1]], esriSFSDiagonalCross: [[1, -1], [1, 1]],
};

type Painter = (ctx: SKRSContext2D, sym: EsriSymbol, w: number, h: number, k: number) => void;

const PAINTERS: Record<string, Painter> = {
  esriSMS: (ctx, sym, w, h, k) => {
    const size = Math.min(Math.max(2, Number(sym.size ?? 8) * k), Math.min(w, h) - 2);
    const r = size / 2, cx = w / 2, cy = h / 2;
    ctx.beginPath();
    switch (sym.style) {
      case 'esriSMSSquare': ctx.rect(cx - r, cy - r, size, size); break;
      case 'esriSMSDiamond': ctx.moveTo(cx, cy - r); ctx.lineTo(cx + r, cy); ctx.lineTo(cx, cy + r); ctx.lineTo(cx - r, cy); ctx.closePath(); break;
      case 'esriSMSTriangle': ctx.moveTo(cx, cy - r); ctx.lineTo(cx + r, cy + r); ctx.lineTo(cx - r, cy + r); ctx.closePath(); break;
      case 'esriSMSCross': ctx.moveTo(cx - r, cy); ctx.lineTo(cx + r, cy); ctx.moveTo(cx, cy - r); ctx.lineTo(cx, cy + r); break;
      case 'esriSMSX': ctx.moveTo(cx - r, cy - r); ctx.lineTo(cx + r, cy + r); ctx.moveTo(cx + r, cy - r); ctx.lineTo(cx - r, cy + r); break;
      default: ctx.arc(cx, cy, r, 0, Math.PI * 2);
    }
    const open = sym.style === 'esriSMSCross' || sym.style === 'esriSMSX';
    const fill = css(sym.color as Color);
    if (!open && fill) { ctx.fillStyle = fill; ctx.fill(); }
    const outline = (sym.outline as EsriSymbol | undefined) ?? (open ? { color: sym.color, width: 1 } : undefined);
    if (strokeLine(ctx, outline, k)) ctx.stroke();
  },
  esriSLS: (ctx, sym, w, h, k) => {
    if (!strokeLine(ctx, sym, k)) return;
    ctx.beginPath();
    ctx.moveTo(1, h / 2);
    ctx.lineTo(w - 1, h / 2);
    ctx.stroke();
  },
  esriSFS: (ctx, sym, w, h, k) => {
    const fill = css(sym.color as Color);
    const style = String(sym.style ?? 'esriSFSSolid');
    ctx.save();
    ctx.beginPath();
    ctx.rect(1, 1, w - 2, h - 2);
    ctx.clip();
    if (fill && style === 'esriSFSSolid') { ctx.fillStyle = fill; ctx.fillRect(0, 0, w, h); }
    for (const [dx, dy] of HATCHES[style] ?? []) {
      if (!fill) break;
      ctx.strokeStyle = fill;
      ctx.lineWidth = k;
      ctx.setLineDash([]);
      ctx.beginPath();
      const step = 6 * k;
      for (let t = -Math.max(w, h) * 2; t < Math.max(w, h) * 2; t += step) {
        ctx.moveTo(dy === 0 ? 0 : t, dy === 0 ? t : 0);
        ctx.lineTo(dy === 0 ? w : t + dx * h * 4, dy === 0 ? t : dy * h * 4);
      }
      ctx.stroke();
    }
    ctx.restore();
    if (strokeLine(ctx, sym.outline as EsriSymbol | undefined, k)) ctx.strokeRect(1, 1, w - 2, h - 2);
  },
};

/**
 * Draws `symbol` into a `width` × `height` pixel PNG. Picture symbols (esriPMS/esriPFS) return
 * their own image data; unknown types draw an empty swatch.
 */
export async function renderSwatch(symbol: EsriSymbol | null | undefined, width: number, height: number, dpi: number): Promise<Buffer> {
  if (symbol && (symbol.type === 'esriPMS' || symbol.type === 'esriPFS') && typeof symbol.imageData === 'string') {
    return Buffer.from(symbol.imageData, 'base64');
  }
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const painter = symbol ? PAINTERS[String(symbol.type)] : undefined;
  if (symbol && painter) painter(ctx, symbol, width, height, dpi / 72);
  return canvas.encode('png');
}
