/**
 * `quadrangle seed`: fills a service's tile cache for an extent and a range of levels with the
 * same metatile renderer the `tile` resource uses, on a worker pool. Metatiles whose tiles are
 * all on disk are skipped, so a run that was interrupted resumes where it stopped.
 * @module tiles/seed
 */
import type { MapService } from '../catalog/map-service.js';
import { ServiceManager } from '../catalog/service-manager.js';
import { catalogExists, describeCatalog, openCatalogStore } from '../catalog/open-catalog-store.js';
import type { Envelope } from '../geo/geometry.js';
import { getTransform, transformEnvelope } from '../geo/projection.js';
import type { SpatialReference } from '../geo/spatial-reference.js';
import { createOperationRunner } from '../workers/operation-pool.js';
import { TileCache } from './tile-cache.js';
import { metatileTiles, TileGrid, type Metatile } from './tile-grid.js';

/** Input a seed run cannot work with; the message says what to change. */
export class SeedError extends Error {}

export interface SeedOptions {
  dataDir: string;
  /** The PostgreSQL catalog's URL; unset for `<data>/catalog.sqlite`. */
  databaseUrl?: string;
  /** `Folder/Name` or `Name`. */
  service: string;
  minLevel: number;
  maxLevel: number;
  /** In the service's SR; with `bboxWgs84` absent too, the service's full extent. */
  extent?: Envelope;
  /** Longitude/latitude box (WGS 84). */
  bboxWgs84?: Envelope;
  /** Worker threads rendering metatiles. */
  threads: number;
  onProgress?: (progress: SeedProgress) => void;
}

/** Where a run stands. */
export interface SeedProgress {
  /** Metatiles finished (rendered or skipped) and in all. */
  done: number;
  total: number;
  /** Metatiles found already cached. */
  skipped: number;
  /** Tiles written by this run. */
  tilesWritten: number;
  elapsedMs: number;
}

const WGS84: SpatialReference = { wkid: 4326 };

function validEnvelope(e: Envelope): boolean {
  return [e.xmin, e.ymin, e.xmax, e.ymax].every(Number.isFinite) && e.xmin < e.xmax && e.ymin < e.ymax;
}

/** Seeds the cache; resolves with the final progress. Throws SeedError for unusable input. */
export async function seedCache(options: SeedOptions): Promise<SeedProgress> {
  const catalog = describeCatalog(options);
  if (!catalogExists(options)) throw new SeedError(`no catalog in ${options.dataDir} (start the server once, or pass --data)`);
  if (options.extent && options.bboxWgs84) throw new SeedError('give --extent or --bbox-wgs84, not both');
  const store = await openCatalogStore(options);
  const services = new ServiceManager(store, options.dataDir);
  try {
    const parts = options.service.split('/');
    if (parts.length > 2 || parts.some((p) => !p)) throw new SeedError(`--service must be Folder/Name or Name, not ${options.service}`);
    const [folder, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
    const service = await services.get(folder, name);
    if (!service) throw new SeedError(`service ${options.service} not found in ${catalog}`);
    const grid = TileGrid.of(service);
    if (!grid) throw new SeedError(`service ${options.service} has no tiling scheme (tileInfo)`);
    const levels = grid.info.lods.map((l) => l.level);
    const lods = grid.info.lods.filter((l) => l.level >= options.minLevel && l.level <= options.maxLevel);
    if (options.minLevel > options.maxLevel || lods.length === 0) throw new SeedError(`--levels must lie within the scheme's levels ${levels[0]}–${levels[levels.length - 1]}`);
    const extent = seedExtent(options, grid, service.spatialReference);
    const metatiles = lods.flatMap((lod) => grid.metatiles(lod, extent)).filter((m) => grid.hasData(m));
    const runner = createOperationRunner({ threads: options.threads, dataDir: options.dataDir, databaseUrl: options.databaseUrl, services });
    try {
      return await seedMetatiles(new TileCache(options.dataDir, (task) => runner.run(task)), service, grid, metatiles, options);
    } finally {
      await runner.close();
    }
  } finally {
    services.close();
    await store.close();
  }
}

/** The area to seed, in the scheme's SR. */
function seedExtent(options: SeedOptions, grid: TileGrid, serviceSr: SpatialReference): Envelope {
  const given = options.bboxWgs84 ?? options.extent;
  if (!given) {
    if (!grid.dataExtent) throw new SeedError('the service has no data to seed; give --extent');
    return grid.dataExtent;
  }
  if (!validEnvelope(given)) throw new SeedError('the extent must be xmin,ymin,xmax,ymax with xmin < xmax and ymin < ymax');
  const from = options.bboxWgs84 ? WGS84 : serviceSr;
  const extent = transformEnvelope(given, getTransform(from, grid.info.spatialReference));
  if (!validEnvelope(extent)) throw new SeedError('the extent cannot be projected into the tiling scheme\'s spatial reference');
  return extent;
}

async function seedMetatiles(cache: TileCache, service: MapService, grid: TileGrid, metatiles: Metatile[], options: SeedOptions): Promise<SeedProgress> {
  const started = Date.now();
  const progress: SeedProgress = { done: 0, total: metatiles.length, skipped: 0, tilesWritten: 0, elapsedMs: 0 };
  const report = () => options.onProgress?.({ ...progress, elapsedMs: Date.now() - started });
  report();
  let next = 0;
  // As many metatiles in flight as threads, so every worker stays busy.
  const lane = async () => {
    while (next < metatiles.length) {
      const m = metatiles[next++]!;
      if (await cache.isCached(service, grid, m)) progress.skipped++;
      else { await cache.renderOnce(service, m); progress.tilesWritten += metatileTiles(m).length; }
      progress.done++;
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.threads) }, lane));
  return { ...progress, elapsedMs: Date.now() - started };
}
