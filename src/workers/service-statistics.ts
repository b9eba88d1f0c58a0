/**
 * Request statistics of one map service since it started (admin.md §13, the `quadrangle`
 * block and the `transactions`/`totalBusyTime` of the summary): counters by answer and by
 * operation, requests in flight, slot use, and response-time percentiles over a sliding window.
 *
 * How a request counts: the HTTP layer calls `recordRequest` once for every answered request
 * (`total`, `byOperation`, latency). The pool calls `recordRejected` when a request gave up
 * waiting for a slot (maxWaitTime) and `recordTimedOut` when it ran past maxUsageTime; the
 * HTTP layer later reports that same request as `failed`. As in admin.md's example
 * (total = succeeded + failed + timedOut + rejected), the four are disjoint: a `failed` report
 * is first matched against a rejection or time-out the pool recorded and not yet matched, and
 * only the rest count as `failed`. All of them are failures, so which failed report matches
 * which rejection does not change any counter.
 *
 * Latency window: a ring of 90 ten-second slots (900 s). Each slot holds a sparse histogram of
 * response times (exact below 256 ms, then 128 bins per doubling, i.e. within 0.4 %), its
 * count, sum and maximum. Memory is bounded by slots × bins whatever the traffic, at the price
 * of percentiles that are exact only below 256 ms and of a window that ends on a slot
 * boundary (it covers the last 890 to 900 s); max and mean are exact.
 * @module workers/service-statistics
 */

export const OPERATION_BUCKETS = ['export', 'identify', 'query', 'find', 'legend', 'tile', 'generateKml', 'other'] as const;
export type OperationBucket = (typeof OPERATION_BUCKETS)[number];

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ServiceStatisticsSnapshot {
  /** Epoch ms of the service start. */
  since: number;
  windowSeconds: number;
  requests: {
    total: number;
    succeeded: number;
    failed: number;
    timedOut: number;
    rejected: number;
    inFlight: number;
    byOperation: Record<OperationBucket, number>;
  };
  latencyMs: LatencySummary;
  /** Requests that held a slot. */
  transactions: number;
  /** Milliseconds slots spent busy. */
  totalBusyTime: number;
}

const WINDOW_SECONDS = 900;
const SLOT_MS = 10_000;
const SLOTS = (WINDOW_SECONDS * 1000) / SLOT_MS;
/** Values below this are kept exactly; above, with 7 significant bits after the leading one. */
const EXACT_BELOW = 256;
const MANTISSA_BITS = 7;

function binOf(ms: number): number {
  const v = Math.min(0xffffffff, Math.max(0, Math.round(ms)));
  if (v < EXACT_BELOW) return v;
  const shift = 31 - Math.clz32(v) - MANTISSA_BITS;
  const mantissa = Math.floor(v / 2 ** shift); // 128..255
  return EXACT_BELOW + (shift - 1) * 2 ** MANTISSA_BITS + (mantissa - 2 ** MANTISSA_BITS);
}

/** The middle of a bin's range (its only value for exact bins). */
function valueOf(bin: number): number {
  if (bin < EXACT_BELOW) return bin;
  const k = bin - EXACT_BELOW;
  const shift = Math.floor(k / 2 ** MANTISSA_BITS) + 1;
  const mantissa = (k % 2 ** MANTISSA_BITS) + 2 ** MANTISSA_BITS;
  const low = mantissa * 2 ** shift;
  return low + (2 ** shift - 1) / 2;
}

interface Slot {
  /** Which ten-second period of the epoch this slot holds; -1 when empty. */
  index: number;
  count: number;
  sum: number;
  max: number;
  bins: Map<number, number>;
}

export class ServiceStatistics {
  readonly since: number;
  readonly windowSeconds = WINDOW_SECONDS;
  private readonly now: () => number;
  private total = 0;
  private succeeded = 0;
  private failed = 0;
  private timedOut = 0;
  private rejected = 0;
  /** Rejections and time-outs the HTTP layer has not yet reported as failed. */
  private unmatchedPoolFailures = 0;
  private inFlight = 0;
  private transactions = 0;
  private busyMs = 0;
  private readonly byOperation = Object.fromEntries(OPERATION_BUCKETS.map((o) => [o, 0])) as Record<OperationBucket, number>;
  private readonly slots: Slot[] = Array.from({ length: SLOTS }, () => ({ index: -1, count: 0, sum: 0, max: 0, bins: new Map() }));

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.since = this.now();
  }

  /** The service start, as admin.md's summary calls it. */
  get startTime(): number {
    return this.since;
  }

  /** One answered request: its REST operation, response time and whether it succeeded. */
  recordRequest(operation: string, ms: number, outcome: 'succeeded' | 'failed'): void {
    this.total++;
    if (outcome === 'succeeded') this.succeeded++;
    else if (this.unmatchedPoolFailures > 0) this.unmatchedPoolFailures--;
    else this.failed++;
    const bucket: OperationBucket = (OPERATION_BUCKETS as readonly string[]).includes(operation) ? (operation as OperationBucket) : 'other';
    this.byOperation[bucket]++;
    this.addLatency(ms);
  }

  /** A request ran past maxUsageTime. */
  recordTimedOut(): void {
    this.timedOut++;
    this.unmatchedPoolFailures++;
  }

  /** A request found no free slot within maxWaitTime. */
  recordRejected(): void {
    this.rejected++;
    this.unmatchedPoolFailures++;
  }

  requestStarted(): void {
    this.inFlight++;
  }

  requestEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** A request held a slot for `ms`. */
  recordSlotUse(ms: number): void {
    this.transactions++;
    this.busyMs += Math.max(0, ms);
  }

  snapshot(): ServiceStatisticsSnapshot {
    return {
      since: this.since,
      windowSeconds: this.windowSeconds,
      requests: {
        total: this.total,
        succeeded: this.succeeded,
        failed: this.failed,
        timedOut: this.timedOut,
        rejected: this.rejected,
        inFlight: this.inFlight,
        byOperation: { ...this.byOperation },
      },
      latencyMs: this.latency(),
      transactions: this.transactions,
      totalBusyTime: Math.round(this.busyMs),
    };
  }

  private addLatency(ms: number): void {
    const value = Number.isFinite(ms) ? Math.max(0, ms) : 0;
    const index = Math.floor(this.now() / SLOT_MS);
    const slot = this.slots[index % SLOTS]!;
    if (slot.index !== index) {
      slot.index = index;
      slot.count = 0;
      slot.sum = 0;
      slot.max = 0;
      slot.bins.clear();
    }
    slot.count++;
    slot.sum += value;
    slot.max = Math.max(slot.max, value);
    const bin = binOf(value);
    slot.bins.set(bin, (slot.bins.get(bin) ?? 0) + 1);
  }

  private latency(): LatencySummary {
    const current = Math.floor(this.now() / SLOT_MS);
    const live = this.slots.filter((s) => s.index > current - SLOTS && s.index <= current && s.count > 0);
    const count = live.reduce((n, s) => n + s.count, 0);
    if (count === 0) return { p50: 0, p90: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    const max = Math.max(...live.map((s) => s.max));
    const sum = live.reduce((n, s) => n + s.sum, 0);
    const merged = new Map<number, number>();
    for (const s of live) for (const [bin, n] of s.bins) merged.set(bin, (merged.get(bin) ?? 0) + n);
    const bins = [...merged].sort((a, b) => a[0] - b[0]);
    // Nearest rank: the smallest value with at least p % of the samples at or below it.
    const percentile = (p: number): number => {
      const rank = Math.max(1, Math.ceil((p / 100) * count));
      let seen = 0;
      for (const [bin, n] of bins) {
        seen += n;
        if (seen >= rank) return Math.round(Math.min(valueOf(bin), max));
      }
      return Math.round(max);
    };
    return { p50: percentile(50), p90: percentile(90), p95: percentile(95), p99: percentile(99), max: Math.round(max), mean: Math.round(sum / count) };
  }
}
