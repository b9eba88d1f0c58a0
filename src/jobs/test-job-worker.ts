/**
 * A job worker module for the engine's tests (used only by them): every kind runs one handler
 * whose request says how many operations to run and how long each takes, whether to spin the
 * thread without yielding, to warn, to fail or to leave a partial file. It exercises the real
 * protocol (progress, messages, checkpoints, atomic output) on a real worker thread.
 * @module jobs/test-job-worker
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeOutputAtomically } from './job-output.js';
import type { JsonValue } from './job-types.js';
import { runJobWorker, type JobHandler } from './job-worker.js';

/** What a test job does, in this order. */
export interface TestJobRequest {
  /** Operations, each preceded by a checkpoint and reported as progress. [1] */
  steps?: number;
  /** Time each operation waits. [0] */
  stepMs?: number;
  /** A file written straight away, as a partial output would be. */
  partial?: boolean;
  /** Then the thread spins this long without yielding, like a long computation. [0] */
  busyMs?: number;
  /** A warning to report. */
  warn?: string;
  /** Then the job throws this. */
  fail?: string;
  /** Name of the output file. [output.txt] */
  output?: string;
}

const testJob: JobHandler = async (request: JsonValue, context) => {
  const r = (request ?? {}) as TestJobRequest;
  const startedAt = Date.now();
  if (r.partial) writeFileSync(join(context.jobDir, 'partial.bin'), 'partial');
  const steps = r.steps ?? 1;
  for (let i = 0; i < steps; i++) {
    await context.checkpoint();
    context.progress(i / steps, `Step${i + 1}`);
    context.message('informative', `Step${i + 1}: started`);
    if (r.stepMs) await sleep(r.stepMs);
  }
  if (r.busyMs) for (const until = Date.now() + r.busyMs; Date.now() < until;) { /* spin */ }
  if (r.warn) context.message('warning', r.warn);
  if (r.fail) throw new Error(r.fail);
  const output = r.output ?? 'output.txt';
  await writeOutputAtomically(join(context.jobDir, output), `output of ${context.jobId}`);
  return { outputFile: output, steps, startedAt, endedAt: Date.now() };
};

runJobWorker({ generateProduct: testJob, print: testJob });
