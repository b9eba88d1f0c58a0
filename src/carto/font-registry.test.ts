import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCanvas } from '@napi-rs/canvas';
import type { FontSpec } from './display-list.js';
import { cssFont, registerMapFonts } from './font-registry.js';

/** Draws a word and returns its pixels, to compare faces. */
function pixels(font: FontSpec): string {
  registerMapFonts();
  const canvas = createCanvas(220, 50);
  const ctx = canvas.getContext('2d');
  ctx.font = cssFont(font);
  ctx.fillText('Loch Iris', 5, 35);
  return Buffer.from(ctx.getImageData(0, 0, 220, 50).data).toString('base64');
}

describe('map fonts', () => {
  const base: FontSpec = { family: 'DejaVu Sans', size: 30, style: 'normal', weight: 'normal', decoration: 'none', kerning: true };
  it('draws italic, oblique and bold faces, not the upright regular for all', () => {
    const upright = pixels(base);
    assert.notEqual(pixels({ ...base, style: 'italic' } ), upright);
    assert.notEqual(pixels({ ...base, weight: 'bold' }), upright);
    assert.notEqual(pixels({ ...base, style: 'italic', weight: 'bold' } ), pixels({ ...base, weight: 'bold' }));
    const serif = { ...base, family: 'DejaVu Serif' };
    assert.notEqual(pixels({ ...serif, style: 'italic' } ), pixels(serif));
  });
});
