/**
 * Attribute values as identify and find show them (mapserver.md §7): strings, numbers without
 * thousands separators, dates as `M/D/YYYY h:mm:ss AM` in UTC, nulls as `Null`; keyed by
 * alias unless the caller asks for field names.
 * @module faces/mapserver/format-values
 */
import type { FieldInfo } from '../../data/feature-source.js';

export function formatDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

export function formatValue(value: unknown, field: FieldInfo | undefined): string {
  if (value === null || value === undefined) return 'Null';
  if (field?.type === 'esriFieldTypeDate' && typeof value === 'number') return formatDate(value);
  return String(value);
}

/** The attributes object of an identify or find result. */
export function formatAttributes(attributes: Record<string, unknown>, fields: FieldInfo[], opts: { unformatted: boolean; fieldNames: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f.name in attributes)) continue;
    const v = attributes[f.name];
    out[opts.fieldNames ? f.name : f.alias] = opts.unformatted ? v ?? null : formatValue(v, f);
  }
  return out;
}
