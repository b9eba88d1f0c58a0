/**
 * Building footprints (AL013) as small rotated rectangles: terraces, shops and civic buildings
 * near settlement centres, semi-detached and detached houses with sheds further out, crofts
 * strung along coastal roads, isolated houses, and farmsteads with barns and an access track
 * along the rural roads. Nothing is placed on water, on steep ground, on a road, railway or
 * stream corridor, or overlapping another building. Coordinates in map metres.
 * @module sample/buildings
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import { Occupancy, orientedRect, type Quad } from './occupancy.js';
import { pointsAlong, roundLine } from './polyline.js';
import { deriveSeed, Random } from './prng.js';
import { distanceToMask, downsample, sampleBilinear, type RasterGrid } from './raster.js';
import type { RailwayLine } from './railway.js';
import type { RoadLink } from './roads.js';
import type { SampleFeature } from './schema.js';
import type { Settlement } from './settlements.js';

/** Minimum distance between farmsteads, m. */
const FARM_SPACING = 600;

/** Feature function (FFN) codes used for buildings. */
export const FFN = { dwelling: 930, commercial: 440, school: 850, church: 931, storage: 530, agriculture: 2 } as const;

/** A farmstead's farmhouse position, map metres. */
export interface Farmstead {
  x: number;
  y: number;
}

/** Result of {@link placeBuildings}. */
export interface Buildings {
  features: SampleFeature[];
  /** Centres of each settlement's buildings, by settlement index (for built-up areas). */
  clusters: Position[][];
  farms: Farmstead[];
  /** Farm access tracks (unpaved minor roads) starting on a road. */
  tracks: RoadLink[];
}

interface Spec {
  ffn: number;
  /** Frontage (along the road) and depth ranges, m. */
  front: [number, number];
  depth: [number, number];
  setback: [number, number];
  height: [number, number];
}

const SPECS = {
  terrace: { ffn: FFN.dwelling, front: [6, 8.5], depth: [8, 10], setback: [2, 4], height: [7, 9.5] },
  shop: { ffn: FFN.commercial, front: [12, 22], depth: [10, 16], setback: [1.5, 3], height: [8, 12] },
  semi: { ffn: FFN.dwelling, front: [8, 12], depth: [7, 10], setback: [4, 8], height: [6, 8.5] },
  detached: { ffn: FFN.dwelling, front: [9, 14], depth: [8, 11], setback: [6, 14], height: [5.5, 8] },
  church: { ffn: FFN.church, front: [10, 14], depth: [18, 25], setback: [8, 14], height: [12, 20] },
  school: { ffn: FFN.school, front: [20, 25], depth: [14, 20], setback: [10, 18], height: [7, 10] },
  farmhouse: { ffn: FFN.dwelling, front: [10, 13], depth: [7, 9], setback: [25, 70], height: [6, 8] },
} satisfies Record<string, Spec>;

/** Places all buildings. `links` are the roads and streets, `streams` the watercourse features. */
export function placeBuildings(
  land: Landscape, settlements: Settlement[], links: RoadLink[], railway: RailwayLine[], streams: SampleFeature[],
): Buildings {
  const random = new Random(deriveSeed(land.seed, 'buildings'));
  const { grid, dem, slope } = land;
  const water = Float32Array.from(land.water);
  const occupancy = new Occupancy();
  for (const link of links) occupancy.addLine(link.line, link.width / 2 + 2);
  for (const rail of railway) occupancy.addLine(rail.line, 7);
  for (const s of streams) occupancy.addLine((s.geometry as { coordinates: Position[] }).coordinates, (s.properties.WID as number) / 2 + 4);
  const features: SampleFeature[] = [];

  const buildable = (q: Quad) => {
    for (let k = 0; k < 5; k++) {
      const x = k < 4 ? q[2 * k]! : (q[0]! + q[4]!) / 2, y = k < 4 ? q[2 * k + 1]! : (q[1]! + q[5]!) / 2;
      if (sampleBilinear(grid, water, x, y) > 0.002 || sampleBilinear(grid, slope, x, y) > 0.3) return false;
    }
    return sampleBilinear(grid, dem, (q[0]! + q[4]!) / 2, (q[1]! + q[5]!) / 2) >= 1;
  };
  /** Tries to put a building; returns its quad or null. */
  const put = (cx: number, cy: number, ux: number, uy: number, front: number, depth: number, ffn: number, height: number, gap: number): Quad | null => {
    const q = orientedRect(cx, cy, ux, uy, front, depth);
    if (!buildable(q) || !occupancy.isFree(q, gap)) return null;
    occupancy.addQuad(q);
    const ring = roundLine([[q[0]!, q[1]!], [q[2]!, q[3]!], [q[4]!, q[5]!], [q[6]!, q[7]!], [q[0]!, q[1]!]]);
    features.push({ geometry: { type: 'Polygon', coordinates: [ring] }, properties: { F_CODE: 'AL013', FFN: ffn, HGT: Math.round(height * 10) / 10 } });
    return q;
  };
  const range = (r: [number, number]) => random.range(r[0], r[1]);
  /** A building of `spec` fronting the road at p on `side`, plus a shed behind it with probability `shed`. */
  const frontage = (p: { x: number; y: number; dx: number; dy: number }, side: number, halfRoad: number, spec: Spec, gap: number, shed: number, shedFfn: number, extraSetback = 0): boolean => {
    const front = range(spec.front), depth = range(spec.depth), setback = range(spec.setback) + extraSetback;
    const nx = -p.dy * side, ny = p.dx * side;
    const off = halfRoad + setback + depth / 2;
    const q = put(p.x + nx * off, p.y + ny * off, p.dx, p.dy, front, depth, spec.ffn, range(spec.height), gap);
    if (!q) return false;
    if (random.chance(shed)) {
      const sf = random.range(3, 6.5), sd = random.range(3, 5.5);
      const back = off + depth / 2 + random.range(2.5, 7) + sd / 2;
      const along = random.range(-1, 1) * Math.max(0, (front - sf) / 2);
      put(p.x + nx * back + p.dx * along, p.y + ny * back + p.dy * along, p.dx, p.dy, sf, sd, shedFfn, random.range(2.4, 3.6), 1);
      // A garage beside the house on the larger plots.
      if (spec === SPECS.detached && random.chance(0.45)) {
        const gf = random.range(3.2, 6), gd = random.range(5.5, 7);
        const beside = front / 2 + random.range(1.5, 3.5) + gf / 2;
        const dir = random.chance(0.5) ? 1 : -1;
        put(p.x + nx * (off + random.range(-1, 2)) + p.dx * beside * dir, p.y + ny * (off + random.range(-1, 2)) + p.dy * beside * dir, p.dx, p.dy, gf, gd, shedFfn, random.range(2.6, 3.4), 1);
      }
    }
    return true;
  };

  // Settlements, largest first so towns claim their streets before neighbours' outskirts.
  const clusters: Position[][] = settlements.map(() => []);
  const order = settlements.map((_, k) => k).sort((a, b) => settlements[b]!.population - settlements[a]!.population || a - b);
  for (const k of order) {
    const town = settlements[k]!;
    const start = features.length;
    // Plots are taken nearest the centre first; where the streets run out the settlement
    // straggles out along its roads, as Highland villages do.
    const reach = town.radius * (town.type === 'Hamlet' ? 1.6 : 2.2);
    const candidates: { x: number; y: number; dx: number; dy: number; side: number; halfRoad: number; r: number }[] = [];
    for (const link of links) {
      if (!link.line.some((p) => Math.hypot(p[0]! - town.x, p[1]! - town.y) < reach + 200)) continue;
      for (const p of pointsAlong(link.line, 6, 10)) {
        const r = Math.hypot(p.x - town.x, p.y - town.y);
        if (r > reach) continue;
        for (const side of [1, -1]) candidates.push({ ...p, side, halfRoad: link.width / 2, r: r + random.range(0, town.radius * 0.15) });
      }
    }
    candidates.sort((a, b) => a.r - b.r);
    // Civic buildings take the first good plots near the centre.
    const civic: Spec[] = [];
    const churches = town.main ? 3 : town.type === 'Town' ? 2 : town.type === 'Village' ? 1 : 0;
    const schools = town.main ? 2 : town.type === 'Town' ? 1 : town.type === 'Village' && town.population > 300 ? 1 : 0;
    for (let c = 0; c < churches; c++) civic.push(SPECS.church);
    for (let c = 0; c < schools; c++) civic.push(SPECS.school);
    let ci = 0;
    for (const spec of civic) {
      for (; ci < candidates.length; ci++) {
        const p = candidates[ci]!;
        if (frontage(p, p.side, p.halfRoad, spec, 3, 0, FFN.storage)) { ci += 8; break; }
      }
    }
    // Households of about 1.9 people plus holiday and empty homes: one dwelling per 1.4 residents.
    const dwellings = Math.round(town.population / 1.4);
    let placed = 0;
    if (candidates.length === 0) {
      // A clachan off the road network: houses scattered round the centre.
      for (let tries = 0; tries < dwellings * 6 && placed < dwellings; tries++) {
        const a = random.range(0, 2 * Math.PI), r = random.range(0, town.radius);
        const heading = random.range(0, Math.PI);
        const p = { x: town.x + r * Math.cos(a), y: town.y + r * Math.sin(a), dx: Math.cos(heading), dy: Math.sin(heading) };
        if (frontage(p, 1, 0, SPECS.detached, 5, 0.7, FFN.agriculture)) placed++;
      }
    }
    // First the plots fronting the streets, then (where the streets run out before the
    // population is housed) a second row behind them, reached by lanes and drives.
    for (const backland of [false, true]) {
      for (const p of candidates) {
        if (placed >= dwellings) break;
        const zone = p.r / town.radius;
        // Back rows only in the suburbs; the centre keeps its street frontages and out along
        // the roads it is a single ribbon.
        if (backland && (zone < 0.4 || zone > 1.2)) continue;
        const extra = backland ? random.range(24, 32) : 0;
        if (town.type === 'Hamlet') {
          if (random.chance(0.6) && frontage(p, p.side, p.halfRoad, SPECS.detached, 4, 0.7, random.chance(0.5) ? FFN.agriculture : FFN.storage, extra)) placed++;
        } else if (zone < 0.22 && !backland) {
          const shop = random.chance(town.type === 'Village' ? 0.2 : 0.45);
          if (frontage(p, p.side, p.halfRoad, shop ? SPECS.shop : SPECS.terrace, 0.6, shop ? 0.2 : 0.15, FFN.storage) && !shop) placed++;
        } else if (zone < 0.55) {
          // Inner streets: rows of terraced houses among the semi-detached.
          const terrace = town.type === 'Town' && random.chance(0.35);
          if (frontage(p, p.side, p.halfRoad, terrace ? SPECS.terrace : SPECS.semi, terrace ? 0.6 : 2.5, terrace ? 0.3 : 0.65, FFN.storage, extra)) placed++;
        } else if (frontage(p, p.side, p.halfRoad, SPECS.detached, 5, 0.8, FFN.storage, extra)) {
          placed++;
        }
      }
    }
    for (let f = start; f < features.length; f++) {
      const ring = (features[f]!.geometry as { coordinates: Position[][] }).coordinates[0]!;
      clusters[k]!.push([(ring[0]![0]! + ring[2]![0]!) / 2, (ring[0]![1]! + ring[2]![1]!) / 2]);
    }
  }

  // The countryside: farmsteads on low ground, crofts near the shore, the odd isolated house.
  const seaDistance = coarseSeaDistance(land);
  const farms: Farmstead[] = [];
  const tracks: RoadLink[] = [];
  const outside = (x: number, y: number) => settlements.every((s) => Math.hypot(s.x - x, s.y - y) > s.radius * 1.3 + 150);
  for (const link of links) {
    if (link.roadClass === 'Street') continue;
    for (const p of pointsAlong(link.line, random.range(120, 220), random.range(30, 150))) {
      if (!outside(p.x, p.y)) continue;
      const z = sampleBilinear(grid, dem, p.x, p.y), s = sampleBilinear(grid, slope, p.x, p.y);
      const coastal = sampleBilinear(seaDistance.grid, seaDistance.data, p.x, p.y) < 900 && z < 60;
      const side = random.chance(0.5) ? 1 : -1;
      if (coastal && random.chance(0.75)) {
        frontage(p, side, link.width / 2, SPECS.detached, 4, 0.8, FFN.agriculture);
      } else if (z < 200 && s < 0.12 && random.chance(0.5)) {
        farmstead(p, side, link);
      } else if (z < 280 && s < 0.18 && random.chance(0.22)) {
        frontage(p, side, link.width / 2, SPECS.detached, 4, 0.5, FFN.storage);
      }
    }
  }

  function farmstead(p: { x: number; y: number; dx: number; dy: number }, side: number, link: RoadLink): void {
    // Farms hold their own land: keep steadings apart.
    if (farms.some((f) => Math.abs(f.x - p.x) < FARM_SPACING && Math.abs(f.y - p.y) < FARM_SPACING && Math.hypot(f.x - p.x, f.y - p.y) < FARM_SPACING)) return;
    const spec = SPECS.farmhouse;
    const setback = range(spec.setback);
    const nx = -p.dy * side, ny = p.dx * side;
    const off = link.width / 2 + setback;
    const hx = p.x + nx * off, hy = p.y + ny * off;
    const house = put(hx, hy, p.dx, p.dy, range(spec.front), range(spec.depth), spec.ffn, range(spec.height), 3);
    if (!house) return;
    farms.push({ x: hx, y: hy });
    // Steading: barns around a yard behind the farmhouse.
    const barns = random.int(2, 5);
    for (let b = 0; b < barns; b++) {
      const along = random.range(-30, 30), back = random.range(18, 38);
      const turn = random.chance(0.5);
      const ux = turn ? nx : p.dx, uy = turn ? ny : p.dy;
      put(hx + nx * back + p.dx * along, hy + ny * back + p.dy * along, ux, uy, random.range(12, 25), random.range(8, 14), FFN.agriculture, random.range(4.5, 8), 3);
    }
    if (setback > 30) {
      const end: Position = [hx - nx * 7, hy - ny * 7];
      const start: Position = [p.x, p.y];
      const line = roundLine([start, end]);
      tracks.push({ line, roadClass: 'Minor', rtn: null, name: null, surface: 'Unpaved', width: 3 });
      occupancy.addLine(line, 3);
    }
  }

  return { features, clusters, farms, tracks };
}

/** Distance to the sea on a 100 m grid, m. */
function coarseSeaDistance(land: Landscape): { grid: RasterGrid; data: Float32Array } {
  const g = land.grid;
  const f = Math.max(1, Math.round(100 / g.cellSize));
  const w = Math.floor(g.width / f), h = Math.floor(g.height / f);
  const sea = downsample(land.sea, g.width, g.height, f, 'max');
  return { grid: { width: w, height: h, cellSize: g.cellSize * f, originX: g.originX, originY: g.originY }, data: distanceToMask(sea, w, h, g.cellSize * f) };
}

