/**
 * Layer queries run in a pool of worker threads (piscina), so decoding, projecting and
 * serialising thousands of features never blocks the event loop. With `threads` 0 they run
 * in-process (useful for debugging).
 * @module workers/query-pool
 */
import { Piscina } from 'piscina';
import type { ServiceManager } from '../catalog/service-manager.js';
import { executeQuery, type QueryOutcome, type QueryTask } from '../faces/mapserver/query-operation.js';

export interface QueryRunner {
  run(task: QueryTask): Promise<QueryOutcome>;
  close(): Promise<void>;
}

export function createQueryRunner(options: { threads: number; dataDir: string; services: ServiceManager }): QueryRunner {
  if (options.threads === 0) return { run: (task) => executeQuery(options.services, task), close: async () => {} };
  const pool = new Piscina({
    filename: new URL('./query-worker.ts', import.meta.url).href,
    minThreads: options.threads,
    maxThreads: options.threads,
    workerData: { dataDir: options.dataDir },
    // Workers load the TypeScript sources through the same loader as the main thread.
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  return {
    run: (task) => pool.run(task) as Promise<QueryOutcome>,
    close: () => pool.destroy(),
  };
}
