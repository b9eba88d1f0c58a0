/**
 * The job record shared by the job engine, its stores and the faces that show jobs: what was
 * asked (`request`), by whom, for which service and product, where it stands (the status codes
 * of the Topographic Production Service, tps.md §13), its progress and messages, and what it
 * produced. Printing and product generation are both jobs, told apart by `kind`.
 * @module jobs/job-types
 */
import { randomUUID } from 'node:crypto';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** What a job does; the worker module dispatches on it. */
export type JobKind = 'generateProduct' | 'print';

/** `status` ↔ `statusCode`, fixed pairs (tps.md §13). */
export const JOB_STATUS = {
  New: 0,
  Submitted: 1,
  Waiting: 2,
  InProgress: 3,
  Succeeded: 4,
  Failed: 5,
  TimedOut: 6,
  Canceling: 7,
  Canceled: 8,
  Deleting: 9,
  Deleted: 10,
  Paused: 100,
  Resumed: 101,
  PausePending: 102,
  ResumePending: 103,
} as const;

export type JobStatus = keyof typeof JOB_STATUS;
export type JobStatusCode = (typeof JOB_STATUS)[JobStatus];

const STATUS_BY_CODE = new Map<number, JobStatus>(Object.entries(JOB_STATUS).map(([name, code]) => [code, name as JobStatus]));

/** The status name of a code, or undefined for a number that is no job status code. */
export function jobStatusName(code: number): JobStatus | undefined {
  return STATUS_BY_CODE.get(code);
}

export function isJobStatusCode(code: number): code is JobStatusCode {
  return STATUS_BY_CODE.has(code);
}

/** Codes after which nothing more happens to a job (tps.md §13 "Final"). */
export const FINAL_STATUS_CODES: readonly JobStatusCode[] = [JOB_STATUS.Succeeded, JOB_STATUS.Failed, JOB_STATUS.TimedOut, JOB_STATUS.Canceled, JOB_STATUS.Deleted];

/** Codes of a job that holds (or held, before a restart) a worker: it was started and has not ended or paused. */
export const RUNNING_STATUS_CODES: readonly JobStatusCode[] = [JOB_STATUS.InProgress, JOB_STATUS.Resumed, JOB_STATUS.PausePending];

export function isFinalStatus(code: number): boolean {
  return (FINAL_STATUS_CODES as readonly number[]).includes(code);
}

/** Message kinds as Esri's job messages name them. */
export type JobMessageType = 'esriJobMessageTypeInformative' | 'esriJobMessageTypeWarning' | 'esriJobMessageTypeError';

/** Message kinds as the job resource groups them (`messages.informative|warning|error`, tps.md §12). */
export type JobMessageLevel = 'informative' | 'warning' | 'error';

export const MESSAGE_TYPE: Readonly<Record<JobMessageLevel, JobMessageType>> = {
  informative: 'esriJobMessageTypeInformative',
  warning: 'esriJobMessageTypeWarning',
  error: 'esriJobMessageTypeError',
};

const LEVEL_BY_TYPE: Readonly<Record<JobMessageType, JobMessageLevel>> = {
  esriJobMessageTypeInformative: 'informative',
  esriJobMessageTypeWarning: 'warning',
  esriJobMessageTypeError: 'error',
};

/** Only the newest messages of each kind are kept (tps.md §12). */
export const MAX_MESSAGES_PER_LEVEL = 1000;

export interface JobMessage {
  type: JobMessageType;
  description: string;
  /** ms since the epoch. */
  time: number;
}

export function jobMessage(level: JobMessageLevel, description: string, time = Date.now()): JobMessage {
  return { type: MESSAGE_TYPE[level], description, time };
}

/** `msgLevel` of the job resource and of `jobs/query`. */
export type MessageFilterLevel = 'info' | 'warn' | 'error';

/**
 * Messages grouped as the job resource shows them, oldest first within a kind. Errors are
 * always included; `warn` adds warnings, `info` adds everything.
 */
export function groupMessages(messages: readonly JobMessage[], msgLevel: MessageFilterLevel = 'info'): Record<JobMessageLevel, string[]> {
  const grouped: Record<JobMessageLevel, string[]> = { informative: [], warning: [], error: [] };
  for (const m of messages) {
    const level = LEVEL_BY_TYPE[m.type];
    if (level === 'informative' && msgLevel !== 'info') continue;
    if (level === 'warning' && msgLevel === 'error') continue;
    grouped[level].push(m.description);
  }
  return grouped;
}

/** One job as stored. Times are ms since the epoch. */
export interface JobRecord {
  /** Upper-case GUID (tps.md §9), matched case-insensitively. */
  jobId: string;
  kind: JobKind;
  /** `folder/name` of the service the job belongs to (`name` for the root folder). */
  serviceKey: string;
  productName: string | null;
  productVersion: string | null;
  /** The token's user name, `anonymous` without a token. */
  user: string;
  status: JobStatus;
  statusCode: JobStatusCode;
  submitted: number;
  /** Last change of any kind (`lastUpdatedTime`). */
  updated: number;
  started: number | null;
  finished: number | null;
  /** Fraction done, 0 to 1; 1 on success. */
  percentComplete: number;
  currentStep: string | null;
  /** Oldest first. Filled by `JobStore.get`; a query fills it only when asked to. */
  messages: JobMessage[];
  /** The job's input, handed to the worker as is. */
  request: JsonValue;
  /** What a succeeded job produced (output file names, …), as its handler returned it. */
  result: JsonObject | null;
  /** Why the job failed or timed out. */
  error: string | null;
  /** Running time allowed to this job; null uses the engine's limit. */
  timeLimitMs: number | null;
  /** How many times a server restart put this job back in the queue. */
  recoveries: number;
}

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

export function newJobId(): string {
  return randomUUID().toUpperCase();
}

/** The canonical (upper-case) form of a job ID, or null when `id` is not one. */
export function normaliseJobId(id: string): string | null {
  const upper = id.trim().toUpperCase();
  return GUID.test(upper) ? upper : null;
}
