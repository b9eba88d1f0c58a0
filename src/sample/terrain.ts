/**
 * Synthetic west-Highland terrain: a seeded macro layout (coast, sea lochs, a broad strath,
 * islands) over a smooth mountain mass; glacial troughs carved along the drainage network of
 * that surface, so the valleys form one connected, draining network; overdeepened basins in a
 * few big valleys that fill into lochs; ridged-noise crests and cols on the ground high above
 * the valley floors; and fine rock and soil detail at the output resolution.
 *
 * Output is a DEM in metres above sea level on the caller's grid (map units = metres,
 * EPSG:32630 for the sample region); sea cells hold negative depths. The generator is
 * resolution independent: all lengths are metres, and the macro stage runs on a grid of
 * cells no smaller than 50 m.
 * @module sample/terrain
 */
import type { Position } from '../geo/geometry.js';
import { createNoise, fbm, lerp, ridged, smoothstep } from './noise.js';
import { deriveSeed, Random } from './prng.js';
import { accumulateFlow, fillDepressions, findSea, routeFlow } from './hydrology.js';
import { boxBlur, cellX, cellY, coarserGrid, distanceToMask, slopeOf, upsampleCubic, type RasterGrid, NEIGHBOUR_DX, NEIGHBOUR_DY } from './raster.js';

/** A sea loch forced into the macro surface: a drowned trough reaching inland from the coast. */
export interface Inlet {
  /** Centreline from the open sea (first vertex) to the loch head (last vertex), map metres. */
  line: Position[];
  /** Half-width of the water at the mouth and at the head, m. */
  halfWidthMouth: number;
  halfWidthHead: number;
  /** Sea-bed depth at the mouth and at the head, m (negative). */
  depthMouth: number;
  depthHead: number;
  /** True for the one long sea loch that leads to the main town. */
  main: boolean;
}

/** An island raised from the sea bed. */
export interface Island {
  x: number;
  y: number;
  /** Semi-axes, m. */
  rx: number;
  ry: number;
  /** Rotation of the x semi-axis from east, radians. */
  angle: number;
  /** Summit height, m. */
  height: number;
}

/** The seeded large-scale plan of the region every later step refers to. */
export interface TerrainLayout {
  /** Macro coastline: map x of the coast at map y (the real coast wanders around it). */
  coastX: (y: number) => number;
  inlets: Inlet[];
  /** Centreline of the broad lowland strath, from the main loch head eastwards off the map. */
  strath: Position[];
  /** Half-width of the strath floor, m. */
  strathHalfWidth: number;
  islands: Island[];
  /** Head of the main sea loch, where the main town grows. */
  mainTownSite: Position;
}

/** Result of {@link generateTerrain}. */
export interface Terrain {
  grid: RasterGrid;
  /** Elevation in metres, row-major from the north-west; sea cells negative. */
  dem: Float32Array;
  layout: TerrainLayout;
}

/** Polyline prepared for repeated nearest-point queries. */
interface Track {
  xs: Float64Array;
  ys: Float64Array;
  /** Cumulative length at each vertex. */
  cum: Float64Array;
  length: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

function makeTrack(line: Position[]): Track {
  const n = line.length;
  const xs = new Float64Array(n), ys = new Float64Array(n), cum = new Float64Array(n);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    xs[i] = line[i]![0]!;
    ys[i] = line[i]![1]!;
    if (i > 0) cum[i] = cum[i - 1]! + Math.hypot(xs[i]! - xs[i - 1]!, ys[i]! - ys[i - 1]!);
    minX = Math.min(minX, xs[i]!); maxX = Math.max(maxX, xs[i]!);
    minY = Math.min(minY, ys[i]!); maxY = Math.max(maxY, ys[i]!);
  }
  return { xs, ys, cum, length: cum[n - 1]!, minX, minY, maxX, maxY };
}

/** Distance from (x, y) to the track and the arc length of the nearest point, written to `out`. */
function nearestOnTrack(t: Track, x: number, y: number, out: { d: number; s: number }): void {
  let best = Infinity, bestS = 0;
  for (let i = 0; i < t.xs.length - 1; i++) {
    const ax = t.xs[i]!, ay = t.ys[i]!;
    const dx = t.xs[i + 1]! - ax, dy = t.ys[i + 1]! - ay;
    const len2 = dx * dx + dy * dy;
    let u = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    const px = ax + u * dx - x, py = ay + u * dy - y;
    const d2 = px * px + py * py;
    if (d2 < best) { best = d2; bestS = t.cum[i]! + u * Math.sqrt(len2); }
  }
  out.d = Math.sqrt(best);
  out.s = bestS;
}

/** A wandering polyline: fixed-length steps whose heading drifts randomly around `heading`. */
function wander(random: Random, start: Position, heading: number, step: number, steps: number, drift: number, pull: number): Position[] {
  const line: Position[] = [start];
  let h = heading;
  let [x, y] = start as [number, number];
  for (let i = 0; i < steps; i++) {
    h += random.range(-drift, drift) + (heading - h) * pull;
    x += Math.cos(h) * step;
    y += Math.sin(h) * step;
    line.push([x, y]);
  }
  return line;
}

/** Seeds the macro layout for a region covering `grid`. */
function planLayout(seed: number, grid: RasterGrid): TerrainLayout {
  const random = new Random(deriveSeed(seed, 'layout'));
  const coastNoise = createNoise(seed, 'coast-line');
  const x0 = grid.originX, y0 = grid.originY - grid.height * grid.cellSize;
  const lx = grid.width * grid.cellSize, ly = grid.height * grid.cellSize;
  const phase = random.range(0, Math.PI * 2);
  const coastX = (y: number) => x0 + lx * (0.22 + 0.035 * Math.sin(phase + (2 * Math.PI * (y - y0)) / (ly * 1.3)))
    + 2200 * fbm(coastNoise, (y - y0) / 14000, 3.7, 3);

  // The main sea loch enters in the southern third and runs east-north-east for ~20 km.
  const mouthY = y0 + ly * random.range(0.2, 0.3);
  const mouthX = coastX(mouthY) - 5000;
  const mainLine = wander(random, [mouthX, mouthY], random.range(0.25, 0.42), 1000, Math.round(random.range(19, 23)), 0.2, 0.15);
  const inlets: Inlet[] = [{ line: mainLine, halfWidthMouth: 1500, halfWidthHead: 450, depthMouth: -70, depthHead: -10, main: true }];
  const head = mainLine[mainLine.length - 1]!;

  // The strath continues the main loch's line eastwards, off the east edge.
  const strathSteps = Math.ceil((x0 + lx + 3000 - head[0]!) / 1500);
  const strath = wander(random, head, random.range(-0.05, 0.15), 1500, strathSteps, 0.1, 0.25);

  // Two or three shorter sea lochs in the northern half.
  const count = random.int(2, 3);
  const span = ly * 0.45 / count;
  for (let k = 0; k < count; k++) {
    const y = y0 + ly * 0.47 + span * (k + random.range(0.2, 0.8));
    const line = wander(random, [coastX(y) - 3000, y], random.range(-0.05, 0.55), 1000, Math.round(random.range(10, 15)), 0.18, 0.1);
    inlets.push({ line, halfWidthMouth: random.range(800, 1100), halfWidthHead: random.range(250, 350), depthMouth: -45, depthHead: -8, main: false });
  }

  // One larger island off the northern coast, a handful of small ones scattered offshore.
  const islands: Island[] = [];
  const iy = y0 + ly * random.range(0.55, 0.75);
  const ix = Math.max(x0 + 4500, coastX(iy) - random.range(7500, 9000));
  islands.push({ x: ix, y: iy, rx: random.range(2600, 3400), ry: random.range(1500, 2200), angle: random.range(0.6, 1.2), height: random.range(280, 420) });
  const small = random.int(4, 7);
  for (let k = 0; k < small; k++) {
    const y = y0 + ly * random.range(0.05, 0.95);
    const x = coastX(y) - random.range(1800, 6000);
    if (x < x0 + 800) continue;
    islands.push({ x, y, rx: random.range(200, 700), ry: random.range(150, 450), angle: random.range(0, Math.PI), height: random.range(15, 70) });
  }
  return { coastX, inlets, strath, strathHalfWidth: 2600, islands, mainTownSite: [head[0]!, head[1]!] };
}

/** Polynomial smooth minimum: like min(a, b) but rounded over a band of width k. */
function smin(a: number, b: number, k: number): number {
  const h = Math.max(k - Math.abs(a - b), 0) / k;
  return Math.min(a, b) - (h * h * k) / 4;
}

interface MacroFields {
  elevation: Float32Array;
  /** 0 in mountains, 1 on the lowland plains. */
  plain: Float32Array;
  /** 0–1 weight of mountain relief (0 at sea, on the coast and on the plains). */
  rugged: Float32Array;
}

/** The uncarved macro surface: coast, mountains, plains, sea lochs, islands. */
function macroSurface(seed: number, grid: RasterGrid, layout: TerrainLayout): MacroFields {
  const noise = (label: string) => createNoise(seed, label);
  const warpXN = noise('warp-x'), warpYN = noise('warp-y'), coastN = noise('coast-detail'), regionalN = noise('regional');
  const hillsN = noise('hills'), plainEdgeN = noise('plain-edge'), seabedN = noise('seabed'), domeN = noise('dome');
  const islandRelief = noise('island-relief');
  const plainRelief = noise('plain-relief');
  const inletWidth = noise('inlet-width');
  const islandNoise = noise('islands');
  const strath = makeTrack(layout.strath);
  const inletTracks = layout.inlets.map((inlet) => makeTrack(inlet.line));
  const mainMouthY = layout.inlets[0]!.line[0]![1]!;
  const { width, height } = grid;
  const elevation = new Float32Array(width * height);
  const plain = new Float32Array(width * height);
  const rugged = new Float32Array(width * height);
  const near = { d: 0, s: 0 };

  for (let row = 0; row < height; row++) {
    const y = cellY(grid, row);
    for (let col = 0; col < width; col++) {
      const x = cellX(grid, col);
      const i = row * width + col;
      // Signed distance inland from a domain-warped coastline, m.
      const dc = x + 2200 * fbm(warpXN, x / 13000, y / 13000, 3) - layout.coastX(y + 2200 * fbm(warpYN, x / 13000, y / 13000, 3)) + 1300 * fbm(coastN, x / 3800, y / 3800, 4);

      // Plains: the strath and a coastal strip south of the main loch.
      let p = 0;
      let along = 0;
      if (x > strath.minX - 6000 && y > strath.minY - 6000 && y < strath.maxY + 6000) {
        nearestOnTrack(strath, x, y, near);
        p = 1 - smoothstep(layout.strathHalfWidth * 0.5, layout.strathHalfWidth * 1.2, near.d + 700 * fbm(plainEdgeN, x / 5000, y / 5000, 2));
        along = near.s;
      }
      const coastal = (1 - smoothstep(1200, 3200, dc)) * (1 - smoothstep(mainMouthY - 1500, mainMouthY + 500, y));
      if (coastal > p) { p = coastal; along = 0; }
      plain[i] = p;

      let z: number;
      const seaZ = -(12 + 75 * smoothstep(0, 9000, -dc)) + 7 * fbm(seabedN, x / 6000, y / 6000, 2);
      if (dc < -1400) {
        z = seaZ;
      } else {
        const mtnMask = smoothstep(-800, 7500, dc) * (0.74 + 0.4 * fbm(regionalN, x / 30000, y / 30000, 2));
        rugged[i] = Math.min(1, mtnMask) * (1 - p);
        const dome = Math.min(1, Math.max(0, 0.55 + 0.75 * fbm(domeN, x / 16000, y / 16000, 4)));
        const hills = 45 * (0.5 + 0.5 * fbm(hillsN, x / 4200, y / 4200, 3));
        let land = 6 + 0.003 * Math.max(0, dc) + hills * smoothstep(0, 3000, dc) + mtnMask * (80 + 950 * Math.pow(dome, 1.3));
        if (p > 0) {
          const plainLevel = 4 + 0.0016 * along + 5 * fbm(plainRelief, x / 2600, y / 2600, 3);
          land = lerp(land, Math.max(2, plainLevel), p);
        }
        z = lerp(seaZ, land, smoothstep(-1400, 1400, dc));
      }

      for (let k = 0; k < inletTracks.length; k++) {
        const t = inletTracks[k]!;
        if (x < t.minX - 5000 || x > t.maxX + 5000 || y < t.minY - 5000 || y > t.maxY + 5000) continue;
        const inlet = layout.inlets[k]!;
        nearestOnTrack(t, x, y, near);
        const f = near.s / t.length;
        // Sea lochs narrow and widen along their length, with narrows between basins.
        const hw = lerp(inlet.halfWidthMouth, inlet.halfWidthHead, f) * (0.65 + 0.7 * (0.5 + 0.5 * fbm(inletWidth, near.s / 4000, 17.3 * k, 2)));
        const d = near.d + 160 * fbm(coastN, x / 2200 + 40, y / 2200, 2);
        // Valley walls rising from the loch shore, then the drowned floor itself (fading out
        // offshore so the trough does not continue across the open sea bed).
        z = smin(z, 10 + Math.max(0, d - hw) * 0.32, 16);
        // A narrow transition keeps the shore steep enough that detail noise cannot break it
        // into strings of islets.
        const core = (1 - smoothstep(hw * 0.8, hw * 1.05, d)) * smoothstep(-2500, 500, dc);
        z = lerp(z, Math.min(z, lerp(inlet.depthMouth, inlet.depthHead, f)), core);
      }
      for (const isl of layout.islands) {
        const dx = x - isl.x, dy = y - isl.y;
        if (Math.abs(dx) > isl.rx * 1.6 + 500 || Math.abs(dy) > isl.rx * 1.6 + 500) continue;
        const c = Math.cos(isl.angle), s = Math.sin(isl.angle);
        const u = (dx * c + dy * s) / isl.rx, v = (-dx * s + dy * c) / isl.ry;
        const rr = Math.sqrt(u * u + v * v) * (1 + 0.25 * fbm(islandNoise, x / 1200, y / 1200, 3));
        if (rr >= 1.3) continue;
        const r = ridged(islandRelief, x / 5000, y / 5000, 3);
        const bump = rr < 1 ? Math.pow(1 - rr * rr, 1.4) : 0;
        const zi = -20 + 30 * (1.3 - rr) + (isl.height - 10) * bump * (0.55 + 0.45 * r);
        if (zi > z) z = zi;
      }
      elevation[i] = z;
    }
  }
  return { elevation, plain, rugged };
}

/** Smallest contributing area whose channel is carved into a trough, km². */
const CARVE_MIN_AREA_KM2 = 0.2;

/** Channel gradient for a contributing area (km²): a concave long profile, steep at the heads. */
function channelSlope(areaKm2: number): number {
  return 0.003 + 0.05 * Math.pow(areaKm2, -0.6);
}

/** Half-width of a trough's flat floor for a contributing area (km²), m. */
function floorHalfWidth(areaKm2: number): number {
  return Math.min(450, 35 * Math.sqrt(areaKm2));
}

/**
 * Carves glacial troughs: a smooth concave long profile for every channel of the macro
 * surface's drainage network (with overdeepened basins on a few big valleys), widened into a
 * flat floor with steep walls by a chamfer propagation, and merged with the surface by a smooth
 * minimum so the shoulders round off.
 */
function carveTroughs(seed: number, grid: RasterGrid, macro: MacroFields): Float32Array {
  const { width, height, cellSize } = grid;
  const n = width * height;
  const random = new Random(deriveSeed(seed, 'troughs'));
  const wallNoise = createNoise(seed, 'trough-walls');
  const sea = findSea(macro.elevation, width, height);
  // Fill the macro surface's closed hollows with a gentle, uneven gradient towards their
  // outlets: real glens drain, and flat-filled hollows would carve dead-straight channels.
  const rise = new Float32Array(n);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      rise[row * width + col] = cellSize * 0.008 * (1 + 0.85 * fbm(wallNoise, cellX(grid, col) / 1500 + 91, cellY(grid, row) / 1500, 2));
    }
  }
  const e0 = fillDepressions(macro.elevation, width, height, sea, rise);
  const routing = routeFlow(e0, width, height, sea);
  const acc = accumulateFlow(routing);
  const cellKm2 = (cellSize * cellSize) / 1e6;
  const minCells = CARVE_MIN_AREA_KM2 / cellKm2;
  const { receiver, order, filled } = routing;

  // Long profiles, built from the mouths upstream.
  const floor = new Float32Array(n).fill(NaN);
  for (let k = 0; k < order.length; k++) {
    const c = order[k]!;
    if (acc[c]! < minCells) continue;
    const a = acc[c]! * cellKm2;
    const r = receiver[c]!;
    if (r < 0 || sea[r]) {
      // Rivers leaving across the map edge continue to a low base level off the map, so the
      // interior is dissected as deeply as the seaward side.
      // Glaciated rivers enter the sea in a drowned trough; rivers crossing a plain do not.
      const drowned = a > 20 && macro.plain[c]! < 0.3 ? -Math.min(15, Math.sqrt(a)) : 0.5;
      floor[c] = r < 0 ? Math.min(filled[c]!, 60 + 0.15 * filled[c]!) : Math.min(filled[c]!, drowned);
    } else {
      const dist = Math.hypot((c % width) - (r % width), Math.floor(c / width) - Math.floor(r / width)) * cellSize;
      floor[c] = Math.min(filled[c]!, floor[r]! + channelSlope(a) * dist);
    }
  }

  // Overdeepened basins: on a few large valleys, lower the floor below the level of a rock bar
  // downstream so the basin fills into a long narrow loch.
  const seaDist = distanceToMask(sea, width, height, cellSize);
  const candidates: number[] = [];
  for (let c = 0; c < n; c++) {
    const a = acc[c]! * cellKm2;
    if (!(floor[c]! >= 25 && floor[c]! <= 260) || a < 12 || a > 600 || seaDist[c]! < 3500 || macro.plain[c]! > 0.2) continue;
    candidates.push(c);
  }
  candidates.sort((p, q) => acc[q]! - acc[p]! || p - q);
  const deepen = new Float32Array(n);
  const chosen: number[] = [];
  const dxs = NEIGHBOUR_DX, dys = NEIGHBOUR_DY;
  const donorsOf = (c: number): number => {
    // The mainstem donor: the upstream neighbour with the largest contributing area.
    const cx = c % width, cy = (c - cx) / width;
    let best = -1;
    for (let k = 0; k < 8; k++) {
      const nx = cx + dxs[k]!, ny = cy + dys[k]!;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const j = ny * width + nx;
      if (receiver[j] === c && acc[j]! >= minCells && (best < 0 || acc[j]! > acc[best]!)) best = j;
    }
    return best;
  };
  const basins = random.int(2, 3);
  for (const c of candidates) {
    if (chosen.length >= basins) break;
    const cx = (c % width) * cellSize, cy = Math.floor(c / width) * cellSize;
    if (chosen.some((o) => Math.hypot((o % width) * cellSize - cx, Math.floor(o / width) * cellSize - cy) < 9000)) continue;
    const length = chosen.length === 0 ? random.range(9000, 12000) : random.range(3500, 6500);
    const depth = random.range(45, 80);
    const path: number[] = [c];
    const pos: number[] = [0];
    let cur = c, s = 0;
    while (s < length) {
      const up = donorsOf(cur);
      if (up < 0 || acc[up]! * cellKm2 < 2.5) break;
      s += Math.hypot((up % width) - (cur % width), Math.floor(up / width) - Math.floor(cur / width)) * cellSize;
      path.push(up);
      pos.push(s);
      cur = up;
    }
    if (s < length * 0.6) continue;
    chosen.push(c);
    const spill = floor[c]!;
    for (let k = 1; k < path.length; k++) {
      const t = pos[k]! / s;
      deepen[path[k]!] = floor[path[k]!]! - spill + depth * Math.pow(Math.sin(Math.PI * t), 0.6);
    }
  }

  // Cross-sections: propagate (floor − depth + wall·distance) from every channel cell and keep
  // the floor level of whichever channel wins, so troughs get flat floors and steep walls.
  const v = new Float32Array(n).fill(Infinity);
  const f = new Float32Array(n);
  const wall = new Float32Array(n);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      wall[i] = 0.58 + 0.22 * fbm(wallNoise, cellX(grid, col) / 6000, cellY(grid, row) / 6000, 2);
      if (Number.isNaN(floor[i]!)) continue;
      const a = acc[i]! * cellKm2;
      const z = floor[i]! - deepen[i]!;
      v[i] = z - floorHalfWidth(a) * wall[i]!;
      f[i] = z;
    }
  }
  const relax = (i: number, j: number, d: number) => {
    const cand = v[j]! + wall[i]! * d;
    if (cand < v[i]!) { v[i] = cand; f[i] = f[j]!; }
  };
  const diag = cellSize * Math.SQRT2;
  for (let pass = 0; pass < 2; pass++) {
    for (let row = 0; row < height; row++) {
      for (let col = 0; col < width; col++) {
        const i = row * width + col;
        if (col > 0) relax(i, i - 1, cellSize);
        if (row > 0) {
          relax(i, i - width, cellSize);
          if (col > 0) relax(i, i - width - 1, diag);
          if (col < width - 1) relax(i, i - width + 1, diag);
        }
      }
    }
    for (let row = height - 1; row >= 0; row--) {
      for (let col = width - 1; col >= 0; col--) {
        const i = row * width + col;
        if (col < width - 1) relax(i, i + 1, cellSize);
        if (row < height - 1) {
          relax(i, i + width, cellSize);
          if (col < width - 1) relax(i, i + width + 1, diag);
          if (col > 0) relax(i, i + width - 1, diag);
        }
      }
    }
  }
  // The chamfer propagation leaves faceted walls; a light blur rounds them off.
  const valley = new Float32Array(n);
  for (let i = 0; i < n; i++) valley[i] = Math.min(Math.max(v[i]!, f[i]!), e0[i]! + 150);
  const smooth = boxBlur(valley, width, height, 1, 2);
  // Crests and cols: ridged noise weighted by height above the valley floor, so summits get
  // rugged while floors stay smooth and drained.
  const crests = createNoise(seed, 'crests');
  const out = new Float32Array(n);
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = row * width + col;
      const z = e0[i]!;
      if (sea[i] || v[i] === Infinity) { out[i] = z; continue; }
      const carved = smin(z, smooth[i]!, 45);
      const above = carved - f[i]!;
      const w = macro.rugged[i]! * smoothstep(15, 260, above);
      out[i] = w > 0.001 ? carved + w * 300 * (ridged(crests, cellX(grid, col) / 7000, cellY(grid, row) / 7000, 4) - 0.3) : carved;
    }
  }
  return out;
}

/** Adds the detail octaves at the target resolution, rough on steep high ground, smooth on floors and plains. */
function addDetail(seed: number, grid: RasterGrid, dem: Float32Array, plain: Float32Array): void {
  const rock = createNoise(seed, 'detail-rock');
  const soft = createNoise(seed, 'detail-soft');
  const slope = slopeOf(dem, grid.width, grid.height, grid.cellSize);
  for (let row = 0; row < grid.height; row++) {
    const y = cellY(grid, row);
    for (let col = 0; col < grid.width; col++) {
      const i = row * grid.width + col;
      const z = dem[i]!;
      if (z < -8) continue;
      const x = cellX(grid, col);
      const rough = smoothstep(0.05, 0.4, slope[i]!) * smoothstep(10, 150, z) * (1 - plain[i]!);
      const crags = rough > 0.01 ? rough * 16 * (ridged(rock, x / 800, y / 800, 3) - 0.35) : 0;
      // Soft undulation, damped near sea level so flat shores stay clean lines.
      const shore = Math.min(1, 0.25 + Math.abs(z) / 8);
      dem[i] = z + crags + shore * (0.4 + 0.6 * rough) * 2.2 * fbm(soft, x / 320, y / 320, 2);
    }
  }
}

/**
 * Generates the sample terrain on `grid` (any resolution; lengths in metres).
 * The result is deterministic for a given seed and grid.
 */
export function generateTerrain(seed: number, grid: RasterGrid): Terrain {
  const layout = planLayout(seed, grid);
  const factor = grid.cellSize >= 50 ? 1 : Math.round(50 / grid.cellSize);
  const macroGrid = factor === 1 ? grid : coarserGrid(grid, factor);
  const macro = macroSurface(seed, macroGrid, layout);
  const carved = carveTroughs(seed, macroGrid, macro);
  const dem = factor === 1 ? carved : upsampleCubic(carved, macroGrid.width, macroGrid.height, factor);
  const plain = factor === 1 ? macro.plain : upsampleCubic(macro.plain, macroGrid.width, macroGrid.height, factor);
  addDetail(seed, grid, dem, plain);
  return { grid, dem, layout };
}
