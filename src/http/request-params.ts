/**
 * One view of a request's parameters: query string and form body merged (the body wins),
 * names matched case-insensitively as ArcGIS Server does, empty values treated as absent.
 * Typed readers throw an ArcGIS 400 that names the parameter.
 * @module http/request-params
 */
import { clip, invalidParameter, missingParameter } from './arcgis-error.js';

export class RequestParams {
  private readonly values = new Map<string, string>();

  constructor(...sources: unknown[]) {
    for (const source of sources) {
      if (!source || typeof source !== 'object') continue;
      for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
        const value = Array.isArray(v) ? v[v.length - 1] : v;
        if (value === undefined || value === null) continue;
        const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
        if (text.trim() === '') continue;
        this.values.set(k.toLowerCase(), text);
      }
    }
  }

  /** The raw text, or undefined when absent or empty. */
  get(name: string): string | undefined { return this.values.get(name.toLowerCase()); }

  has(name: string): boolean { return this.values.has(name.toLowerCase()); }

  required(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw missingParameter(name);
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw invalidParameter(name, 'expected true or false');
  }

  /** An integer in [min, max], or `fallback` when absent. */
  int<T extends number | undefined>(name: string, fallback: T, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number | T {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < min || n > max) throw invalidParameter(name, `expected an integer from ${min} to ${max}`);
    return n;
  }

  number<T extends number | undefined>(name: string, fallback: T, min = -Number.MAX_VALUE, max = Number.MAX_VALUE): number | T {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const n = Number(v.trim());
    if (!Number.isFinite(n) || n < min || n > max) throw invalidParameter(name, `expected a number from ${min} to ${max}`);
    return n;
  }

  /** Parses JSON text; `undefined` when absent. */
  json(name: string): unknown {
    const v = this.get(name);
    if (v === undefined) return undefined;
    try { return JSON.parse(v); } catch { throw invalidParameter(name, 'not valid JSON'); }
  }

  /** One of `allowed` (matched case-insensitively, returned as spelled in `allowed`). */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: undefined): T | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.get(name);
    if (v === undefined) return fallback;
    const hit = allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase());
    if (!hit) throw invalidParameter(name, `'${clip(v, 40)}' is not one of ${allowed.join(', ')}`);
    return hit;
  }

  /** A comma-separated list, items trimmed, empties dropped. */
  list(name: string): string[] | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** Plain object of all parameters, for echoing into HTML forms. */
  entries(): [string, string][] { return [...this.values.entries()]; }
}
