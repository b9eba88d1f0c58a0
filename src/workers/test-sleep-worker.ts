/**
 * A worker module for the pool tests: it waits (or, with `spin`, keeps the thread busy) for
 * the task's `ms` and answers which thread ran it.
 * @module workers/test-sleep-worker
 */
import { threadId } from 'node:worker_threads';
import type { OperationOutcome, OperationTask } from '../faces/mapserver/operation.js';

export default async function sleep(task: OperationTask): Promise<OperationOutcome> {
  const params = new Map(task.params);
  const ms = Number(params.get('ms') ?? 0);
  if (params.get('spin') === 'true') {
    // A runaway task: it never yields, so only ending the thread stops it.
    const end = Date.now() + ms;
    while (Date.now() < end);
  } else {
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  return { ok: true, text: JSON.stringify({ threadId, ms }) };
}
