/**
 * A north arrow for printing layouts: the classic half-filled arrowhead (west half black, east
 * half white, outlined) with an `N` above its tip, turned with the map when the map is rotated.
 * Topographic sheets show north with the declination diagram instead (topographic-sheet.md §9).
 * @module sheet/surrounds/north-arrow
 */
import type { DisplayItem } from '../../carto/display-list.js';
import { PALETTE, polygons, type PageBox, type PageText, type TextStyle } from '../page-drawing.js';

/** How the map is turned. */
export interface NorthArrowInput {
  /** [rotation=0] Degrees counter-clockwise the map is rotated on the page: the arrow turns with it. */
  rotation?: number;
}

/** Room kept free along the box edges for the outline's stroke. */
const PAD = 1;
const OUTLINE = 0.5;
const LETTER_SIZES = [9, 8, 7, 6] as const;
/** The arrowhead in units of its length, tip up, y down: tip, west barb, notch, east barb. */
const TIP = [0, -0.5] as const, WEST = [-0.19, 0.5] as const, NOTCH = [0, 0.3] as const, EAST = [0.19, 0.5] as const;
/** Gap between the tip and the `N`'s baseline, in units of the arrow's length. */
const LETTER_GAP = 0.08;

/**
 * Draws the north arrow as large as `box` holds it at any turn of `rotation`, centred: the
 * arrowhead and the `N` (9 pt, down to 6 pt in a small box) turn together about the box centre.
 * A box too small for a readable arrow draws nothing.
 */
export function drawNorthArrow(input: NorthArrowInput, box: PageBox, text: PageText): DisplayItem[] {
  const rotation = input.rotation ?? 0;
  const a = (rotation * Math.PI) / 180, cos = Math.cos(a), sin = Math.sin(a);
  // Counter-clockwise on a page whose y points down.
  const turn = (x: number, y: number): [number, number] => [x * cos + y * sin, -x * sin + y * cos];
  const w = box.width - 2 * PAD, h = box.height - 2 * PAD;
  for (const size of LETTER_SIZES) {
    const style: TextStyle = { size, weight: 'bold' };
    const lw = text.width('N', style);
    const { ascent, descent } = text.metrics(style);
    // The letter's baseline, so that its descent clears the tip by the gap.
    const baseline = (L: number) => -0.5 * L - LETTER_GAP * L - descent;
    // The figure's outline points for an arrow of length L (pt), about the arrow's centre.
    const points = (L: number): [number, number][] => {
      const base = baseline(L);
      const letter: [number, number][] = [[-lw / 2, base - ascent], [lw / 2, base - ascent], [lw / 2, base + descent], [-lw / 2, base + descent]];
      const head: [number, number][] = [TIP, WEST, EAST].map(([x, y]) => [x * L, y * L]);
      return [...head, ...letter].map(([x, y]) => turn(x, y));
    };
    const extent = (L: number) => {
      const p = points(L);
      const xs = p.map((q) => q[0]), ys = p.map((q) => q[1]);
      return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
    };
    // The letter does not grow with the arrow, so the fitting length is found by halving.
    let lo = 0, hi = Math.max(w, h) * 2;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2, e = extent(mid);
      if (e.x1 - e.x0 + OUTLINE <= w && e.y1 - e.y0 + OUTLINE <= h) lo = mid; else hi = mid;
    }
    // An arrow shorter than four letters high is not worth drawing, at the smallest type.
    if (lo < 4 * size * 0.75) continue;
    const L = lo, e = extent(L);
    const cx = box.x + box.width / 2 - (e.x0 + e.x1) / 2, cy = box.y + box.height / 2 - (e.y0 + e.y1) / 2;
    const at = ([x, y]: readonly [number, number]) => { const [tx, ty] = turn(x * L, y * L); return [cx + tx, cy + ty]; };
    const [lx, ly] = turn(0, baseline(L));
    return [
      polygons([[...at(TIP), ...at(WEST), ...at(NOTCH)]], PALETTE.black, { width: OUTLINE, join: 'round' }),
      polygons([[...at(TIP), ...at(NOTCH), ...at(EAST)]], PALETTE.white, { width: OUTLINE, join: 'round' }),
      text.text('N', cx + lx, cy + ly, { ...style, align: 'center', angle: rotation }),
    ];
  }
  return [];
}
