/**
 * The `tile` operation run on the worker pool: renders the metatile holding tile
 * `level/row/col` and answers its tiles' bytes, concatenated, with a directory in `meta`
 * (mapserver.md §10). Writing them to the cache is left to the caller, on the main thread.
 * @module faces/mapserver/tile-operation
 */
import { ArcGisError } from '../../http/arcgis-error.js';
import { renderMetatile, type TileExtension } from '../../tiles/render-metatile.js';
import { cacheVersion } from '../../tiles/tile-cache-path.js';
import { TileGrid } from '../../tiles/tile-grid.js';
import type { Operation } from './operation.js';

/** Where each tile's bytes lie in the answer; `length` 0 is a blank tile. */
export interface MetatileMeta {
  /** The cache version of the definition the tiles were drawn from (it may be newer than the caller's). */
  version: string;
  tiles: { row: number; col: number; ext: TileExtension; offset: number; length: number }[];
}

const notFound = () => new ArcGisError(404, 'Tile not found', []);

export const tileOperation: Operation = async ({ service, params }) => {
  const grid = TileGrid.of(service);
  const [level, row, col] = ['level', 'row', 'col'].map((k) => Number(params.get(k)));
  if (!grid || !grid.has(level!, row!, col!)) throw notFound();
  const tiles = await renderMetatile(service, grid, grid.metatileOf(grid.lod(level!)!, row!, col!));
  const meta: MetatileMeta = { version: cacheVersion(service), tiles: [] };
  let offset = 0;
  for (const t of tiles) {
    const length = t.data?.length ?? 0;
    meta.tiles.push({ row: t.row, col: t.col, ext: t.ext, offset, length });
    offset += length;
  }
  return { data: Buffer.concat(tiles.flatMap((t) => (t.data ? [t.data] : []))), contentType: 'application/octet-stream', meta };
};
