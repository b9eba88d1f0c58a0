/**
 * The warm threads `execute` prints run on (print-thread.ts): a piscina pool that starts a thread
 * on the first print and keeps it for ten idle minutes.
 * @module printing/print-threads
 */
import { Piscina } from 'piscina';
import type { PrintJobRequest } from './print-job.js';
import type { PrintThreadAnswer } from './print-thread.js';

export interface PrintThreads {
  /** Prints on a thread; aborting `signal` ends the thread running it. */
  run(request: PrintJobRequest, signal: AbortSignal): Promise<PrintThreadAnswer>;
  close(): Promise<void>;
}

export function createPrintThreads(options: { dataDir: string; databaseUrl?: string; drawCacheMb: number; maxThreads: number }): PrintThreads {
  const pool = new Piscina({
    filename: new URL('./print-thread.ts', import.meta.url).href,
    minThreads: 0, maxThreads: Math.max(1, options.maxThreads), idleTimeout: 10 * 60_000,
    workerData: { dataDir: options.dataDir, databaseUrl: options.databaseUrl, drawCacheMb: options.drawCacheMb },
    // Threads load the TypeScript sources through the same loader as the main thread.
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  // A thread failing with no print on it must not end the process; prints get their own errors.
  pool.on('error', () => {});
  return {
    run: (request, signal) => pool.run(request, { signal }) as Promise<PrintThreadAnswer>,
    close: () => pool.close(),
  };
}
