/**
 * One map service's instance pool (admin.md §7, §10): at most maxInstances requests run at
 * once, each waits at most maxWaitMs for a slot (then `Service is busy`) and runs at most
 * maxUsageMs (then `Request timed out`, and the thread running it is ended so the slot is
 * really free). A service with its own threads has them recycled at recycleStartTime and then
 * every recycleIntervalMs: new requests go to fresh threads while the old ones finish theirs.
 * @module workers/service-pool
 */
import type { OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';
import { nextLocalTime, type PoolSettings } from './pool-settings.js';
import type { ServiceStatistics } from './service-statistics.js';
import type { ThreadSource } from './thread-source.js';

export type { ThreadSource } from './thread-source.js';

/** Slot states as admin.md §13 counts them; they add up to `max`. */
export interface SlotCounts {
  max: number;
  busy: number;
  free: number;
  initializing: number;
  notCreated: number;
}

/** Longest delay a Node timer takes; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** FIFO counting semaphore whose waiters give up after a timeout. */
class Slots {
  held = 0;
  private readonly waiters: { grant: () => void }[] = [];

  constructor(private readonly size: number) {}

  /** Resolves true with a slot held, or false when none came free within `timeoutMs`. */
  acquire(timeoutMs: number): Promise<boolean> {
    if (this.held < this.size && this.waiters.length === 0) {
      this.held++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, Math.min(Math.max(0, timeoutMs), MAX_TIMER_MS));
      this.waiters.push(waiter);
    });
  }

  /** Hands the slot to the longest waiter, or frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = Math.max(0, this.held - 1);
  }
}

function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

export interface ServicePoolOptions {
  /** 'Folder/Name', or 'Name' in the root folder. */
  key: string;
  settings: PoolSettings;
  threads: ThreadSource;
  statistics: ServiceStatistics;
  now?: () => number;
  /** Epoch ms of the first recycle, instead of the next `settings.recycleStartTime`. */
  firstRecycleAt?: number;
}

export class ServicePool {
  readonly key: string;
  readonly settings: PoolSettings;
  readonly statistics: ServiceStatistics;
  private threads: ThreadSource;
  private readonly now: () => number;
  private readonly slots: Slots;
  /** Requests accepted and not yet answered (waiting or running). */
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private draining: Promise<void> | null = null;
  /** Closes of recycled thread sources still waiting for their tasks. */
  private readonly retiring = new Set<Promise<void>>();
  private recycleTimer: NodeJS.Timeout | null = null;

  constructor(options: ServicePoolOptions) {
    this.key = options.key;
    this.settings = options.settings;
    this.statistics = options.statistics;
    this.threads = options.threads;
    this.now = options.now ?? Date.now;
    this.slots = new Slots(Math.max(1, Math.floor(options.settings.maxInstances)));
    if (this.threads.renew && options.settings.recycleIntervalMs > 0) {
      const first = options.firstRecycleAt ?? nextLocalTime(options.settings.recycleStartTime, this.now());
      this.scheduleRecycle(first);
    }
  }

  /** Runs `task` in a slot; never throws. */
  async run(task: OperationTask): Promise<OperationOutcome> {
    if (this.draining) return { ok: false, code: 500, message: `Service ${this.key} not started`, details: [] };
    this.active++;
    this.statistics.requestStarted();
    try {
      if (!(await this.slots.acquire(this.settings.maxWaitMs))) {
        this.statistics.recordRejected();
        return {
          ok: false,
          code: 500,
          message: 'Service is busy',
          details: [`no instance of service ${this.key} became free within ${seconds(this.settings.maxWaitMs)} seconds (maxWaitTime)`],
        };
      }
      const started = this.now();
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(new Error('maxUsageTime')), Math.min(Math.max(0, this.settings.maxUsageMs), MAX_TIMER_MS));
      try {
        return await this.threads.run(task, abort.signal);
      } catch (e) {
        if (abort.signal.aborted) {
          this.statistics.recordTimedOut();
          return {
            ok: false,
            code: 500,
            message: 'Request timed out',
            details: [`the request to service ${this.key} ran longer than ${seconds(this.settings.maxUsageMs)} seconds (maxUsageTime)`],
          };
        }
        // A worker that crashed or failed to start: its task fails, the service goes on.
        return { ok: false, code: 500, message: 'Error performing operation', details: [e instanceof Error ? e.message : String(e)] };
      } finally {
        clearTimeout(timer);
        this.statistics.recordSlotUse(this.now() - started);
        this.slots.release();
      }
    } finally {
      this.statistics.requestEnded();
      this.active--;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  counts(): SlotCounts {
    const max = Math.max(1, Math.floor(this.settings.maxInstances));
    if (this.draining) return { max, busy: Math.min(this.slots.held, max), free: 0, initializing: 0, notCreated: max - Math.min(this.slots.held, max) };
    const busy = Math.min(this.slots.held, max);
    const starting = Math.max(0, this.threads.startingCount);
    const started = Math.max(0, this.threads.threadCount - starting);
    const free = Math.max(0, Math.min(started, max) - busy);
    const initializing = Math.min(starting, max - busy - free);
    return { max, busy, free, initializing, notCreated: max - busy - free - initializing };
  }

  /** Takes no new requests, lets the accepted ones finish, then closes the threads. */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      if (this.recycleTimer) clearTimeout(this.recycleTimer);
      this.recycleTimer = null;
      if (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await this.threads.close();
      await Promise.allSettled([...this.retiring]);
    })();
    return this.draining;
  }

  /** Swaps in fresh threads; the old ones finish their running tasks and then end. */
  recycle(): void {
    if (this.draining || !this.threads.renew) return;
    const old = this.threads;
    this.threads = old.renew!();
    const closing = old.close().catch(() => {});
    this.retiring.add(closing);
    void closing.finally(() => this.retiring.delete(closing));
  }

  private scheduleRecycle(at: number): void {
    const delay = Math.max(0, at - this.now());
    if (delay > MAX_TIMER_MS) {
      this.recycleTimer = setTimeout(() => this.scheduleRecycle(at), MAX_TIMER_MS);
    } else {
      this.recycleTimer = setTimeout(() => {
        this.recycle();
        // Later recycles keep to the grid of the first one, however late a timer fired.
        const interval = this.settings.recycleIntervalMs;
        this.scheduleRecycle(at + Math.max(1, Math.ceil((this.now() - at + 1) / interval)) * interval);
      }, delay);
    }
    // Recycling alone must not keep the process alive.
    this.recycleTimer.unref();
  }
}
