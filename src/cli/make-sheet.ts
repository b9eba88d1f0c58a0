/**
 * `quadrangle sheet`: one sheet from a service in the data directory's catalog, written to a
 * file atomically (a partly written sheet never takes the output's name).
 * @module cli/make-sheet
 */
import { rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceManager } from '../catalog/service-manager.js';
import { catalogExists, describeCatalog, openCatalogStore } from '../catalog/open-catalog-store.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { generateSheet, SheetError } from '../sheet/generate-sheet.js';
import { SHEET_FORMATS, type SheetFormat } from '../sheet/sheet-output.js';

/** What `quadrangle sheet` was asked for. */
export interface MakeSheetOptions {
  dataDir: string;
  /** The PostgreSQL catalog's URL; unset for `<data>/catalog.sqlite`. */
  databaseUrl?: string;
  /** Folder/Name or Name. */
  service: string;
  product: string;
  sheetId: string;
  format: string;
  template?: string;
  resolution?: number;
  /** YYYY-MM-DD. */
  date?: string;
  output: string;
  onProgress?: (step: string, percent: number) => void;
}

/** Makes the sheet and writes it; returns the composition's warnings. */
export async function makeSheet(options: MakeSheetOptions): Promise<{ warnings: string[] }> {
  if (!(options.format in SHEET_FORMATS)) throw new SheetError(`Unsupported format '${options.format}' (expected one of ${Object.keys(SHEET_FORMATS).join(', ')}).`);
  const date = options.date === undefined ? new Date() : new Date(`${options.date}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) throw new SheetError(`--date must be YYYY-MM-DD, not ${options.date}`);
  const catalog = describeCatalog(options);
  if (!catalogExists(options)) throw new SheetError(`No catalog in ${options.dataDir} (start the server once, or pass --data).`);
  const store = await openCatalogStore(options);
  const services = new ServiceManager(store, options.dataDir);
  try {
    const parts = options.service.split('/');
    const [folder, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
    const service = await services.get(folder, name);
    if (!service) throw new SheetError(`Service ${options.service} not found in ${catalog}.`);
    const library = new TemplateLibrary({ layoutDirs: [join(options.dataDir, 'layouts')], gridDirs: [join(options.dataDir, 'grids')] });
    const { data, sheet } = await generateSheet({
      service, library, product: options.product, sheetId: options.sheetId, format: options.format as SheetFormat, template: options.template,
      resolution: options.resolution, date, onProgress: options.onProgress,
    });
    const partial = `${options.output}.partial`;
    try {
      await writeFile(partial, data);
      await rename(partial, options.output);
    } catch (e) {
      await unlink(partial).catch(() => {});
      throw e;
    }
    return { warnings: sheet.warnings };
  } finally {
    services.close();
    await store.close();
  }
}
