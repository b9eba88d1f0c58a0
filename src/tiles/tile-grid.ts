/**
 * A service's tile grid: its tiling scheme, the tiles that exist at each level, and the
 * metatiles tiles are rendered in. A metatile is an aligned block of 4 × 4 tiles drawn as one
 * image with a margin on every side, so symbols that straddle a tile edge are drawn whole in
 * both neighbours and one render serves sixteen requests.
 * @module tiles/tile-grid
 */
import type { MapService } from '../catalog/map-service.js';
import { visibleLayerIds } from '../mapping/service-map-layers.js';
import { emptyEnvelope, isEmptyEnvelope, type Envelope } from '../geo/geometry.js';
import { getTransform, transformEnvelope } from '../geo/projection.js';
import { findLod, isWebMercator, rangeHas, tileEnvelope, tileRange, WEB_MERCATOR_HALF_WIDTH, type Lod, type TileInfo, type TileRange } from './tiling-scheme.js';

/** Tiles along each side of a metatile. */
export const METATILE_SIZE = 4;
/** Margin drawn around a metatile, px: wider than any symbol or label overhang at a tile edge. */
export const METATILE_BUFFER = 64;

/** An aligned block of tiles of one level, clipped to the grid. */
export interface Metatile {
  lod: Lod;
  /** First and last row and column (inclusive) of the block that exist. */
  minRow: number; maxRow: number; minCol: number; maxCol: number;
}

/** What a metatile image shows: its buffered extent and size in px. */
export interface MetatileFrame { extent: Envelope; width: number; height: number; buffer: number }

const WORLD: Envelope = { xmin: -WEB_MERCATOR_HALF_WIDTH, ymin: -WEB_MERCATOR_HALF_WIDTH, xmax: WEB_MERCATOR_HALF_WIDTH, ymax: WEB_MERCATOR_HALF_WIDTH };

const intersects = (a: Envelope, b: Envelope) => a.xmin < b.xmax && b.xmin < a.xmax && a.ymin < b.ymax && b.ymin < a.ymax;

export class TileGrid {
  /**
   * @param bounds where tiles exist: the world square for Web Mercator, else the data extent
   * (a custom scheme has no natural edge, and ArcGIS caches no tile outside the service).
   * @param dataExtent extent of the layers tiles draw, in the scheme's SR; `null` when they have no data.
   */
  constructor(readonly info: TileInfo, private readonly bounds: Envelope | null, readonly dataExtent: Envelope | null) {}

  /** The grid of a service with a tiling scheme (memoised on the runtime), else `null`. */
  static of(service: MapService): TileGrid | null {
    const info = service.definition.tileInfo;
    if (!info) return null;
    const memo = service.memo.get('tileGrid');
    if (memo) return memo as TileGrid;
    const drawn = drawnExtent(service);
    const data = drawn && transformEnvelope(drawn, getTransform(service.spatialReference, info.spatialReference));
    const grid = new TileGrid(info, isWebMercator(info) ? WORLD : data, data);
    service.memo.set('tileGrid', grid);
    return grid;
  }

  /** The level of detail numbered `level`, if the scheme has it. */
  lod(level: number): Lod | undefined {
    return findLod(this.info, level);
  }

  /** Every tile that exists at `lod`. */
  range(lod: Lod): TileRange {
    if (!this.bounds) return { minRow: 0, maxRow: -1, minCol: 0, maxCol: -1 };
    const r = tileRange(this.info, lod, this.bounds);
    return { minRow: Math.max(0, r.minRow), maxRow: r.maxRow, minCol: Math.max(0, r.minCol), maxCol: r.maxCol };
  }

  /** Whether the tile exists in the grid. */
  has(level: number, row: number, col: number): boolean {
    const lod = this.lod(level);
    return lod !== undefined && rangeHas(this.range(lod), row, col);
  }

  /** The metatile holding a tile that exists. */
  metatileOf(lod: Lod, row: number, col: number): Metatile {
    const r = this.range(lod);
    const row0 = row - (row % METATILE_SIZE), col0 = col - (col % METATILE_SIZE);
    return {
      lod,
      minRow: Math.max(row0, r.minRow), maxRow: Math.min(row0 + METATILE_SIZE - 1, r.maxRow),
      minCol: Math.max(col0, r.minCol), maxCol: Math.min(col0 + METATILE_SIZE - 1, r.maxCol),
    };
  }

  /** The metatiles of `lod` that overlap `extent` (in the scheme's SR), row by row. */
  metatiles(lod: Lod, extent: Envelope): Metatile[] {
    const grid = this.range(lod), want = tileRange(this.info, lod, extent);
    const minRow = Math.max(grid.minRow, want.minRow), maxRow = Math.min(grid.maxRow, want.maxRow);
    const minCol = Math.max(grid.minCol, want.minCol), maxCol = Math.min(grid.maxCol, want.maxCol);
    const out: Metatile[] = [];
    for (let row = minRow - (minRow % METATILE_SIZE); row <= maxRow; row += METATILE_SIZE) {
      for (let col = minCol - (minCol % METATILE_SIZE); col <= maxCol; col += METATILE_SIZE) {
        out.push(this.metatileOf(lod, Math.max(row, minRow), Math.max(col, minCol)));
      }
    }
    return out;
  }

  /** The image a metatile is drawn in: its tiles plus `METATILE_BUFFER` px on every side. */
  frame(m: Metatile): MetatileFrame {
    const { lod } = m, b = METATILE_BUFFER * lod.resolution;
    const first = tileEnvelope(this.info, lod, m.minRow, m.minCol), last = tileEnvelope(this.info, lod, m.maxRow, m.maxCol);
    return {
      extent: { xmin: first.xmin - b, ymin: last.ymin - b, xmax: last.xmax + b, ymax: first.ymax + b },
      width: (m.maxCol - m.minCol + 1) * this.info.cols + 2 * METATILE_BUFFER,
      height: (m.maxRow - m.minRow + 1) * this.info.rows + 2 * METATILE_BUFFER,
      buffer: METATILE_BUFFER,
    };
  }

  /** Whether anything can be drawn in the metatile; when not, its tiles are blank without rendering. */
  hasData(m: Metatile): boolean {
    return this.dataExtent !== null && intersects(this.frame(m).extent, this.dataExtent);
  }
}

/**
 * Union of the extents (service SR) of the layers a tile draws: those visible by default.
 * Hidden layers, such as sheet indexes reaching past the region, add no tiles worth drawing.
 */
function drawnExtent(service: MapService): Envelope | null {
  const visible = visibleLayerIds(service, { mode: 'default' });
  const e = emptyEnvelope();
  for (const def of service.definition.layers) {
    const drawn = def.type === 'Feature Layer' || def.type === 'Raster Layer';
    const layer = visible.has(def.id) && drawn ? service.tryLayer(def.id) : undefined;
    const le = layer && service.layerExtentInServiceSr(layer);
    if (!le) continue;
    e.xmin = Math.min(e.xmin, le.xmin); e.ymin = Math.min(e.ymin, le.ymin);
    e.xmax = Math.max(e.xmax, le.xmax); e.ymax = Math.max(e.ymax, le.ymax);
  }
  return isEmptyEnvelope(e) ? null : e;
}

/** The tiles of a metatile, row by row. */
export function metatileTiles(m: Metatile): { row: number; col: number }[] {
  const out: { row: number; col: number }[] = [];
  for (let row = m.minRow; row <= m.maxRow; row++) for (let col = m.minCol; col <= m.maxCol; col++) out.push({ row, col });
  return out;
}
