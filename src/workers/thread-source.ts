/**
 * Where a service pool's tasks run: a piscina pool of worker threads (a service's own, or the
 * shared one), or the main thread when Quadrangle runs without operation threads.
 * @module workers/thread-source
 */
import { Piscina } from 'piscina';
import type { ServiceManager } from '../catalog/service-manager.js';
import { executeOperation, type Operation, type OperationOutcome, type OperationTask } from '../faces/mapserver/operation.js';

/** Runs operation tasks on threads. */
export interface ThreadSource {
  /**
   * Runs `task`. Aborting `signal` rejects the promise and, for worker threads, terminates the
   * thread running it (piscina replaces it up to its minimum).
   */
  run(task: OperationTask, signal: AbortSignal): Promise<OperationOutcome>;
  /** Threads open now, started or starting; Infinity in-process, where no thread needs opening. */
  readonly threadCount: number;
  /** Threads still starting. */
  readonly startingCount: number;
  /** A fresh source like this one, for recycling; absent when the threads are not a service's own. */
  renew?(): ThreadSource;
  /** Accepts no more tasks, lets running ones finish, then ends the threads. */
  close(): Promise<void>;
}

export const OPERATION_WORKER = new URL('./operation-worker.ts', import.meta.url).href;

export interface PiscinaThreadOptions {
  /** The worker module (a path or file URL); its default export runs one task. */
  filename: string;
  /** Handed to the workers as `workerData.dataDir`. */
  dataDir: string;
  /** Handed to the workers as `workerData.databaseUrl`: the PostgreSQL catalog, when the node uses one. */
  databaseUrl?: string;
  /** Handed to the workers as `workerData.drawCacheMb`: each thread's memory for drawing (data/draw-cache; default 256). */
  drawCacheMb?: number;
  minThreads: number;
  maxThreads: number;
  /** Idle threads above the minimum end after this long. */
  idleTimeoutMs: number;
  /** Longest `close` waits for running tasks before it terminates them. */
  closeTimeoutMs: number;
}

/** Worker threads from piscina. */
export class PiscinaThreads implements ThreadSource {
  private readonly pool: Piscina;
  /** Workers that have reported ready (piscina's workerCreate) and not ended since. */
  private readonly ready = new Set<unknown>();

  constructor(private readonly options: PiscinaThreadOptions) {
    const maxThreads = Math.max(1, Math.floor(options.maxThreads));
    this.pool = new Piscina({
      filename: options.filename,
      minThreads: Math.min(maxThreads, Math.max(0, Math.floor(options.minThreads))),
      maxThreads,
      // piscina takes Infinity as "never"; its timers need a finite delay otherwise.
      idleTimeout: Number.isFinite(options.idleTimeoutMs) ? Math.max(0, Math.min(options.idleTimeoutMs, 2 ** 31 - 1)) : Infinity,
      closeTimeout: Math.max(0, Math.min(options.closeTimeoutMs, 2 ** 31 - 1)),
      workerData: { dataDir: options.dataDir, databaseUrl: options.databaseUrl, drawCacheMb: options.drawCacheMb },
      // Workers load the TypeScript sources through the same loader as the main thread.
      execArgv: ['--import', import.meta.resolve('tsx')],
    });
    this.pool.on('workerCreate', (worker: unknown) => this.ready.add(worker));
    this.pool.on('workerDestroy', (worker: unknown) => this.ready.delete(worker));
    // piscina emits 'error' for a worker that fails with no task on it and for a close that
    // outlived closeTimeout; without a listener either would end the process. Tasks still get
    // their own errors.
    this.pool.on('error', () => {});
  }

  run(task: OperationTask, signal: AbortSignal): Promise<OperationOutcome> {
    return this.pool.run(task, { signal }) as Promise<OperationOutcome>;
  }

  get threadCount(): number {
    return this.pool.threads.length;
  }

  get startingCount(): number {
    return Math.max(0, this.pool.threads.length - this.ready.size);
  }

  renew(): ThreadSource {
    return new PiscinaThreads(this.options);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A source shared by several services: they run tasks on it but none of them closes it. */
export function sharedThreads(source: ThreadSource): ThreadSource {
  return {
    run: (task, signal) => source.run(task, signal),
    get threadCount() {
      return source.threadCount;
    },
    get startingCount() {
      return source.startingCount;
    },
    close: async () => {},
  };
}

/**
 * Tasks run on the main thread (Quadrangle started with 0 operation threads, for debugging).
 * An abort only rejects the promise: work already started cannot be stopped and goes on in
 * the background, so maxUsageTime frees the slot without freeing the CPU.
 */
export class InProcessThreads implements ThreadSource {
  private running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly operations: Record<string, Operation>,
    private readonly services: ServiceManager,
  ) {}

  run(task: OperationTask, signal: AbortSignal): Promise<OperationOutcome> {
    if (this.closed) return Promise.reject(new Error('thread source closed'));
    if (signal.aborted) return Promise.reject(signal.reason);
    const work = executeOperation(this.operations, this.services, task);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  get threadCount(): number {
    return Number.POSITIVE_INFINITY;
  }

  get startingCount(): number {
    return 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.running]);
  }
}
