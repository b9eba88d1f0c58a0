/**
 * The thread module of `execute` prints: a piscina pool's threads stay up between prints, so each
 * keeps its modules, fonts, catalog runtimes and memory of features for drawing (data/draw-cache),
 * and an execute does not pay for a job thread's start. Answers plain data: the file, or the
 * request's problems.
 * @module printing/print-thread
 */
import { workerData } from 'node:worker_threads';
import { lazyServiceManager, type ThreadCatalogOptions } from '../catalog/thread-service-manager.js';
import { runPrint, type PrintJobRequest } from './print-job.js';
import { PrintRequestError } from './web-map.js';

/** A print thread's answer. */
export type PrintThreadAnswer =
  | { ok: true; data: Uint8Array; warnings: string[] }
  | { ok: false; details: string[] };

const serviceManager = lazyServiceManager(workerData as ThreadCatalogOptions);

export default async function printOnThread(request: PrintJobRequest): Promise<PrintThreadAnswer> {
  try {
    const { data, warnings } = await runPrint(request, await serviceManager());
    return { ok: true, data, warnings };
  } catch (error) {
    if (error instanceof PrintRequestError) return { ok: false, details: error.details };
    throw error;
  }
}
