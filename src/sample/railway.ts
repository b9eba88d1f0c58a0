/**
 * The railway: a single line from the east edge of the region down the strath to the main
 * town, and an extension from there along the coast to a harbour town, routed on the cost
 * grid with a steep penalty on gradients (≈ 1.2 % doubles the cost) so it keeps to valley
 * floors and the shore. Coordinates in map metres.
 * @module sample/railway
 */
import type { Position } from '../geo/geometry.js';
import { PathFinder, type CostSurface } from './cost-surface.js';
import { lineLength, roundLine, simplifyLine, smoothLine } from './polyline.js';
import { cellIndexAt, cellX, cellY } from './raster.js';
import type { Settlement } from './settlements.js';

/** A section of railway line, map metres. */
export interface RailwayLine {
  name: string;
  line: Position[];
  /** Number of tracks. */
  tracks: number;
}

/** Double track for this far out of the main town's station, m. */
const DOUBLE_TRACK_M = 2500;

/** Routes the railway; returns its sections (double-track station approach split off). */
export function planRailway(surface: CostSurface, settlements: Settlement[]): RailwayLine[] {
  const { grid } = surface;
  const w = grid.width, h = grid.height;
  const finder = new PathFinder(surface);
  const options = { gradeScale: 0.012 };
  const main = settlements.find((s) => s.main)!;
  const start = cellIndexAt(grid, main.x, main.y);
  // Railways curve gently: straighten the grid path hard before rounding the corners.
  const toLine = (cells: number[]) => roundLine(simplifyLine(smoothLine(simplifyLine(cells.map((c) => [cellX(grid, c % w), cellY(grid, Math.floor(c / w))]), 150), 5), 1));
  const sections: RailwayLine[] = [];
  const split = (name: string, line: Position[]) => {
    // The first stretch out of the main town is double track.
    let walked = 0, k = 1;
    for (; k < line.length; k++) {
      walked += Math.hypot(line[k]![0]! - line[k - 1]![0]!, line[k]![1]! - line[k - 1]![1]!);
      if (walked >= DOUBLE_TRACK_M) break;
    }
    if (k >= line.length - 1 || lineLength(line) < 2 * DOUBLE_TRACK_M) {
      sections.push({ name, line, tracks: 1 });
      return;
    }
    sections.push({ name, line: line.slice(0, k + 1), tracks: 2 });
    sections.push({ name, line: line.slice(k), tracks: 1 });
  };

  // Routes are searched from the far end to any cell near the main town, so the station sits
  // on the side of town facing the line instead of the line doubling back to the centre.
  const station: number[] = [];
  const radius = Math.max(2, Math.round(Math.min(600, main.radius * 0.5) / grid.cellSize));
  const sx = start % w, sy = Math.floor(start / w);
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const x = sx + dx, y = sy + dy;
      if (x >= 0 && y >= 0 && x < w && y < h && dx * dx + dy * dy <= radius * radius && !surface.blocked[y * w + x]) station.push(y * w + x);
    }
  }
  const toStation = (from: number) => finder.find(from, station, options)?.reverse() ?? null;

  // West Highland Line: from the best point on the east edge.
  const eastEdge: number[] = [];
  for (let r = 0; r < h; r++) if (!surface.blocked[r * w + w - 1]) eastEdge.push(r * w + w - 1);
  const eastEnd = finder.find(start, eastEdge, options);
  const east = eastEnd ? toStation(eastEnd[eastEnd.length - 1]!) : null;
  if (east) split('West Highland Line', toLine(east));

  // The extension runs to the farthest coastal town, like the line to a fishing port.
  const ports = settlements.filter((s) => !s.main && s.type === 'Town' && s.coastal);
  ports.sort((a, b) => Math.hypot(b.x - main.x, b.y - main.y) - Math.hypot(a.x - main.x, a.y - main.y));
  for (const port of ports) {
    const path = toStation(cellIndexAt(grid, port.x, port.y));
    if (!path || path.length * grid.cellSize > 3 * Math.hypot(port.x - main.x, port.y - main.y)) continue;
    split(`${port.name} Extension`, toLine(path));
    break;
  }
  return sections;
}
