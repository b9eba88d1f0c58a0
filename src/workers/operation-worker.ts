/**
 * Worker-thread side of the operation pool: each worker keeps its own catalog connection and
 * service runtimes (SQLite handles and PostgreSQL pools belong to one thread) and runs operation tasks.
 * @module workers/operation-worker
 */
import { workerData } from 'node:worker_threads';
import { lazyServiceManager, type ThreadCatalogOptions } from '../catalog/thread-service-manager.js';
import { executeOperation, type OperationOutcome, type OperationTask } from '../faces/mapserver/operation.js';
import { MAP_OPERATIONS } from '../faces/mapserver/operations.js';

const serviceManager = lazyServiceManager(workerData as ThreadCatalogOptions);

export default async function runOperation(task: OperationTask): Promise<OperationOutcome> {
  return executeOperation(MAP_OPERATIONS, await serviceManager(), task);
}
