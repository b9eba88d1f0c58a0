/**
 * Least-cost routing for roads and railways over a coarse (100 m) cost grid: terrain
 * difficulty, a grade penalty on every move, bridge costs for river crossings, impassable
 * water, and an optional discount on cells that already carry a road so routes share
 * corridors. Searches use A* over 16 neighbours (knight moves give 26.6° headings, so routes
 * are not confined to 45° steps). Costs are in metre-equivalents.
 * @module sample/cost-surface
 */
import type { Landscape } from './landscape.js';
import { downsample, type RasterGrid } from './raster.js';

/** The coarse routing grid, with per-cell data in row-major typed arrays. */
export interface CostSurface {
  grid: RasterGrid;
  /** Mean elevation per cell, m. */
  elevation: Float32Array;
  /** 1 where the cell holds any sea or lake. */
  blocked: Uint8Array;
  /** Terrain difficulty multiplier (≥ 1) from the cell's slope. */
  factor: Float32Array;
  /** Extra cost of entering the cell (bridging a river), m-equivalent. */
  crossing: Float32Array;
}

/** Builds the cost grid at `cellSize` metres (a multiple of the landscape's cell size). */
export function buildCostSurface(land: Landscape, cellSize = 100): CostSurface {
  const g = land.grid;
  const f = Math.max(1, Math.round(cellSize / g.cellSize));
  const w = Math.floor(g.width / f), h = Math.floor(g.height / f);
  const grid: RasterGrid = { width: w, height: h, cellSize: g.cellSize * f, originX: g.originX, originY: g.originY };
  const elevation = downsample(land.dem, g.width, g.height, f, 'mean');
  const wet = downsample(land.water, g.width, g.height, f, 'max');
  const slope = downsample(land.slope, g.width, g.height, f, 'mean');
  const cellKm2 = (g.cellSize * g.cellSize) / 1e6;
  const river = new Float32Array(g.width * g.height);
  for (let i = 0; i < river.length; i++) river[i] = land.water[i] ? 0 : land.acc[i]! * cellKm2;
  const riverArea = downsample(river, g.width, g.height, f, 'max');
  const blocked = new Uint8Array(w * h);
  const factor = new Float32Array(w * h);
  const crossing = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    blocked[i] = wet[i]! > 0 ? 1 : 0;
    const s = slope[i]!;
    factor[i] = 1 + (s / 0.22) * (s / 0.22) + elevation[i]! / 900;
    const a = riverArea[i]!;
    // Bridges: culverts over burns are cheap, spans over rivers grow with their width.
    crossing[i] = a >= 1 ? 60 + 25 * Math.sqrt(a) : 0;
  }
  return { grid, elevation, blocked, factor, crossing };
}

/** How a route is costed. */
export interface PathOptions {
  /** Grade (rise/run) at which a move costs twice as much; squared penalty above that. */
  gradeScale: number;
  /** Cells carrying an existing road (1) get `reuseFactor` on moves between two of them. */
  reuse?: Uint8Array;
  reuseFactor?: number;
  /** Limit the search to this rectangle of cells (inclusive); defaults to the whole grid. */
  bounds?: { minCol: number; minRow: number; maxCol: number; maxRow: number };
}

const MOVES: [number, number][] = [
  [1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1],
  [2, 1], [2, -1], [-2, 1], [-2, -1], [1, 2], [1, -2], [-1, 2], [-1, -2],
];
/** Cells a move passes beside, which must be dry so routes do not cut corners across water. */
const STRADDLED: [number, number][][] = MOVES.map(([dx, dy]) => {
  if (Math.abs(dx) + Math.abs(dy) === 1) return [];
  if (Math.abs(dx) === 1 && Math.abs(dy) === 1) return [[dx, 0], [0, dy]];
  return Math.abs(dx) === 2 ? [[Math.sign(dx), 0], [Math.sign(dx), dy]] : [[0, Math.sign(dy)], [dx, Math.sign(dy)]];
});

/** Reusable A* searcher over a cost surface (search state is stamped, not cleared, between runs). */
export class PathFinder {
  private readonly cost: Float64Array;
  private readonly parent: Int32Array;
  private readonly stamp: Int32Array;
  private readonly closed: Int32Array;
  private run = 0;
  private heapKeys: Float64Array;
  private heapCells: Int32Array;

  constructor(private readonly surface: CostSurface) {
    const n = surface.grid.width * surface.grid.height;
    this.cost = new Float64Array(n);
    this.parent = new Int32Array(n);
    this.stamp = new Int32Array(n);
    this.closed = new Int32Array(n);
    this.heapKeys = new Float64Array(1024);
    this.heapCells = new Int32Array(1024);
  }

  /** Cost of the path found by the last successful {@link find}. */
  lastCost = 0;

  /**
   * Cheapest path from `start` to any cell in `targets`, as cell indices start → target, or
   * null when none is reachable. With one target, A* with a Euclidean lower bound; with many, Dijkstra.
   */
  find(start: number, targets: number[], options: PathOptions): number[] | null {
    const { grid, elevation, blocked, factor, crossing } = this.surface;
    const w = grid.width, h = grid.height, cs = grid.cellSize;
    const reuse = options.reuse, reuseFactor = options.reuseFactor ?? 1;
    const b = options.bounds ?? { minCol: 0, minRow: 0, maxCol: w - 1, maxRow: h - 1 };
    const targetSet = new Set(targets);
    const single = targets.length === 1 ? targets[0]! : -1;
    const tx = single >= 0 ? single % w : 0, ty = single >= 0 ? Math.floor(single / w) : 0;
    const minFactor = reuse ? Math.min(1, reuseFactor) : 1;
    const heuristic = (c: number) => (single >= 0 ? Math.hypot((c % w) - tx, Math.floor(c / w) - ty) * cs * minFactor : 0);
    const run = ++this.run;
    const { cost, parent, stamp, closed } = this;
    let size = 0;
    const push = (key: number, cell: number) => {
      if (size === this.heapKeys.length) {
        const k = new Float64Array(size * 2); k.set(this.heapKeys); this.heapKeys = k;
        const c = new Int32Array(size * 2); c.set(this.heapCells); this.heapCells = c;
      }
      const keys = this.heapKeys, cells = this.heapCells;
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (keys[p]! <= key) break;
        keys[i] = keys[p]!; cells[i] = cells[p]!; i = p;
      }
      keys[i] = key; cells[i] = cell;
    };
    const pop = () => {
      const keys = this.heapKeys, cells = this.heapCells;
      const top = cells[0]!;
      const last = --size;
      if (last > 0) {
        const key = keys[last]!, cell = cells[last]!;
        let i = 0;
        for (;;) {
          let c = 2 * i + 1;
          if (c >= last) break;
          if (c + 1 < last && keys[c + 1]! < keys[c]!) c++;
          if (keys[c]! >= key) break;
          keys[i] = keys[c]!; cells[i] = cells[c]!; i = c;
        }
        keys[i] = key; cells[i] = cell;
      }
      return top;
    };
    stamp[start] = run;
    cost[start] = 0;
    parent[start] = -1;
    push(heuristic(start), start);
    while (size > 0) {
      const c = pop();
      if (closed[c] === run) continue;
      closed[c] = run;
      if (targetSet.has(c)) {
        this.lastCost = cost[c]!;
        const path: number[] = [];
        for (let p = c; p >= 0; p = parent[p]!) path.push(p);
        return path.reverse();
      }
      const cx = c % w, cy = (c - cx) / w;
      const zc = elevation[c]!;
      for (let m = 0; m < MOVES.length; m++) {
        const [dx, dy] = MOVES[m]!;
        const nx = cx + dx, ny = cy + dy;
        if (nx < b.minCol || ny < b.minRow || nx > b.maxCol || ny > b.maxRow) continue;
        const j = ny * w + nx;
        if (blocked[j] || closed[j] === run) continue;
        let dry = true;
        for (const [sx, sy] of STRADDLED[m]!) if (blocked[(cy + sy) * w + cx + sx]) { dry = false; break; }
        if (!dry) continue;
        const len = Math.hypot(dx, dy) * cs;
        const grade = Math.abs(elevation[j]! - zc) / len / options.gradeScale;
        let step = len * 0.5 * (factor[c]! + factor[j]!) * (1 + grade * grade) + crossing[j]!;
        if (reuse && reuse[c] && reuse[j]) step = len * reuseFactor * (1 + grade * grade * 0.25);
        const total = cost[c]! + step;
        if (stamp[j] !== run || total < cost[j]!) {
          stamp[j] = run;
          cost[j] = total;
          parent[j] = c;
          push(total + heuristic(j), j);
        }
      }
    }
    return null;
  }
}
