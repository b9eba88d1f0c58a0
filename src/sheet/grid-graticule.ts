/**
 * The UTM grid, the geographic graticule and the collar values of a sheet, drawn on its page
 * (topographic-sheet.md §4–§5): grid lines every grid interval with the 100 km square boundaries
 * and letters, graticule crosses inside the frame, and in the collar the neatline, the graticule
 * ticks with their minute values, the corner coordinates, the grid values on all four sides and,
 * where the sheet reaches into the next UTM zone, that zone's ticks in blue.
 *
 * Everything is computed in the frame's UTM metres and mapped to page points through
 * `frame.toPage`; since the frame is turned so that its central meridian is vertical, grid lines
 * lean by the convergence. Collar labels are set upright and never overlap: a label that would
 * touch one already placed is left out.
 * @module sheet/grid-graticule
 */
import type { DisplayItem, Rgba, TextItem } from '../carto/display-list.js';
import type { Envelope, Position } from '../geo/geometry.js';
import { squaresInEnvelope, type MgrsScheme } from '../geo/mgrs.js';
import { utmForward, utmInverse, utmZone } from '../geo/utm.js';
import { lines, mm, PALETTE, polygons, type PageText, type TextStyle } from './page-drawing.js';
import type { SheetFrame } from './sheet-frame.js';

/** How the grid and graticule of a sheet are drawn (tps.md §5.2, topographic-sheet.md §4–§5). */
export interface GridGraticuleOptions {
  /** Metres between grid lines (1,000 at 1:25k/1:50k, 10,000 at 1:100k). */
  gridInterval: number;
  /** Minutes between graticule ticks on the neatline; 0 for none. */
  tickMinutes: number;
  /** Minutes between the `+` crosses inside the frame. */
  crossMinutes: number;
  /** Minutes between the ticks that carry their value. Default `crossMinutes`. */
  labelMinutes?: number;
  /** `principal`: two large digits, full coordinates on the first line in from each corner; `full`: full coordinates everywhere. */
  labelStyle: 'principal' | 'full';
  /** Show the next zone's grid as blue ticks where the sheet reaches into it. */
  adjacentZone: 'ticks' | 'none';
  /** Show the next zone's ticks also when the sheet stops within this many km of a zone boundary. Default 0. */
  adjacentZoneMarginKm?: number;
  /** 100 km square lettering. Default `AA`. */
  mgrsScheme?: MgrsScheme;
  /** Metres between short grid ticks on the neatline between the lines (1,000 m at 1:100k). */
  tickIntervalM?: number;
}

/** Which side of the neatline box a collar element is on. */
export type CollarSide = 'top' | 'bottom' | 'left' | 'right';

/** One label set in the collar. */
export interface CollarLabel {
  kind: 'easting' | 'northing' | 'corner' | 'minutes' | 'adjacentEasting' | 'adjacentNorthing';
  side: CollarSide;
  /** The label as read, e.g. `91`, `391000mE`, `56°30′N`, `25′`. */
  text: string;
  /** The coordinate labelled: metres for grid values, degrees for graticule values. */
  value: number;
  /** Whether a grid value is printed in full (leading digits, zeros and unit). */
  full: boolean;
  /** Corners in pt: x0, y0, x1, y1, x2, y2, x3, y3 (top-left, top-right, bottom-right, bottom-left). */
  box: number[];
}

/** The grid, graticule and collar of a sheet, in page points. */
export interface GridGraticule {
  /** Grid lines, 100 km boundaries and letters, graticule crosses, short neatline ticks: to be clipped to the neatline. */
  inside: DisplayItem[];
  /** Neatline, graticule ticks, adjacent-zone ticks and every collar label. */
  collar: DisplayItem[];
  /** Each placed collar label's box (as in `labels`), for overlap checks. */
  labelBoxes: number[][];
  labels: CollarLabel[];
  /** E.g. `1,000 METRE UTM GRID, ZONE 30`; both zones when the adjacent zone shows. */
  gridNote: string;
  /** Names the blue ticks, when shown. */
  adjacentZoneNote: string | null;
  /** The sheet's zone first, then any adjacent zone shown. */
  zones: number[];
}

/** Type sizes and distances of a 1:50,000 sheet collar, pt. */
const PRINCIPAL = 9;
const SMALL = 6;
const CORNER = 7.5;
const MINUTES = 7;
const SQUARE_LETTERS = 10;
/** Height of DejaVu Sans digits and capitals per pt of type size. */
const CAP = 0.73;
/** Gap between the neatline box and the grid values. */
const GAP = mm(1);
/** Gap between the grid values and the outer band (minute values, adjacent-zone values). */
const BAND_GAP = mm(1.2);
/** Clear space kept around each collar label. */
const CLEARANCE = 0.6;
const GRATICULE_TICK = mm(2);
const ADJACENT_TICK = mm(3);
const NEATLINE_TICK = mm(1.5);
const CROSS = mm(6);
const THIN = mm(0.1);
const MEDIUM = mm(0.2);
const HALO = 0.8;

/** A piece of a label in one size, raised `rise` pt above the baseline. */
interface Run { text: string; size: number; rise: number }

interface Box { x0: number; y0: number; x1: number; y1: number }

/** A candidate grid label: where its line meets a side of the neatline box. */
interface GridEnd { value: number; side: CollarSide; x: number; y: number; dx: number; dy: number }

type Pt = [number, number];

const OUTWARD: Record<CollarSide, Pt> = { top: [0, -1], bottom: [0, 1], left: [-1, 0], right: [1, 0] };

// ---- geometry in map units ----

/** Sections of the line `axis = value` inside a ring, as pairs of the other coordinate (even-odd). */
function lineInRing(ring: Position[], axis: 0 | 1, value: number): [number, number][] {
  const other = axis === 0 ? 1 : 0;
  const hits: number[] = [];
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i]!, b = ring[(i + 1) % n]!;
    if ((a[axis]! <= value) === (b[axis]! <= value)) continue;
    const t = (value - a[axis]!) / (b[axis]! - a[axis]!);
    hits.push(a[other]! + t * (b[other]! - a[other]!));
  }
  hits.sort((p, q) => p - q);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < hits.length; i += 2) if (hits[i + 1]! > hits[i]!) out.push([hits[i]!, hits[i + 1]!]);
  return out;
}

/** Points where a polyline crosses a ring. */
function polylineRingCrossings(line: Position[], ring: Position[]): Position[] {
  const out: Position[] = [];
  for (let i = 0; i + 1 < line.length; i++) {
    const p = line[i]!, q = line[i + 1]!;
    const rx = q[0]! - p[0]!, ry = q[1]! - p[1]!;
    for (let j = 0, n = ring.length; j < n; j++) {
      const a = ring[j]!, b = ring[(j + 1) % n]!;
      const sx = b[0]! - a[0]!, sy = b[1]! - a[1]!;
      const den = rx * sy - ry * sx;
      if (den === 0) continue;
      const ax = a[0]! - p[0]!, ay = a[1]! - p[1]!;
      const t = (ax * sy - ay * sx) / den;
      const u = (ax * ry - ay * rx) / den;
      // Half-open on both so a crossing at a shared vertex counts once.
      if (t >= 0 && t < 1 && u >= 0 && u < 1) out.push([p[0]! + t * rx, p[1]! + t * ry]);
    }
  }
  return out;
}

function pointInRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
    const a = ring[i]!, b = ring[j]!;
    if ((a[1]! > y) !== (b[1]! > y) && x < ((b[0]! - a[0]!) * (y - a[1]!)) / (b[1]! - a[1]!) + a[0]!) inside = !inside;
  }
  return inside;
}

function ringEnvelope(ring: Position[]): Envelope {
  const e = { xmin: Infinity, ymin: Infinity, xmax: -Infinity, ymax: -Infinity };
  for (const p of ring) {
    e.xmin = Math.min(e.xmin, p[0]!); e.xmax = Math.max(e.xmax, p[0]!);
    e.ymin = Math.min(e.ymin, p[1]!); e.ymax = Math.max(e.ymax, p[1]!);
  }
  return e;
}

/** Multiples of `step` strictly inside (lo, hi), with a little tolerance at the ends. */
function multiples(lo: number, hi: number, step: number, eps = 1e-9): number[] {
  const out: number[] = [];
  for (let k = Math.floor(lo / step + eps) + 1; k * step < hi - eps * step; k++) out.push(k * step);
  // The first multiple may equal `lo` within tolerance; the loop starts past it.
  return out;
}

// ---- text ----

/** A whole number with thousands separated by commas, e.g. `1,000`. */
const fmtInt = (v: number): string => String(Math.round(v)).replace(/\B(?=(\d{3})+$)/g, ',');

/** Degrees and minutes (seconds when not whole minutes) with hemisphere, e.g. `56°30′N`. */
export function formatDegreesMinutes(value: number, isLatitude: boolean): string {
  const hemi = isLatitude ? (value < 0 ? 'S' : 'N') : (value < 0 ? 'W' : 'E');
  const totalSeconds = Math.round(Math.abs(value) * 3600);
  const d = Math.floor(totalSeconds / 3600), m = Math.floor((totalSeconds % 3600) / 60), s = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d}°${pad(m)}′${s ? `${pad(s)}″` : ''}${hemi}`;
}

/** A minute value of a graticule tick: `25′`, or the whole degree `6°00′W` on a whole degree. */
function minuteLabel(value: number, isLatitude: boolean): string {
  const totalSeconds = Math.round(Math.abs(value) * 3600);
  const m = Math.floor((totalSeconds % 3600) / 60), s = totalSeconds % 60;
  if (m === 0 && s === 0) return formatDegreesMinutes(value, isLatitude);
  return s ? `${m}′${String(s).padStart(2, '0')}″` : `${m}′`;
}

/** The runs of a grid value: principal digits, or the full coordinate with small leading digits, zeros and unit. */
function gridRuns(value: number, axis: 'E' | 'N', full: boolean): Run[] {
  const metres = Math.round(value);
  const km = Math.floor(metres / 1000);
  const principal = String(((km % 100) + 100) % 100).padStart(2, '0');
  if (!full) return [{ text: principal, size: PRINCIPAL, rise: 0 }];
  const rise = CAP * (PRINCIPAL - SMALL);
  const leading = Math.floor(km / 100);
  const trailing = String(((metres % 1000) + 1000) % 1000).padStart(3, '0');
  const runs: Run[] = [];
  if (leading !== 0) runs.push({ text: String(leading), size: SMALL, rise });
  runs.push({ text: principal, size: PRINCIPAL, rise: 0 }, { text: trailing, size: SMALL, rise }, { text: `m${axis}`, size: SMALL, rise });
  return runs;
}

/** Sets runs as text items and keeps the boxes of the labels placed, refusing overlaps. */
class CollarSetter {
  readonly items: TextItem[] = [];
  readonly labels: CollarLabel[] = [];
  private readonly boxes: Box[] = [];

  constructor(private readonly text: PageText) {}

  width(runs: Run[]): number {
    return runs.reduce((w, r) => w + this.text.width(r.text, { size: r.size }), 0);
  }

  /** The box of runs starting at `x` on baseline `y`. */
  box(runs: Run[], x: number, y: number): Box {
    const top = Math.min(...runs.map((r) => y - r.rise - CAP * r.size));
    return { x0: x, y0: top, x1: x + this.width(runs), y1: y };
  }

  fits(b: Box): boolean {
    return this.boxes.every((o) => b.x1 + CLEARANCE <= o.x0 || o.x1 + CLEARANCE <= b.x0 || b.y1 + CLEARANCE <= o.y0 || o.y1 + CLEARANCE <= b.y0);
  }

  /** Places the runs at `x` (left end) on baseline `y` if they fit; returns whether they were placed. */
  place(runs: Run[], x: number, y: number, color: Rgba, label: Omit<CollarLabel, 'box' | 'text'>): boolean {
    const b = this.box(runs, x, y);
    if (!this.fits(b)) return false;
    this.boxes.push(b);
    let at = x;
    for (const r of runs) {
      const style: TextStyle = { size: r.size, color, halo: HALO };
      this.items.push(this.text.text(r.text, at, y - r.rise, style));
      at += this.text.width(r.text, style);
    }
    this.labels.push({ ...label, text: runs.map((r) => r.text).join(''), box: [b.x0, b.y0, b.x1, b.y0, b.x1, b.y1, b.x0, b.y1] });
    return true;
  }
}

// ---- the builder ----

/** Draws the grid, graticule and collar values of a sheet. */
export function buildGridGraticule(frame: SheetFrame, text: PageText, options: GridGraticuleOptions): GridGraticule {
  const ring = frame.neatline;
  const env = ringEnvelope(ring);
  const box = frame.box;
  const right = box.x + box.width, bottom = box.y + box.height;
  const page = (p: Position): Pt => frame.toPage(p[0]!, p[1]!);
  const toLonLat = utmInverse(frame.zone, frame.south);
  const toUtm = utmForward(frame.zone, frame.south);
  const scheme = options.mgrsScheme ?? 'AA';

  /** The side of the neatline box a page point lies on. */
  const sideOf = (x: number, y: number): CollarSide => {
    const d: [CollarSide, number][] = [['top', Math.abs(y - box.y)], ['bottom', Math.abs(y - bottom)], ['left', Math.abs(x - box.x)], ['right', Math.abs(x - right)]];
    return d.reduce((a, b) => (b[1] < a[1] ? b : a))[0];
  };

  const inside: DisplayItem[] = [];
  const collar: DisplayItem[] = [];
  const setter = new CollarSetter(text);

  // Grid lines: straight in UTM, clipped to the neatline ring.
  const thin: number[][] = [], thick: number[][] = [];
  const addLine = (axis: 0 | 1, v: number, sections: [number, number][], onEnd: (e: GridEnd) => void) => {
    const hundred = Math.abs(v / 100_000 - Math.round(v / 100_000)) < 1e-9;
    for (const [a, b] of sections) {
      const p = page(axis === 0 ? [v, a] : [a, v]), q = page(axis === 0 ? [v, b] : [b, v]);
      (hundred ? thick : thin).push([p[0], p[1], q[0], q[1]]);
      onEnd({ value: v, side: sideOf(p[0], p[1]), x: p[0], y: p[1], dx: p[0] - q[0], dy: p[1] - q[1] });
      onEnd({ value: v, side: sideOf(q[0], q[1]), x: q[0], y: q[1], dx: q[0] - p[0], dy: q[1] - p[1] });
    }
  };
  const eastingEnds: GridEnd[] = [], northingEnds: GridEnd[] = [];
  for (const e of multiples(env.xmin, env.xmax, options.gridInterval)) addLine(0, e, lineInRing(ring, 0, e), (g) => eastingEnds.push(g));
  for (const n of multiples(env.ymin, env.ymax, options.gridInterval)) addLine(1, n, lineInRing(ring, 1, n), (g) => northingEnds.push(g));
  if (thin.length) inside.push(lines(thin, { width: THIN }));
  if (thick.length) inside.push(lines(thick, { width: MEDIUM }));

  // Short grid ticks between the lines, pointing in from the neatline.
  const tickStep = options.tickIntervalM;
  if (tickStep && tickStep < options.gridInterval) {
    const ticks: number[][] = [];
    const onGrid = (v: number) => Math.abs(v / options.gridInterval - Math.round(v / options.gridInterval)) < 1e-9;
    for (const axis of [0, 1] as const) {
      const [lo, hi] = axis === 0 ? [env.xmin, env.xmax] : [env.ymin, env.ymax];
      for (const v of multiples(lo, hi, tickStep)) {
        if (onGrid(v)) continue;
        for (const w of lineInRing(ring, axis, v).flat()) {
          const [x, y] = page(axis === 0 ? [v, w] : [w, v]);
          const side = sideOf(x, y);
          if ((axis === 0) !== (side === 'top' || side === 'bottom')) continue;
          const [ox, oy] = OUTWARD[side];
          ticks.push([x, y, x - ox * NEATLINE_TICK, y - oy * NEATLINE_TICK]);
        }
      }
    }
    if (ticks.length) inside.push(lines(ticks, { width: THIN }));
  }

  // 100 km square letters, beside each boundary that crosses the frame.
  inside.push(...squareLetters(frame, text, env, scheme, page));

  // Neatline.
  collar.push(polygons([ring.flatMap((p) => page(p))], null, { width: MEDIUM }));

  // Graticule: extent in lon/lat, ticks on the neatline, crosses inside.
  const lonLatRing = ring.map((p) => toLonLat(p));
  const lons = lonLatRing.map((p) => p[0]!), lats = lonLatRing.map((p) => p[1]!);
  const geo = { west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) };
  const labelMinutes = options.labelMinutes ?? options.crossMinutes;
  const isMultiple = (deg: number, minutes: number) => minutes > 0 && Math.abs((deg * 60) / minutes - Math.round((deg * 60) / minutes)) < 1e-6;
  const onEdge = (deg: number, edges: (number | undefined)[]) => edges.some((e) => e !== undefined && Math.abs(deg - e) < 1e-9);
  interface GeoTick { value: number; lat: boolean; side: CollarSide; x: number; y: number }
  const geoTicks: GeoTick[] = [];
  // Ticks every tick interval, and at every labelled value even where that is not a tick (2.5′ on 1′ ticks).
  const tickValues = (lo: number, hi: number): number[] => {
    const set = new Map<string, number>();
    for (const minutes of [options.tickMinutes, labelMinutes]) {
      if (!(minutes > 0)) continue;
      const step = minutes / 60;
      for (const v of multiples(lo - step, hi + step, step)) set.set(v.toFixed(9), v);
    }
    return [...set.values()].sort((p, q) => p - q);
  };
  if (options.tickMinutes > 0 || labelMinutes > 0) {
    const meridian = (lon: number): Position[] => densify(geo.south - 0.01, geo.north + 0.01, 8).map((lat) => toUtm([lon, lat]));
    const parallel = (lat: number): Position[] => densify(geo.west - 0.01, geo.east + 0.01, 16).map((lon) => toUtm([lon, lat]));
    for (const lon of tickValues(geo.west, geo.east)) {
      if (onEdge(lon, [frame.bounds?.west, frame.bounds?.east])) continue;
      for (const p of polylineRingCrossings(meridian(lon), ring)) {
        const [x, y] = page(p);
        geoTicks.push({ value: lon, lat: false, side: sideOf(x, y), x, y });
      }
    }
    for (const lat of tickValues(geo.south, geo.north)) {
      if (onEdge(lat, [frame.bounds?.south, frame.bounds?.north])) continue;
      for (const p of polylineRingCrossings(parallel(lat), ring)) {
        const [x, y] = page(p);
        geoTicks.push({ value: lat, lat: true, side: sideOf(x, y), x, y });
      }
    }
    const tickLines = geoTicks.map((t) => {
      const [ox, oy] = OUTWARD[t.side];
      return [t.x, t.y, t.x + ox * GRATICULE_TICK, t.y + oy * GRATICULE_TICK];
    });
    if (tickLines.length) collar.push(lines(tickLines, { width: THIN }));
  }
  const crosses = graticuleCrosses(frame, geo, options.crossMinutes, toUtm, page);
  if (crosses.length) inside.push(lines(crosses, { width: THIN }));

  // Collar labels, most important first: corners, grid values, minute values, adjacent zone.
  placeCorners(frame, setter, toUtm, page, box);
  const labelledEnds = [
    ...eastingEnds.filter((g) => g.side === 'top' || g.side === 'bottom'),
    ...northingEnds.filter((g) => g.side === 'left' || g.side === 'right'),
  ];
  placeGridLabels(setter, labelledEnds, options.labelStyle, box);
  for (const t of geoTicks) {
    if (!isMultiple(t.value, labelMinutes)) continue;
    const runs: Run[] = [{ text: minuteLabel(t.value, t.lat), size: MINUTES, rise: 0 }];
    placeOuter(setter, runs, t.side, t.x, t.y, box, PALETTE.black, { kind: 'minutes', side: t.side, value: t.value, full: false });
  }

  // Adjacent zone.
  const zones = [frame.zone];
  let adjacentZoneNote: string | null = null;
  if (options.adjacentZone === 'ticks') {
    const other = adjacentZoneOf(frame, lonLatRing, options.adjacentZoneMarginKm ?? 0);
    if (other) {
      zones.push(other.zone);
      adjacentZoneNote = `BLUE TICKS: ${fmtInt(options.gridInterval)} METRE UTM GRID, ZONE ${other.zone}`;
      const adj = adjacentTicks(frame, other.zone, other.whole, options.gridInterval, ring, toLonLat, page, sideOf);
      const blue: number[][] = adj.map((g) => {
        const [ox, oy] = OUTWARD[g.side];
        return [g.x, g.y, g.x + ox * ADJACENT_TICK, g.y + oy * ADJACENT_TICK];
      });
      if (blue.length) collar.push(lines(blue, { width: THIN, color: PALETTE.adjacentZone }));
      for (const g of adj) {
        const axis = g.kind === 'adjacentEasting' ? 'E' : 'N';
        placeOuter(setter, gridRuns(g.value, axis, options.labelStyle === 'full'), g.side, g.x, g.y, box, PALETTE.adjacentZone, { kind: g.kind, side: g.side, value: g.value, full: options.labelStyle === 'full' });
      }
    }
  }
  collar.push(...setter.items);

  const interval = `${fmtInt(options.gridInterval)} METRE UTM GRID`;
  const ticksNote = options.tickIntervalM && options.tickIntervalM < options.gridInterval ? ` WITH ${fmtInt(options.tickIntervalM)} METRE TICKS` : '';
  const gridNote = zones.length > 1 ? `${interval}${ticksNote}, ZONES ${zones[0]} AND ${zones[1]}` : `${interval}${ticksNote}, ZONE ${zones[0]}`;
  return { inside, collar, labelBoxes: setter.labels.map((l) => l.box), labels: setter.labels, gridNote, adjacentZoneNote, zones };
}

/** `n + 1` evenly spaced values from `a` to `b`. */
function densify(a: number, b: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => a + ((b - a) * i) / n);
}

/** `+` crosses where meridians and parallels meet at the cross interval inside the frame, arms along them. */
function graticuleCrosses(
  frame: SheetFrame, geo: { west: number; east: number; south: number; north: number }, crossMinutes: number,
  toUtm: (p: Position) => Position, page: (p: Position) => Pt,
): number[][] {
  if (!(crossMinutes > 0)) return [];
  const step = crossMinutes / 60;
  const out: number[][] = [];
  const half = CROSS / 2;
  for (const lon of multiples(geo.west, geo.east, step)) {
    for (const lat of multiples(geo.south, geo.north, step)) {
      const p = toUtm([lon, lat]);
      if (!pointInRing(p[0]!, p[1]!, frame.neatline)) continue;
      const [x, y] = page(p);
      const [nx0, ny0] = page(toUtm([lon, lat + 1e-3]));
      const len = Math.hypot(nx0 - x, ny0 - y) || 1;
      const nx = (nx0 - x) / len, ny = (ny0 - y) / len;
      // East is a quarter turn clockwise of north on a y-down page; the projection is conformal.
      const ex = -ny, ey = nx;
      out.push([x - nx * half, y - ny * half, x + nx * half, y + ny * half], [x - ex * half, y - ey * half, x + ex * half, y + ey * half]);
    }
  }
  return out;
}

/** Corner values: latitude beside each corner along the top or bottom line, longitude beside it along the side. */
function placeCorners(frame: SheetFrame, setter: CollarSetter, toUtm: (p: Position) => Position, page: (p: Position) => Pt, box: SheetFrame['box']): void {
  const right = box.x + box.width, bottom = box.y + box.height;
  const names = ['sw', 'se', 'ne', 'nw'] as const;
  frame.corners.forEach((c, i) => {
    const [cx, cy] = page(toUtm(c));
    const west = names[i]!.endsWith('w'), southern = names[i]!.startsWith('s');
    const lat: Run[] = [{ text: formatDegreesMinutes(c[1]!, true), size: CORNER, rise: 0 }];
    const lon: Run[] = [{ text: formatDegreesMinutes(c[0]!, false), size: CORNER, rise: 0 }];
    const latW = setter.width(lat), lonW = setter.width(lon);
    const capH = CAP * CORNER;
    // Latitude in the side collar, on the frame side of the corner's horizontal line.
    const latX = west ? box.x - GAP - latW : right + GAP;
    const latY = southern ? cy - mm(0.6) : cy + mm(0.6) + capH;
    setter.place(lat, latX, latY, PALETTE.black, { kind: 'corner', side: west ? 'left' : 'right', value: c[1]!, full: true });
    // Longitude in the top or bottom collar, beyond the corner's vertical line.
    const lonX = west ? cx - mm(0.6) - lonW : cx + mm(0.6);
    const lonY = southern ? bottom + GAP + capH : box.y - GAP;
    setter.place(lon, lonX, lonY, PALETTE.black, { kind: 'corner', side: southern ? 'bottom' : 'top', value: c[0]!, full: true });
  });
}

/** Where runs go for a grid end on a side: left end x and baseline y, just outside the box. */
function gridLabelAt(setter: CollarSetter, runs: Run[], g: GridEnd, box: SheetFrame['box']): [number, number] {
  const right = box.x + box.width, bottom = box.y + box.height;
  const w = setter.width(runs);
  const h = CAP * PRINCIPAL;
  // Follow the line out into the collar (it leans on a rotated sheet) to the label's centre.
  const along = (target: number, horizontal: boolean): number => {
    if (horizontal) return Math.abs(g.dx) < 1e-9 ? g.y : g.y + (g.dy / g.dx) * (target - g.x);
    return Math.abs(g.dy) < 1e-9 ? g.x : g.x + (g.dx / g.dy) * (target - g.y);
  };
  switch (g.side) {
    case 'bottom': { const cy = bottom + GAP + h / 2; return [along(cy, false) - w / 2, bottom + GAP + h]; }
    case 'top': { const cy = box.y - GAP - h / 2; return [along(cy, false) - w / 2, box.y - GAP]; }
    case 'left': { const cx = box.x - GAP - w / 2; return [box.x - GAP - w, along(cx, true) + h / 2]; }
    case 'right': { const cx = right + GAP + w / 2; return [right + GAP, along(cx, true) + h / 2]; }
  }
}

/**
 * Grid values on each side: from each end of a side the first line that takes a full label gets
 * one (lines too close to a corner value are left out), the lines between get principal digits.
 */
function placeGridLabels(setter: CollarSetter, ends: GridEnd[], style: 'principal' | 'full', box: SheetFrame['box']): void {
  for (const side of ['bottom', 'top', 'left', 'right'] as const) {
    const horizontal = side === 'bottom' || side === 'top';
    const axis = horizontal ? 'E' : 'N';
    const kind = horizontal ? 'easting' : 'northing';
    const onSide = ends.filter((g) => g.side === side).sort((a, b) => (horizontal ? a.x - b.x : b.y - a.y));
    const tryPlace = (g: GridEnd, full: boolean) => {
      const runs = gridRuns(g.value, axis, full);
      const [x, y] = gridLabelAt(setter, runs, g, box);
      return setter.place(runs, x, y, PALETTE.black, { kind, side, value: g.value, full });
    };
    // Full labels at both ends first, so they win over the principal digits beside them.
    let lo = 0, hi = onSide.length - 1;
    while (lo <= hi && !tryPlace(onSide[lo]!, true)) lo++;
    while (hi > lo && !tryPlace(onSide[hi]!, true)) hi--;
    for (let i = lo + 1; i < hi; i++) tryPlace(onSide[i]!, style === 'full');
  }
}

/** A label in the outer band of the collar, centred on its tick: minute values and adjacent-zone values. */
function placeOuter(setter: CollarSetter, runs: Run[], side: CollarSide, x: number, y: number, box: SheetFrame['box'], color: Rgba, label: Omit<CollarLabel, 'box' | 'text'>): boolean {
  const right = box.x + box.width, bottom = box.y + box.height;
  const w = setter.width(runs);
  const h = Math.max(...runs.map((r) => CAP * r.size + r.rise));
  const band = GAP + CAP * PRINCIPAL + BAND_GAP;
  // Beside the widest principal digits on the left and right, below or above them on top and bottom.
  const sideBand = GAP + setter.width([{ text: '00', size: PRINCIPAL, rise: 0 }]) + 2 * BAND_GAP;
  switch (side) {
    case 'bottom': return setter.place(runs, x - w / 2, bottom + band + h, color, label);
    case 'top': return setter.place(runs, x - w / 2, box.y - band, color, label);
    case 'left': return setter.place(runs, box.x - sideBand - w, y + h / 2, color, label);
    case 'right': return setter.place(runs, right + sideBand, y + h / 2, color, label);
  }
}

/** The 100 km square letters, inside each square beside every boundary of it that crosses the frame. */
function squareLetters(frame: SheetFrame, text: PageText, env: Envelope, scheme: MgrsScheme, page: (p: Position) => Pt): TextItem[] {
  const squares = squaresInEnvelope(frame.zone, frame.south, env, scheme);
  if (squares.length < 2) return [];
  const items: TextItem[] = [];
  const style: TextStyle = { size: SQUARE_LETTERS, weight: 'bold', halo: 1, align: 'center' };
  const off = mm(3);
  for (const sq of squares) {
    const edges: { axis: 0 | 1; v: number; into: number }[] = [
      { axis: 0, v: sq.xmin, into: 1 }, { axis: 0, v: sq.xmax, into: -1 }, { axis: 1, v: sq.ymin, into: 1 }, { axis: 1, v: sq.ymax, into: -1 },
    ];
    for (const e of edges) {
      const lo = e.axis === 0 ? sq.ymin : sq.xmin, hi = e.axis === 0 ? sq.ymax : sq.xmax;
      // The part of the boundary inside both the frame and this square.
      const parts = lineInRing(frame.neatline, e.axis, e.v).map(([a, b]) => [Math.max(a, lo), Math.min(b, hi)] as const).filter(([a, b]) => b - a > 0);
      if (!parts.length) continue;
      const [a, b] = parts.reduce((best, p) => (p[1] - p[0] > best[1] - best[0] ? p : best));
      const mid = (a + b) / 2;
      const on = page(e.axis === 0 ? [e.v, mid] : [mid, e.v]);
      // Step into the square by a few mm on the page, whichever way the map is turned.
      const inward = page(e.axis === 0 ? [e.v + e.into, mid] : [mid, e.v + e.into]);
      const len = Math.hypot(inward[0] - on[0], inward[1] - on[1]) || 1;
      const x = on[0] + ((inward[0] - on[0]) / len) * (off + (e.axis === 0 ? text.width(sq.letters, style) / 2 : 0));
      const y = on[1] + ((inward[1] - on[1]) / len) * off + (CAP * SQUARE_LETTERS) / 2;
      const probe = frame.toMap(x, y - (CAP * SQUARE_LETTERS) / 2);
      if (!pointInRing(probe[0], probe[1], frame.neatline)) continue;
      items.push(text.text(sq.letters, x, y, style));
    }
  }
  return items;
}

/** The zone next to the sheet's: the one part of the sheet lies in, or (within the margin) the nearest. */
function adjacentZoneOf(frame: SheetFrame, lonLatRing: Position[], marginKm: number): { zone: number; whole: boolean } | null {
  const counts = new Map<number, number>();
  for (const [lon, lat] of lonLatRing) {
    const z = utmZone(lon!, lat!);
    if (z !== frame.zone) counts.set(z, (counts.get(z) ?? 0) + 1);
  }
  if (counts.size) return { zone: [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0], whole: false };
  if (marginKm <= 0) return null;
  for (const [lon, lat] of lonLatRing) {
    const dLon = marginKm / (111.32 * Math.cos((lat! * Math.PI) / 180));
    for (const l of [lon! - dLon, lon! + dLon]) {
      const z = utmZone(l, lat!);
      if (z !== frame.zone) return { zone: z, whole: true };
    }
  }
  return null;
}

/** Where the other zone's grid lines meet the neatline, over the part of the sheet in that zone. */
function adjacentTicks(
  frame: SheetFrame, zone: number, whole: boolean, interval: number, ring: Position[],
  toLonLat: (p: Position) => Position, page: (p: Position) => Pt, sideOf: (x: number, y: number) => CollarSide,
): { kind: 'adjacentEasting' | 'adjacentNorthing'; value: number; side: CollarSide; x: number; y: number }[] {
  const otherFwd = utmForward(zone, frame.south), otherInv = utmInverse(zone, frame.south);
  const toFrame = utmForward(frame.zone, frame.south);
  const lonLat = ring.map(toLonLat);
  const otherEnv = ringEnvelope(lonLat.map(otherFwd));
  const out: ReturnType<typeof adjacentTicks> = [];
  const m = interval;
  const pad = (otherEnv.xmax - otherEnv.xmin + otherEnv.ymax - otherEnv.ymin) * 0.05;
  const trace = (axis: 0 | 1, v: number): Position[] => {
    const [a, b] = axis === 0 ? [otherEnv.ymin - pad, otherEnv.ymax + pad] : [otherEnv.xmin - pad, otherEnv.xmax + pad];
    return densify(a, b, 16).map((w) => toFrame(otherInv(axis === 0 ? [v, w] : [w, v])));
  };
  for (const axis of [0, 1] as const) {
    const [lo, hi] = axis === 0 ? [otherEnv.xmin, otherEnv.xmax] : [otherEnv.ymin, otherEnv.ymax];
    for (const v of multiples(lo, hi, m)) {
      for (const p of polylineRingCrossings(trace(axis, v), ring)) {
        const ll = toLonLat(p);
        if (!whole && utmZone(ll[0]!, ll[1]!) !== zone) continue;
        const [x, y] = page(p);
        const side = sideOf(x, y);
        if ((axis === 0) !== (side === 'top' || side === 'bottom')) continue;
        out.push({ kind: axis === 0 ? 'adjacentEasting' : 'adjacentNorthing', value: v, side, x, y });
      }
    }
  }
  return out;
}
