/**
 * A print (printing.md §5–§8): the web map parsed again from the text the client sent, every
 * layer resolved (own services from the catalog, other hosts through the safe fetcher), the page
 * composed into the layout template and written in the asked format. `submitJob` runs it as a
 * job in a job thread (output in the job's folder); `execute` on a warm print thread
 * (print-thread.ts). Problems with what was asked fail the job with one error message per
 * problem; the face reports those as `Error executing tool.`.
 * @module printing/print-job
 */
import { join } from 'node:path';
import { ServiceManager } from '../catalog/service-manager.js';
import { openCatalogStore } from '../catalog/open-catalog-store.js';
import { writeOutputAtomically } from '../jobs/job-output.js';
import type { JobContext } from '../jobs/job-worker.js';
import type { JsonObject, JsonValue } from '../jobs/job-types.js';
import { TemplateLibrary } from '../layout/template-library.js';
import type { LayoutTemplate } from '../layout/layout-template.js';
import { composePrint, layoutTemplatesInfo } from './compose-print.js';
import { createOwnServices } from './own-services.js';
import { parseWebMap } from './parse-web-map.js';
import { PRINT_FORMATS, type PrintFormat } from './print-format.js';
import { resolvePrintLayer } from './resolve-print-layer.js';
import { createSafeFetcher, type FetchPolicy } from './safe-fetch.js';
import { PrintRequestError } from './web-map.js';
import { writePrint } from './write-print.js';

/** What the face queues: plain JSON. */
export interface PrintJobRequest {
  dataDir: string;
  databaseUrl?: string;
  /** Web_Map_as_JSON as sent. */
  webMap: string;
  format: PrintFormat;
  /** The layout template's name as the library spells it. */
  layoutTemplate: string;
  /** This server's base URLs (`https://host/arcgis`): layer URLs under them are read in-process. */
  bases: string[];
  /** Keys of this server's services the print may read; null when none is secured. */
  permitted: string[] | null;
  fetchPolicy: FetchPolicy;
}

/** The Get Layout Templates Info task as a job (its submitJob). */
export interface TemplatesJobRequest { task: 'layoutTemplates'; dataDir: string }

/** Templates of the printing service: the library's templates with a web map frame, MAP_ONLY last. */
export function printTemplates(library: TemplateLibrary): LayoutTemplate[] {
  return library.templateNames()
    .map((n) => library.template(n)!)
    .filter((t) => t.mapFrames.some((f) => f.name === WEBMAP_FRAME))
    .sort((a, b) => Number(a.name === 'MAP_ONLY') - Number(b.name === 'MAP_ONLY') || a.name.localeCompare(b.name, 'en'));
}

/** The frame every printing template has (printing.md §11). */
export const WEBMAP_FRAME = 'WEBMAP_MAP_FRAME';

const libraryIn = (dataDir: string) => new TemplateLibrary({ layoutDirs: [join(dataDir, 'layouts')] });

/** What a succeeded print job records. */
export interface PrintJobResult extends JsonObject {
  /** File name in the job's folder: `_ags_<job ID hex>.<ext>`. */
  file: string;
  format: PrintFormat;
}

/** The job's output file name: the job ID's hex digits. */
export function printOutputName(jobId: string, format: PrintFormat): string {
  return `_ags_${jobId.replace(/-/g, '').toLowerCase()}${PRINT_FORMATS[format].extension}`;
}

/** What a print made: the file's bytes and the warnings for its messages. */
export interface PrintOutcome { data: Buffer; warnings: string[] }

/**
 * Prints one web map with `services` (this thread's runtimes of the catalog); rejects with
 * `PrintRequestError` for what the request asked wrongly.
 */
export async function runPrint(request: PrintJobRequest, services: ServiceManager, onProgress?: (message: string, fraction: number) => void): Promise<PrintOutcome> {
  const { webMap, warnings } = parseWebMap(request.webMap);
  const template = libraryIn(request.dataDir).template(request.layoutTemplate);
  if (!template) throw new PrintRequestError([`Layout_Template '${request.layoutTemplate}' not found`]);
  const print = await composePrint({
    webMap, template, resolveLayer: resolvePrintLayer,
    fetcher: createSafeFetcher(request.fetchPolicy),
    ownServices: createOwnServices(services, request.bases, request.permitted ? new Set(request.permitted) : null),
    onProgress: (message, fraction) => onProgress?.(message, fraction * 0.9),
  });
  onProgress?.(`Writing ${request.format}`, 0.9);
  return { data: await writePrint(print, request.format, webMap.dpi), warnings: [...warnings, ...print.warnings] };
}

/** The print job handler (submitJob): the output written into the job's folder. */
export async function runPrintJob(value: JsonValue, ctx: JobContext): Promise<JsonObject> {
  const task = value as unknown as PrintJobRequest | TemplatesJobRequest;
  if ('task' in task) return { outputJson: layoutTemplatesInfo(printTemplates(libraryIn(task.dataDir))) as JsonValue };
  const store = await openCatalogStore(task);
  const services = new ServiceManager(store, task.dataDir);
  try {
    const { data, warnings } = await runPrint(task, services, (message, fraction) => ctx.progress(fraction, message));
    for (const w of warnings) ctx.message('warning', w);
    const file = printOutputName(ctx.jobId, task.format);
    await writeOutputAtomically(join(ctx.jobDir, 'scratch', file), data);
    const result: PrintJobResult = { file, format: task.format };
    return result;
  } catch (error) {
    if (error instanceof PrintRequestError) for (const d of error.details) ctx.message('error', d);
    throw error;
  } finally {
    services.close();
    await store.close();
  }
}
