/**
 * Where cached tiles live: `<data>/cache/<folder>_<service>/<version>/L<level>/R<row>/C<col>.<ext>`.
 * The version names the definition the tiles were drawn from (its revision and a hash of its
 * text), so a changed service writes into a fresh folder and stale tiles are never served,
 * even when a service is deleted and published again with its revision back at 1.
 * @module tiles/tile-cache-path
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { MapService } from '../catalog/map-service.js';
import type { TileExtension } from './render-metatile.js';

/** The cache version of a service runtime (memoised on it). */
export function cacheVersion(service: MapService): string {
  const memo = service.memo.get('tileCacheVersion');
  if (memo) return memo as string;
  const version = `r${service.revision}-${createHash('sha1').update(JSON.stringify(service.definition)).digest('hex').slice(0, 8)}`;
  service.memo.set('tileCacheVersion', version);
  return version;
}

/** The folder holding one version of a service's cache. Names are validated, so they are safe path parts. */
export function cacheDir(dataDir: string, service: MapService, version: string): string {
  const { folder, serviceName } = service.definition;
  return join(dataDir, 'cache', folder ? `${folder}_${serviceName}` : serviceName, version);
}

/** A tile's file in a cache folder. */
export function tilePath(dir: string, level: number, row: number, col: number, ext: TileExtension): string {
  return join(dir, `L${level}`, `R${row}`, `C${col}.${ext}`);
}
