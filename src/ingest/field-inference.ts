/**
 * Attribute schemas of files that declare none (GeoJSON): every property value of every
 * feature is observed and each field gets the narrowest type that holds all its values —
 * integer (32-bit) < double, boolean (inside numbers as 0/1), date < dateTime, and text for
 * anything else (objects and arrays become JSON text). Dates are recognised as GDAL's GeoJSON
 * driver does: ISO 8601 `YYYY-MM-DD`, and date-times with a `T` or space and optional zone.
 *
 * The whole file is observed before the table is created, not just its first features: a
 * GeoPackage column's type is fixed when it is created, and a text value in feature 400,000
 * of an otherwise numeric field must not fail the import after the fact.
 * @module ingest/field-inference
 */
import type { AttributeValue, ImportField, ImportFieldType } from './vector-layer.js';

type Kind = 'boolean' | 'integer' | 'double' | 'date' | 'dateTime' | 'string';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const INT32_MAX = 2 ** 31 - 1;

function kindOf(v: unknown): Kind | null {
  switch (typeof v) {
    case 'boolean': return 'boolean';
    case 'number': return Number.isInteger(v) && Math.abs(v) <= INT32_MAX ? 'integer' : 'double';
    case 'string':
      if (DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))) return 'date';
      if (DATE_TIME.test(v) && !Number.isNaN(parseDateTime(v))) return 'dateTime';
      return 'string';
    case 'object': return v === null ? null : 'string';
    default: return 'string';
  }
}

function widen(a: Kind, b: Kind): Kind {
  if (a === b) return a;
  const numeric = (k: Kind) => k === 'boolean' || k === 'integer' || k === 'double';
  if (numeric(a) && numeric(b)) return a === 'double' || b === 'double' ? 'double' : 'integer';
  if ((a === 'date' || a === 'dateTime') && (b === 'date' || b === 'dateTime')) return 'dateTime';
  return 'string';
}

/** Milliseconds for an ISO date-time; one without a zone is taken as UTC. */
function parseDateTime(v: string): number {
  const s = v.replace(' ', 'T');
  return Date.parse(/(Z|[+-]\d{2}(:?\d{2})?)$/.test(s) ? s : `${s}Z`);
}

interface Observed { kind: Kind | null; width: number }

/** Accumulates the schema of a stream of property objects. */
export class FieldInference {
  private readonly fields = new Map<string, Observed>();

  observe(properties: Record<string, unknown> | null | undefined): void {
    if (!properties) return;
    for (const key of Object.keys(properties)) {
      const v = properties[key];
      let f = this.fields.get(key);
      if (!f) { f = { kind: null, width: 0 }; this.fields.set(key, f); }
      const k = kindOf(v);
      if (k === null) continue;
      f.kind = f.kind === null ? k : widen(f.kind, k);
      if (typeof v === 'string' && v.length > f.width) f.width = v.length;
    }
  }

  /** One inference over the values of several (fields in order of first appearance). */
  static merge(parts: FieldInference[]): FieldInference {
    const out = new FieldInference();
    for (const part of parts) {
      for (const [name, f] of part.fields) {
        const o = out.fields.get(name);
        if (!o) { out.fields.set(name, { ...f }); continue; }
        o.kind = o.kind === null ? f.kind : f.kind === null ? o.kind : widen(o.kind, f.kind);
        o.width = Math.max(o.width, f.width);
      }
    }
    return out;
  }

  /** The fields in order of first appearance; a field only ever null is text. */
  result(): ImportField[] {
    return [...this.fields].map(([name, f]) => {
      const type: ImportFieldType = f.kind ?? 'string';
      return type === 'string' ? { name, type, width: f.width } : { name, type };
    });
  }
}

/** Converts a property value to the field's type (the inference guarantees it fits). */
export function convertValue(v: unknown, type: ImportFieldType): AttributeValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'string':
      return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date':
      return typeof v === 'string' ? Date.parse(`${v}T00:00:00Z`) : null;
    case 'dateTime':
      return typeof v === 'string' ? (DATE.test(v) ? Date.parse(`${v}T00:00:00Z`) : parseDateTime(v)) : null;
    default:
      if (typeof v === 'boolean') return v ? 1 : 0;
      return typeof v === 'number' ? v : null;
  }
}
