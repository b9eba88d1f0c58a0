/**
 * Where job records are kept. The embedded default is SQLite (`SqliteJobStore`); the PostgreSQL
 * store (`PgJobStore`) is shared by the nodes of a cluster. Every change of one job is atomic,
 * and a change can be made conditional on the job's current status, so a late progress report
 * never overwrites a cancel and two callers never both move a job on.
 *
 * Holding jobs. One store object serves one job engine, and a job it claims is *held* through
 * it until the job is queued again or ends: `claimNext` takes the hold, `renewLeases` keeps it
 * (an engine renews the jobs it runs every second or so) and tells the engine where those jobs
 * stand, so a cancel or pause recorded by another node reaches the one running the job. A
 * status change to Waiting (or an earlier state) or to a final state lets go of the hold;
 * Deleting takes it. A hold that is not renewed runs out (the PostgreSQL store's lease; the
 * embedded store, used by one process, counts every hold of an earlier process as run out),
 * and `reclaimAbandoned` then hands the job to exactly one other engine to recover.
 * @module jobs/job-store
 */
import { FINAL_STATUS_CODES, JOB_STATUS, type JobKind, type JobMessage, type JobRecord, type JobStatusCode, type JsonObject } from './job-types.js';

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

export interface JobUpdateOptions {
  /**
   * Only while the job is held through this store: what the engine running a job writes, so
   * an engine that lost a job to another (its lease ran out) cannot overwrite the new run. [false]
   */
  asHolder?: boolean;
}

export interface JobStore {
  /** Adds a new job (its `messages` too). */
  insert(job: JobRecord): Promise<void>;
  /** The job with its messages (ID matched case-insensitively), or null. */
  get(jobId: string): Promise<JobRecord | null>;
  /**
   * Applies `change` in one transaction when the job exists and, with `onlyIf`, its status is
   * one of those codes (and, with `asHolder`, it is held through this store). Keeps the newest
   * `MAX_MESSAGES_PER_LEVEL` messages of each kind. Returns whether the change was made.
   */
  update(jobId: string, change: JobChange, onlyIf?: readonly JobStatusCode[], options?: JobUpdateOptions): Promise<boolean>;
  query(filter: JobFilter, page?: JobPage): Promise<JobQueryResult>;
  /**
   * Atomically takes the job waiting longest (submission order) for a worker: Waiting becomes InProgress (with
   * `started` set to `now` unless set), ResumePending becomes Resumed, and the job is held through this store.
   * Null when none waits. Jobs of the services in `heldServiceKeys` (stopped services) are left waiting, and so
   * is a ResumePending job whose paused thread another engine still holds: only that engine continues it.
   */
  claimNext(now: number, heldServiceKeys?: readonly string[]): Promise<JobRecord | null>;
  /**
   * Renews the hold on these jobs and returns the status of each one still held through this
   * store. A job missing from the answer is no longer this engine's: deleted, or taken over by
   * another engine after the hold ran out.
   */
  renewLeases(jobIds: readonly string[]): Promise<Map<string, JobStatusCode>>;
  /**
   * Takes the hold on the jobs in these states whose holder is gone (see above, or never had
   * one) and returns them, oldest first, without messages. Each such job goes to one caller.
   */
  reclaimAbandoned(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]>;
  /** Jobs in any of these states, oldest first, without messages. */
  listByStatus(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]>;
  /** Removes a job and its messages; false when there was none. */
  delete(jobId: string): Promise<boolean>;
  /** Removes finished jobs (final status) that finished before `cutoff` (ms); returns their IDs. */
  purgeFinishedBefore(cutoff: number): Promise<string[]>;
  close(): Promise<void>;
}

/** Status codes whose writing lets go of a job's hold: queued again, or ended. */
export const RELEASING_STATUS_CODES: readonly JobStatusCode[] = [
  JOB_STATUS.New, JOB_STATUS.Submitted, JOB_STATUS.Waiting, ...FINAL_STATUS_CODES,
];

/** `JobChange` fields and the columns the SQL stores set for them; the only names that reach SQL text. */
export const CHANGE_COLUMNS = {
  statusCode: 'status',
  percentComplete: 'percent_complete',
  currentStep: 'current_step',
  started: 'started',
  finished: 'finished',
  result: 'result',
  error: 'error',
  recoveries: 'recoveries',
} as const satisfies Record<Exclude<keyof JobChange, 'messages'>, string>;
