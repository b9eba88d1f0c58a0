/**
 * The worker-thread side of a job. The engine starts one thread per running job on a worker
 * module that calls `runJobWorker` with its handler table (kind → handler); the thread runs
 * the one job it was given and reports over the port. The engine terminates the thread when
 * the job ends, is canceled or runs out of time, so handlers need no cleanup of their own, but
 * they must write files with `writeOutputAtomically` (jobs/job-output).
 *
 * Protocol. The thread receives `workerData.task` = `{jobId, kind, request, jobDir}` and posts
 * `{type:'progress', percent, step}` (percent: fraction done, 0 to 1, as tps.md §12's
 * `percentComplete`), `{type:'message', level, text}`, `{type:'checkpoint'}` (between two
 * operations; the engine answers `{type:'continue'}`, at once or after a pause), then one of
 * `{type:'done', result}` or `{type:'error', message}`.
 * @module jobs/job-worker
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { JobKind, JobMessageLevel, JsonObject, JsonValue } from './job-types.js';

/** What a job thread is given. */
export interface JobTask {
  jobId: string;
  kind: JobKind;
  request: JsonValue;
  /** The job's own folder (exists, empty) for its outputs and scratch files. */
  jobDir: string;
}

export type WorkerReport =
  | { type: 'progress'; percent: number; step?: string }
  | { type: 'message'; level: JobMessageLevel; text: string }
  | { type: 'checkpoint' }
  | { type: 'done'; result: JsonObject }
  | { type: 'error'; message: string };

export type EngineReply = { type: 'continue' };

/** What a handler may do besides computing. */
export interface JobContext {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly jobDir: string;
  /** Reports progress: `percent` is the fraction done (0 to 1), `step` names the current operation. */
  progress(percent: number, step?: string): void;
  /** Adds a message to the job (`informative`, `warning` or `error`). */
  message(level: JobMessageLevel, text: string): void;
  /**
   * Call between operations: resolves at once, or, when the job was paused, once it is
   * resumed (tps.md §17 pauses jobs between operations).
   */
  checkpoint(): Promise<void>;
}

/** Runs one job; its answer (JSON: output file names, counts, …) becomes the job's `result`. */
export type JobHandler = (request: JsonValue, context: JobContext) => Promise<JsonObject>;

export type JobHandlers = Partial<Record<JobKind, JobHandler>>;

/** Runs the job this thread was started for with the handler for its kind. Call once, at the top of a worker module. */
export function runJobWorker(handlers: JobHandlers): void {
  if (isMainThread || !parentPort) throw new Error('runJobWorker must run in a job worker thread');
  const port = parentPort;
  const task = (workerData as { task: JobTask }).task;
  const post = (report: WorkerReport): void => port.postMessage(report);
  const resumeWaiters: (() => void)[] = [];
  port.on('message', (reply: EngineReply) => {
    if (reply.type === 'continue') resumeWaiters.shift()?.();
  });
  const context: JobContext = {
    jobId: task.jobId,
    kind: task.kind,
    jobDir: task.jobDir,
    progress: (percent, step) => post({ type: 'progress', percent, ...(step === undefined ? {} : { step }) }),
    message: (level, text) => post({ type: 'message', level, text }),
    checkpoint: () => new Promise<void>((resolve) => {
      resumeWaiters.push(resolve);
      post({ type: 'checkpoint' });
    }),
  };
  void (async () => {
    try {
      const handler = handlers[task.kind];
      if (!handler) throw new Error(`no handler for job kind '${task.kind}'`);
      post({ type: 'done', result: await handler(task.request, context) });
    } catch (error) {
      post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  })();
}
