/**
 * The printing service as a built-in service (printing.md §1–§2): where it lives in the catalog's
 * namespace, the properties its GP protocol follows, and their checks when an administrator edits
 * them. Settings are kept in the catalog store (`getSystemService`), so every node of a cluster
 * sees the same.
 * @module printing/print-service-settings
 */
import type { CatalogStore } from '../catalog/catalog-store.js';

/** `Utilities/PrintingTools`, as ArcGIS Server names it. */
export const PRINT_SERVICE = { folder: 'Utilities', name: 'PrintingTools', type: 'GPServer' } as const;

/** The catalog store's key of the printing service's settings. */
export const PRINT_SERVICE_KEY = `${PRINT_SERVICE.folder}/${PRINT_SERVICE.name}.${PRINT_SERVICE.type}`;

/** The output store's directory of `execute` print files (`/rest/directories/arcgisoutput/…`). */
export const PRINT_OUTPUT_DIR = `${PRINT_SERVICE.folder}/${PRINT_SERVICE.name}_${PRINT_SERVICE.type}`;

/** The service properties printing.md names. */
export interface PrintServiceSettings {
  /** How clients are told to call the tasks; both execute and submitJob work either way. */
  executionType: 'Synchronous' | 'Asynchronous';
  /** Seconds an `execute` waits for its print. */
  syncTimeout: number;
  /** Seconds a print job may run. */
  maxUsageTime: number;
  /** Minutes print files are kept (the job engine keeps a job's folder with its record). */
  maxFileAge: number;
  configuredState: 'STARTED' | 'STOPPED';
}

export const DEFAULT_PRINT_SERVICE_SETTINGS: Readonly<PrintServiceSettings> = Object.freeze({
  executionType: 'Asynchronous', syncTimeout: 55, maxUsageTime: 600, maxFileAge: 360, configuredState: 'STARTED',
});

/** Number settings and their ranges. */
const RANGES = { syncTimeout: [1, 3600], maxUsageTime: [1, 86400], maxFileAge: [1, 525600] } as const;

/**
 * Settings laid over `base` from an edit (admin.md's service JSON: `executionType`,
 * `maxUsageTime`, and in `properties` also `syncTimeout`, `maxFileAge`, as strings or numbers);
 * throws an Error naming the first bad value.
 */
export function editPrintServiceSettings(base: PrintServiceSettings, edit: unknown): PrintServiceSettings {
  if (!edit || typeof edit !== 'object' || Array.isArray(edit)) throw new Error("'service' must be a JSON object");
  const json = edit as Record<string, unknown>;
  const properties = (json.properties && typeof json.properties === 'object' ? json.properties : {}) as Record<string, unknown>;
  const pick = (name: string) => json[name] ?? properties[name];
  const next = { ...base };
  const type = pick('executionType');
  if (type !== undefined) {
    const v = String(type).replace(/^esriExecutionType/, '');
    if (v !== 'Synchronous' && v !== 'Asynchronous') throw new Error("executionType must be 'Synchronous' or 'Asynchronous'");
    next.executionType = v;
  }
  for (const [name, [min, max]] of Object.entries(RANGES) as [keyof typeof RANGES, readonly [number, number]][]) {
    const raw = pick(name);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    next[name] = n;
  }
  return next;
}

/** The printing service's current settings. */
export async function printServiceSettings(store: CatalogStore): Promise<PrintServiceSettings> {
  return { ...DEFAULT_PRINT_SERVICE_SETTINGS, ...((await store.getSystemService(PRINT_SERVICE_KEY)) as Partial<PrintServiceSettings> | null) };
}
