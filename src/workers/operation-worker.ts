/**
 * Worker-thread side of the operation pool: each worker keeps its own catalog connection and
 * service runtimes (SQLite handles belong to one thread) and runs operation tasks.
 * @module workers/operation-worker
 */
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { ServiceManager } from '../catalog/service-manager.js';
import { DrawCache } from '../data/draw-cache.js';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { executeOperation, type OperationOutcome, type OperationTask } from '../faces/mapserver/operation.js';
import { MAP_OPERATIONS } from '../faces/mapserver/operations.js';

const { dataDir, drawCacheMb = 256 } = workerData as { dataDir: string; drawCacheMb?: number };
const services = new ServiceManager(new SqliteCatalogStore(join(dataDir, 'catalog.sqlite')), dataDir, { drawCache: new DrawCache(drawCacheMb * 2 ** 20) });

export default function runOperation(task: OperationTask): Promise<OperationOutcome> {
  return executeOperation(MAP_OPERATIONS, services, task);
}
