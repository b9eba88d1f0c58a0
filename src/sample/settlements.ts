/**
 * Settlement sites: where people settle in a west-Highland landscape — low, gentle ground near
 * the coast, a loch or a river — chosen greedily by suitability with spacing that grows with
 * the settlement's rank: one main town at the head of the main sea loch, a few small towns,
 * villages and hamlets. Names follow the geography (Inver- at river mouths, Kinloch- at loch
 * heads). Positions in map metres.
 * @module sample/settlements
 */
import type { Position } from '../geo/geometry.js';
import type { SeaLoch } from './coast.js';
import type { Landscape } from './landscape.js';
import type { NameGenerator } from './names.js';
import { createNoise, fbm } from './noise.js';
import { deriveSeed, Random } from './prng.js';
import { cellX, cellY, distanceToMask, downsample, type RasterGrid } from './raster.js';
import type { NamedRiver } from './watercourses.js';

/** Settlement ranks (the main town is a Town with `main` set). */
export type SettlementType = 'Town' | 'Village' | 'Hamlet';

/** A settlement, map metres. */
export interface Settlement {
  name: string;
  type: SettlementType;
  /** True for the region's main town. */
  main: boolean;
  population: number;
  /** Centre, map metres (on land). */
  x: number;
  y: number;
  /** Nominal radius of the built-up area, m. */
  radius: number;
  /** Place-name priority: 1 main town … 4 hamlets. */
  priority: number;
  /** Within 1.5 km of the sea. */
  coastal: boolean;
}

/** Nominal built-up radius for a population, m. */
function settlementRadius(population: number): number {
  return 25 * Math.pow(population, 0.45);
}

/** Smallest island that is settled, km². */
const MIN_SETTLED_LAND_KM2 = 3;

interface SiteGrid {
  grid: RasterGrid;
  score: Float32Array;
  /** Distance to the sea, m. */
  seaDistance: Float32Array;
}

/** Suitability of each 100 m block for settlement (−Infinity where unbuildable). */
function siteSuitability(land: Landscape): SiteGrid {
  const { grid: g, dem, water, slope, acc } = land;
  const factor = Math.max(1, Math.round(100 / g.cellSize));
  const w = Math.floor(g.width / factor), h = Math.floor(g.height / factor);
  const grid: RasterGrid = { width: w, height: h, cellSize: g.cellSize * factor, originX: g.originX, originY: g.originY };
  const elev = downsample(dem, g.width, g.height, factor, 'mean');
  const wet = downsample(water, g.width, g.height, factor, 'max');
  const steep = downsample(slope, g.width, g.height, factor, 'mean');
  const riverCells = (5e6) / (g.cellSize * g.cellSize);
  const bigRiver = new Uint8Array(g.width * g.height);
  for (let i = 0; i < bigRiver.length; i++) bigRiver[i] = acc[i]! >= riverCells && !water[i] ? 1 : 0;
  const river = downsample(bigRiver, g.width, g.height, factor, 'max');
  const seaBlocks = downsample(land.sea, g.width, g.height, factor, 'max');
  const lakeBlocks = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) lakeBlocks[i] = wet[i]! > 0 && !seaBlocks[i] ? 1 : 0;
  const dSea = distanceToMask(seaBlocks, w, h, grid.cellSize);
  const dLake = distanceToMask(lakeBlocks, w, h, grid.cellSize);
  const dRiver = distanceToMask(river, w, h, grid.cellSize);
  // Islets cannot carry a village: only land masses of a few square kilometres are settled.
  const landMass = new Int32Array(w * h).fill(-1);
  const massSize: number[] = [];
  for (let s0 = 0; s0 < w * h; s0++) {
    if (seaBlocks[s0] || landMass[s0] >= 0) continue;
    const id = massSize.length;
    const stack = [s0];
    landMass[s0] = id;
    let size = 0;
    while (stack.length > 0) {
      const c = stack.pop()!;
      size++;
      const cx = c % w, cy = (c - cx) / w;
      for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
        const x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= w || y >= h) continue;
        const j = y * w + x;
        if (!seaBlocks[j] && landMass[j] < 0) { landMass[j] = id; stack.push(j); }
      }
    }
    massSize.push(size);
  }
  const minBlocks = (MIN_SETTLED_LAND_KM2 * 1e6) / (grid.cellSize * grid.cellSize);
  const noise = createNoise(land.seed, 'settlement-sites');
  const score = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      // Leave a block of dry land around the centre so buildings fit.
      let nearWater = false;
      for (let dy = -1; dy <= 1 && !nearWater; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const rr = r + dy, cc = c + dx;
          if (rr < 0 || cc < 0 || rr >= h || cc >= w || wet[rr * w + cc]! > 0) { nearWater = true; break; }
        }
      }
      const z = elev[i]!, s = steep[i]!;
      if (nearWater || z > 230 || s > 0.16 || massSize[landMass[i]!]! < minBlocks) { score[i] = -Infinity; continue; }
      score[i] = 1.7 * Math.exp(-dSea[i]! / 900) + 1.0 * Math.exp(-dLake[i]! / 600) + 0.9 * Math.exp(-dRiver[i]! / 400)
        + 1.3 * (1 - Math.min(1, s / 0.1)) - z / 170 + 0.45 * fbm(noise, cellX(grid, c) / 2500, cellY(grid, r) / 2500, 2);
    }
  }
  return { grid, score, seaDistance: dSea };
}

/**
 * Places the settlements: the main town near the head of the main sea loch, then small towns,
 * villages and hamlets on the best remaining sites, each kept clear of larger places.
 */
export function placeSettlements(land: Landscape, names: NameGenerator, rivers: NamedRiver[], seaLochs: SeaLoch[]): Settlement[] {
  const random = new Random(deriveSeed(land.seed, 'settlements'));
  const { grid, score, seaDistance } = siteSuitability(land);
  const candidates: number[] = [];
  for (let i = 0; i < score.length; i++) if (score[i]! > -Infinity) candidates.push(i);
  candidates.sort((a, b) => score[b]! - score[a]! || a - b);
  // Room to grow: buildable blocks within ~1.2 km, from a summed-area table.
  const W = grid.width, H = grid.height;
  const sat = new Float64Array((W + 1) * (H + 1));
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      sat[(r + 1) * (W + 1) + c + 1] = (score[r * W + c]! > -Infinity ? 1 : 0) + sat[r * (W + 1) + c + 1]! + sat[(r + 1) * (W + 1) + c]! - sat[r * (W + 1) + c]!;
    }
  }
  const room = new Float32Array(W * H);
  for (const i of candidates) {
    const c = i % W, r = Math.floor(i / W), k = 12;
    const c0 = Math.max(0, c - k), r0 = Math.max(0, r - k), c1 = Math.min(W, c + k + 1), r1 = Math.min(H, r + k + 1);
    room[i] = (sat[r1 * (W + 1) + c1]! - sat[r0 * (W + 1) + c1]! - sat[r1 * (W + 1) + c0]! + sat[r0 * (W + 1) + c0]!) / ((2 * k + 1) * (2 * k + 1));
  }
  /** Candidates ranked for a tier that values room to grow (the share of buildable land around) by `need`. */
  const rankedFor = (need: number) => candidates.slice().sort((a, b) => score[b]! + need * room[b]! - (score[a]! + need * room[a]!) || a - b);
  const at = (i: number): Position => [cellX(grid, i % grid.width), cellY(grid, Math.floor(i / grid.width))];
  const settlements: Settlement[] = [];
  // Each place keeps smaller newcomers at least `clearance` away; newcomers keep `spacing` from everything.
  const taken: { x: number; y: number; clearance: number }[] = [];

  const nameFor = (x: number, y: number, reach: number) => {
    const river = rivers.find((r) => r.end === 'sea' && Math.hypot(r.mouth[0]! - x, r.mouth[1]! - y) < reach);
    const loch = seaLochs.find((l) => Math.hypot(l.head[0]! - x, l.head[1]! - y) < reach);
    return names.settlement({ riverMouth: river?.stem, lochHead: loch?.stem });
  };
  const add = (i: number, type: SettlementType, population: number, priority: number, main: boolean, clearance: number) => {
    const [x, y] = at(i) as [number, number];
    settlements.push({ name: nameFor(x, y, main ? 3500 : 1500), type, main, population, x, y, radius: settlementRadius(population), priority, coastal: seaDistance[i]! < 1500 });
    taken.push({ x, y, clearance });
  };
  const free = (i: number, spacing: number) => {
    const [x, y] = at(i) as [number, number];
    return taken.every((t) => Math.hypot(t.x - x, t.y - y) >= Math.max(spacing, t.clearance));
  };

  // Main town: the best site within 5 km of the main loch's head.
  const site = land.layout.mainTownSite;
  const forMain = rankedFor(3);
  const mainSite = forMain.find((i) => { const [x, y] = at(i) as [number, number]; return Math.hypot(x - site[0]!, y - site[1]!) < 5000; }) ?? forMain[0]!;
  add(mainSite, 'Town', Math.round(random.range(9500, 11000) / 10) * 10, 1, true, 6000);

  // Each tier shares out a total population, so the region's size does not swing with the
  // number of small towns drawn.
  const plan: { type: SettlementType; count: number; total: [number, number]; spacing: number; clearance: number; priority: number }[] = [
    { type: 'Town', count: random.int(3, 5), total: [11500, 13500], spacing: 10000, clearance: 3000, priority: 2 },
    { type: 'Village', count: 15, total: [8500, 9500], spacing: 3800, clearance: 2200, priority: 3 },
    { type: 'Hamlet', count: 30, total: [2100, 2500], spacing: 1800, clearance: 1500, priority: 4 },
  ];
  for (const tier of plan) {
    const weights = Array.from({ length: tier.count }, () => random.range(0.35, 1.65));
    const sum = weights.reduce((a, b) => a + b, 0);
    const total = random.range(tier.total[0], tier.total[1]);
    const unit = tier.type === 'Hamlet' ? 1 : 10;
    const pops = weights.map((w) => Math.max(unit, Math.round((total * w) / sum / unit) * unit)).sort((a, b) => b - a);
    let placed = 0;
    for (const i of rankedFor(tier.type === 'Town' ? 2 : tier.type === 'Village' ? 1 : 0)) {
      if (placed >= tier.count) break;
      if (!free(i, tier.spacing)) continue;
      add(i, tier.type, pops[placed]!, tier.priority, false, tier.clearance);
      placed++;
    }
  }
  return settlements;
}
