/**
 * Spot heights (CA030): summits with at least 30 m of topographic prominence and the key cols
 * (saddles) that define the prominence of the larger hills, found by a union-find sweep from
 * the highest ground down over a 100 m max-pooled DEM; plus heights every 700 m along the
 * roads. Heights are read from the 25 m DEM, metres above mean sea level.
 * @module sample/spot-heights
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import { pointsAlong } from './polyline.js';
import { cellX, cellY, sampleNearest } from './raster.js';
import type { RoadLink } from './roads.js';
import type { SampleFeature } from './schema.js';

/** A summit, with its prominence, for naming. */
export interface Summit {
  position: Position;
  height: number;
  prominence: number;
}

const MIN_PROMINENCE = 30;
const SADDLE_FOR_PROMINENCE = 80;

/** Summits and key cols by prominence. */
export function findSummits(land: Landscape): { summits: Summit[]; saddles: Summit[] } {
  const g = land.grid;
  const f = Math.max(1, Math.round(100 / g.cellSize));
  const w = Math.floor(g.width / f), h = Math.floor(g.height / f);
  // Max-pool and remember where in each block the maximum is.
  const top = new Float32Array(w * h).fill(-Infinity);
  const at = new Int32Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      for (let dy = 0; dy < f; dy++) {
        for (let dx = 0; dx < f; dx++) {
          const i = (r * f + dy) * g.width + c * f + dx;
          if (land.dem[i]! > top[r * w + c]!) { top[r * w + c] = land.dem[i]!; at[r * w + c] = i; }
        }
      }
    }
  }
  const order = Array.from({ length: w * h }, (_, i) => i).sort((a, b) => top[b]! - top[a]! || a - b);
  const parent = new Int32Array(w * h).fill(-1);
  const peak = new Int32Array(w * h);
  const find = (x: number) => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  const summits: Summit[] = [];
  const saddles: Summit[] = [];
  const pos = (block: number): Position => { const i = at[block]!; return [cellX(g, i % g.width), cellY(g, Math.floor(i / g.width))]; };
  for (const cell of order) {
    parent[cell] = cell;
    peak[cell] = cell;
    const cx = cell % w, cy = (cell - cx) / w;
    const roots = new Set<number>();
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = cx + dx, ny = cy + dy;
        if ((dx === 0 && dy === 0) || nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const j = ny * w + nx;
        if (parent[j] >= 0) roots.add(find(j));
      }
    }
    if (roots.size === 0) continue;
    // Merge into the component with the highest peak; the others end here, at their key col.
    const list = [...roots].sort((a, b) => top[peak[b]!]! - top[peak[a]!]! || a - b);
    const keep = list[0]!;
    const col = Math.max(0, top[cell]!);
    for (const other of list.slice(1)) {
      const p = peak[other]!;
      const prominence = top[p]! - col;
      if (prominence >= MIN_PROMINENCE && top[p]! > 0) {
        summits.push({ position: pos(p), height: top[p]!, prominence });
        if (prominence >= SADDLE_FOR_PROMINENCE && top[cell]! > 30) saddles.push({ position: pos(cell), height: top[cell]!, prominence });
      }
      parent[other] = keep;
    }
    parent[cell] = keep;
  }
  // The highest component never merges: its peak's prominence is its height.
  if (order.length > 0) {
    const p = peak[find(order[0]!)]!;
    summits.push({ position: pos(p), height: top[p]!, prominence: top[p]! });
  }
  summits.sort((a, b) => b.prominence - a.prominence || b.height - a.height);
  return { summits, saddles };
}

/** Spot height features: summits, saddles and heights along the roads. */
export function buildSpotHeights(land: Landscape, summits: Summit[], saddles: Summit[], roads: RoadLink[]): SampleFeature[] {
  const z = (p: Position) => Math.round(sampleNearest(land.grid, land.dem, p[0]!, p[1]!) * 10) / 10;
  const feature = (p: Position, type: string): SampleFeature => ({
    geometry: { type: 'Point', coordinates: [Math.round(p[0]! * 10) / 10, Math.round(p[1]! * 10) / 10] },
    properties: { F_CODE: 'CA030', ZVH: z(p), TYPE: type },
  });
  const features = [...summits.map((s) => feature(s.position, 'Summit')), ...saddles.map((s) => feature(s.position, 'Saddle'))];
  for (const road of roads) {
    if (road.roadClass === 'Street') continue;
    for (const p of pointsAlong(road.line, 700, 350)) features.push(feature([p.x, p.y], 'Spot'));
  }
  return features;
}
