/**
 * Where job records are kept. The embedded default is SQLite (`SqliteJobStore`); a PostgreSQL
 * store implements the same interface for clusters. Every change of one job is atomic, and a
 * change can be made conditional on the job's current status, so a late progress report never
 * overwrites a cancel and two callers never both move a job on.
 * @module jobs/job-store
 */
import type { JobKind, JobMessage, JobRecord, JobStatusCode, JsonObject } from './job-types.js';

/** Which jobs a query returns; every field given must match. */
export interface JobFilter {
  /** Any of these codes. Without it, jobs being deleted are left out. */
  statusCodes?: readonly JobStatusCode[];
  /** Submitted at or after (ms). */
  startDate?: number;
  /** Finished at or before (ms); unfinished jobs are left out when set. */
  endDate?: number;
  user?: string;
  productName?: string;
  serviceKey?: string;
  kind?: JobKind;
}

/** A page of a query: jobs come newest first. */
export interface JobPage {
  /** Jobs to skip (0-based). [0] */
  offset?: number;
  /** Jobs to return. [100] */
  limit?: number;
  /** Load each job's messages. [false: `messages` is empty] */
  withMessages?: boolean;
}

export interface JobQueryResult {
  /** Jobs matching the filter, over all pages. */
  total: number;
  jobs: JobRecord[];
}

/** Fields to change; the store stamps `updated` itself. `messages` are appended. */
export interface JobChange {
  statusCode?: JobStatusCode;
  percentComplete?: number;
  currentStep?: string | null;
  started?: number | null;
  finished?: number | null;
  result?: JsonObject | null;
  error?: string | null;
  recoveries?: number;
  messages?: readonly JobMessage[];
}

export interface JobStore {
  /** Adds a new job (its `messages` too). */
  insert(job: JobRecord): Promise<void>;
  /** The job with its messages (ID matched case-insensitively), or null. */
  get(jobId: string): Promise<JobRecord | null>;
  /**
   * Applies `change` in one transaction when the job exists and, with `onlyIf`, its status is
   * one of those codes. Keeps the newest `MAX_MESSAGES_PER_LEVEL` messages of each kind.
   * Returns whether the change was made.
   */
  update(jobId: string, change: JobChange, onlyIf?: readonly JobStatusCode[]): Promise<boolean>;
  query(filter: JobFilter, page?: JobPage): Promise<JobQueryResult>;
  /**
   * Atomically takes the job waiting longest (submission order) for a worker: Waiting becomes InProgress (with
   * `started` set to `now` unless set), ResumePending becomes Resumed. Null when none waits.
   * Jobs of the services in `heldServiceKeys` (stopped services) are left waiting.
   */
  claimNext(now: number, heldServiceKeys?: readonly string[]): Promise<JobRecord | null>;
  /** Jobs in any of these states, oldest first, without messages (recovery after a restart). */
  listByStatus(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]>;
  /** Removes a job and its messages; false when there was none. */
  delete(jobId: string): Promise<boolean>;
  /** Removes finished jobs (final status) that finished before `cutoff` (ms); returns their IDs. */
  purgeFinishedBefore(cutoff: number): Promise<string[]>;
  close(): Promise<void>;
}
