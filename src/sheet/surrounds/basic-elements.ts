/**
 * The layout elements drawn from the element alone: a text element's given string, a rule and an
 * image. Sheets and prints fill text elements from their own values, then draw them here.
 * @module sheet/surrounds/basic-elements
 */
import type { ImageItem, PathItem, Rgba, TextItem } from '../../carto/display-list.js';
import type { LayoutElement } from '../../layout/layout-template.js';
import { lines, PALETTE, rect, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';

/** The smallest type a text element shrinks to, pt. */
const MIN_TEXT_SIZE = 4;

/** Hex `#rrggbb` to RGBA, black when absent or malformed. */
function hexColor(hex: string | undefined): Rgba {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16), 255] : PALETTE.black;
}

/**
 * `value`, trimmed, in the element's font (8 pt when it has none), wrapped to the box width and
 * shrunk in 0.5 pt steps until it fits the box height or reaches 4 pt, placed in the box by
 * `align` and `verticalAlign`. Empty text draws nothing.
 */
export function drawTextElement(value: string, element: Pick<LayoutElement, 'font' | 'align' | 'verticalAlign'>, box: PageBox, text: PageText): TextItem[] {
  const trimmed = value.trim();
  if (!trimmed) return [];
  const font = element.font ?? { size: 8 };
  const style: TextStyle = { size: font.size, family: font.family, weight: font.weight, style: font.style, color: hexColor(font.color), align: element.align ?? 'left' };
  for (let size = style.size; ; size -= 0.5) {
    const p = text.paragraph(trimmed, box.x, box.y, box.width, { ...style, size });
    if (p.height <= box.height + 0.5 || size <= MIN_TEXT_SIZE) {
      const shift = element.verticalAlign === 'bottom' ? box.height - p.height : element.verticalAlign === 'middle' ? (box.height - p.height) / 2 : 0;
      return shift > 0 ? p.items.map((t) => ({ ...t, y: t.y + shift })) : p.items;
    }
  }
}

/** A rule element, `lineWidth` mm wide (default 0.2): a line along a box without width or height, else the box outlined. */
export function drawRuleElement(element: Pick<LayoutElement, 'lineWidth'>, box: PageBox): PathItem[] {
  const width = ((element.lineWidth ?? 0.2) * 72) / 25.4;
  return box.width === 0 || box.height === 0 ? [lines([[box.x, box.y, box.x + box.width, box.y + box.height]], { width })] : [rect(box, null, { width })];
}

/** An image element: the PNG or JPEG of its `data:` URL filling the box; nothing for any other source. */
export function drawImageElement(element: Pick<LayoutElement, 'source'>, box: PageBox): ImageItem[] {
  const m = /^data:(image\/(?:png|jpeg));base64,(.+)$/.exec(element.source ?? '');
  if (!m) return [];
  const picture = { data: Buffer.from(m[2]!, 'base64'), contentType: m[1]!, width: box.width, height: box.height };
  return [{ kind: 'image', picture, points: Float64Array.of(box.x + box.width / 2, box.y + box.height / 2), scales: null, angle: 0, angles: null, opacity: 1 }];
}
