/**
 * The job engine: runs long jobs (topographic products, prints) that clients submit and then
 * poll, one worker thread per running job, at most `concurrency` at once, with their state in
 * a `JobStore`. It knows nothing of HTTP or of what a job does: a job is a `kind` and a JSON
 * `request`, handed to the handler the worker module registers for that kind (jobs/job-worker).
 *
 * Life of a job (status codes of tps.md §13). `submit` stores it as Waiting (the caller has
 * validated it already). The scheduler claims the oldest waiting job when a slot is free, makes
 * its folder `<outputDir>/<jobId>/` (empty) and starts a thread: InProgress. Progress, messages
 * and the result the thread reports are written to the store as they come; the job ends
 * Succeeded (percentComplete 1, `result` set), Failed (the thread's error, also in the error
 * messages) or TimedOut (more running time than its limit; the thread is terminated). Only a
 * succeeded job keeps its folder; every other ending removes it with its partial outputs.
 *
 * Cancel: a job without a thread (waiting, paused) is Canceled at once; a running job passes
 * through Canceling while its thread is terminated, which interrupts even a busy loop, and is
 * Canceled within about 1.5 s even if the thread is stuck in native code. Delete follows tps.md
 * §16: only finished jobs, unless `force` cancels an active one first; the record and folder go.
 *
 * Pause and resume (tps.md §17): a job not yet started is Paused at once. A running job becomes
 * PausePending and parks at its handler's next `checkpoint()` (between operations): Paused, its
 * thread kept but its slot given to the queue and its time limit clock stopped. Resume makes it
 * ResumePending until a slot is free, then Resumed, and InProgress again at its next progress
 * report. A paused job whose thread is gone (the server restarted) runs again from the start.
 *
 * Several engines, one store (a cluster's nodes over PostgreSQL). A job the engine claims is
 * held through its store (jobs/job-store): every `watchIntervalMs` the engine renews the hold
 * on the jobs it has threads for and reads their status, and acts on what another node
 * recorded: Canceling stops the thread as a local cancel does, PausePending parks it at its next
 * checkpoint, a withdrawn pause lets it go on, and a job no longer held (taken over after this
 * node's lease ran out, or deleted) has its thread stopped without any write, so two engines
 * never run one job: every write of a running job's engine is conditional on the hold. Cancel
 * and pause on a node that does not run the job record Canceling or PausePending for the one
 * that does; cancel waits for it to record Canceled (a couple of seconds). A resumed job whose
 * paused thread another node keeps is continued by that node.
 *
 * Recovery (decision). A job left running by an engine that is gone — found when the engine
 * starts (the process died), or later once the holder's lease ran out (another node died) —
 * was cut off. It is queued again once, from the beginning, with an informative message; a job
 * cut off a second time is Failed with a message, so a job that brings a node down cannot do
 * it forever. Jobs found Canceling become Canceled and jobs found Deleting are deleted.
 * `close()` is an orderly stop: it terminates the threads and puts their jobs back in the
 * queue at once, without using up that one retry.
 *
 * Outputs: handlers write only inside their job folder and through `writeOutputAtomically`
 * (temp name, then rename), since a job may be stopped at any instant. A cleanup timer deletes
 * finished jobs older than `maxAgeMs` with their folders, and job folders left without a job.
 * @module jobs/job-engine
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JobChange, JobFilter, JobPage, JobQueryResult, JobStore } from './job-store.js';
import { jobDirectory, removeJobDirectory } from './job-output.js';
import {
  FINAL_STATUS_CODES, JOB_STATUS, RUNNING_STATUS_CODES, isFinalStatus, jobMessage, newJobId, normaliseJobId,
  type JobKind, type JobMessageLevel, type JobRecord, type JobStatusCode, type JsonObject, type JsonValue,
} from './job-types.js';
import type { EngineReply, JobTask, WorkerReport } from './job-worker.js';

export interface JobEngineOptions {
  store: JobStore;
  /** The worker module (it calls `runJobWorker` with its handlers); a `.ts` module is loaded through tsx. */
  workerScript: URL;
  /** Jobs running at once. [2] */
  concurrency?: number;
  /** Running time allowed to a job that does not bring its own limit. [30 min] */
  timeLimitMs?: number;
  /** How often finished jobs are looked for to delete. [10 min] */
  cleanupIntervalMs?: number;
  /** How long a finished job is kept. [24 h] */
  maxAgeMs?: number;
  /** How often the store is looked at for jobs queued by another process; 0 never. [1 s] */
  pollIntervalMs?: number;
  /**
   * How often the holds on running jobs are renewed, their status read (cancels and pauses from
   * other nodes) and jobs whose holder is gone recovered; several times shorter than the
   * store's lease; 0 never (only for a store no other engine shares). [1 s]
   */
  watchIntervalMs?: number;
  /** Folder of the job folders. */
  outputDir: string;
  /** Called with the final record of every job that ends (succeeded, failed, timed out, canceled). */
  onFinished?: (job: JobRecord) => void;
  /** Store or file-system failures the engine survives. [process warning] */
  onError?: (error: unknown) => void;
  /** Service keys whose queued jobs wait (stopped services); asked before each round of claims. [none] */
  heldServices?: () => Promise<readonly string[]>;
}

/** Who and what a job is for. */
export interface JobMeta {
  /** `folder/name` of the service. */
  serviceKey: string;
  productName?: string | null;
  productVersion?: string | null;
  /** [anonymous] */
  user?: string;
  /** Running time allowed to this job (the service's `jobTimeout`). [the engine's] */
  timeLimitMs?: number;
}

/** The answer for one job of cancel, delete, pause or resume, worded as tps.md §15–§17 word items. */
export interface JobActionResult {
  id: string;
  success: boolean;
  message: string;
}

/** The slowest a terminated thread may be before its job is recorded as ended anyway. */
const STOP_GRACE_MS = 1500;

/** How long a cancel waits for the node running the job to stop it before answering. */
const REMOTE_CANCEL_WAIT_MS = 10_000;

/** Job states while not yet finished or being deleted. */
const ACTIVE_STATUS_CODES: readonly JobStatusCode[] = [
  JOB_STATUS.New, JOB_STATUS.Submitted, JOB_STATUS.Waiting, JOB_STATUS.InProgress, JOB_STATUS.Canceling,
  JOB_STATUS.Paused, JOB_STATUS.Resumed, JOB_STATUS.PausePending, JOB_STATUS.ResumePending,
];

/** Runs in each job thread: loads tsx when the worker module is TypeScript, then the module. */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApi) (await import(workerData.tsxApi)).register();
  await import(workerData.script);
})().catch((error) => process.nextTick(() => { throw error; }));
`;

type Outcome =
  | { status: 'Succeeded'; result: JsonObject }
  | { status: 'Failed' | 'TimedOut'; error: string }
  | { status: 'Canceled' }
  /** The engine is closing: back to the queue. */
  | { status: 'Requeued' }
  /** The job is no longer held through this engine's store: stop the thread, write nothing. */
  | { status: 'Lost' };

/** A job this engine holds a thread (or a slot being filled) for. */
interface RunningJob {
  readonly jobId: string;
  readonly dir: string;
  readonly limitMs: number;
  worker: Worker | null;
  /** Resolves when the thread has exited. */
  exited: Promise<void>;
  /** Running time before the current stretch. */
  usedMs: number;
  /** Start of the current stretch of running time, null while parked. */
  stretchStart: number | null;
  timer: NodeJS.Timeout | null;
  pauseRequested: boolean;
  /** Counts local changes of `pauseRequested`, so a status read before one does not undo it. */
  pauseVersion: number;
  /** Parked at a checkpoint: the thread waits and its slot is free. */
  parked: boolean;
  /** How the job is ending, once decided; reports arriving after that are ignored. */
  ending: Outcome['status'] | null;
  /** Resolves when the ending is recorded. */
  settled: Promise<void>;
  settle: () => void;
  /** Store writes of this job, in the order its reports came. */
  writes: Promise<void>;
}

export class JobEngine {
  private readonly store: JobStore;
  private readonly concurrency: number;
  private readonly timeLimitMs: number;
  private readonly maxAgeMs: number;
  private readonly running = new Map<string, RunningJob>();
  private readonly timers: NodeJS.Timeout[] = [];
  private started = false;
  private closed = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private watching: Promise<void> | null = null;
  private cleaning: Promise<string[]> | null = null;

  constructor(private readonly options: JobEngineOptions) {
    this.store = options.store;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.timeLimitMs = options.timeLimitMs ?? 30 * 60_000;
    this.maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
  }

  /** Recovers jobs a previous process left running, then starts the scheduler and the cleanup timer. */
  async start(): Promise<void> {
    if (this.started) throw new Error('the job engine is already started');
    this.started = true;
    await mkdir(this.options.outputDir, { recursive: true });
    await this.recover(true);
    const every = (ms: number, fn: () => void): void => {
      if (ms > 0) this.timers.push(setInterval(fn, ms).unref());
    };
    every(this.options.cleanupIntervalMs ?? 10 * 60_000, () => void this.cleanup().catch((e) => this.report(e)));
    every(this.options.pollIntervalMs ?? 1000, () => this.pump());
    every(this.options.watchIntervalMs ?? 1000, () => this.watchHeldJobs());
    this.pump();
  }

  /** Queues a job; it runs when a slot is free. */
  async submit(kind: JobKind, request: JsonValue, meta: JobMeta): Promise<JobRecord> {
    if (this.closed) throw new Error('the job engine is closed');
    const now = Date.now();
    const job: JobRecord = {
      jobId: newJobId(), kind, serviceKey: meta.serviceKey, productName: meta.productName ?? null, productVersion: meta.productVersion ?? null,
      user: meta.user ?? 'anonymous', status: 'Waiting', statusCode: JOB_STATUS.Waiting, submitted: now, updated: now, started: null, finished: null,
      percentComplete: 0, currentStep: null, messages: [], request, result: null, error: null, timeLimitMs: meta.timeLimitMs ?? null, recoveries: 0,
    };
    await this.store.insert(job);
    this.pump();
    return job;
  }

  /** A job by ID (any case), or null. */
  async get(jobId: string): Promise<JobRecord | null> {
    const id = normaliseJobId(jobId);
    return id ? this.store.get(id) : null;
  }

  query(filter: JobFilter, page?: JobPage): Promise<JobQueryResult> {
    return this.store.query(filter, page);
  }

  /** The folder of a job's outputs. */
  jobDirectory(jobId: string): string {
    return jobDirectory(this.options.outputDir, jobId);
  }

  /** Jobs holding a slot now (parked jobs do not). */
  get runningCount(): number {
    let n = 0;
    for (const rj of this.running.values()) if (!rj.parked) n++;
    return n;
  }

  /**
   * Cancels a job (tps.md §15); a running one is stopped before this resolves, also when
   * another node runs it (unless that node is gone: the engine that recovers the job then
   * finishes the cancel, and the answer is `Cancel requested`).
   */
  async cancel(jobId: string): Promise<JobActionResult> {
    const id = normaliseJobId(jobId);
    if (!id) return notFound(jobId);
    for (let attempt = 0; attempt < 6; attempt++) {
      const rj = this.running.get(id);
      if (rj) {
        await this.end(rj, { status: 'Canceled' });
        const job = await this.store.get(id);
        if (!job) return notFound(id);
        return job.statusCode === JOB_STATUS.Canceled ? { id, success: true, message: 'Job canceled' } : alreadyFinished(job);
      }
      const job = await this.store.get(id);
      if (!job) return notFound(id);
      if (!isActive(job.statusCode)) return alreadyFinished(job);
      // Marked running but without a thread here: either the scheduler is between claiming it and
      // starting its thread (look again in a moment) or another engine runs it.
      if ((RUNNING_STATUS_CODES as readonly number[]).includes(job.statusCode) || job.statusCode === JOB_STATUS.Canceling) {
        if (attempt < 3) {
          await delay(20);
          continue;
        }
        const answer = await this.cancelElsewhere(job);
        if (answer) return answer;
        continue;
      }
      const change: JobChange = { statusCode: JOB_STATUS.Canceled, finished: Date.now(), messages: [jobMessage('informative', 'Job canceled')] };
      if (await this.store.update(id, change, [job.statusCode])) {
        await removeJobDirectory(this.options.outputDir, id);
        await this.notifyFinished(id);
        return { id, success: true, message: 'Job canceled' };
      }
      // It moved on meanwhile (claimed by the scheduler): look again.
    }
    return { id, success: false, message: 'Job could not be canceled; try again' };
  }

  /**
   * Asks the engine running `job` to stop it (Canceling, seen at its next renewal) and waits
   * for the job to end; null when the job moved on before Canceling could be written.
   */
  private async cancelElsewhere(job: JobRecord): Promise<JobActionResult | null> {
    const id = job.jobId;
    if (job.statusCode !== JOB_STATUS.Canceling && !(await this.store.update(id, { statusCode: JOB_STATUS.Canceling }, [job.statusCode]))) return null;
    for (const until = Date.now() + REMOTE_CANCEL_WAIT_MS; Date.now() < until;) {
      await delay(100);
      const now = await this.store.get(id);
      if (!now) return notFound(id);
      if (now.statusCode === JOB_STATUS.Canceled) return { id, success: true, message: 'Job canceled' };
      if (isFinalStatus(now.statusCode)) return alreadyFinished(now);
    }
    return { id, success: true, message: 'Cancel requested' };
  }

  /**
   * Deletes a finished job with its folder (tps.md §16). An active job is refused unless
   * `force`, which cancels it first.
   */
  async delete(jobId: string, options: { force?: boolean } = {}): Promise<JobActionResult> {
    const id = normaliseJobId(jobId);
    if (!id) return notFound(jobId);
    const job = await this.store.get(id);
    if (!job) return notFound(id);
    if (!isFinalStatus(job.statusCode)) {
      if (!options.force || job.statusCode === JOB_STATUS.Deleting) return { id, success: false, message: 'Job is still active; cancel it first' };
      await this.cancel(id);
    }
    if (!(await this.store.update(id, { statusCode: JOB_STATUS.Deleting }, FINAL_STATUS_CODES))) {
      return (await this.store.get(id)) ? { id, success: false, message: 'Job is still active; cancel it first' } : notFound(id);
    }
    await removeJobDirectory(this.options.outputDir, id);
    await this.store.delete(id);
    return { id, success: true, message: 'Job deleted' };
  }

  /** Pauses a job (tps.md §17): at once when it has not started, else at its next checkpoint. */
  async pause(jobId: string): Promise<JobActionResult> {
    const id = normaliseJobId(jobId);
    if (!id) return notFound(jobId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const job = await this.store.get(id);
      if (!job) return notFound(id);
      const code = job.statusCode;
      if (code === JOB_STATUS.PausePending) return { id, success: true, message: 'Pause requested' };
      if (code === JOB_STATUS.New || code === JOB_STATUS.Submitted || code === JOB_STATUS.Waiting || code === JOB_STATUS.ResumePending) {
        if (await this.store.update(id, { statusCode: JOB_STATUS.Paused, messages: [jobMessage('informative', 'Job paused')] }, [code])) {
          return { id, success: true, message: 'Job paused' };
        }
        continue;
      }
      // Running here, or on another node, whose engine sees PausePending at its next renewal.
      const rj = this.running.get(id);
      if ((code === JOB_STATUS.InProgress || code === JOB_STATUS.Resumed) && !rj?.ending) {
        if (rj) setPauseRequested(rj, true);
        if (await this.store.update(id, { statusCode: JOB_STATUS.PausePending }, [code])) return { id, success: true, message: 'Pause requested' };
        if (rj) setPauseRequested(rj, false);
        continue;
      }
      break;
    }
    return { id, success: false, message: 'Job is not running' };
  }

  /** Resumes a paused job (tps.md §17), or withdraws a pause not yet reached. */
  async resume(jobId: string): Promise<JobActionResult> {
    const id = normaliseJobId(jobId);
    if (!id) return notFound(jobId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const job = await this.store.get(id);
      if (!job) return notFound(id);
      const rj = this.running.get(id);
      if (job.statusCode === JOB_STATUS.PausePending) {
        if (rj) setPauseRequested(rj, false);
        if (await this.store.update(id, { statusCode: JOB_STATUS.InProgress }, [JOB_STATUS.PausePending])) return { id, success: true, message: 'Resume requested' };
        continue;
      }
      if (job.statusCode !== JOB_STATUS.Paused) break;
      // A job that never ran simply queues again; one that ran waits for a slot to go on.
      const target = rj?.parked || job.started !== null ? JOB_STATUS.ResumePending : JOB_STATUS.Waiting;
      if (await this.store.update(id, { statusCode: target, messages: [jobMessage('informative', 'Job resumed')] }, [JOB_STATUS.Paused])) {
        this.pump();
        return { id, success: true, message: 'Resume requested' };
      }
    }
    return { id, success: false, message: 'Job is not paused' };
  }

  /** Deletes finished jobs older than `maxAgeMs` and their folders, and job folders without a job; returns the deleted job IDs. */
  cleanup(now = Date.now()): Promise<string[]> {
    this.cleaning ??= this.sweep(now).finally(() => { this.cleaning = null; });
    return this.cleaning;
  }

  /** Stops the timers and the threads; jobs that were running go back to the queue for the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.pumping;
    await this.watching;
    await Promise.all([...this.running.values()].map((rj) => this.end(rj, { status: 'Requeued' })));
    await this.cleaning;
  }

  // --- scheduling -------------------------------------------------------------------------

  /** Fills free slots with waiting jobs; calls while it runs make it look once more. */
  private pump(): void {
    if (!this.started || this.closed) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    const fill = async (): Promise<void> => {
      do {
        this.pumpAgain = false;
        const held = this.runningCount < this.concurrency ? (await this.options.heldServices?.()) ?? [] : [];
        while (!this.closed && this.runningCount < this.concurrency) {
          const job = await this.store.claimNext(Date.now(), held);
          if (!job) break;
          await this.launch(job);
        }
      } while (this.pumpAgain && !this.closed);
    };
    // `finally` runs as a later reaction, so it never precedes this assignment even when
    // `fill` has nothing to await.
    const pumping: Promise<void> = fill().catch((error) => this.report(error)).finally(() => {
      if (this.pumping === pumping) this.pumping = null;
    });
    this.pumping = pumping;
  }

  /** Gives a claimed job its slot: continues its parked thread, or starts a new one. */
  private async launch(job: JobRecord): Promise<void> {
    const parked = this.running.get(job.jobId);
    if (parked) {
      parked.parked = false;
      this.startClock(parked);
      this.reply(parked, { type: 'continue' });
      return;
    }
    const rj = this.track(job);
    try {
      if (job.statusCode === JOB_STATUS.Resumed) {
        await this.store.update(job.jobId, {
          percentComplete: 0, currentStep: null,
          messages: [jobMessage('informative', 'The job lost its progress when Quadrangle restarted while it was paused; it runs again from the beginning.')],
        }, undefined, AS_HOLDER);
      }
      await rm(rj.dir, { recursive: true, force: true });
      await mkdir(rj.dir, { recursive: true });
      if (this.closed && !rj.ending) await this.end(rj, { status: 'Requeued' });
      if (rj.ending) {
        // Canceled (or the engine closed) while the folder was being made.
        await rm(rj.dir, { recursive: true, force: true });
        return;
      }
      rj.worker = this.spawn({ jobId: job.jobId, kind: job.kind, request: job.request, jobDir: rj.dir });
      this.watch(rj, rj.worker);
      this.startClock(rj);
    } catch (error) {
      await this.end(rj, { status: 'Failed', error: `The job could not start: ${errorText(error)}` });
    }
  }

  private track(job: JobRecord): RunningJob {
    let settle = (): void => {};
    const settled = new Promise<void>((resolve) => { settle = resolve; });
    const rj: RunningJob = {
      jobId: job.jobId, dir: this.jobDirectory(job.jobId), limitMs: job.timeLimitMs ?? this.timeLimitMs,
      worker: null, exited: Promise.resolve(), usedMs: 0, stretchStart: null, timer: null,
      pauseRequested: false, pauseVersion: 0, parked: false, ending: null, settled, settle, writes: Promise.resolve(),
    };
    this.running.set(job.jobId, rj);
    return rj;
  }

  private spawn(task: JobTask): Worker {
    const script = this.options.workerScript;
    // tsx registers its module hooks in worker threads only on recent Node versions, so a
    // TypeScript worker module is loaded by a bootstrap that registers them itself.
    const fromSource = /\.[cm]?ts$/.test(script.pathname);
    return new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { script: script.href, tsxApi: fromSource ? import.meta.resolve('tsx/esm/api') : null, task },
      ...(fromSource ? { execArgv: withoutTsxLoader(process.execArgv) } : {}),
    });
  }

  private watch(rj: RunningJob, worker: Worker): void {
    rj.exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (report: WorkerReport) => this.onReport(rj, report));
    worker.on('error', (error) => void this.end(rj, { status: 'Failed', error: errorText(error) }));
    worker.on('exit', (code) => void this.end(rj, { status: 'Failed', error: `The job's worker stopped unexpectedly (exit code ${code}).` }));
  }

  private onReport(rj: RunningJob, report: WorkerReport): void {
    if (rj.ending) return;
    const id = rj.jobId;
    switch (report.type) {
      case 'progress': {
        const change: JobChange = { percentComplete: clampFraction(report.percent) };
        if (typeof report.step === 'string') change.currentStep = report.step;
        // The next operation of a resumed job has started: it is InProgress again.
        this.write(rj, async () => {
          if (!(await this.store.update(id, { ...change, statusCode: JOB_STATUS.InProgress }, [JOB_STATUS.InProgress, JOB_STATUS.Resumed], AS_HOLDER))) {
            await this.store.update(id, change, [JOB_STATUS.PausePending], AS_HOLDER);
          }
        });
        break;
      }
      case 'message':
        this.write(rj, () => this.store.update(id, { messages: [jobMessage(messageLevel(report.level), String(report.text))] }, ACTIVE_STATUS_CODES, AS_HOLDER));
        break;
      case 'checkpoint':
        if (!rj.pauseRequested) this.reply(rj, { type: 'continue' });
        else {
          this.write(rj, async () => {
            // Until the store says PausePending (pause() writes it just after asking), go on.
            const paused = await this.store.update(id, { statusCode: JOB_STATUS.Paused, messages: [jobMessage('informative', 'Job paused')] }, [JOB_STATUS.PausePending], AS_HOLDER);
            if (rj.ending) return;
            if (!paused) this.reply(rj, { type: 'continue' });
            else {
              setPauseRequested(rj, false);
              rj.parked = true;
              this.stopClock(rj);
              this.pump();
            }
          });
        }
        break;
      case 'done':
        void this.end(rj, { status: 'Succeeded', result: report.result });
        break;
      case 'error':
        void this.end(rj, { status: 'Failed', error: String(report.message) });
        break;
    }
  }

  /** Stops a job's thread and records how the job ended; later calls wait for the first. */
  private end(rj: RunningJob, outcome: Outcome): Promise<void> {
    if (rj.ending) return rj.settled;
    rj.ending = outcome.status;
    this.stopClock(rj);
    const id = rj.jobId;
    void (async () => {
      let recorded = false;
      try {
        if (outcome.status === 'Canceled') await this.store.update(id, { statusCode: JOB_STATUS.Canceling }, ACTIVE_STATUS_CODES, AS_HOLDER);
        await this.stopWorker(rj);
        await rj.writes;
        // Partial outputs go before the final status is seen. A lost job's folder is its new run's.
        if (outcome.status !== 'Succeeded' && outcome.status !== 'Requeued' && outcome.status !== 'Lost') {
          await removeJobDirectory(this.options.outputDir, id).catch((error) => this.report(error));
        }
        const now = Date.now();
        switch (outcome.status) {
          case 'Succeeded':
            recorded = await this.store.update(id, { statusCode: JOB_STATUS.Succeeded, percentComplete: 1, finished: now, result: outcome.result }, ACTIVE_STATUS_CODES, AS_HOLDER);
            break;
          case 'Failed':
          case 'TimedOut':
            recorded = await this.store.update(id, {
              statusCode: JOB_STATUS[outcome.status], finished: now, error: outcome.error, messages: [jobMessage('error', outcome.error, now)],
            }, ACTIVE_STATUS_CODES, AS_HOLDER);
            break;
          case 'Canceled':
            recorded = await this.store.update(id, { statusCode: JOB_STATUS.Canceled, finished: now, messages: [jobMessage('informative', 'Job canceled', now)] }, ACTIVE_STATUS_CODES, AS_HOLDER);
            break;
          case 'Requeued':
            await this.store.update(id, {
              statusCode: JOB_STATUS.Waiting, started: null, percentComplete: 0, currentStep: null,
              messages: [jobMessage('informative', 'Quadrangle stopped while the job was running; the job was queued again and starts from the beginning.', now)],
            }, RUNNING_STATUS_CODES, AS_HOLDER);
            break;
          case 'Lost':
            break;
        }
      } catch (error) {
        this.report(error);
      } finally {
        this.running.delete(id);
        rj.settle();
      }
      if (recorded) await this.notifyFinished(id);
      this.pump();
    })();
    return rj.settled;
  }

  private async stopWorker(rj: RunningJob): Promise<void> {
    const worker = rj.worker;
    if (!worker) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_GRACE_MS); });
    await Promise.race([worker.terminate().then(() => undefined, () => undefined), rj.exited, grace]);
    clearTimeout(timer);
  }

  private reply(rj: RunningJob, message: EngineReply): void {
    rj.worker?.postMessage(message);
  }

  private write(rj: RunningJob, fn: () => Promise<unknown>): void {
    rj.writes = rj.writes.then(fn).then(() => undefined, (error) => this.report(error));
  }

  // --- time limit -------------------------------------------------------------------------

  private startClock(rj: RunningJob): void {
    rj.stretchStart = Date.now();
    rj.timer = setTimeout(() => {
      void this.end(rj, { status: 'TimedOut', error: `The job ran longer than its time limit of ${describeDuration(rj.limitMs)} and was stopped.` });
    }, Math.max(0, rj.limitMs - rj.usedMs));
    rj.timer.unref();
  }

  private stopClock(rj: RunningJob): void {
    if (rj.stretchStart !== null) rj.usedMs += Date.now() - rj.stretchStart;
    rj.stretchStart = null;
    if (rj.timer) clearTimeout(rj.timer);
    rj.timer = null;
  }

  // --- recovery and cleanup ---------------------------------------------------------------

  /**
   * Takes over the jobs whose engine is gone and settles them: running ones are queued again
   * once (then failed), canceling ones canceled, deleting ones deleted. `atStart`: found when
   * this engine starts, left by the process it replaces.
   */
  private async recover(atStart: boolean): Promise<void> {
    const who = atStart ? 'Quadrangle restarted' : 'The Quadrangle node running the job stopped';
    const abandoned = await this.store.reclaimAbandoned([...RUNNING_STATUS_CODES, JOB_STATUS.Canceling, JOB_STATUS.Deleting]);
    for (const job of abandoned) {
      await removeJobDirectory(this.options.outputDir, job.jobId);
      if (job.statusCode === JOB_STATUS.Deleting) {
        await this.store.delete(job.jobId);
      } else if (job.statusCode === JOB_STATUS.Canceling) {
        const change: JobChange = { statusCode: JOB_STATUS.Canceled, finished: Date.now(), messages: [jobMessage('informative', 'Job canceled')] };
        if (await this.store.update(job.jobId, change, [JOB_STATUS.Canceling], AS_HOLDER)) await this.notifyFinished(job.jobId);
      } else if (job.recoveries < 1) {
        await this.store.update(job.jobId, {
          statusCode: JOB_STATUS.Waiting, recoveries: job.recoveries + 1, started: null, percentComplete: 0, currentStep: null,
          messages: [jobMessage('informative', `${who} while the job was running; the job was queued again and starts from the beginning.`)],
        }, [job.statusCode], AS_HOLDER);
      } else {
        const error = `${who} while the job was running, for the second time; the job was not run again.`;
        if (await this.store.update(job.jobId, { statusCode: JOB_STATUS.Failed, finished: Date.now(), error, messages: [jobMessage('error', error)] }, [job.statusCode], AS_HOLDER)) {
          await this.notifyFinished(job.jobId);
        }
      }
    }
    if (abandoned.length > 0 && !atStart) this.pump();
  }

  /** Renews the holds on this engine's jobs, acts on their status as recorded, and recovers abandoned jobs. */
  private watchHeldJobs(): void {
    if (!this.started || this.closed || this.watching) return;
    const watching: Promise<void> = (async () => {
      await this.renewHeldJobs();
      if (!this.closed) await this.recover(false);
    })().catch((error) => this.report(error)).finally(() => {
      if (this.watching === watching) this.watching = null;
    });
    this.watching = watching;
  }

  private async renewHeldJobs(): Promise<void> {
    const jobs = [...this.running.values()].filter((rj) => !rj.ending);
    if (jobs.length === 0) return;
    const versions = new Map(jobs.map((rj) => [rj, rj.pauseVersion]));
    const statuses = await this.store.renewLeases(jobs.map((rj) => rj.jobId));
    for (const rj of jobs) {
      if (rj.ending || this.running.get(rj.jobId) !== rj) continue;
      const code = statuses.get(rj.jobId);
      if (code === undefined) void this.end(rj, { status: 'Lost' });
      else if (code === JOB_STATUS.Canceling || code === JOB_STATUS.Deleting || isFinalStatus(code)) void this.end(rj, { status: 'Canceled' });
      // A pause or resume asked here since the read wins over what the read saw.
      else if (versions.get(rj) !== rj.pauseVersion || rj.parked) continue;
      else if (code === JOB_STATUS.PausePending) rj.pauseRequested = true;
      else if (code === JOB_STATUS.InProgress || code === JOB_STATUS.Resumed) rj.pauseRequested = false;
    }
  }

  private async sweep(now: number): Promise<string[]> {
    const purged = await this.store.purgeFinishedBefore(now - this.maxAgeMs);
    for (const id of purged) await removeJobDirectory(this.options.outputDir, id);
    // Folders whose job is gone (the process died between deleting a record and its folder).
    let names: string[] = [];
    try { names = await readdir(this.options.outputDir); } catch { /* no folder yet */ }
    for (const name of names) {
      if (normaliseJobId(name) !== name || this.running.has(name)) continue;
      try {
        if (now - (await stat(join(this.options.outputDir, name))).mtimeMs <= this.maxAgeMs) continue;
        if (!(await this.store.get(name))) await removeJobDirectory(this.options.outputDir, name);
      } catch { /* removed meanwhile */ }
    }
    return purged;
  }

  private async notifyFinished(jobId: string): Promise<void> {
    if (!this.options.onFinished) return;
    try {
      const job = await this.store.get(jobId);
      if (job) this.options.onFinished(job);
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else process.emitWarning(`job engine: ${errorText(error)}`);
  }
}

/** What the engine running a job writes: nothing once the job is no longer its own. */
const AS_HOLDER = { asHolder: true } as const;

function setPauseRequested(rj: RunningJob, value: boolean): void {
  rj.pauseRequested = value;
  rj.pauseVersion++;
}

function notFound(id: string): JobActionResult {
  return { id, success: false, message: 'Job not found' };
}

function alreadyFinished(job: JobRecord): JobActionResult {
  return { id: job.jobId, success: false, message: `Job is already finished (${job.status})` };
}

function isActive(code: number): boolean {
  return (ACTIVE_STATUS_CODES as readonly number[]).includes(code);
}

function clampFraction(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

function messageLevel(level: unknown): JobMessageLevel {
  return level === 'warning' || level === 'error' ? level : 'informative';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeDuration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Number((ms / 1000).toFixed(3))} s`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The parent's Node options without its tsx loader, which the bootstrap registers itself. */
function withoutTsxLoader(execArgv: readonly string[]): string[] {
  const isTsx = (v: string | undefined): boolean => v !== undefined && /(^|[\\/])tsx([\\/]|$)/.test(v);
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const [flag, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (['--import', '--loader', '--experimental-loader', '--require', '-r'].includes(flag!)) {
      if (value !== undefined ? isTsx(value) : isTsx(execArgv[i + 1])) {
        if (value === undefined) i++;
        continue;
      }
    }
    out.push(arg);
  }
  return out;
}
