/**
 * The instance-pool settings of one map service (admin.md §7: min/maxInstancesPerNode,
 * maxWaitTime, maxUsageTime, maxIdleTime, recycleInterval, recycleStartTime, isolationLevel),
 * in the units the worker pools use.
 * @module workers/pool-settings
 */

export interface PoolSettings {
  /** Slots (worker threads, for HIGH isolation) kept open while the service runs. */
  minInstances: number;
  /** Most requests the service runs at once. */
  maxInstances: number;
  /** Longest a request waits for a free slot before it is answered `Service is busy`. */
  maxWaitMs: number;
  /** Longest one request may run before it is answered `Request timed out`. */
  maxUsageMs: number;
  /** Idle threads above the minimum end after this long. */
  maxIdleMs: number;
  /** Time between two recycles of the service's threads; 0 or less: never recycled. */
  recycleIntervalMs: number;
  /** 'HH:MM' local time of the first daily recycle */
  recycleStartTime: string;
  /** HIGH: the service has its own worker threads; LOW: it shares one pool of threads. */
  isolation: 'HIGH' | 'LOW';
}

export const DEFAULT_POOL_SETTINGS: PoolSettings = Object.freeze({
  minInstances: 1,
  maxInstances: 2,
  maxWaitMs: 60_000,
  maxUsageMs: 600_000,
  maxIdleMs: 1_800_000,
  recycleIntervalMs: 24 * 3_600_000,
  recycleStartTime: '00:00',
  isolation: 'HIGH',
});

/** True when a pool opened with `a` can go on serving a service whose settings are now `b`. */
export function samePoolSettings(a: PoolSettings, b: PoolSettings): boolean {
  return (
    a.minInstances === b.minInstances &&
    a.maxInstances === b.maxInstances &&
    a.maxWaitMs === b.maxWaitMs &&
    a.maxUsageMs === b.maxUsageMs &&
    a.maxIdleMs === b.maxIdleMs &&
    a.recycleIntervalMs === b.recycleIntervalMs &&
    a.recycleStartTime === b.recycleStartTime &&
    a.isolation === b.isolation
  );
}

/**
 * The first moment at or after `now` (epoch ms) whose local time of day is `startTime`
 * ('HH:MM'); a malformed time counts as '00:00'.
 */
export function nextLocalTime(startTime: string, now: number): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(startTime.trim());
  const hours = m ? Math.min(23, Number(m[1])) : 0;
  const minutes = m ? Math.min(59, Number(m[2])) : 0;
  const at = new Date(now);
  at.setHours(hours, minutes, 0, 0);
  if (at.getTime() < now) at.setDate(at.getDate() + 1);
  return at.getTime();
}
