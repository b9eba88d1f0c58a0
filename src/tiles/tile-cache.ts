/**
 * The tile cache of map services (mapserver.md §10): a tile is read from disk, or its whole
 * metatile is rendered by the `tile` operation on the worker pool and all of its tiles are
 * written (atomically: temp file, then rename) before the one asked for is answered. Requests
 * for tiles of a metatile being rendered wait for that render instead of starting another.
 * A blank tile is stored as an empty file, so no image bytes are kept for it.
 * @module tiles/tile-cache
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { MapService } from '../catalog/map-service.js';
import type { OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import type { MetatileMeta } from '../faces/mapserver/tile-operation.js';
import { ArcGisError } from '../http/arcgis-error.js';
import { blankTileImage } from './blank-tile.js';
import type { TileExtension } from './render-metatile.js';
import { cacheDir, cacheVersion, tilePath } from './tile-cache-path.js';
import { metatileTiles, TileGrid, type Metatile } from './tile-grid.js';
import type { TileInfo } from './tiling-scheme.js';

/** A tile ready to send. */
export interface CachedTile { data: Buffer; contentType: string; etag: string; blank: boolean }

const CONTENT_TYPES: Record<TileExtension, string> = { png: 'image/png', jpg: 'image/jpeg' };

/** Extensions a tile of the scheme may be stored under, likeliest first. */
function extensions(info: TileInfo): TileExtension[] {
  return info.format === 'MIXED' ? ['jpg', 'png'] : info.format === 'JPEG' ? ['jpg'] : ['png'];
}

function etagOf(data: Buffer): string {
  return `"${createHash('sha1').update(data).digest('base64url')}"`;
}

async function blankTile(info: TileInfo): Promise<CachedTile> {
  const data = await blankTileImage(info);
  return { data, contentType: CONTENT_TYPES[info.format === 'JPEG' ? 'jpg' : 'png'], etag: etagOf(data), blank: true };
}

let tempCounter = 0;

async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}-${tempCounter++}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

export type RunOperation = (task: OperationTask) => Promise<OperationOutcome>;

export class TileCache {
  private readonly inFlight = new Map<string, Promise<Map<string, CachedTile>>>();

  /**
   * @param dataDir the data directory; tiles go under `<dataDir>/cache`.
   * @param run runs an operation task (on the worker pool).
   */
  constructor(private readonly dataDir: string, private readonly run: RunOperation) {}

  /** The tile, from the cache or freshly rendered; `null` when the grid has no such tile. */
  async tile(service: MapService, level: number, row: number, col: number): Promise<CachedTile | null> {
    const grid = TileGrid.of(service);
    const lod = grid?.lod(level);
    if (!grid || !lod || !grid.has(level, row, col)) return null;
    const m = grid.metatileOf(lod, row, col);
    // Far from the data nothing can be drawn: answer blank without touching the disk.
    if (!grid.hasData(m)) return blankTile(grid.info);
    const stored = await this.read(service, grid.info, level, row, col);
    if (stored) return stored;
    const rendered = await this.renderOnce(service, m);
    return rendered.get(`${row}/${col}`) ?? null;
  }

  /** Whether every tile of the metatile is on disk (a seed run skips it then). */
  async isCached(service: MapService, grid: TileGrid, m: Metatile): Promise<boolean> {
    const dir = cacheDir(this.dataDir, service, cacheVersion(service));
    const exts = extensions(grid.info);
    for (const { row, col } of metatileTiles(m)) {
      let found = false;
      for (const ext of exts) {
        try { await access(tilePath(dir, m.lod.level, row, col, ext)); found = true; break; } catch { /* try the next */ }
      }
      if (!found) return false;
    }
    return true;
  }

  /** Renders the metatile and writes its tiles, once however many callers ask at the same time. */
  renderOnce(service: MapService, m: Metatile): Promise<Map<string, CachedTile>> {
    const key = `${service.path}/${cacheVersion(service)}/${m.lod.level}/${m.minRow}/${m.minCol}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.render(service, m).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async read(service: MapService, info: TileInfo, level: number, row: number, col: number): Promise<CachedTile | null> {
    const dir = cacheDir(this.dataDir, service, cacheVersion(service));
    for (const ext of extensions(info)) {
      let data: Buffer;
      try { data = await readFile(tilePath(dir, level, row, col, ext)); } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      return data.length === 0 ? blankTile(info) : { data, contentType: CONTENT_TYPES[ext], etag: etagOf(data), blank: false };
    }
    return null;
  }

  private async render(service: MapService, m: Metatile): Promise<Map<string, CachedTile>> {
    const { folder, serviceName } = service.definition;
    const outcome = await this.run({
      operation: 'tile', folder, service: serviceName, format: 'image',
      params: [['level', String(m.lod.level)], ['row', String(m.minRow)], ['col', String(m.minCol)]],
    });
    if (!outcome.ok) throw new ArcGisError(outcome.code, outcome.message, outcome.details);
    if (!('data' in outcome)) throw new ArcGisError(500, 'Unable to complete operation.', []);
    const meta = outcome.meta as MetatileMeta;
    const bytes = Buffer.from(outcome.data.buffer, outcome.data.byteOffset, outcome.data.byteLength);
    // The worker may have seen a newer definition than this thread: file the tiles under the
    // version they were drawn from.
    const dir = cacheDir(this.dataDir, service, meta.version);
    const blank = await blankTile(service.definition.tileInfo!);
    const out = new Map<string, CachedTile>();
    await Promise.all(meta.tiles.map(async (t) => {
      const data = bytes.subarray(t.offset, t.offset + t.length);
      await writeAtomically(tilePath(dir, m.lod.level, t.row, t.col, t.ext), data);
      out.set(`${t.row}/${t.col}`, t.length === 0 ? blank : { data, contentType: CONTENT_TYPES[t.ext], etag: etagOf(data), blank: false });
    }));
    return out;
  }
}
