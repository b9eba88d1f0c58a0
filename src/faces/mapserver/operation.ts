/**
 * Map service operations that do real work (query, identify, find, …) are written free of
 * HTTP, so they can run in worker threads: plain-data tasks in, serialised answers out. This
 * module holds their shared types and the one function that runs any of them.
 * @module faces/mapserver/operation
 */
import type { MapService } from '../../catalog/map-service.js';
import type { ServiceManager } from '../../catalog/service-manager.js';
import { ArcGisError } from '../../http/arcgis-error.js';
import { toArcGisError } from '../../http/error-mapping.js';
import { RequestParams } from '../../http/request-params.js';

export type OperationFormat = 'html' | 'json' | 'pjson' | 'geojson' | 'image' | 'kmz';

/** One operation call as it crosses to a worker. */
export interface OperationTask {
  operation: string;
  folder: string;
  service: string;
  /** For layer operations (`query`). */
  layerId?: string;
  params: [string, string][];
  format: OperationFormat;
}

/** What an operation produces: a JSON body, or bytes with their type. */
export type OperationResult = { json: unknown } | { data: Uint8Array; contentType: string; meta?: unknown };

export type Operation = (call: { service: MapService; params: RequestParams; task: OperationTask }) => OperationResult | Promise<OperationResult>;

/**
 * The answer as it crosses back: JSON text (pretty for pjson; compact for html, which the
 * main thread renders), bytes, or an ArcGIS error.
 */
export type OperationOutcome =
  | { ok: true; text: string }
  | { ok: true; data: Uint8Array; contentType: string; meta?: unknown }
  | { ok: false; code: number; message: string; details: string[] };

/** Runs `task` with the operation of that name from `operations`; never throws. */
export async function executeOperation(operations: Record<string, Operation>, services: ServiceManager, task: OperationTask): Promise<OperationOutcome> {
  try {
    const operation = operations[task.operation];
    if (!operation) throw new ArcGisError(400, 'Invalid URL', []);
    const service = await services.get(task.folder, task.service);
    if (!service) throw new ArcGisError(404, `Service ${task.folder ? `${task.folder}/` : ''}${task.service}/MapServer not found`, []);
    const result = await operation({ service, params: new RequestParams(Object.fromEntries(task.params)), task });
    if ('data' in result) return { ok: true, data: result.data, contentType: result.contentType, meta: result.meta };
    return { ok: true, text: JSON.stringify(result.json, null, task.format === 'pjson' ? 2 : undefined) };
  } catch (e) {
    const err = toArcGisError(e);
    return { ok: false, code: err.code, message: err.message, details: err.details };
  }
}
