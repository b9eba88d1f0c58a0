/**
 * Watercourse features (BH140) from the extracted stream network: one line per segment between
 * confluences, drawn downstream, smoothed and simplified; rivers named along their mainstems
 * ('River …' for the large rivers, 'Allt …' for burns).
 * @module sample/watercourses
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import type { NameGenerator } from './names.js';
import { createNoise, fbm, smoothstep, type Noise2D } from './noise.js';
import { lineLength, pointsAlong, roundLine, simplifyLine, smoothLine } from './polyline.js';
import { cellX, cellY, sampleBilinear } from './raster.js';
import type { SampleFeature } from './schema.js';

/** Rivers draining at least this much area (km²) at their mouth are 'River …'. */
const RIVER_MIN_KM2 = 20;
/** A river's name runs up its mainstem while the area stays above this, km². */
const RIVER_NAME_MIN_KM2 = 2;
/** Tributaries and coastal streams with this much area at their mouth are named burns, km². */
const BURN_MIN_KM2 = 3;
const BURN_NAME_MIN_KM2 = 0.8;
/** Below this contributing area a stream is intermittent (HYP 2), km². */
const PERENNIAL_MIN_KM2 = 1;

/** A named river: its stem ('garry' of River Garry) and where it is. */
export interface NamedRiver {
  name: string;
  stem: string;
  /** Map position of the river's last vertex (its mouth or where it leaves the map). */
  mouth: Position;
  /** How the river ends. */
  end: 'sea' | 'edge' | 'lake' | 'confluence';
  areaKm2: number;
  /** Middle of the named reach, for the glen's name. */
  middle: Position;
  /** Mean slope along the named reach (rise over run), low for a broad strath. */
  gradient: number;
}

/** Result of {@link buildWatercourses}. */
export interface Watercourses {
  features: SampleFeature[];
  rivers: NamedRiver[];
  /** Lake id → stem of the river flowing out of (or through) it. */
  lakeStems: Map<number, string>;
}

/** Builds the watercourse features and names the rivers. */
export function buildWatercourses(land: Landscape, names: NameGenerator): Watercourses {
  const { grid, streams, dem } = land;
  const cellKm2 = (grid.cellSize * grid.cellSize) / 1e6;
  const areaKm2 = (k: number) => streams[k]!.area * cellKm2;
  const upstream: number[][] = streams.map(() => []);
  streams.forEach((s, k) => { if (s.downstream >= 0) upstream[s.downstream]!.push(k); });
  for (const list of upstream) list.sort((a, b) => streams[b]!.area - streams[a]!.area || a - b);

  const segmentName: (string | null)[] = streams.map(() => null);
  const lakeStems = new Map<number, string>();
  /** Names the mainstem upwards from segment k while its area stays above minKm2; returns the reach. */
  const nameMainstem = (k: number, name: string, minKm2: number, stem: string | null): number[] => {
    const reach: number[] = [];
    let cur = k;
    for (;;) {
      segmentName[cur] = name;
      reach.push(cur);
      const seg = streams[cur]!;
      if (stem && seg.fromLake && !lakeStems.has(seg.fromLake)) lakeStems.set(seg.fromLake, stem);
      const next = upstream[cur]!.find((u) => segmentName[u] === null);
      if (next === undefined || areaKm2(next) < minKm2) return reach;
      cur = next;
    }
  };

  const cellPos = (c: number): Position => [cellX(grid, c % grid.width), cellY(grid, Math.floor(c / grid.width))];
  const rivers: NamedRiver[] = [];
  const byArea = streams.map((_, k) => k).sort((a, b) => streams[b]!.area - streams[a]!.area || a - b);
  for (const k of byArea) {
    const seg = streams[k]!;
    if (seg.downstream >= 0 || (seg.end !== 'sea' && seg.end !== 'edge') || areaKm2(k) < RIVER_MIN_KM2) continue;
    const stem = names.stem();
    const name = names.river(stem);
    const reach = nameMainstem(k, name, RIVER_NAME_MIN_KM2, stem);
    // The reach is listed mouth first; each segment's cells run downstream.
    const mouthSeg = streams[reach[0]!]!.cells, headSeg = streams[reach[reach.length - 1]!]!.cells;
    const mouthCell = mouthSeg[mouthSeg.length - 1]!, top = headSeg[0]!;
    const midCells = streams[reach[Math.floor(reach.length / 2)]!]!.cells;
    const length = reach.reduce((sum, r) => sum + streams[r]!.cells.length, 0) * grid.cellSize;
    rivers.push({
      name, stem, mouth: cellPos(mouthCell), end: seg.end, areaKm2: areaKm2(k),
      middle: cellPos(midCells[Math.floor(midCells.length / 2)]!),
      gradient: Math.abs(dem[top]! - dem[mouthCell]!) / Math.max(length, 1),
    });
  }
  for (const k of byArea) {
    if (segmentName[k] !== null || areaKm2(k) < BURN_MIN_KM2) continue;
    const d = streams[k]!.downstream;
    // Only start at a burn's own mouth: where it joins a differently named (or unnamed) water.
    if (d >= 0 && upstream[d]![0] === k && segmentName[d] === null) continue;
    nameMainstem(k, names.burn(), BURN_NAME_MIN_KM2, null);
  }

  const bends = createNoise(land.seed, 'meanders');
  const features: SampleFeature[] = streams.map((seg, k) => {
    const a = areaKm2(k);
    const width = Math.max(0.5, 1.5 * Math.sqrt(a));
    const pts = meander(land, simplifyLine(smoothLine(seg.cells.map(cellPos), 2), 10), width, bends, k);
    const line = roundLine(simplifyLine(pts, 3));
    return {
      geometry: { type: 'LineString', coordinates: line },
      properties: {
        F_CODE: 'BH140',
        NAM: segmentName[k],
        HYP: a < PERENNIAL_MIN_KM2 ? 2 : 1,
        ORD: seg.order,
        WID: Math.round(width * 10) / 10,
      },
    };
  });
  return { features, rivers, lakeStems };
}

/**
 * Meanders for channels on flat ground. D8 flow over a floodplain runs in straight 45° runs;
 * real channels there wind with a wavelength of roughly a dozen channel widths. The line is
 * displaced sideways by a noise-modulated wave whose amplitude grows with the channel width and
 * the flatness of the ground, tapering to nothing at both ends so confluences, lake shores and
 * the coast stay where the flow routing put them.
 */
function meander(land: Landscape, line: Position[], width: number, bends: Noise2D, id: number): Position[] {
  const length = lineLength(line);
  const wavelength = Math.min(420, 70 + 14 * width);
  const amplitude = Math.min(55, 4 + 2.5 * width);
  if (length < wavelength) return line;
  const taper = Math.min(150, length / 4);
  const out: Position[] = [line[0]!];
  let s = 0;
  for (const p of pointsAlong(line, 8, 8)) {
    s += 8;
    if (s >= length - 4) break;
    const flat = 1 - smoothstep(0.006, 0.03, sampleBilinear(land.grid, land.slope, p.x, p.y));
    const ends = smoothstep(0, taper, s) * smoothstep(0, taper, length - s);
    const phase = (2 * Math.PI * s) / wavelength + 2.5 * fbm(bends, s / (3 * wavelength), id * 0.37, 2);
    const d = amplitude * flat * ends * Math.sin(phase);
    out.push([p.x - p.dy * d, p.y + p.dx * d]);
  }
  out.push(line[line.length - 1]!);
  return out;
}
