/**
 * The declination diagram of a sheet's bottom margin (topographic-sheet.md §3 row 10, §9): true,
 * grid and magnetic north as three prongs from one point, in their true order but with the angles
 * spread so they can be read, the values for the sheet centre, and the note that turns magnetic
 * azimuths into grid azimuths and back. The values come in computed (Declination operation), so
 * this module only draws.
 * @module sheet/surrounds/declination-diagram
 */
import type { DisplayItem } from '../../carto/display-list.js';
import type { NorthAngles } from '../../geo/declination.js';
import { lines, PALETTE, polygons, type PageBox, type PageText, type RankedNote, type TextStyle } from '../page-drawing.js';

/**
 * What the diagram prints: the north angles at the sheet centre (angles in degrees, + east).
 * `magneticEastOfGrid` decides the order of the prongs, add or subtract, and the side named
 * after the G–M angle.
 */
export type DeclinationInput = Pick<
  NorthAngles,
  'gridConvergence' | 'declination' | 'annualChange' | 'gmAngle' | 'gmAngleRounded' | 'gmMils' | 'magneticEastOfGrid' | 'year' | 'model'
>;

const LABEL: TextStyle = { size: 7 };
const NOTE: TextStyle = { size: 5.5 };
const PRONG = { width: 0.5 };
/** Degrees between neighbouring prongs, at least and at most, whatever the true angles. */
const MIN_GAP = 8;
const MAX_GAP = 20;

/** `2°07′`: unsigned degrees and whole minutes. */
export function degreesMinutes(v: number): string {
  let d = Math.floor(Math.abs(v));
  let m = Math.round((Math.abs(v) - d) * 60);
  if (m === 60) { d += 1; m = 0; }
  return `${d}°${String(m).padStart(2, '0')}′`;
}

/** `2½°`, `½°`, `3°`: a value already rounded to the nearest half degree. */
function halfDegrees(v: number): string {
  const whole = Math.floor(Math.abs(v) + 1e-9);
  const half = Math.abs(v) - whole >= 0.25 ? '½' : '';
  return `${whole || !half ? whole : ''}${half}°`;
}

const side = (v: number) => (v >= 0 ? 'EAST' : 'WEST');

/** The printed notes in reading order; the G–M angle and the conversion note stay longest. */
export function declinationNotes(d: DeclinationInput): RankedNote[] {
  const toGrid = d.magneticEastOfGrid ? 'ADD' : 'SUBTRACT';
  const toMagnetic = d.magneticEastOfGrid ? 'SUBTRACT' : 'ADD';
  const change = Math.abs(d.annualChange) * 60 < 0.5
    ? 'ANNUAL CHANGE LESS THAN 0°01′'
    : `ANNUAL CHANGE ${degreesMinutes(d.annualChange)}, MAGNETIC NORTH MOVING ${side(d.annualChange)}`;
  return [
    { rank: 3, text: `UTM GRID CONVERGENCE AT CENTRE OF SHEET ${degreesMinutes(d.gridConvergence)} ${side(d.gridConvergence)}` },
    { rank: 2, text: `${d.year} MAGNETIC DECLINATION AT CENTRE OF SHEET ${degreesMinutes(d.declination)} ${side(d.declination)} (${d.model})` },
    { rank: 0, text: `G–M ANGLE ${halfDegrees(d.gmAngleRounded)} (${Math.abs(Math.round(d.gmMils)).toLocaleString('en-US')} MILS) ${d.magneticEastOfGrid ? 'EAST' : 'WEST'}` },
    {
      rank: 1,
      text: `TO CONVERT A MAGNETIC AZIMUTH TO A GRID AZIMUTH, ${toGrid} THE G–M ANGLE. ` +
        `TO CONVERT A GRID AZIMUTH TO A MAGNETIC AZIMUTH, ${toMagnetic} THE G–M ANGLE.`,
    },
    { rank: 4, text: change },
  ];
}

type North = 'TN' | 'GN' | 'MN';

/**
 * Drawn angle of each prong, degrees clockwise from up: true north stays vertical, grid and
 * magnetic north keep their side of it and of each other (`magneticEastOfGrid` decides the
 * latter), each gap widened to at least `minGap`.
 */
export function prongAngles(d: DeclinationInput, minGap = MIN_GAP): Record<North, number> {
  const value: Record<North, number> = { TN: 0, GN: d.gridConvergence, MN: d.declination };
  const order: North[] = d.magneticEastOfGrid ? ['GN', 'MN'] : ['MN', 'GN'];
  order.splice((d.gridConvergence < 0 ? 1 : 0) + (d.declination < 0 ? 1 : 0), 0, 'TN');
  const gap = (a: North, b: North) => Math.min(Math.max(Math.abs(value[a] - value[b]), minGap), Math.max(minGap, MAX_GAP));
  const angle: Record<North, number> = { TN: 0, GN: 0, MN: 0 };
  const t = order.indexOf('TN');
  for (let i = t + 1; i < 3; i++) angle[order[i]!] = angle[order[i - 1]!] + gap(order[i - 1]!, order[i]!);
  for (let i = t - 1; i >= 0; i--) angle[order[i]!] = angle[order[i + 1]!] - gap(order[i]!, order[i + 1]!);
  return angle;
}

/** Five-pointed star centred at (cx, cy) as a flat ring. */
function star(cx: number, cy: number, r: number): number[] {
  const ring: number[] = [];
  for (let i = 0; i < 10; i++) {
    const a = (Math.PI / 5) * i, ri = i % 2 ? r * 0.4 : r;
    ring.push(cx + ri * Math.sin(a), cy - ri * Math.cos(a));
  }
  return ring;
}

/** The prongs with their star, labels and half arrowhead from (ox, oy), prong length `r`, and their extent. */
function prongs(d: DeclinationInput, r: number, ox: number, oy: number, text: PageText): { items: DisplayItem[]; bbox: number[] } {
  const { ascent, descent } = text.metrics(LABEL);
  const labelWidth = text.width('MN', LABEL);
  // Wide enough apart that neighbouring letters do not touch.
  const angles = prongAngles(d, Math.min(30, Math.max(MIN_GAP, ((labelWidth + 2) / r) * (180 / Math.PI))));
  const at = (n: North, reach: number) => [ox + Math.sin((angles[n] * Math.PI) / 180) * reach, oy - Math.cos((angles[n] * Math.PI) / 180) * reach] as const;
  const items: DisplayItem[] = (['TN', 'GN', 'MN'] as const).map((n) => lines([[ox, oy, ...at(n, r)]], PRONG));
  const bbox = [ox, oy, ox, oy];
  const grow = (x: number, y: number, dx: number, dy: number) => {
    bbox[0] = Math.min(bbox[0]!, x - dx); bbox[1] = Math.min(bbox[1]!, y - dy); bbox[2] = Math.max(bbox[2]!, x + dx); bbox[3] = Math.max(bbox[3]!, y + dy);
  };
  // True north: a star beyond the tip.
  const sr = Math.max(1.5, Math.min(3.5, r * 0.08));
  const [sx, sy] = at('TN', r + sr + 1);
  items.push(polygons([star(sx, sy, sr)], PALETTE.black));
  grow(sx, sy, sr, sr);
  // Grid and magnetic north: their letters beyond the tips, centred on the prong's line.
  const h = ascent + descent;
  for (const n of ['GN', 'MN'] as const) {
    const [cx, cy] = at(n, r + 1.5 + h / 2);
    items.push(text.text(n, cx, cy + (ascent - descent) / 2, { ...LABEL, align: 'center' }));
    grow(cx, cy, text.width(n, LABEL) / 2, h / 2);
  }
  // Magnetic north: a half arrowhead on the side facing away from the other prongs.
  const ah = Math.max(2.5, r * 0.14), aw = ah * 0.4;
  const out = angles.MN <= Math.min(angles.GN, angles.TN) ? -1 : 1;
  const [mx, my] = at('MN', r), [bx, by] = at('MN', r - ah);
  const ux = (mx - ox) / r, uy = (my - oy) / r;
  items.push(polygons([[mx, my, bx - uy * aw * out, by + ux * aw * out, bx, by]], PALETTE.black));
  grow(mx, my, aw, aw);
  grow(bx, by, aw, aw);
  const pad = PRONG.width;
  return { items, bbox: [bbox[0]! - pad, bbox[1]! - pad, bbox[2]! + pad, bbox[3]! + pad] };
}

/** The prongs fitted into `area`, the longest that fit, with the not-to-scale note beneath them. */
function diagram(d: DeclinationInput, area: PageBox, text: PageText): DisplayItem[] {
  const note = 'NOT TO SCALE';
  const { ascent, descent } = text.metrics(NOTE);
  const showNote = text.width(note, NOTE) <= area.width && area.height > 4 * (ascent + descent);
  const room = { ...area, height: area.height - (showNote ? ascent + descent + 2 : 0) };
  const size = (r: number) => { const [x0, y0, x1, y1] = prongs(d, r, 0, 0, text).bbox as [number, number, number, number]; return { x0, y0, w: x1 - x0, h: y1 - y0 }; };
  let r = Math.max(room.height, room.width);
  let s = size(r);
  while ((s.w > room.width || s.h > room.height) && r > 4) { r *= 0.95; s = size(r); }
  if (s.w > room.width || s.h > room.height) return [];
  const ox = area.x + (area.width - s.w) / 2 - s.x0;
  const oy = area.y + (room.height - s.h) / 2 - s.y0;
  const items = prongs(d, r, ox, oy, text).items;
  if (showNote) items.push(text.text(note, area.x + area.width / 2, oy + s.y0 + s.h + 2 + ascent, { ...NOTE, align: 'center' }));
  return items;
}

/**
 * Draws the declination diagram into `box`: the prongs on the left (or on top when the box is
 * taller than wide) and the notes beside them, all inside the box.
 */
export function drawDeclinationDiagram(input: DeclinationInput, box: PageBox, text: PageText): DisplayItem[] {
  const gap = Math.min(8, box.width * 0.04);
  const wide = box.width >= box.height * 1.4;
  const area: PageBox = wide
    ? { x: box.x, y: box.y, width: Math.min(box.width * 0.35, box.height * 0.9), height: box.height }
    : { x: box.x, y: box.y, width: box.width, height: Math.min(box.height * 0.45, box.width) };
  const notes: PageBox = wide
    ? { x: area.x + area.width + gap, y: box.y, width: box.width - area.width - gap, height: box.height }
    : { x: box.x, y: area.y + area.height + gap, width: box.width, height: box.height - area.height - gap };
  return [...diagram(input, area, text), ...text.fitNotes(declinationNotes(input), notes, { size: 6.5 }, 4, 0.4)];
}
