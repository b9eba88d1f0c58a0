/**
 * Map service operations (query, identify, find, …) run in a pool of worker threads
 * (piscina), so decoding, projecting, drawing and serialising never block the event loop.
 * With `threads` 0 they run in-process (useful for debugging).
 * @module workers/operation-pool
 */
import { Piscina } from 'piscina';
import type { ServiceManager } from '../catalog/service-manager.js';
import { executeOperation, type OperationOutcome, type OperationTask } from '../faces/mapserver/operation.js';
import { MAP_OPERATIONS } from '../faces/mapserver/operations.js';

export interface OperationRunner {
  run(task: OperationTask): Promise<OperationOutcome>;
  close(): Promise<void>;
}

export function createOperationRunner(options: { threads: number; dataDir: string; databaseUrl?: string; services: ServiceManager }): OperationRunner {
  if (options.threads === 0) return { run: (task) => executeOperation(MAP_OPERATIONS, options.services, task), close: async () => {} };
  const pool = new Piscina({
    filename: new URL('./operation-worker.ts', import.meta.url).href,
    minThreads: options.threads,
    maxThreads: options.threads,
    workerData: { dataDir: options.dataDir, databaseUrl: options.databaseUrl },
    // Workers load the TypeScript sources through the same loader as the main thread.
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  return {
    run: (task) => pool.run(task) as Promise<OperationOutcome>,
    close: () => pool.destroy(),
  };
}
