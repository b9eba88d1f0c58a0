/**
 * The bar scales of a sheet's bottom margin (topographic-sheet.md §3 rows 4 and 11): the
 * representative fraction and, stacked under it, one bar per unit with alternating black and
 * white divisions, an extension left of zero subdivided for reading short distances, and the
 * unit's name at the right end. Every bar starts at the same zero, as on printed sheets, and its
 * divisions are exact: a division of `g` ground units is `g` × metres per unit / scale on paper.
 * @module sheet/surrounds/scale-bars
 */
import type { DisplayItem } from '../../carto/display-list.js';
import { PALETTE, rect, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';

/** Units a bar can measure in. */
export type ScaleBarUnit = 'kilometers' | 'miles' | 'nauticalMiles' | 'yards' | 'feet' | 'meters';

/** What the bar scales show. */
export interface ScaleBarsInput {
  /** Scale denominator, e.g. 50000. */
  scale: number;
  /** Bars from top to bottom; kilometres, statute miles and nautical miles when absent. */
  units?: ScaleBarUnit[];
  /** Names printed at the bars' right ends, in the order of `units`; an absent or empty one is the unit's own name. */
  labels?: string[];
}

/** Metres in each unit, and the name printed at the bar's right end. */
export const SCALE_BAR_UNITS: Record<ScaleBarUnit, { metres: number; name: string }> = {
  kilometers: { metres: 1000, name: 'KILOMETRES' },
  miles: { metres: 1609.344, name: 'STATUTE MILES' },
  nauticalMiles: { metres: 1852, name: 'NAUTICAL MILES' },
  yards: { metres: 0.9144, name: 'YARDS' },
  feet: { metres: 0.3048, name: 'FEET' },
  meters: { metres: 1, name: 'METRES' },
};

/** Points in a metre of paper. */
const PT_PER_METRE = 72 / 0.0254;

/** Division values with thousands separators; one formatter, as each `toLocaleString` call builds its own. */
const FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const number = (v: number) => FORMAT.format(v);

/** `1:50,000`: the representative fraction with thousands separators. */
export function scaleText(scale: number): string {
  return `1:${FORMAT.format(Math.round(scale))}`;
}

/** Length on the page, pt, of `ground` units at the scale. */
export function pagePoints(ground: number, unit: ScaleBarUnit, scale: number): number {
  return (ground * SCALE_BAR_UNITS[unit].metres / scale) * PT_PER_METRE;
}

/** One bar: `divisions` steps of `step` units right of zero, one more left of it cut into `parts`, and the name at its end. */
interface Bar { unit: ScaleBarUnit; name: string; step: number; stepPt: number; divisions: number; parts: number; labels: string[] }

/**
 * The bar of a unit that fills `width` pt (extension included) best: a round step (1, 2 or 5 ×
 * 10ⁿ units) with its labels fitting between the divisions. Among bars at least 90 % as long as
 * the longest, one of 3–6 divisions is preferred (then 2–10), then the longer, then the larger step.
 */
function chooseBar(unit: ScaleBarUnit, name: string, scale: number, width: number, label: TextStyle, text: PageText): Bar | null {
  const bars: Bar[] = [];
  // Only steps between 3 pt and half the width can make a bar.
  const unitPt = pagePoints(1, unit, scale);
  for (let e = Math.floor(Math.log10(3 / unitPt)); e <= Math.ceil(Math.log10(width / 2 / unitPt)); e++) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** e, stepPt = pagePoints(step, unit, scale);
      const divisions = Math.min(10, Math.floor(width / stepPt + 1e-9) - 1);
      if (divisions < 1 || stepPt < 3) continue;
      const labels = Array.from({ length: divisions + 1 }, (_, i) => number(i * step));
      if (Math.max(...labels.map((l) => text.width(l, label))) > stepPt - 2) continue;
      const parts = [m === 5 ? 5 : 10, 5, 2].find((p) => stepPt / p >= 1.5) ?? 1;
      bars.push({ unit, name, step, stepPt, divisions, parts, labels });
    }
  }
  const length = (b: Bar) => (b.divisions + 1) * b.stepPt;
  const longest = Math.max(...bars.map(length));
  const rank = (b: Bar) => (b.divisions >= 3 && b.divisions <= 6 ? 0 : b.divisions >= 2 ? 1 : 2);
  const good = bars.filter((b) => length(b) >= 0.9 * longest).sort((a, b) => rank(a) - rank(b) || length(b) - length(a) || b.step - a.step);
  return good[0] ?? null;
}

const OUTLINE = { width: 0.4 };

/** Left edge of the unit name: clear of the bar's end and of its last label. */
function nameOffset(bar: Bar, label: TextStyle, text: PageText): number {
  const end = bar.divisions * bar.stepPt;
  return end + Math.max(label.size / 2, text.width(bar.labels[bar.labels.length - 1]!, label) / 2 + label.size / 6);
}

/** Height of one bar's block: labels, a 1 pt gap, and the bar or the unit name beside it, whichever reaches lower. */
function blockHeight(label: TextStyle, barHeight: number, text: PageText): number {
  const { ascent, descent } = text.metrics(label);
  return ascent + descent + 1 + Math.max(barHeight + OUTLINE.width / 2, (barHeight + ascent + descent) / 2);
}

/** One bar with its labels and name, its zero at `zero` and its top at `top`. */
function drawBar(bar: Bar, zero: number, top: number, height: number, label: TextStyle, text: PageText): DisplayItem[] {
  const items: DisplayItem[] = [];
  const { ascent, descent } = text.metrics(label);
  const barTop = top + ascent + descent + 1;
  const sub = bar.stepPt / bar.parts;
  for (let i = 0; i < bar.parts; i++) {
    // Alternating so that the part touching zero is white, beside the first black division.
    const fill = (bar.parts - i) % 2 === 0 ? PALETTE.black : PALETTE.white;
    items.push(rect({ x: zero - bar.stepPt + i * sub, y: barTop, width: sub, height }, fill, OUTLINE));
  }
  for (let i = 0; i < bar.divisions; i++) {
    items.push(rect({ x: zero + i * bar.stepPt, y: barTop, width: bar.stepPt, height }, i % 2 === 0 ? PALETTE.black : PALETTE.white, OUTLINE));
  }
  const center = { ...label, align: 'center' as const };
  items.push(text.text(number(bar.step), zero - bar.stepPt, top + ascent, center));
  bar.labels.forEach((l, i) => items.push(text.text(l, zero + i * bar.stepPt, top + ascent, center)));
  items.push(text.text(bar.name, zero + nameOffset(bar, label, text), barTop + height / 2 + (ascent - descent) / 2, label));
  return items;
}

/** Width a bar needs left of its zero, and right of it, pt. */
function reach(bar: Bar, label: TextStyle, text: PageText): [number, number] {
  const left = bar.stepPt + Math.max(OUTLINE.width / 2, text.width(number(bar.step), label) / 2);
  const right = nameOffset(bar, label, text) + text.width(bar.name, label);
  return [left, right];
}

/**
 * Draws the representative fraction and the bars into `box`, the block centred; type and bars
 * shrink (to 60 %) when the box is low, and the last bars are left out when even that does not fit.
 */
export function drawScaleBars(input: ScaleBarsInput, box: PageBox, text: PageText): DisplayItem[] {
  const units = input.units ?? ['kilometers', 'miles', 'nauticalMiles'];
  const barNames = units.map((u, i) => input.labels?.[i] || SCALE_BAR_UNITS[u].name);
  const rfHeight = (f: number) => { const m = text.metrics({ size: 9 * f }); return m.ascent + m.descent; };
  const heightAt = (f: number, n: number) => rfHeight(f) + n * 4 * f + n * blockHeight({ size: 6 * f }, 3 * f, text);
  let count = units.length, f = 1;
  while (count > 0 && heightAt(0.6, count) > box.height) count--;
  while (f > 0.6 && heightAt(f, count) > box.height) f = Math.max(0.6, f - 0.02);
  const rf: TextStyle = { size: 9 * f, align: 'center' }, label: TextStyle = { size: 6 * f };
  const items: DisplayItem[] = [];
  if (text.width(scaleText(input.scale), rf) <= box.width && rfHeight(f) <= box.height) {
    items.push(text.text(scaleText(input.scale), box.x + box.width / 2, box.y + text.metrics(rf).ascent, rf));
  }
  // The longest bars whose block, all sharing one zero, fits the box width.
  let bars: Bar[] = [], left = 0, right = 0;
  const names = Math.max(0, ...barNames.slice(0, count).map((n) => text.width(n, label)));
  for (let width = box.width - names; width > 10 && count > 0; width *= 0.97) {
    const chosen = units.slice(0, count).map((u, i) => chooseBar(u, barNames[i]!, input.scale, width, label, text));
    if (chosen.some((b) => !b)) continue;
    const reaches = (chosen as Bar[]).map((b) => reach(b, label, text));
    left = Math.max(...reaches.map((r) => r[0]));
    right = Math.max(...reaches.map((r) => r[1]));
    if (left + right <= box.width) { bars = chosen as Bar[]; break; }
  }
  const zero = box.x + (box.width - left - right) / 2 + left;
  let top = box.y + rfHeight(f) + 4 * f;
  for (const bar of bars) {
    items.push(...drawBar(bar, zero, top, 3 * f, label, text));
    top += blockHeight(label, 3 * f, text) + 4 * f;
  }
  return items;
}
