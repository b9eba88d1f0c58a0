/**
 * Worker-thread side of the query pool: each worker keeps its own catalog connection and
 * service runtimes (SQLite handles are per thread) and answers query tasks.
 * @module workers/query-worker
 */
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';
import { ServiceManager } from '../catalog/service-manager.js';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { executeQuery, type QueryOutcome, type QueryTask } from '../faces/mapserver/query-operation.js';

const { dataDir } = workerData as { dataDir: string };
const services = new ServiceManager(new SqliteCatalogStore(join(dataDir, 'catalog.sqlite')), dataDir);

export default function runQueryTask(task: QueryTask): Promise<QueryOutcome> {
  return executeQuery(services, task);
}
