/**
 * Shared by the surround element tests: reading the text out of a drawn element, checking that
 * everything it draws stays inside its box (by geometry and by rendered ink), and rendering it
 * enlarged for pixel checks.
 * @module sheet/surrounds/surround-test-fixture
 */
import assert from 'node:assert/strict';
import type { DisplayItem, TextItem } from '../../carto/display-list.js';
import { TextMeasurer } from '../../carto/text-measurer.js';
import { renderPng } from '../../render/render-png.js';
import { decodePixels, type Pixels } from '../../render/render-test-fixture.js';
import { place, type PageBox } from '../page-drawing.js';

/** Device px per pt of `renderZoomed`: enough to tell a thin line's colour from its anti-aliasing. */
export const ZOOM = 4;
/** Blank pt kept around the box by `renderZoomed`, so ink that leaves the box is seen. */
const MARGIN = 10;

const measurer = new TextMeasurer();

/** The text items, in drawing order. */
export const texts = (items: readonly DisplayItem[]): TextItem[] => items.filter((i): i is TextItem => i.kind === 'text');

/** The strings of the text items, in drawing order. */
export const textContents = (items: readonly DisplayItem[]): string[] => texts(items).map((t) => t.text);

/**
 * Asserts that every item's extent lies inside the box: paths and markers with half their
 * stroke (and a marker's half size), text by its advance and its font's ascent and descent,
 * upright (0°) or turned 90° counter-clockwise. Any other item fails.
 */
export function assertInside(items: readonly DisplayItem[], box: PageBox): void {
  for (const item of items) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    if (item.kind === 'path' || item.kind === 'marker') {
      const coords = item.kind === 'path' ? item.coords : item.points;
      const half = (item.stroke?.width ?? 0) / 2 + (item.kind === 'marker' ? item.size / 2 : 0);
      for (let i = 0; i < coords.length; i += 2) {
        x0 = Math.min(x0, coords[i]! - half); x1 = Math.max(x1, coords[i]! + half);
        y0 = Math.min(y0, coords[i + 1]! - half); y1 = Math.max(y1, coords[i + 1]! + half);
      }
    } else if (item.kind === 'text') {
      const { ascent, descent } = measurer.metrics(item.font);
      const start = item.align === 'left' ? 0 : item.align === 'center' ? item.width / 2 : item.width;
      if (item.angle === 90) { x0 = item.x - ascent; x1 = item.x + descent; y1 = item.y + start; y0 = y1 - item.width; } else {
        assert.equal(item.angle, 0);
        x0 = item.x - start; x1 = x0 + item.width; y0 = item.y - ascent; y1 = item.y + descent;
      }
    } else assert.fail(`unexpected ${item.kind}`);
    const e = 1e-6;
    assert.ok(x0 >= box.x - e && y0 >= box.y - e && x1 <= box.x + box.width + e && y1 <= box.y + box.height + e,
      `${item.kind} ${item.kind === 'text' ? item.text : ''} [${x0}, ${y0}, ${x1}, ${y1}] outside the box`);
  }
}

/**
 * The items rendered at ZOOM px per pt on a transparent page reaching MARGIN pt past the box's
 * right and bottom edges; read a page point (x, y) at `at(x * ZOOM, y * ZOOM)`.
 */
export async function renderZoomed(items: DisplayItem[], box: PageBox): Promise<Pixels> {
  const width = Math.ceil((box.x + box.width + MARGIN) * ZOOM), height = Math.ceil((box.y + box.height + MARGIN) * ZOOM);
  return decodePixels(await renderPng({ width, height, dpi: 72 * ZOOM, background: null, items: [place(items, 0, 0, ZOOM)] }, { mode: 'png32' }));
}

/** Pixels of a `renderZoomed` image with ink outside the box (a pixel of anti-aliasing allowed). */
export function inkOutside(px: Pixels, box: PageBox): number {
  const x0 = box.x * ZOOM - 1, x1 = (box.x + box.width) * ZOOM + 1, y0 = box.y * ZOOM - 1, y1 = (box.y + box.height) * ZOOM + 1;
  let n = 0;
  for (let y = 0; y < px.height; y++) {
    for (let x = 0; x < px.width; x++) if ((x < x0 || x > x1 || y < y0 || y > y1) && px.at(x, y)[3] > 0) n++;
  }
  return n;
}

/** The items rendered on a white page `width` × `height` pt at 1 px per pt; read a page point (x, y) at `at(x, y)`. */
export async function renderOnWhite(items: DisplayItem[], width: number, height: number): Promise<Pixels> {
  return decodePixels(await renderPng({ width, height, dpi: 72, background: [255, 255, 255, 255], items }, { mode: 'png32' }));
}
