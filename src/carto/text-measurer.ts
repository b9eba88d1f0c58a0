/**
 * Label text measurement with the faces the backends draw with (font-registry.ts). Every call
 * into Skia crosses the N-API boundary, so results are cached: glyph advances per font and
 * code point, and whole-string widths per font.
 * @module carto/text-measurer
 */
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { FontSpec } from './display-list.js';
import { cssFont, registerMapFonts } from './font-registry.js';

/** Vertical extent of a font's em box in px: ascent above and descent below the baseline. */
export interface FontMetrics { ascent: number; descent: number }

interface FontCache { css: string; metrics: FontMetrics; advances: Map<string, number>; widths: Map<string, number> }

/** Whole-string widths kept per font; past this the font's widths start afresh (labels repeat, but not without end). */
const MAX_WIDTHS_PER_FONT = 20_000;

/** Measures label text; `sharedTextMeasurer` keeps its answers from map to map. */
export class TextMeasurer {
  private readonly ctx: SKRSContext2D;
  private readonly fonts = new Map<string, FontCache>();
  private current = '';

  constructor() {
    registerMapFonts();
    this.ctx = createCanvas(1, 1).getContext('2d');
  }

  /** Ascent and descent of the font in px. */
  metrics(font: FontSpec): FontMetrics {
    return this.cache(font).metrics;
  }

  /** Advance width of the whole string in px, kerning included when the font asks for it. */
  width(font: FontSpec, text: string): number {
    const c = this.cache(font);
    let w = c.widths.get(text);
    if (w === undefined) {
      this.use(c, font);
      w = this.ctx.measureText(text).width;
      if (c.widths.size >= MAX_WIDTHS_PER_FONT) c.widths.clear();
      c.widths.set(text, w);
    }
    return w;
  }

  /**
   * Advance of each code point in px, without kerning. Sums of these are a cheap width estimate,
   * and they are exactly how far apart glyphs drawn one by one along a line stand.
   */
  advances(font: FontSpec, glyphs: readonly string[]): Float64Array {
    const c = this.cache(font);
    const out = new Float64Array(glyphs.length);
    for (let i = 0; i < glyphs.length; i++) {
      const g = glyphs[i]!;
      let a = c.advances.get(g);
      if (a === undefined) {
        this.use(c, font);
        a = this.ctx.measureText(g).width;
        c.advances.set(g, a);
      }
      out[i] = a;
    }
    return out;
  }

  private cache(font: FontSpec): FontCache {
    const key = `${cssFont(font)}|${font.kerning ? 'k' : 'n'}`;
    let c = this.fonts.get(key);
    if (!c) {
      const css = cssFont(font);
      this.ctx.font = css;
      this.ctx.fontKerning = font.kerning ? 'normal' : 'none';
      this.current = key;
      const m = this.ctx.measureText('Hg');
      c = { css, metrics: { ascent: m.fontBoundingBoxAscent, descent: m.fontBoundingBoxDescent }, advances: new Map(), widths: new Map() };
      this.fonts.set(key, c);
    }
    return c;
  }

  private use(c: FontCache, font: FontSpec): void {
    const key = `${c.css}|${font.kerning ? 'k' : 'n'}`;
    if (this.current === key) return;
    this.ctx.font = c.css;
    this.ctx.fontKerning = font.kerning ? 'normal' : 'none';
    this.current = key;
  }
}

let shared: TextMeasurer | null = null;

/**
 * The thread's measurer, shared by every map it draws: measuring a label in Skia costs tens of
 * microseconds, and a server draws the same names over and over.
 */
export function sharedTextMeasurer(): TextMeasurer {
  return (shared ??= new TextMeasurer());
}
