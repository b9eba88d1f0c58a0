/**
 * The service runtimes of a worker thread (operation and print threads): each thread keeps its
 * own catalog connection, runtimes and memory of features for drawing, since SQLite handles and
 * PostgreSQL pools belong to one thread.
 * @module catalog/thread-service-manager
 */
import { DrawCache } from '../data/draw-cache.js';
import { openCatalogStore } from './open-catalog-store.js';
import { ServiceManager } from './service-manager.js';

/** What a thread is started with (its `workerData`). */
export interface ThreadCatalogOptions { dataDir: string; databaseUrl?: string; drawCacheMb?: number }

/**
 * The thread's service manager, opened on first use rather than with a top-level await, which
 * the worker loader does not allow; a failed open is tried again on the next call.
 */
export function lazyServiceManager({ dataDir, databaseUrl, drawCacheMb = 256 }: ThreadCatalogOptions): () => Promise<ServiceManager> {
  let services: Promise<ServiceManager> | null = null;
  return () => {
    services ??= openCatalogStore({ dataDir, databaseUrl })
      .then((store) => new ServiceManager(store, dataDir, { drawCache: new DrawCache(drawCacheMb * 2 ** 20) }))
      .catch((error: unknown) => { services = null; throw error; });
    return services;
  };
}
