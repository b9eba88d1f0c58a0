/**
 * Worker-thread side of the operation pool: each worker keeps its own catalog connection and
 * service runtimes (SQLite handles and PostgreSQL pools belong to one thread) and runs operation tasks.
 * @module workers/operation-worker
 */
import { workerData } from 'node:worker_threads';
import { ServiceManager } from '../catalog/service-manager.js';
import { DrawCache } from '../data/draw-cache.js';
import { openCatalogStore } from '../catalog/open-catalog-store.js';
import { executeOperation, type OperationOutcome, type OperationTask } from '../faces/mapserver/operation.js';
import { MAP_OPERATIONS } from '../faces/mapserver/operations.js';

const { dataDir, databaseUrl, drawCacheMb = 256 } = workerData as { dataDir: string; databaseUrl?: string; drawCacheMb?: number };

/**
 * Opened on the first task rather than with a top-level await, which the worker loader does not
 * allow; a failed open is tried again on the next task.
 */
let services: Promise<ServiceManager> | null = null;

function serviceManager(): Promise<ServiceManager> {
  services ??= openCatalogStore({ dataDir, databaseUrl })
    .then((store) => new ServiceManager(store, dataDir, { drawCache: new DrawCache(drawCacheMb * 2 ** 20) }))
    .catch((error: unknown) => { services = null; throw error; });
  return services;
}

export default async function runOperation(task: OperationTask): Promise<OperationOutcome> {
  return executeOperation(MAP_OPERATIONS, await serviceManager(), task);
}
