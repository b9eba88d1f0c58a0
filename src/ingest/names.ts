/**
 * SQL-safe, unique names for imported tables and columns. Users' names carry accents,
 * spaces and punctuation ("Routes nationales", "HÖHE (m)"); the GeoPackage writer takes only
 * `[A-Za-z_][A-Za-z0-9_]*`, and ArcGIS clients expect names that start with a letter. Accents
 * are folded (é → e, ß → ss), anything else becomes `_`, and clashes get `_2`, `_3`…
 * compared without case, as SQLite compares names.
 * @module ingest/names
 */

const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', Æ: 'AE', ø: 'o', Ø: 'O', œ: 'oe', Œ: 'OE', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', þ: 'th', Þ: 'TH', ð: 'd', Ð: 'D', ı: 'i' };

/** Longest name kept: Esri field names stop at 64 characters. */
const MAX_LENGTH = 63;

/** Folds a name to `[A-Za-z][A-Za-z0-9_]*`; `prefix` is put before a name starting with a digit or underscore. */
export function sanitiseName(name: string, prefix: string, fallback: string): string {
  let s = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x00-\x7f]/g, (c) => FOLD[c] ?? '_');
  s = s.replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (!s) s = fallback;
  if (!/^[A-Za-z]/.test(s)) s = `${prefix}${s}`;
  return s.slice(0, MAX_LENGTH);
}

/** Hands out unique names within one namespace (a GeoPackage's tables, or a table's columns). */
export class NameRegistry {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const r of reserved) this.taken.add(r.toLowerCase());
  }

  /** `name` if free, else `name_2`, `name_3`… */
  claim(name: string): string {
    let candidate = name;
    for (let k = 2; this.taken.has(candidate.toLowerCase()); k++) candidate = `${name.slice(0, MAX_LENGTH - 1 - String(k).length)}_${k}`;
    this.taken.add(candidate.toLowerCase());
    return candidate;
  }
}

/** A table name for a layer: lower case, and never one of GeoPackage's or SQLite's own prefixes. */
export function tableNameFor(layerName: string): string {
  const s = sanitiseName(layerName, 't_', 'layer').toLowerCase();
  return /^(gpkg|rtree|sqlite)_/.test(s) ? `t_${s}`.slice(0, MAX_LENGTH) : s;
}
