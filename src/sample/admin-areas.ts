/**
 * Council areas (FA001) and the boundaries between them (FA000). Areas are built from whole
 * drainage basins (labelled on the D8 grid), each basin going to the council whose seat is
 * nearest most of its ground, so the boundaries follow watersheds. Polygons are traced on a
 * field that is the DEM on the council's own land and minus the DEM on its neighbours', so the
 * coast is the same 0 m contour as the coastline and neighbours share their boundary exactly.
 * ADMIN_LEVEL follows the OpenStreetMap convention (6 = council area). Map metres.
 * @module sample/admin-areas
 */
import type { Position } from '../geo/geometry.js';
import { basinLabels } from './hydrology.js';
import type { Landscape } from './landscape.js';
import type { NameGenerator } from './names.js';
import { polygonize, windowAround } from './polygonize.js';
import { sampleNearest } from './raster.js';
import type { SampleFeature } from './schema.js';
import type { Settlement } from './settlements.js';

/** ADMIN_LEVEL of a council area (OpenStreetMap convention). */
export const COUNCIL_ADMIN_LEVEL = 6;
/** Basins smaller than this join the council around them, km². */
const ENCLAVE_MAX_KM2 = 25;
/** Boundary status: definite. */
const BST_DEFINITE = 1;

/** A council area and the town that is its seat. */
export interface Council {
  name: string;
  seat: Settlement;
}

/** Council area polygons, the boundary lines between them, and the councils. */
export interface AdminAreas {
  areas: SampleFeature[];
  boundaries: SampleFeature[];
  councils: Council[];
}

/** Picks up to three council seats: the main town and the towns farthest from the seats chosen so far. */
function chooseSeats(settlements: Settlement[]): Settlement[] {
  const seats = [settlements.find((s) => s.main)!];
  const towns = settlements.filter((s) => s.type === 'Town' && !s.main);
  while (seats.length < 3 && towns.length > 0) {
    let best = 0, bestD = -1;
    towns.forEach((t, k) => {
      const d = Math.min(...seats.map((s) => Math.hypot(s.x - t.x, s.y - t.y)));
      if (d > bestD) { bestD = d; best = k; }
    });
    if (bestD < 15000) break;
    seats.push(towns.splice(best, 1)[0]!);
  }
  return seats;
}

/**
 * Divides the land into two or three council areas along drainage divides. Areas include inland
 * water and stop at the coast; boundaries are only the lines shared by two councils.
 */
export function buildAdminAreas(land: Landscape, settlements: Settlement[], names: NameGenerator): AdminAreas {
  const { grid, dem, sea } = land;
  const { width, height } = grid;
  const n = width * height;
  const seats = chooseSeats(settlements);
  const basin = basinLabels(land.routing, sea);
  // Votes: for each basin, how many of its cells are nearest to each seat.
  const votes = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const b = basin[i]!;
    if (b < 0) continue;
    const x = grid.originX + ((i % width) + 0.5) * grid.cellSize, y = grid.originY - (Math.floor(i / width) + 0.5) * grid.cellSize;
    let best = 0, bestD = Infinity;
    seats.forEach((s, k) => { const d = (s.x - x) ** 2 + (s.y - y) ** 2; if (d < bestD) { bestD = d; best = k; } });
    let v = votes.get(b);
    if (!v) { v = new Array<number>(seats.length).fill(0); votes.set(b, v); }
    v[best]!++;
  }
  const basinCouncil = new Map<number, number>();
  for (const [b, v] of votes) {
    let k = 0;
    for (let j = 1; j < v.length; j++) if (v[j]! > v[k]!) k = j;
    basinCouncil.set(b, k);
  }
  // Islands go whole to one council; small mainland basins (coastal strips) join the council
  // around them, largest first, so no council keeps enclaves inside another.
  const landMass = new Int32Array(n).fill(-1);
  const componentSize: number[] = [];
  const stack: number[] = [];
  for (let s0 = 0; s0 < n; s0++) {
    if (sea[s0] || landMass[s0] >= 0) continue;
    const id = componentSize.length;
    let size = 0;
    landMass[s0] = id;
    stack.push(s0);
    while (stack.length > 0) {
      const c = stack.pop()!;
      size++;
      const col = c % width, row = (c - col) / width;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const x = col + dx, y = row + dy;
        if (x < 0 || y < 0 || x >= width || y >= height) continue;
        const j = y * width + x;
        if (!sea[j] && landMass[j] < 0) { landMass[j] = id; stack.push(j); }
      }
    }
    componentSize.push(size);
  }
  const mainland = componentSize.indexOf(Math.max(...componentSize));
  const islandVotes = new Map<number, number[]>();
  for (const [b, v] of votes) {
    const id = landMass[b]!;
    if (id === mainland) continue;
    const t = islandVotes.get(id) ?? new Array<number>(seats.length).fill(0);
    v.forEach((c, k) => { t[k]! += c; });
    islandVotes.set(id, t);
  }
  for (const b of votes.keys()) {
    const t = islandVotes.get(landMass[b]!);
    if (t) basinCouncil.set(b, t.indexOf(Math.max(...t)));
  }
  const small = (ENCLAVE_MAX_KM2 * 1e6) / (grid.cellSize * grid.cellSize);
  const basinSize = (b: number) => votes.get(b)!.reduce((sum, c) => sum + c, 0);
  // Shared boundary length (cell edges) between each small basin and its neighbours.
  const neighbours = new Map<number, Map<number, number>>();
  for (let i = 0; i < n; i++) {
    const b = basin[i]!;
    if (b < 0 || landMass[b] !== mainland || basinSize(b) >= small) continue;
    const col = i % width;
    for (const j of [i - 1, i + 1, i - width, i + width]) {
      if (j < 0 || j >= n || (j === i - 1 && col === 0) || (j === i + 1 && col === width - 1)) continue;
      const o = basin[j]!;
      if (o < 0 || o === b) continue;
      let edges = neighbours.get(b);
      if (!edges) { edges = new Map(); neighbours.set(b, edges); }
      edges.set(o, (edges.get(o) ?? 0) + 1);
    }
  }
  const smallBasins = [...neighbours.keys()].sort((a, b) => basinSize(b) - basinSize(a) || a - b);
  for (let pass = 0; pass < 2; pass++) {
    for (const b of smallBasins) {
      const t = new Array<number>(seats.length).fill(0);
      for (const [o, shared] of neighbours.get(b)!) t[basinCouncil.get(o)!]! += shared;
      basinCouncil.set(b, t.indexOf(Math.max(...t)));
    }
  }
  const council = new Int8Array(n).fill(-1);
  const bounds = seats.map(() => ({ minCol: width, minRow: height, maxCol: -1, maxRow: -1 }));
  for (let i = 0; i < n; i++) {
    const b = basin[i]!;
    if (b < 0) continue;
    const k = basinCouncil.get(b)!;
    council[i] = k;
    const col = i % width, row = Math.floor(i / width), bb = bounds[k]!;
    if (col < bb.minCol) bb.minCol = col;
    if (col > bb.maxCol) bb.maxCol = col;
    if (row < bb.minRow) bb.minRow = row;
    if (row > bb.maxRow) bb.maxRow = row;
  }
  const present = seats.map((_, k) => bounds[k]!.maxCol >= 0);
  const councils: Council[] = seats.map((seat) => ({ name: names.district(), seat }));

  const areas: SampleFeature[] = [];
  const polygonsOf: Position[][][][] = [];
  seats.forEach((_, k) => {
    if (!present[k]) { polygonsOf.push([]); return; }
    const b = bounds[k]!;
    const win = windowAround(grid, b.minCol, b.minRow, b.maxCol, b.maxRow, 1);
    const field = new Float32Array(win.cols * win.rows);
    for (let r = 0; r < win.rows; r++) {
      for (let c = 0; c < win.cols; c++) {
        const i = (win.row0 + r) * width + win.col0 + c;
        const z = dem[i]!;
        field[r * win.cols + c] = council[i] === k ? z : council[i]! >= 0 ? -z : z;
      }
    }
    const polygons = polygonize(grid, win, field, { threshold: 0, simplify: 8, minArea: 20000, minHoleArea: 20000 });
    polygonsOf.push(polygons);
    if (polygons.length > 0) {
      areas.push({ geometry: { type: 'MultiPolygon', coordinates: polygons }, properties: { F_CODE: 'FA001', NAM: councils[k]!.name, ADMIN_LEVEL: COUNCIL_ADMIN_LEVEL } });
    }
  });

  // Boundaries: stretches of a council's rings with another council on the far side.
  const labelAt = (x: number, y: number) => {
    if (x < grid.originX || y > grid.originY || x > grid.originX + width * grid.cellSize || y < grid.originY - height * grid.cellSize) return -1;
    return sampleNearest(grid, council, x, y);
  };
  const boundaries: SampleFeature[] = [];
  polygonsOf.forEach((polygons, k) => {
    for (const rings of polygons) {
      for (const ring of rings) {
        // Council on the right of each segment (rings keep the council's own area on the left);
        // each shared boundary is emitted once, from the lower-numbered council.
        const m = ring.length - 1;
        const right = new Int32Array(m).fill(-1);
        for (let s = 0; s < m; s++) {
          const a = ring[s]!, b = ring[s + 1]!;
          const len = Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);
          if (len === 0) continue;
          const nx = -(b[1]! - a[1]!) / len, ny = (b[0]! - a[0]!) / len;
          const r = labelAt((a[0]! + b[0]!) / 2 - nx * 20, (a[1]! + b[1]!) / 2 - ny * 20);
          if (r > k) right[s] = r;
        }
        // Start from a break so runs crossing the ring's first vertex stay whole.
        let first = 0;
        while (first < m && right[first] === right[(first + m - 1) % m]) first++;
        if (first === m) first = 0;
        let run: Position[] = [];
        let runRight = -1;
        const flush = () => {
          if (run.length >= 2 && runRight >= 0) {
            boundaries.push({
              geometry: { type: 'LineString', coordinates: run },
              properties: { F_CODE: 'FA000', BST: BST_DEFINITE, NAM_LEFT: councils[k]!.name, NAM_RIGHT: councils[runRight]!.name, ADMIN_LEVEL: COUNCIL_ADMIN_LEVEL },
            });
          }
          run = [];
        };
        for (let t = 0; t < m; t++) {
          const s = (first + t) % m;
          if (right[s] !== runRight) { flush(); runRight = right[s]!; }
          if (runRight < 0) continue;
          if (run.length === 0) run.push(ring[s]!);
          run.push(ring[s + 1]!);
        }
        flush();
      }
    }
  });
  return { areas, boundaries, councils: councils.filter((_, k) => present[k]) };
}
