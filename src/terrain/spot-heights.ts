/**
 * Spot heights for a sheet (topographic-sheet.md §7): the highest point, then summits ranked by
 * topographic prominence (so a mountain beats a bump on its flank), then passes and closed
 * depressions, then any points the caller adds (road junctions), kept at least a set distance
 * apart and at most a set number, with whole-unit values.
 *
 * Summits, cols and pits come from merge trees of the grid: cells are swept from the highest
 * down (for pits, from the lowest up), each joining the regions of its eight neighbours; where
 * two regions meet, the one with the lower peak ends there, its prominence the drop from its
 * peak to that col. Cells on the grid's edge or next to no-data join an "outside" region that
 * always wins, because what lies beyond is unknown: a rise cut by the edge is not a summit, a
 * hollow open to the edge is not a depression, and a summit's prominence is never overstated.
 * @module terrain/spot-heights
 */
import { sampleGrid, type DemGrid } from './dem-grid.js';

export type SpotKind = 'summit' | 'saddle' | 'depression' | 'point';

/** A chosen spot height, map units; `elevation` rounded to whole grid units. */
export interface SpotHeight { x: number; y: number; elevation: number; kind: SpotKind }

/** What {@link selectSpotHeights} keeps. */
export interface SpotHeightOptions {
  /** [count=40] Most points. */
  count?: number;
  /** Least distance between two points, map units (20 mm at map scale). */
  minSpacing: number;
  /** [includeSummits=true] Mark summits (the highest point is marked regardless). */
  includeSummits?: boolean;
  /** [includeDepressions=true] Mark the bottoms of closed depressions. */
  includeDepressions?: boolean;
  /** Further candidates, after the terrain's own, in the order given (road junctions, …). */
  extraPoints?: readonly { x: number; y: number; kind: SpotKind }[];
  /**
   * [minProminence=2 % of the relief, at least 1] Height a summit must rise above its col, a
   * pass above the lower of the summits it separates, and a depression's rim above its bottom.
   */
  minProminence?: number;
  /** [seaLevel=0] Depressions whose bottom is at or below this are not marked (sea, flats). */
  seaLevel?: number;
}

/** Summits, cols and pits from a merge tree, with their significance. */
interface Feature { cell: number; score: number }

/**
 * Valid cells in ascending order of elevation (ties by cell index). Elevations are mapped to
 * sortable unsigned integers through their float bits and packed with the cell index into one
 * exact double, so a plain numeric typed-array sort does the work.
 */
function ascending(z: Float32Array): Uint32Array {
  const n = z.length;
  let valid = 0;
  for (let i = 0; i < n; i++) if (z[i] === z[i]) valid++;
  const out = new Uint32Array(valid);
  if (n <= 1 << 21) {
    const bits = new Uint32Array(z.buffer, z.byteOffset, n);
    const keys = new Float64Array(valid);
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (z[i] !== z[i]) continue;
      const b = z[i] === 0 ? 0x80000000 : bits[i]!; // −0 and +0 alike
      const sortable = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      keys[k++] = sortable * 2097152 + i;
    }
    keys.sort();
    for (let j = 0; j < valid; j++) out[j] = keys[j]! % 2097152;
  } else {
    let k = 0;
    for (let i = 0; i < n; i++) if (z[i] === z[i]) out[k++] = i;
    out.sort((a, b) => z[a]! - z[b]! || a - b);
  }
  return out;
}

/** 1 for cells on the grid's edge or next to no-data: their surroundings are unknown. */
function openCells(grid: DemGrid): Uint8Array {
  const { z, width: W, height: H } = grid;
  const open = new Uint8Array(W * H);
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      if (r === 0 || c === 0 || r === H - 1 || c === W - 1) { open[r * W + c] = 1; continue; }
      for (let dr = -1; dr <= 1 && !open[r * W + c]; dr++) for (let dc = -1; dc <= 1; dc++) if (z[(r + dr) * W + c + dc] !== z[(r + dr) * W + c + dc]) { open[r * W + c] = 1; break; }
    }
  }
  return open;
}

/**
 * One merge-tree sweep over `order` (highest first for summits; lowest first for pits, with
 * `sign` −1 turning elevations over). Returns the peaks with their prominence and the cols
 * where a peak's region joined higher ground, scored by that peak's prominence.
 */
function sweep(grid: DemGrid, order: Uint32Array, reverse: boolean, sign: number, open: Uint8Array): { peaks: Feature[]; cols: Feature[] } {
  const { z, width: W } = grid;
  const n = z.length, OUT = n;
  const parent = new Int32Array(n + 1).fill(-1);
  const peak = new Int32Array(n + 1);
  const lowest = new Int32Array(n + 1);
  parent[OUT] = OUT; peak[OUT] = -1;
  const h = (cell: number) => (cell < 0 ? Infinity : sign * z[cell]!);
  const find = (x: number) => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  const peaks: Feature[] = [], cols: Feature[] = [];
  const roots = new Int32Array(9);
  const offsets = [-W - 1, -W, -W + 1, -1, 1, W - 1, W, W + 1];
  let m = 0;
  const add = (root: number) => { for (let k = 0; k < m; k++) if (roots[k] === root) return; roots[m++] = root; };
  for (let j = 0; j < order.length; j++) {
    const cell = order[reverse ? order.length - 1 - j : j]!;
    m = 0;
    if (open[cell]) {
      add(OUT);
      const c = cell % W;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const nc = c + dc, nb = cell + dr * W + dc;
          if ((dr === 0 && dc === 0) || nc < 0 || nc >= W || nb < 0 || nb >= n || parent[nb]! < 0) continue;
          add(find(nb));
        }
      }
    } else {
      // An inner cell has all eight neighbours on the grid and none of them no-data.
      for (const o of offsets) if (parent[cell + o]! >= 0) add(find(cell + o));
    }
    if (m === 0) { parent[cell] = cell; peak[cell] = cell; lowest[cell] = cell; continue; }
    // The region with the highest peak (the outside above all) takes the others.
    let keep = roots[0]!;
    for (let k = 1; k < m; k++) {
      const r = roots[k]!, a = h(peak[r]!), b = h(peak[keep]!);
      if (a > b || (a === b && peak[r]! < peak[keep]!)) keep = r;
    }
    for (let k = 0; k < m; k++) {
      const r = roots[k]!;
      if (r === keep) continue;
      const p = peak[r]!, prominence = sign * (z[p]! - z[cell]!);
      peaks.push({ cell: p, score: prominence });
      if (!open[cell]) cols.push({ cell, score: prominence });
      parent[r] = keep;
    }
    parent[cell] = keep;
    lowest[keep] = cell;
  }
  // Regions never joined to another (only possible without any open cell): prominence down to their lowest cell.
  for (let cell = 0; cell < n; cell++) {
    if (parent[cell] === cell) peaks.push({ cell: peak[cell]!, score: sign * (z[peak[cell]!]! - z[lowest[cell]!]!) });
  }
  return { peaks, cols };
}

/**
 * Spot heights of `grid`: the highest point first (always), then summits by prominence, then
 * passes and depressions by significance, then `extraPoints`, each kept when at least
 * `minSpacing` from those already kept, until `count`.
 */
export function selectSpotHeights(grid: DemGrid, options: SpotHeightOptions): SpotHeight[] {
  const { count = 40, minSpacing, includeSummits = true, includeDepressions = true, extraPoints = [], seaLevel = 0 } = options;
  const { z, width: W } = grid;
  const order = ascending(z);
  if (order.length === 0 || count <= 0) return [];
  const low = z[order[0]!]!, top = order[order.length - 1]!;
  const minProminence = options.minProminence ?? Math.max(1, (z[top]! - low) * 0.02);
  const open = openCells(grid);
  const summits = sweep(grid, order, true, 1, open);
  const pits = includeDepressions ? sweep(grid, order, false, -1, open) : { peaks: [], cols: [] };

  const at = (cell: number, kind: SpotKind): SpotHeight => ({ x: grid.x0 + (cell % W) * grid.cell, y: grid.y0 - Math.floor(cell / W) * grid.cell, elevation: Math.round(z[cell]!), kind });
  const byScore = (a: Feature & { kind?: SpotKind }, b: Feature) => b.score - a.score || a.cell - b.cell;
  const significant = (fs: Feature[]) => fs.filter((f) => f.score >= minProminence).sort(byScore);

  const candidates: SpotHeight[] = [at(top, summits.peaks.some((p) => p.cell === top) ? 'summit' : 'point')];
  if (includeSummits) for (const f of significant(summits.peaks)) if (f.cell !== top) candidates.push(at(f.cell, 'summit'));
  const passes = significant(summits.cols).map((f) => ({ ...f, kind: 'saddle' as const }));
  const hollows = significant(pits.peaks).filter((f) => z[f.cell]! > seaLevel).map((f) => ({ ...f, kind: 'depression' as const }));
  for (const f of [...passes, ...hollows].sort(byScore)) candidates.push(at(f.cell, f.kind));
  for (const p of extraPoints) {
    const e = sampleGrid(grid, p.x, p.y);
    if (e === e) candidates.push({ x: p.x, y: p.y, elevation: Math.round(e), kind: p.kind });
  }

  const chosen: SpotHeight[] = [];
  const spacing2 = minSpacing * minSpacing;
  for (const s of candidates) {
    if (chosen.length >= count) break;
    if (chosen.every((o) => (o.x - s.x) ** 2 + (o.y - s.y) ** 2 >= spacing2)) chosen.push(s);
  }
  return chosen;
}
