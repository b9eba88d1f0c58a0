/**
 * The fonts maps are drawn with. Measuring and drawing must use the very same faces, so the
 * DejaVu families are registered once with Skia and every Esri font family resolves to one of
 * them (mapserver.md §15.5: fonts that are not installed fall back to DejaVu Sans).
 * @module carto/font-registry
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';
import type { FontSpec } from './display-list.js';

/** The faces ship with the `dejavu-fonts-ttf` package, so maps look the same on every machine. */
const FONT_DIR = join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/** The default face, and the one any unknown family falls back to. */
const DEFAULT_FONT_FAMILY = 'DejaVu Sans';

/** Registered families and their files (regular, bold, oblique or italic, bold oblique). */
const FAMILY_FILES: Record<string, readonly string[]> = {
  'DejaVu Sans': ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'],
  'DejaVu Serif': ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf', 'DejaVuSerif-Italic.ttf', 'DejaVuSerif-BoldItalic.ttf'],
};

/** Lower-cased Esri family names that read better in the serif face than in the sans fallback. */
const SERIF_ALIASES = new Set(['serif', 'times', 'times new roman', 'georgia', 'garamond', 'dejavu serif', 'book antiqua', 'palatino linotype']);

let registered = false;

/** Registers the DejaVu faces with Skia; later calls do nothing. */
export function registerMapFonts(): void {
  if (registered) return;
  registered = true;
  for (const [family, files] of Object.entries(FAMILY_FILES)) {
    for (const file of files) {
      const path = join(FONT_DIR, file);
      if (existsSync(path)) GlobalFonts.registerFromPath(path, family);
    }
  }
}

/** The registered family an Esri `font.family` is drawn with. */
export function resolveFontFamily(family: unknown): string {
  const name = typeof family === 'string' ? family.trim().toLowerCase() : '';
  return SERIF_ALIASES.has(name) ? 'DejaVu Serif' : DEFAULT_FONT_FAMILY;
}

/** CSS weight keywords as numbers: Skia's font parser misreads `italic normal 12px`. */
const WEIGHTS: Record<string, number> = { normal: 400, bold: 700, bolder: 700, lighter: 300 };

/** The CSS font shorthand of a font, for a canvas context (size in px). */
export function cssFont(font: FontSpec): string {
  return `${font.style} ${WEIGHTS[font.weight] ?? font.weight} ${font.size}px "${font.family}"`;
}
