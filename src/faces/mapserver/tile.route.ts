/**
 * `tile/<level>/<row>/<col>` (mapserver.md §10): a cached map tile, rendered with its metatile
 * on first request. Tiles are immutable for a given service definition, so they carry an ETag
 * and may be cached by clients for a day.
 * @module faces/mapserver/tile.route
 */
import type { ServerContext } from '../../http/server.js';
import { TileCache } from '../../tiles/tile-cache.js';
import { getAndPost, pathParams } from '../route-helpers.js';
import type { RouteContext } from './mapserver-face.js';
import { requireCapability, serviceOf } from './mapserver-face.js';

/** One cache per server, shared by the face's two mounts, so concurrent renders are shared too. */
const caches = new WeakMap<ServerContext, TileCache>();

function cacheFor(ctx: ServerContext): TileCache {
  let cache = caches.get(ctx);
  if (!cache) {
    cache = new TileCache(ctx.config.dataDir, ctx.runOperation);
    caches.set(ctx, cache);
  }
  return cache;
}

/** Whether an `If-None-Match` header names the tag (weak or strong, or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => { const tag = t.trim().replace(/^W\//, ''); return tag === '*' || tag === etag; });
}

const index = (text: string | undefined): number => (text !== undefined && /^\d{1,9}$/.test(text) ? Number(text) : -1);

export function registerTileRoute({ app, ctx }: RouteContext): void {
  getAndPost(app, '/tile/:level/:row/:col', async (request, reply, params) => {
    const service = serviceOf(request);
    requireCapability(service, 'Map');
    const { level, row, col } = pathParams(request);
    const [l, r, c] = [index(level), index(row), index(col)];
    // A missing tile is a plain 404: tile clients expect no error document (mapserver.md §2).
    const notFound = () => reply.code(404).type('text/plain; charset=utf-8').send('Tile not found');
    const tile = l < 0 || r < 0 || c < 0 ? null : await cacheFor(ctx).tile(service, l, r, c);
    if (!tile) return notFound();
    if (tile.blank) {
      reply.header('blank-tile', 'true');
      if (!params.bool('blankTile', true)) return notFound();
    }
    reply.header('etag', tile.etag).header('cache-control', 'public, max-age=86400');
    if (etagMatches(request.headers['if-none-match'], tile.etag)) return reply.code(304).send();
    return reply.type(tile.contentType).send(tile.data);
  });
}
