/**
 * The instance pools of all started map services, and their statistics. Each service gets a
 * `ServicePool` when its first request (or `start`) comes: with isolation HIGH on threads of
 * its own, with LOW on one pool of threads shared by all LOW services, and in-process when
 * Quadrangle runs with 0 operation threads. An edit of the pool settings swaps the pool: the
 * old one finishes its requests while the new one takes the next.
 * @module workers/service-pools
 */
import type { ServiceManager } from '../catalog/service-manager.js';
import type { Operation, OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import { MAP_OPERATIONS } from '../faces/mapserver/operations.js';
import type { OperationRunner } from './operation-pool.js';
import { samePoolSettings, type PoolSettings } from './pool-settings.js';
import { ServicePool, type SlotCounts } from './service-pool.js';
import { ServiceStatistics, type ServiceStatisticsSnapshot } from './service-statistics.js';
import { InProcessThreads, OPERATION_WORKER, PiscinaThreads, sharedThreads, type ThreadSource } from './thread-source.js';

export interface ServicePoolsOptions {
  /** Worker threads of the shared (LOW) pool; 0 runs every operation in-process. */
  threads: number;
  dataDir: string;
  /** The PostgreSQL catalog's URL, when the node uses one (handed to the worker threads). */
  databaseUrl?: string;
  /** Megabytes of features each worker thread keeps for drawing (data/draw-cache; default 256). */
  drawCacheMb?: number;
  services: ServiceManager;
  /** The service's pool settings; null when it is unknown or stopped. */
  settingsFor: (folder: string, name: string) => Promise<PoolSettings | null>;
  /** The worker module (default: the operation worker). */
  workerFile?: string;
  /** Operations run in-process (default: the map operations). */
  operations?: Record<string, Operation>;
  now?: () => number;
}

export interface ServicePoolStatistics {
  startTime: number;
  counts: SlotCounts;
  snapshot: ServiceStatisticsSnapshot;
}

function keyOf(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

export class ServicePools implements OperationRunner {
  private readonly pools = new Map<string, ServicePool>();
  private readonly stats = new Map<string, ServiceStatistics>();
  /** Bumped by `stop`, so a pool being opened for a stopped service is not kept. */
  private readonly generations = new Map<string, number>();
  private readonly retiring = new Set<Promise<void>>();
  private shared: ThreadSource | null = null;
  private inProcess: ThreadSource | null = null;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: ServicePoolsOptions) {
    this.now = options.now ?? Date.now;
  }

  async run(task: OperationTask): Promise<OperationOutcome> {
    const pool = await this.open(task.folder, task.service);
    if (!pool) {
      return { ok: false, code: 404, message: `Service ${keyOf(task.folder, task.service)}/MapServer not found`, details: [] };
    }
    return pool.run(task);
  }

  /**
   * Opens the service's pool (its minimum threads) ahead of its first request; false when
   * unknown or stopped. A service that had no open pool starts its statistics afresh.
   */
  async start(folder: string, name: string): Promise<boolean> {
    if (!this.pools.has(keyOf(folder, name))) this.stats.delete(keyOf(folder, name));
    return (await this.open(folder, name)) !== null;
  }

  /** Lets the service's requests in flight finish, closes its pool and forgets its statistics. */
  async stop(folder: string, name: string): Promise<void> {
    const key = keyOf(folder, name);
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    const pool = this.pools.get(key);
    this.pools.delete(key);
    this.stats.delete(key);
    if (pool) await pool.drain();
  }

  /** The service's slots and statistics; null when it has no open pool. */
  statistics(folder: string, name: string): ServicePoolStatistics | null {
    const pool = this.pools.get(keyOf(folder, name));
    if (!pool) return null;
    return { startTime: pool.statistics.startTime, counts: pool.counts(), snapshot: pool.statistics.snapshot() };
  }

  /** Every open pool's service key ('Folder/Name') and slots. */
  list(): { key: string; counts: SlotCounts }[] {
    return [...this.pools].map(([key, pool]) => ({ key, counts: pool.counts() }));
  }

  /** One answered MapServer request, whether or not it needed a worker (see ServiceStatistics). */
  recordRequest(folder: string, name: string, operation: string, ms: number, outcome: 'succeeded' | 'failed'): void {
    this.statisticsOf(keyOf(folder, name)).recordRequest(operation, ms, outcome);
  }

  /** Drains every pool and ends all threads. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled([...pools.map((p) => p.drain()), ...this.retiring]);
    await Promise.allSettled([this.shared?.close(), this.inProcess?.close()]);
  }

  private statisticsOf(key: string): ServiceStatistics {
    let stats = this.stats.get(key);
    if (!stats) this.stats.set(key, (stats = new ServiceStatistics({ now: this.now })));
    return stats;
  }

  /** The service's pool for its current settings, opened or swapped as needed. */
  private async open(folder: string, name: string): Promise<ServicePool | null> {
    const key = keyOf(folder, name);
    for (;;) {
      if (this.closed) return null;
      const generation = this.generations.get(key) ?? 0;
      const settings = await this.options.settingsFor(folder, name);
      // A stop while the settings were read: read them again.
      if ((this.generations.get(key) ?? 0) !== generation) continue;
      if (!settings || this.closed) return null;
      const current = this.pools.get(key);
      if (current && samePoolSettings(current.settings, settings)) return current;
      if (current) this.retire(current);
      const pool = new ServicePool({ key, settings, threads: this.threadsFor(settings), statistics: this.statisticsOf(key), now: this.now });
      this.pools.set(key, pool);
      return pool;
    }
  }

  private retire(pool: ServicePool): void {
    const draining = pool.drain().catch(() => {});
    this.retiring.add(draining);
    void draining.finally(() => this.retiring.delete(draining));
  }

  private threadsFor(settings: PoolSettings): ThreadSource {
    const { threads, dataDir, databaseUrl, drawCacheMb, services } = this.options;
    if (threads <= 0) return sharedThreads((this.inProcess ??= new InProcessThreads(this.options.operations ?? MAP_OPERATIONS, services)));
    const filename = this.options.workerFile ?? OPERATION_WORKER;
    if (settings.isolation === 'LOW') {
      this.shared ??= new PiscinaThreads({ filename, dataDir, databaseUrl, drawCacheMb, minThreads: threads, maxThreads: threads, idleTimeoutMs: Infinity, closeTimeoutMs: 30_000 });
      return sharedThreads(this.shared);
    }
    return new PiscinaThreads({
      filename,
      dataDir,
      databaseUrl,
      drawCacheMb,
      minThreads: settings.minInstances,
      maxThreads: settings.maxInstances,
      idleTimeoutMs: settings.maxIdleMs,
      // Running tasks end by maxUsageTime at the latest; a recycle or stop waits that long.
      closeTimeoutMs: settings.maxUsageMs + 5_000,
    });
  }
}
