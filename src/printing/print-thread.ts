/**
 * The thread module of `execute` prints: a piscina pool's threads stay up between prints, so each
 * keeps its modules, fonts, catalog runtimes and memory of features for drawing (data/draw-cache),
 * and an execute does not pay for a job thread's start. Answers plain data: the file, or the
 * request's problems.
 * @module printing/print-thread
 */
import { workerData } from 'node:worker_threads';
import { openCatalogStore } from '../catalog/open-catalog-store.js';
import { ServiceManager } from '../catalog/service-manager.js';
import { DrawCache } from '../data/draw-cache.js';
import { runPrint, type PrintJobRequest } from './print-job.js';
import { PrintRequestError } from './web-map.js';

/** A print thread's answer. */
export type PrintThreadAnswer =
  | { ok: true; data: Uint8Array; warnings: string[] }
  | { ok: false; details: string[] };

const { dataDir, databaseUrl, drawCacheMb = 256 } = workerData as { dataDir: string; databaseUrl?: string; drawCacheMb?: number };

/** Opened on the first print; a failed open is tried again on the next. */
let services: Promise<ServiceManager> | null = null;

function serviceManager(): Promise<ServiceManager> {
  services ??= openCatalogStore({ dataDir, databaseUrl })
    .then((store) => new ServiceManager(store, dataDir, { drawCache: new DrawCache(drawCacheMb * 2 ** 20) }))
    .catch((error: unknown) => { services = null; throw error; });
  return services;
}

export default async function printOnThread(request: PrintJobRequest): Promise<PrintThreadAnswer> {
  try {
    const { data, warnings } = await runPrint(request, await serviceManager());
    return { ok: true, data, warnings };
  } catch (error) {
    if (error instanceof PrintRequestError) return { ok: false, details: error.details };
    throw error;
  }
}
