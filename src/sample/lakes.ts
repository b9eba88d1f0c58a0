/**
 * Lake features (BH080) from the filled depressions of the landscape: polygons traced around
 * each lake's cells (islands become holes), named after the river that drains them where there
 * is one, with surface elevation and area.
 * @module sample/lakes
 */
import type { Position } from '../geo/geometry.js';
import type { Landscape } from './landscape.js';
import type { NameGenerator } from './names.js';
import { polygonArea } from './polyline.js';
import { polygonize, windowAround, windowValues } from './polygonize.js';
import { cellX, cellY, distanceToMask } from './raster.js';
import type { SampleFeature } from './schema.js';

/** Lakes at least this large get a name, km². */
const NAMED_MIN_KM2 = 0.08;
/** Below this a named lake is a 'Lochan', km². */
const LOCHAN_MAX_KM2 = 0.4;

/** A named lake, for place names. */
export interface NamedLake {
  id: number;
  name: string;
  /** Interior point farthest from the shore. */
  label: Position;
  areaKm2: number;
  level: number;
}

/** Lake features and the named lakes. */
export interface Lakes {
  features: SampleFeature[];
  named: NamedLake[];
}

/** Traces every lake of the landscape; `lakeStems` maps lake ids to the stem of the river draining them. */
export function buildLakes(land: Landscape, names: NameGenerator, lakeStems: Map<number, string>): Lakes {
  const { grid, lakeId } = land;
  const features: SampleFeature[] = [];
  const named: NamedLake[] = [];
  for (const lake of land.lakes) {
    const win = windowAround(grid, lake.minCol, lake.minRow, lake.maxCol, lake.maxRow, 2);
    const mask = windowValues(grid, win, (i) => (lakeId[i] === lake.id ? 1 : 0));
    const polygons = polygonize(grid, win, mask, { simplify: 4, minArea: 2000, minHoleArea: 1500 });
    if (polygons.length === 0) continue;
    const areaKm2 = (lake.cells * grid.cellSize * grid.cellSize) / 1e6;
    let name: string | null = null;
    if (areaKm2 >= NAMED_MIN_KM2) {
      const stem = lakeStems.get(lake.id);
      name = stem ? names.loch(stem) : names.loch(undefined, areaKm2 < LOCHAN_MAX_KM2);
      // Label at the lake cell farthest from its shore.
      const dist = distanceToMask(mask.map((v) => 1 - v), win.cols, win.rows, grid.cellSize);
      let best = 0;
      for (let k = 1; k < dist.length; k++) if (dist[k]! > dist[best]!) best = k;
      const label: Position = [cellX(grid, win.col0 + (best % win.cols)), cellY(grid, win.row0 + Math.floor(best / win.cols))];
      named.push({ id: lake.id, name, label, areaKm2, level: lake.level });
    }
    for (const rings of polygons) {
      features.push({
        geometry: { type: 'Polygon', coordinates: rings },
        properties: {
          F_CODE: 'BH080',
          NAM: name,
          ZVH: Math.round(lake.level * 10) / 10,
          AREA_KM2: Math.round(polygonArea(rings) / 1000) / 1000,
        },
      });
    }
  }
  return { features, named };
}
