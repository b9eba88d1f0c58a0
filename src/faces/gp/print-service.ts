/**
 * The printing service as a system service (printing.md §1–§2): where it lives in the catalog's
 * namespace and the properties its GP protocol follows.
 * @module faces/gp/print-service
 */
import type { ServerContext } from '../../http/server.js';

/** `Utilities/PrintingTools`, as ArcGIS Server names it. */
export const PRINT_SERVICE = { folder: 'Utilities', name: 'PrintingTools' } as const;

/** The service properties printing.md names. */
export interface PrintServiceSettings {
  /** How clients are told to call the tasks; both execute and submitJob work either way. */
  executionType: 'Synchronous' | 'Asynchronous';
  /** Seconds an `execute` waits for its print. */
  syncTimeout: number;
  /** Seconds a print job may run. */
  maxUsageTime: number;
  /** Minutes print files are kept. */
  maxFileAge: number;
  configuredState: 'STARTED' | 'STOPPED';
}

export const DEFAULT_PRINT_SERVICE_SETTINGS: Readonly<PrintServiceSettings> = Object.freeze({
  executionType: 'Asynchronous', syncTimeout: 55, maxUsageTime: 600, maxFileAge: 360, configuredState: 'STARTED',
});

/** The printing service's current settings. */
export async function printServiceSettings(_ctx: ServerContext): Promise<PrintServiceSettings> {
  return { ...DEFAULT_PRINT_SERVICE_SETTINGS };
}
