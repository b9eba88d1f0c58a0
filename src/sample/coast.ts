/**
 * Sea areas (BA040) and the coastline (BA010). The coastline is the 0 m contour of the DEM,
 * traced with d3-contour; sea polygons are the water side of it, split into the open sound and
 * the sea lochs along straight closing lines across the loch mouths. The split is done on the
 * contoured field itself (min(depth, k·distance past the closing line)), so neighbouring sea
 * polygons share their closing line exactly and the coast is identical in both.
 * @module sample/coast
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import type { NameGenerator } from './names.js';
import { polygonArea, pointInRing, ringArea } from './polyline.js';
import { polygonize, windowAround, type CellWindow } from './polygonize.js';
import { cellIndexAt, cellX, cellY, sampleBilinear, NEIGHBOUR_DX, NEIGHBOUR_DY } from './raster.js';
import type { SampleFeature } from './schema.js';

/** Depth per metre past a loch's closing line in the split fields, m/m. */
const CUT_GRADIENT = 0.2;
/** Sea lochs smaller than this stay part of the open sea, m². */
const MIN_LOCH_AREA = 1.5e6;

/** MGCP/TDS shoreline type (SLT) codes used here. */
export const SHORELINE_TYPE = { stony: 10, sandy: 13, shingly: 14, mud: 18 } as const;

/** A sea loch split off the open sea along its closing line. */
export interface SeaLoch {
  name: string;
  stem: string;
  /** Point in the middle of the loch, for its name label. */
  label: Position;
  /** Sea cell at the head of the loch. */
  head: Position;
  main: boolean;
  areaKm2: number;
}

/** An island large enough to carry a name. */
export interface NamedIsland {
  name: string;
  /** Highest point of the island. */
  label: Position;
  areaKm2: number;
}

/** Sea and coastline features plus the named waters and islands they define. */
export interface Coast {
  sea: SampleFeature[];
  coastline: SampleFeature[];
  seaLochs: SeaLoch[];
  islands: NamedIsland[];
  openSea: { name: string; label: Position };
}

interface LochCut {
  /** Closing line: point and unit direction pointing into the loch. */
  px: number;
  py: number;
  dx: number;
  dy: number;
  window: CellWindow;
  cells: number;
  headCell: number;
  main: boolean;
}

/** Signed distance past a cut's closing line, m (positive inside the loch). */
function past(cut: LochCut, x: number, y: number): number {
  return (x - cut.px) * cut.dx + (y - cut.py) * cut.dy;
}

/** Traces the sea areas and the coastline from the DEM and names the sea lochs, islands and the open sea. */
export function buildCoast(land: Landscape, names: NameGenerator): Coast {
  const { grid, dem, sea, layout } = land;
  const { width, height } = grid;
  const n = width * height;
  const dxs = NEIGHBOUR_DX, dys = NEIGHBOUR_DY;
  const label = new Int8Array(n); // 0 open sea / land, k + 1 = loch k
  const cuts: LochCut[] = [];

  // Sea lochs: flood from each loch head through sea cells past its closing line.
  const stack: number[] = [];
  for (const inlet of layout.inlets) {
    const line = inlet.line;
    // The closing line crosses the loch where it first narrows to a real mouth: the first
    // vertex inland of the macro coast where land lies close on both sides across the loch.
    let m = -1;
    let dirX = 0, dirY = 0;
    for (let k = Math.max(1, line.findIndex((p) => p[0]! >= layout.coastX(p[1]!))); k < line.length - 1 && m < 0; k++) {
      const a = line[k - 1]!, b = line[k + 1]!;
      const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
      dirX = (b[0]! - a[0]!) / len;
      dirY = (b[1]! - a[1]!) / len;
      const reachLand = (sign: number) => {
        for (let d = 0; d <= 2500; d += grid.cellSize) {
          const c = cellIndexAt(grid, line[k]![0]! - sign * dirY * d, line[k]![1]! + sign * dirX * d);
          if (c < 0) return Infinity;
          if (!sea[c]) return d;
        }
        return Infinity;
      };
      if (reachLand(1) + reachLand(-1) < 3200) m = k;
    }
    if (m < 0) continue;
    const mouth = line[m]!;
    let headCell = -1;
    for (let k = line.length - 1; k > m && headCell < 0; k--) {
      const c = cellIndexAt(grid, line[k]![0]!, line[k]![1]!);
      if (c >= 0 && sea[c] && !label[c]) headCell = c;
    }
    if (headCell < 0) continue;
    const cut: LochCut = { px: mouth[0]!, py: mouth[1]!, dx: dirX, dy: dirY, window: { col0: 0, row0: 0, cols: 0, rows: 0 }, cells: 0, headCell, main: inlet.main };
    const reach = Math.hypot(line[line.length - 1]![0]! - mouth[0]!, line[line.length - 1]![1]! - mouth[1]!) * 1.3 + 3000;
    const id = cuts.length + 1;
    const members: number[] = [];
    label[headCell] = id;
    stack.push(headCell);
    let minCol = width, minRow = height, maxCol = 0, maxRow = 0;
    while (stack.length > 0) {
      const c = stack.pop()!;
      members.push(c);
      const cx = c % width, cy = (c - cx) / width;
      minCol = Math.min(minCol, cx); maxCol = Math.max(maxCol, cx); minRow = Math.min(minRow, cy); maxRow = Math.max(maxRow, cy);
      for (let k = 0; k < 8; k++) {
        const nx = cx + dxs[k]!, ny = cy + dys[k]!;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (!sea[j] || label[j]) continue;
        const x = cellX(grid, nx), y = cellY(grid, ny);
        if (past(cut, x, y) <= 0 || Math.hypot(x - cut.px, y - cut.py) > reach) continue;
        label[j] = id;
        stack.push(j);
      }
    }
    if (members.length * grid.cellSize * grid.cellSize < MIN_LOCH_AREA) {
      for (const c of members) label[c] = 0;
      continue;
    }
    cut.cells = members.length;
    cut.window = windowAround(grid, minCol, minRow, maxCol, maxRow, 2);
    cuts.push(cut);
  }

  // Open-sea cells touching a loch get the distance to its closing line, so both sides of the
  // line contour to the same crossing.
  const touching = new Int8Array(n);
  for (let c = 0; c < n; c++) {
    if (!label[c]) continue;
    const cx = c % width, cy = (c - cx) / width;
    for (let k = 0; k < 8; k++) {
      const nx = cx + dxs[k]!, ny = cy + dys[k]!;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const j = ny * width + nx;
      if (sea[j] && !label[j]) touching[j] = label[c];
    }
  }
  const depthAt = (i: number) => -dem[i]!;
  const cutDistance = (id: number, i: number) => past(cuts[id - 1]!, cellX(grid, i % width), cellY(grid, Math.floor(i / width)));

  const full: CellWindow = { col0: 0, row0: 0, cols: width, rows: height };
  const openField = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const d = depthAt(i);
    if (label[i]) openField[i] = Math.min(d, -CUT_GRADIENT * cutDistance(label[i], i));
    else if (touching[i]) openField[i] = Math.min(d, CUT_GRADIENT * Math.abs(cutDistance(touching[i], i)));
    else openField[i] = d;
  }
  const polygonOptions = { threshold: 0, simplify: 5, minArea: 5000, minHoleArea: 2000 };
  const openPolygons = polygonize(grid, full, openField, polygonOptions);

  const lochPolygons = cuts.map((cut, k) => {
    const id = k + 1;
    const w = cut.window;
    const field = new Float32Array(w.cols * w.rows);
    for (let r = 0; r < w.rows; r++) {
      for (let c = 0; c < w.cols; c++) {
        const i = (w.row0 + r) * width + w.col0 + c;
        const d = depthAt(i);
        if (label[i] === id) field[r * w.cols + c] = Math.min(d, CUT_GRADIENT * cutDistance(id, i));
        else if (touching[i] === id) field[r * w.cols + c] = -CUT_GRADIENT * Math.abs(cutDistance(id, i));
        else field[r * w.cols + c] = sea[i] ? -1 : d;
      }
    }
    return polygonize(grid, w, field, polygonOptions);
  });

  // Islands: holes of the sea polygons. The larger ones are named, labelled at their summit.
  const islands: NamedIsland[] = [];
  for (const polygons of [openPolygons, ...lochPolygons]) {
    for (const rings of polygons) {
      for (let k = 1; k < rings.length; k++) {
        const ring = rings[k]!;
        const area = ringArea(ring);
        if (area < 0.15e6) continue;
        let best: Position = ring[0]!, bestZ = -Infinity;
        let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
        for (const p of ring) { xmin = Math.min(xmin, p[0]!); xmax = Math.max(xmax, p[0]!); ymin = Math.min(ymin, p[1]!); ymax = Math.max(ymax, p[1]!); }
        for (let y = ymin; y <= ymax; y += grid.cellSize) {
          for (let x = xmin; x <= xmax; x += grid.cellSize) {
            const c = cellIndexAt(grid, x, y);
            if (c >= 0 && dem[c]! > bestZ && pointInRing(x, y, ring)) { bestZ = dem[c]!; best = [cellX(grid, c % width), cellY(grid, Math.floor(c / width))]; }
          }
        }
        islands.push({ name: '', label: best, areaKm2: area / 1e6 });
      }
    }
  }
  islands.sort((a, b) => b.areaKm2 - a.areaKm2);
  for (const island of islands) island.name = names.island();

  const seaLochs: SeaLoch[] = [];
  const seaFeatures: SampleFeature[] = [];
  const openName = islands.length > 0 ? `Sound of ${islands[0]!.name.replace(/^Eilean /, '')}` : 'Inner Sound';
  names.reserve(openName);
  if (openPolygons.length > 0) {
    seaFeatures.push({ geometry: { type: 'MultiPolygon', coordinates: openPolygons }, properties: { F_CODE: 'BA040', NAM: openName } });
  }
  cuts.forEach((cut, k) => {
    const polygons = lochPolygons[k]!;
    if (polygons.length === 0) return;
    const stem = names.stem();
    const name = names.loch(stem);
    const headCell = cut.headCell;
    // Label half way between the closing line and the head.
    const hx = cellX(grid, headCell % width), hy = cellY(grid, Math.floor(headCell / width));
    const labelPos = nearestSeaCell(land, (hx + cut.px) / 2, (hy + cut.py) / 2, label, k + 1);
    seaLochs.push({ name, stem, label: labelPos, head: [hx, hy], main: cut.main, areaKm2: polygons.reduce((s, p) => s + polygonArea(p), 0) / 1e6 });
    seaFeatures.push({ geometry: { type: 'MultiPolygon', coordinates: polygons }, properties: { F_CODE: 'BA040', NAM: name } });
  });

  // Coastline: every sea ring, less the region's edge and the lochs' closing lines.
  const xmin = grid.originX, xmax = grid.originX + width * grid.cellSize;
  const ymax = grid.originY, ymin = grid.originY - height * grid.cellSize;
  const onEdge = (p: Position) => Math.abs(p[0]! - xmin) < 0.05 || Math.abs(p[0]! - xmax) < 0.05 || Math.abs(p[1]! - ymin) < 0.05 || Math.abs(p[1]! - ymax) < 0.05;
  // A closing-line segment lies along the line (its ends may sit a little off it where the
  // line meets a shallow shore, so test the midpoint and the direction).
  const onCut = (p: Position, q: Position) => cuts.some((cut) => {
    const len = Math.hypot(q[0]! - p[0]!, q[1]! - p[1]!);
    if (len === 0) return false;
    const along = Math.abs(((q[0]! - p[0]!) * cut.dx + (q[1]! - p[1]!) * cut.dy) / len);
    return along < 0.05 && Math.abs(past(cut, (p[0]! + q[0]!) / 2, (p[1]! + q[1]!) / 2)) < 1;
  });
  const coastline: SampleFeature[] = [];
  const sheltered = (k: number) => k > 0;
  [openPolygons, ...lochPolygons].forEach((polygons, which) => {
    for (const rings of polygons) {
      for (const ring of rings) {
        for (const run of coastRuns(ring, (p, q) => (onEdge(p) && onEdge(q)) || onCut(p, q))) {
          for (const piece of classifyShore(land, run, sheltered(which))) {
            coastline.push({ geometry: { type: 'LineString', coordinates: piece.line }, properties: { F_CODE: 'BA010', SLT: piece.slt } });
          }
        }
      }
    }
  });

  const openLabel = nearestSeaCell(land, layout.coastX(grid.originY - height * grid.cellSize * 0.6) - 3000, grid.originY - height * grid.cellSize * 0.6, label, 0);
  return { sea: seaFeatures, coastline, seaLochs, islands, openSea: { name: openName, label: openLabel } };
}

/** The centre of the sea cell with the given label nearest to (x, y), searching outwards. */
function nearestSeaCell(land: Landscape, x: number, y: number, label: Int8Array, want: number): Position {
  const { grid, sea } = land;
  for (let r = 0; r < 200; r++) {
    let best: Position | null = null, bestD = Infinity;
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
        const px = x + dx * grid.cellSize, py = y + dy * grid.cellSize;
        const c = cellIndexAt(grid, px, py);
        if (c < 0 || !sea[c] || label[c] !== want) continue;
        const d = Math.hypot(dx, dy);
        if (d < bestD) { bestD = d; best = [cellX(grid, c % grid.width), cellY(grid, Math.floor(c / grid.width))]; }
      }
    }
    if (best) return best;
  }
  return [x, y];
}

/** Splits a closed ring into runs of consecutive segments that are not excluded. A fully kept ring stays closed. */
function coastRuns(ring: Position[], excluded: (p: Position, q: Position) => boolean): Position[][] {
  const m = ring.length - 1; // segments
  const skip: boolean[] = [];
  for (let i = 0; i < m; i++) skip.push(excluded(ring[i]!, ring[i + 1]!));
  const firstSkip = skip.indexOf(true);
  if (firstSkip < 0) return [ring];
  const runs: Position[][] = [];
  let current: Position[] = [];
  for (let s = 1; s <= m; s++) {
    const i = (firstSkip + s) % m;
    if (skip[i]) {
      if (current.length >= 2) runs.push(current);
      current = [];
      continue;
    }
    if (current.length === 0) current.push(ring[i]!);
    current.push(ring[i + 1]!);
  }
  if (current.length >= 2) runs.push(current);
  return runs;
}

/**
 * Splits a coastline run by shoreline type from the slope of the land behind it: cliffs and
 * rocky shores where steep, shingle on moderate slopes, sand on flat open coasts and mud on
 * flat sheltered loch shores. Short stretches merge into their neighbours.
 */
function classifyShore(land: Landscape, line: Position[], sheltered: boolean): { line: Position[]; slt: number }[] {
  const { grid, slope } = land;
  const types = line.map((p): number => {
    const s = sampleBilinear(grid, slope, p[0]!, p[1]!);
    if (s > 0.12) return SHORELINE_TYPE.stony;
    if (s > 0.05) return SHORELINE_TYPE.shingly;
    return sheltered ? SHORELINE_TYPE.mud : SHORELINE_TYPE.sandy;
  });
  // Majority over a few vertices either side, then merge runs shorter than 300 m.
  const smoothed = types.map((_, i) => {
    const counts = new Map<number, number>();
    for (let k = Math.max(0, i - 3); k <= Math.min(types.length - 1, i + 3); k++) counts.set(types[k]!, (counts.get(types[k]!) ?? 0) + 1);
    let best: number = types[i]!, bestN = 0;
    for (const [t, c] of counts) if (c > bestN || (c === bestN && t === types[i])) { best = t; bestN = c; }
    return best;
  });
  const pieces: { line: Position[]; slt: number }[] = [];
  let start = 0;
  for (let i = 1; i <= line.length; i++) {
    if (i < line.length && smoothed[i] === smoothed[start]) continue;
    const seg = line.slice(start, Math.min(i + 1, line.length));
    const prev = pieces[pieces.length - 1];
    let len = 0;
    for (let k = 1; k < seg.length; k++) len += Math.hypot(seg[k]![0]! - seg[k - 1]![0]!, seg[k]![1]! - seg[k - 1]![1]!);
    if (prev && len < 300) prev.line.push(...seg.slice(1));
    else if (seg.length >= 2) pieces.push({ line: seg, slt: smoothed[start]! });
    start = i;
  }
  if (pieces.length > 1 && lineLengthOf(pieces[0]!.line) < 300) {
    const first = pieces.shift()!;
    pieces[0]!.line = first.line.concat(pieces[0]!.line.slice(1));
  }
  return pieces;
}

function lineLengthOf(line: Position[]): number {
  let len = 0;
  for (let k = 1; k < line.length; k++) len += Math.hypot(line[k]![0]! - line[k - 1]![0]!, line[k]![1]! - line[k - 1]![1]!);
  return len;
}
