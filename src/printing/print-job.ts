/**
 * The print job (printing.md §5–§8), run in a job thread for both `execute` and `submitJob`: the
 * web map parsed again from the text the client sent, every layer resolved (own services from
 * the catalog, other hosts through the safe fetcher), the page composed into the layout template
 * and written in the asked format into the job's folder. Problems with what was asked fail the
 * job with one error message per problem; the face reports those as `Error executing tool.`.
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

/** The output file's name: the job ID's hex digits, so the execute URL leads back to the job. */
export function printOutputName(jobId: string, format: PrintFormat): string {
  return `_ags_${jobId.replace(/-/g, '').toLowerCase()}${PRINT_FORMATS[format].extension}`;
}

export async function runPrintJob(value: JsonValue, ctx: JobContext): Promise<JsonObject> {
  const task = value as unknown as PrintJobRequest | TemplatesJobRequest;
  if ('task' in task) return { outputJson: layoutTemplatesInfo(printTemplates(libraryIn(task.dataDir))) as JsonValue };
  const request = task;
  const store = await openCatalogStore(request);
  const services = new ServiceManager(store, request.dataDir);
  try {
    const { webMap, warnings } = parseWebMap(request.webMap);
    for (const w of warnings) ctx.message('warning', w);
    const template = libraryIn(request.dataDir).template(request.layoutTemplate);
    if (!template) throw new PrintRequestError([`Layout_Template '${request.layoutTemplate}' not found`]);
    const print = await composePrint({
      webMap, template, resolveLayer: resolvePrintLayer,
      fetcher: createSafeFetcher(request.fetchPolicy),
      ownServices: createOwnServices(services, request.bases, request.permitted ? new Set(request.permitted) : null),
      onProgress: (message, fraction) => ctx.progress(fraction * 0.9, message),
    });
    for (const w of print.warnings) ctx.message('warning', w);
    ctx.progress(0.9, `Writing ${request.format}`);
    const data = await writePrint(print, request.format, webMap.dpi);
    const file = printOutputName(ctx.jobId, request.format);
    await writeOutputAtomically(join(ctx.jobDir, 'scratch', file), data);
    const result: PrintJobResult = { file, format: request.format };
    return result;
  } catch (error) {
    if (error instanceof PrintRequestError) for (const d of error.details) ctx.message('error', d);
    throw error;
  } finally {
    services.close();
    await store.close();
  }
}
