/**
 * Slows down password guessing (admin.md §2): after `maxFailures` failed logins for one user
 * name, or from one address, within `windowMs`, every further attempt for that name or from that
 * address is refused for `blockMs`, whether or not the password is right. Kept in memory per
 * process; the number of names and addresses remembered is bounded.
 * @module security/login-throttle
 */
import { normaliseIp } from './token-service.js';

export interface LoginThrottleOptions {
  /** Failures within the window that start a block. Default 10. */
  maxFailures?: number;
  /** Default 15 minutes. */
  windowMs?: number;
  /** How long a block lasts. Default 15 minutes. */
  blockMs?: number;
  /** Names and addresses remembered at most; the least recently failed are forgotten first. Default 100 000. */
  maxEntries?: number;
  now?: () => number;
}

interface Counter {
  /** Times of the recent failures, oldest first, at most maxFailures. */
  failures: number[];
  /** Epoch ms the block ends; 0 when not blocked. */
  blockedUntil: number;
}

const MINUTES_15 = 15 * 60_000;

export class LoginThrottle {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly blockMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Keyed `u:<name>` and `i:<address>`; insertion order is the order of last failure. */
  private readonly counters = new Map<string, Counter>();
  private lastSweep = 0;

  constructor(options: LoginThrottleOptions = {}) {
    this.maxFailures = Math.max(1, options.maxFailures ?? 10);
    this.windowMs = options.windowMs ?? MINUTES_15;
    this.blockMs = options.blockMs ?? MINUTES_15;
    this.maxEntries = Math.max(2, options.maxEntries ?? 100_000);
    this.now = options.now ?? Date.now;
  }

  /** Whether attempts for `username` or from `ip` are refused now. */
  isBlocked(username: string, ip: string): boolean {
    const now = this.now();
    return this.blocked(`u:${username}`, now) || this.blocked(`i:${normaliseIp(ip)}`, now);
  }

  recordFailure(username: string, ip: string): void {
    const now = this.now();
    this.fail(`u:${username}`, now);
    this.fail(`i:${normaliseIp(ip)}`, now);
    this.evict(now);
  }

  /**
   * Forgets the failures of the user name. The address keeps its count, so knowing one password
   * does not reset the count of guesses made from that address at other names.
   */
  recordSuccess(username: string, _ip: string): void {
    const c = this.counters.get(`u:${username}`);
    if (c && c.blockedUntil <= this.now()) this.counters.delete(`u:${username}`);
  }

  /** Names and addresses currently remembered (for tests and monitoring). */
  get size(): number { return this.counters.size; }

  private blocked(key: string, now: number): boolean {
    const c = this.counters.get(key);
    return c !== undefined && c.blockedUntil > now;
  }

  private fail(key: string, now: number): void {
    let c = this.counters.get(key);
    if (c && c.blockedUntil > now) return; // already blocked: the block is not stretched
    if (c) this.counters.delete(key); // re-inserted below, as the most recent
    else c = { failures: [], blockedUntil: 0 };
    c.blockedUntil = 0;
    c.failures = c.failures.filter((t) => t > now - this.windowMs);
    c.failures.push(now);
    if (c.failures.length >= this.maxFailures) {
      c.blockedUntil = now + this.blockMs;
      c.failures = [];
    }
    this.counters.set(key, c);
  }

  /** Drops counters with nothing left to remember; then, if still too many, the oldest. */
  private evict(now: number): void {
    const full = this.counters.size > this.maxEntries;
    if (!full && now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, c] of this.counters) {
      if (c.blockedUntil <= now && !c.failures.some((t) => t > now - this.windowMs)) this.counters.delete(key);
    }
    // Trimmed below the bound so a flood of new names does not sweep on every failure.
    if (this.counters.size <= this.maxEntries) return;
    const keep = Math.floor(this.maxEntries * 0.9);
    for (const key of this.counters.keys()) {
      if (this.counters.size <= keep) break;
      this.counters.delete(key);
    }
  }
}
