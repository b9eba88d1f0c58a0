/**
 * The rural road network: least-cost routes between settlements and to the region's edges,
 * classed by the importance of what they connect (A roads between the towns and out of the
 * region, B roads to villages, single-track minor roads to hamlets, a few minor loop roads),
 * sharing corridors where routes meet. Routes run on the 100 m cost grid and are split into
 * links at junctions, then smoothed. Output coordinates in map metres.
 * @module sample/roads
 */
import Delaunator from 'delaunator';
import type { Position } from '../geo/geometry.js';
import { buildCostSurface, PathFinder, type CostSurface } from './cost-surface.js';
import type { Landscape } from './landscape.js';
import { roundLine, simplifyLine, smoothLine } from './polyline.js';
import { deriveSeed, Random } from './prng.js';
import { cellIndexAt, cellX, cellY } from './raster.js';
import type { Settlement } from './settlements.js';

/** CLASS values of the roads table. */
export type RoadClass = 'Primary' | 'Secondary' | 'Minor' | 'Street';

/** Attributes per road class: RTY road type code, carriageway width (m). */
export const ROAD_CLASSES: Record<RoadClass, { rank: number; rty: number; width: number }> = {
  Primary: { rank: 3, rty: 2, width: 7.3 },
  Secondary: { rank: 2, rty: 3, width: 5.5 },
  Minor: { rank: 1, rty: 4, width: 3.5 },
  Street: { rank: 0, rty: 5, width: 5.5 },
};

/** A road link between junctions. */
export interface RoadLink {
  line: Position[];
  roadClass: RoadClass;
  /** Route number ('A830', 'B8004') or null. */
  rtn: string | null;
  name: string | null;
  surface: 'Paved' | 'Unpaved';
  width: number;
}

/** Result of {@link planRoads}. */
export interface RoadNetwork {
  links: RoadLink[];
  surface: CostSurface;
  /** Cost-grid cells that carry a rural road. */
  roadCells: Uint8Array;
}

const CLASS_BY_RANK: RoadClass[] = ['Street', 'Minor', 'Secondary', 'Primary'];

interface EdgeInfo {
  rank: number;
  rtn: string | null;
}

/** Plans the rural roads for the settlements (the main town first in the list). */
export function planRoads(land: Landscape, settlements: Settlement[]): RoadNetwork {
  const random = new Random(deriveSeed(land.seed, 'roads'));
  const surface = buildCostSurface(land);
  const finder = new PathFinder(surface);
  const { grid } = surface;
  const w = grid.width, h = grid.height;
  const roadCells = new Uint8Array(w * h);
  const edges = new Map<number, EdgeInfo>();
  const key = (a: number, b: number) => (a < b ? a * w * h + b : b * w * h + a);
  const cellOf = (s: Settlement) => cellIndexAt(grid, s.x, s.y);
  const roadOptions = { gradeScale: 0.07, reuse: roadCells, reuseFactor: 0.35 };
  const pathLength = (path: number[]) => {
    let len = 0;
    for (let k = 1; k < path.length; k++) len += Math.hypot((path[k]! % w) - (path[k - 1]! % w), Math.floor(path[k]! / w) - Math.floor(path[k - 1]! / w));
    return len * grid.cellSize;
  };

  const addPath = (path: number[], rank: number, rtn: string | null) => {
    for (let k = 0; k < path.length; k++) {
      roadCells[path[k]!] = 1;
      if (k === 0) continue;
      const id = key(path[k - 1]!, path[k]!);
      const prev = edges.get(id);
      if (!prev || prev.rank < rank) edges.set(id, { rank, rtn });
    }
  };
  const windowFor = (a: number, b: number, margin: number) => {
    const ax = a % w, ay = Math.floor(a / w), bx = b % w, by = Math.floor(b / w);
    const m = Math.max(margin, Math.round(0.6 * Math.hypot(ax - bx, ay - by)));
    return { minCol: Math.max(0, Math.min(ax, bx) - m), minRow: Math.max(0, Math.min(ay, by) - m), maxCol: Math.min(w - 1, Math.max(ax, bx) + m), maxRow: Math.min(h - 1, Math.max(ay, by) + m) };
  };
  // Search a window around the pair first; only a detour round a long loch needs the whole grid.
  const route = (from: number, to: number) => finder.find(from, [to], { ...roadOptions, bounds: windowFor(from, to, 40) }) ?? finder.find(from, [to], roadOptions);

  const aNumbers = random.shuffle(['A82', 'A830', 'A861', 'A87', 'A884', 'A86', 'A887']);
  const bNumbers = random.shuffle(Array.from({ length: 90 }, (_, k) => `B8${String(k + 1).padStart(3, '0')}`));
  const main = settlements.find((s) => s.main)!;
  const connected: Settlement[] = [main];

  // A road out of the region along the strath to the east.
  const eastEdge: number[] = [];
  for (let r = 0; r < h; r++) if (!surface.blocked[r * w + w - 1]) eastEdge.push(r * w + w - 1);
  const east = finder.find(cellOf(main), eastEdge, roadOptions);
  if (east) addPath(east, 3, aNumbers[0]!);

  // The coast road linking the towns, nearest first.
  const nearestConnected = (s: Settlement, pool: Settlement[]) => pool.reduce((best, c) => (Math.hypot(c.x - s.x, c.y - s.y) < Math.hypot(best.x - s.x, best.y - s.y) ? c : best));
  const connectAll = (group: Settlement[], rank: number, number: () => string | null) => {
    const waiting = group.slice();
    while (waiting.length > 0) {
      let pick = 0, pickD = Infinity;
      waiting.forEach((s, k) => {
        const d = Math.hypot(nearestConnected(s, connected).x - s.x, nearestConnected(s, connected).y - s.y);
        if (d < pickD) { pickD = d; pick = k; }
      });
      const s = waiting.splice(pick, 1)[0]!;
      const path = route(cellOf(s), cellOf(nearestConnected(s, connected)));
      if (path) addPath(path, rank, number());
      connected.push(s);
    }
  };
  const coastRoute = aNumbers[1]!;
  connectAll(settlements.filter((s) => s.type === 'Town' && !s.main), 3, () => coastRoute);

  // North out of the region from the northernmost town, if a route exists.
  const towns = connected.slice();
  const northTown = towns.reduce((a, b) => (b.y > a.y ? b : a));
  const northEdge: number[] = [];
  for (let c = 0; c < w; c++) if (!surface.blocked[c]) northEdge.push(c);
  const north = finder.find(cellOf(northTown), northEdge, roadOptions);
  if (north && pathLength(north) < 25000) addPath(north, 3, aNumbers[2]!);
  // South along the coast as a B road.
  const southTown = towns.reduce((a, b) => (b.y < a.y ? b : a));
  const southEdge: number[] = [];
  for (let c = 0; c < w; c++) if (!surface.blocked[(h - 1) * w + c]) southEdge.push((h - 1) * w + c);
  const south = finder.find(cellOf(southTown), southEdge, roadOptions);
  if (south && pathLength(south) < 25000) addPath(south, 2, bNumbers.pop()!);

  connectAll(settlements.filter((s) => s.type === 'Village'), 2, () => bNumbers.pop()!);
  connectAll(settlements.filter((s) => s.type === 'Hamlet'), 1, () => null);

  // A few minor roads closing loops between neighbouring villages and towns.
  const hubs = settlements.filter((s) => s.type !== 'Hamlet');
  if (hubs.length >= 3) {
    const tri = Delaunator.from(hubs.map((s) => [s.x, s.y] as [number, number]));
    const pairs: [number, number, number][] = [];
    for (let e = 0; e < tri.triangles.length; e++) {
      const opposite = tri.halfedges[e]!;
      if (opposite >= 0 && opposite < e) continue;
      const a = tri.triangles[e]!, b = tri.triangles[e % 3 === 2 ? e - 2 : e + 1]!;
      const d = Math.hypot(hubs[a]!.x - hubs[b]!.x, hubs[a]!.y - hubs[b]!.y);
      if (d < 9000) pairs.push([a, b, d]);
    }
    pairs.sort((p, q) => p[2] - q[2] || p[0] - q[0] || p[1] - q[1]);
    let loops = 0;
    for (const [a, b, d] of pairs) {
      if (loops >= 6) break;
      const path = route(cellOf(hubs[a]!), cellOf(hubs[b]!));
      if (!path) continue;
      const fresh = path.filter((c) => !roadCells[c]).length / path.length;
      if (fresh < 0.7 || pathLength(path) > 1.5 * d) continue;
      addPath(path, 1, null);
      loops++;
    }
  }

  return { links: extractLinks(surface, edges, settlements.map(cellOf)), surface, roadCells };
}

/** Splits the road graph into links between junctions, settlements and attribute changes, and smooths them. */
function extractLinks(surface: CostSurface, edges: Map<number, EdgeInfo>, anchors: number[]): RoadLink[] {
  const { grid } = surface;
  const n = grid.width * grid.height;
  const adjacency = new Map<number, number[]>();
  const ends = (id: number): [number, number] => [Math.floor(id / n), id % n];
  for (const id of [...edges.keys()].sort((a, b) => a - b)) {
    const [a, b] = ends(id);
    if (!adjacency.has(a)) adjacency.set(a, []);
    if (!adjacency.has(b)) adjacency.set(b, []);
    adjacency.get(a)!.push(b);
    adjacency.get(b)!.push(a);
  }
  const key = (a: number, b: number) => (a < b ? a * n + b : b * n + a);
  const anchorSet = new Set(anchors);
  const isNode = (c: number) => {
    const nb = adjacency.get(c)!;
    if (nb.length !== 2 || anchorSet.has(c)) return true;
    const e1 = edges.get(key(c, nb[0]!))!, e2 = edges.get(key(c, nb[1]!))!;
    return e1.rank !== e2.rank || e1.rtn !== e2.rtn;
  };
  const used = new Set<number>();
  const links: RoadLink[] = [];
  const pos = (c: number): Position => [cellX(grid, c % grid.width), cellY(grid, Math.floor(c / grid.width))];
  const trace = (start: number, next: number) => {
    const cells = [start, next];
    used.add(key(start, next));
    let prev = start, cur = next;
    while (!isNode(cur)) {
      const nb = adjacency.get(cur)!;
      const step = nb[0] === prev ? nb[1]! : nb[0]!;
      if (used.has(key(cur, step))) break;
      used.add(key(cur, step));
      cells.push(step);
      prev = cur;
      cur = step;
    }
    const info = edges.get(key(cells[0]!, cells[1]!))!;
    const roadClass = CLASS_BY_RANK[info.rank]!;
    // Straighten the grid staircase first, then round the corners.
    const line = roundLine(simplifyLine(smoothLine(simplifyLine(cells.map(pos), 50), 3), 2));
    links.push({ line, roadClass, rtn: info.rtn, name: null, surface: 'Paved', width: ROAD_CLASSES[roadClass].width });
  };
  const nodes = [...adjacency.keys()].sort((a, b) => a - b);
  for (const c of nodes) {
    if (!isNode(c)) continue;
    for (const nb of adjacency.get(c)!) if (!used.has(key(c, nb))) trace(c, nb);
  }
  // Closed loops without any junction.
  for (const c of nodes) for (const nb of adjacency.get(c)!) if (!used.has(key(c, nb))) trace(c, nb);
  return links;
}
