/**
 * Land cover polygons: conifer plantations in straight-edged compartments on the lower valley
 * sides, native woodland along burns and loch shores, heather moorland on the open hill, scrub
 * on rough low ground and marsh on flat wet ground beside the rivers. Classified on a 50 m
 * grid from the terrain, flow accumulation and seeded noise, then traced with d3-contour.
 * Water (and a margin around it) and built-up ground are left uncovered, so no polygon
 * overlaps a lake, the sea or a town. Coordinates in map metres.
 * @module sample/vegetation
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import { createNoise, fbm } from './noise.js';
import { polygonize } from './polygonize.js';
import { hashInts } from './prng.js';
import { cellX, cellY, distanceToMask, downsample, type RasterGrid } from './raster.js';
import type { SampleFeature } from './schema.js';

/** Land cover classes with their feature code and VEG (vegetation characteristic) code. */
export const VEGETATION_CLASSES = {
  Forest: { fCode: 'EC015', veg: 11 },
  Woodland: { fCode: 'EC015', veg: 12 },
  Moorland: { fCode: 'EB010', veg: 20 },
  Scrub: { fCode: 'EB020', veg: 30 },
  Marsh: { fCode: 'ED010', veg: 40 },
} as const;

type CoverClass = keyof typeof VEGETATION_CLASSES;
const CLASS_ORDER: CoverClass[] = ['Forest', 'Woodland', 'Moorland', 'Scrub', 'Marsh'];

/** Cover class code per 50 m cell: index into CLASS_ORDER + 1, 0 for none. */
function classify(land: Landscape, developed: Position[]): { grid: RasterGrid; cover: Uint8Array } {
  const g = land.grid;
  const f = Math.max(1, Math.round(50 / g.cellSize));
  const w = Math.floor(g.width / f), h = Math.floor(g.height / f);
  const grid: RasterGrid = { width: w, height: h, cellSize: g.cellSize * f, originX: g.originX, originY: g.originY };
  // Keep a one-cell margin of the fine grid around water so traced edges stay on land.
  const wetFine = new Uint8Array(g.width * g.height);
  for (let y = 0; y < g.height; y++) {
    for (let x = 0; x < g.width; x++) {
      const i = y * g.width + x;
      if (!land.water[i]) continue;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy, xx = x + dx;
        if (yy >= 0 && xx >= 0 && yy < g.height && xx < g.width) wetFine[yy * g.width + xx] = 1;
      }
    }
  }
  const wet = downsample(wetFine, g.width, g.height, f, 'max');
  const elev = downsample(land.dem, g.width, g.height, f, 'mean');
  const slope = downsample(land.slope, g.width, g.height, f, 'mean');
  const cellKm2 = (g.cellSize * g.cellSize) / 1e6;
  const streamFine = new Uint8Array(g.width * g.height);
  const riverFine = new Uint8Array(g.width * g.height);
  for (let i = 0; i < streamFine.length; i++) {
    const a = land.acc[i]! * cellKm2;
    streamFine[i] = a >= 0.4 || land.lakeId[i] ? 1 : 0;
    riverFine[i] = a >= 3 ? 1 : 0;
  }
  const nearStream = distanceToMask(downsample(streamFine, g.width, g.height, f, 'max'), w, h, grid.cellSize);
  const nearRiver = distanceToMask(downsample(riverFine, g.width, g.height, f, 'max'), w, h, grid.cellSize);
  const built = new Uint8Array(w * h);
  for (const p of developed) {
    const col = Math.floor((p[0]! - grid.originX) / grid.cellSize), row = Math.floor((grid.originY - p[1]!) / grid.cellSize);
    if (col >= 0 && row >= 0 && col < w && row < h) built[row * w + col] = 1;
  }
  const nearBuilt = distanceToMask(built, w, h, grid.cellSize);

  const seed = land.seed;
  const patch = createNoise(seed, 'veg-patch'), wood = createNoise(seed, 'veg-wood'), scrub = createNoise(seed, 'veg-scrub'), wetN = createNoise(seed, 'veg-wet');
  const treeline = createNoise(seed, 'veg-treeline');
  const cover = new Uint8Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (wet[i] || nearBuilt[i]! < 80) continue;
      const x = cellX(grid, c), y = cellY(grid, r);
      const z = elev[i]!, s = slope[i]!;
      const top = 420 + 60 * fbm(treeline, x / 3000, y / 3000, 2);
      // Plantation compartments: a rotated lattice of 300 × 200 m blocks per 8 km district,
      // each block planted or not as a whole, so edges run straight like fence lines.
      const theta = ((hashInts(seed, Math.floor(x / 8000), Math.floor(y / 8000)) % 360) * Math.PI) / 180;
      const u = x * Math.cos(theta) + y * Math.sin(theta), v = -x * Math.sin(theta) + y * Math.cos(theta);
      const block = hashInts(seed ^ 0x5bd1e995, Math.floor(u / 300), Math.floor(v / 200)) / 4294967296;
      const estate = 0.5 + 0.5 * fbm(patch, x / 7000, y / 7000, 2);
      let cls: CoverClass | null = null;
      const damp = fbm(wetN, x / 1500, y / 1500, 3);
      const copse = fbm(wood, x / 1400, y / 1400, 3);
      if (s < 0.03 && z < 300 && nearRiver[i]! < 150 + 250 * damp && damp > 0) cls = 'Marsh';
      else if (z > 40 && z < top && s > 0.05 && s < 0.5 && estate > 0.58 && block < 0.8) cls = 'Forest';
      // Native birch and oak: patchy, thickest in the ravines, thinning up the slope.
      else if (z < 320 && s > 0.06 && copse > 0.15 - 0.25 * Math.exp(-nearStream[i]! / 150) + z / 1500) cls = 'Woodland';
      else if (z < 180 && fbm(scrub, x / 1200, y / 1200, 3) > 0.3) cls = 'Scrub';
      else if (z > 130 + 40 * fbm(scrub, x / 4000 + 9, y / 4000, 2) && z < 780 && s < 0.8) cls = 'Moorland';
      if (cls) cover[i] = CLASS_ORDER.indexOf(cls) + 1;
    }
  }
  return { grid, cover };
}

/** Traces the land cover classes into polygons. `developed` are building positions to keep clear. */
export function buildVegetation(land: Landscape, developed: Position[]): SampleFeature[] {
  const { grid, cover } = classify(land, developed);
  const features: SampleFeature[] = [];
  const window = { col0: 0, row0: 0, cols: grid.width, rows: grid.height };
  CLASS_ORDER.forEach((cls, k) => {
    const mask = new Float32Array(cover.length);
    for (let i = 0; i < cover.length; i++) mask[i] = cover[i] === k + 1 ? 1 : 0;
    const polygons = polygonize(grid, window, mask, { simplify: 10, minArea: 5000, minHoleArea: 5000 });
    const { fCode, veg } = VEGETATION_CLASSES[cls];
    for (const rings of polygons) {
      features.push({ geometry: { type: 'Polygon', coordinates: rings }, properties: { F_CODE: fCode, CLASS: cls === 'Woodland' ? 'Forest' : cls, VEG: veg } });
    }
  });
  return features;
}
