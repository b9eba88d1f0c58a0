/**
 * Parameter readers of the Topographic Production Service. Its refusals are 400s whose message
 * starts with the parameter's name (`productVersion: is required`, tps.md §19), so they throw
 * ProductParameterError, which the HTTP error handler writes as the ArcGIS envelope.
 * @module faces/tps/tps-params
 */
import { clip } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import { ProductParameterError } from '../../production/production-errors.js';

export function requiredText(params: RequestParams, name: string): string {
  const v = params.get(name);
  if (v === undefined) throw new ProductParameterError(`${name}: is required`);
  return v;
}

/** `true`/`false` in any case (tps.md §1). */
export function readBool(params: RequestParams, name: string, fallback: boolean): boolean;
export function readBool(params: RequestParams, name: string, fallback?: undefined): boolean | undefined;
export function readBool(params: RequestParams, name: string, fallback?: boolean): boolean | undefined {
  const v = params.get(name)?.trim().toLowerCase();
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ProductParameterError(`${name}: expected true or false, got '${clip(v, 20)}'`);
}

/** Parsed JSON, or undefined when absent. */
export function readJson(params: RequestParams, name: string): unknown {
  const v = params.get(name);
  if (v === undefined) return undefined;
  try { return JSON.parse(v); } catch { throw new ProductParameterError(`${name}: not valid JSON`); }
}

/** A JSON parameter that must be an object. */
export function readJsonObject(params: RequestParams, name: string): Record<string, unknown> | undefined {
  const v = readJson(params, name);
  if (v === undefined) return undefined;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ProductParameterError(`${name}: must be a JSON object`);
  return v as Record<string, unknown>;
}
