/**
 * Glyph outlines of label text as paths, for halos in PDF. Skia writes stroked text
 * (`strokeText`) into a PDF as a second, Type 3 copy of the text, so every haloed label would be
 * extracted twice; stroking the outlines instead keeps exactly one copy of the text in the file.
 * Outlines come from resvg's text-to-path conversion, with the same registered fonts.
 * @module render/text-outlines
 */
import { convertSVGTextToPath, Path2D } from '@napi-rs/canvas';
import type { FontSpec } from '../carto/display-list.js';

const ANCHOR = { left: 'start', center: 'middle', right: 'end' } as const;

const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One glyph of the converted SVG: its placement transform and its path data. */
const GLYPH = /<path\s+transform="(translate|matrix)\(([^)]*)\)"\s+d="([^"]*)"/g;

/** Outline paths of texts, cached per font, alignment and text for the life of the instance. */
export class TextOutlines {
  private readonly cache = new Map<string, Path2D>();

  /**
   * The outlines of `text` with its baseline on y = 0 and its anchor (left, centre or right
   * end, per `align`) at x = 0, in px.
   */
  path(text: string, font: FontSpec, align: keyof typeof ANCHOR): Path2D {
    const key = `${font.family}|${font.size}|${font.style}|${font.weight}|${font.kerning}|${align}|${text}`;
    let path = this.cache.get(key);
    if (!path) {
      path = outlines(text, font, ANCHOR[align]);
      this.cache.set(key, path);
    }
    return path;
  }
}

function outlines(text: string, font: FontSpec, anchor: string): Path2D {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text x="0" y="0" xml:space="preserve" text-anchor="${anchor}"`
    + ` font-family="'${escapeXml(font.family)}'" font-size="${font.size}" font-style="${font.style}" font-weight="${font.weight}"`
    + `${font.kerning ? '' : ' font-kerning="none"'}>${escapeXml(text)}</text></svg>`;
  const path = new Path2D();
  for (const [, kind, args, d] of convertSVGTextToPath(svg).toString('utf8').matchAll(GLYPH)) {
    if (!d) continue;
    const n = args!.trim().split(/[\s,]+/).map(Number);
    const transform = kind === 'translate' ? { a: 1, b: 0, c: 0, d: 1, e: n[0] ?? 0, f: n[1] ?? 0 } : { a: n[0]!, b: n[1]!, c: n[2]!, d: n[3]!, e: n[4]!, f: n[5]! };
    path.addPath(new Path2D(d), transform);
  }
  return path;
}
