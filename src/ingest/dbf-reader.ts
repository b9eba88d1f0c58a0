/**
 * dBASE (.dbf) tables as shapefiles carry them: the header with its field descriptors, and
 * one fixed-width record decoded at a time. Types follow GDAL's Shapefile driver: C text,
 * N/F numbers, L logical, D date; memo-type fields (M, B, G, P) point into a .dbt/.fpt file
 * Quadrangle does not read and are left out; any other type is read as text.
 *
 * Numeric fields: with decimals → double; without, width ≤ 4 → small integer, 5–9 →
 * integer, 10 and more → double. Ten digits can exceed a 32-bit integer (Esri's Integer, and
 * what a GeoPackage INTEGER column is served as), and ArcGIS itself reads N(10+,0) as Double;
 * doubles hold every integer up to 2^53, so no value is lost for the widths software writes.
 * @module ingest/dbf-reader
 */
import type { AttributeValue, ImportField, ImportFieldType } from './vector-layer.js';
import type { CodePage } from './code-page.js';
import { IngestError } from './ingest-error.js';

export interface DbfField extends ImportField {
  /** dBASE type letter. */
  dbfType: string;
  /** Byte offset in the record (after the deletion flag). */
  offset: number;
  /** Bytes in the record. */
  size: number;
}

export interface DbfHeader {
  recordCount: number;
  headerLength: number;
  recordLength: number;
  /** Language driver id (header byte 29). */
  ldid: number;
  /** Fields read into attributes (memo-type fields excluded), names unique. */
  fields: DbfField[];
}

/** Reads the header: the caller has the first `headerLength` bytes (at least 32). */
export function parseDbfHeader(head: Buffer, fileSize: number, path: string, codePage: CodePage | ((ldid: number) => CodePage)): { header: DbfHeader; codePage: CodePage } {
  if (head.length < 32) throw new IngestError(path, `${path} is not a dBASE file (${head.length} bytes)`);
  const recordCount = head.readUInt32LE(4);
  const headerLength = head.readUInt16LE(8);
  const recordLength = head.readUInt16LE(10);
  const ldid = head[29]!;
  if (headerLength < 33 || recordLength < 1) throw new IngestError(path, `${path} is not a dBASE file (header length ${headerLength}, record length ${recordLength})`);
  if (head.length < headerLength) throw new IngestError(path, `${path} is truncated: its header needs ${headerLength} bytes`);
  const cp = typeof codePage === 'function' ? codePage(ldid) : codePage;
  const fields: DbfField[] = [];
  const seen = new Set<string>();
  let offset = 1;
  for (let d = 32; d + 32 <= headerLength && head[d] !== 0x0d; d += 32) {
    const nameEnd = head.indexOf(0, d);
    const raw = head.subarray(d, nameEnd >= d && nameEnd < d + 11 ? nameEnd : d + 11);
    const dbfType = String.fromCharCode(head[d + 11]!).toUpperCase();
    const isNumber = dbfType === 'N' || dbfType === 'F';
    // Text fields longer than 255 keep the high byte of their width in the decimals byte.
    const size = isNumber ? head[d + 16]! : head[d + 16]! + head[d + 17]! * 256;
    const decimals = isNumber ? head[d + 17]! : 0;
    const fieldOffset = offset;
    offset += size;
    if ('MBGP'.includes(dbfType)) continue;
    let name = cp.decode(raw).trim() || `FIELD_${fields.length + 1}`;
    name = unique(name, seen);
    fields.push({ name, type: fieldType(dbfType, size, decimals), width: size, ...(isNumber ? { decimals } : {}), dbfType, offset: fieldOffset, size });
  }
  if (offset > recordLength) throw new IngestError(path, `${path} is corrupt: its fields need ${offset} bytes per record but records have ${recordLength}`);
  const needed = headerLength + recordCount * recordLength;
  if (fileSize < needed) {
    throw new IngestError(path, `${path} is truncated: ${recordCount} records need ${needed} bytes but the file has ${fileSize}`);
  }
  return { header: { recordCount, headerLength, recordLength, ldid, fields }, codePage: cp };
}

function unique(name: string, seen: Set<string>): string {
  let candidate = name;
  for (let k = 1; seen.has(candidate.toLowerCase()); k++) candidate = `${name}_${k}`;
  seen.add(candidate.toLowerCase());
  return candidate;
}

function fieldType(dbfType: string, width: number, decimals: number): ImportFieldType {
  switch (dbfType) {
    case 'N': case 'F':
      if (decimals > 0 || width >= 10) return 'double';
      return width <= 4 ? 'smallInteger' : 'integer';
    case 'L': return 'boolean';
    case 'D': return 'date';
    default: return 'string';
  }
}

/** Decodes one record (deletion flag included) into values by field name. */
export function decodeDbfRecord(row: Buffer, fields: DbfField[], codePage: CodePage): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const f of fields) {
    const bytes = row.subarray(f.offset, f.offset + f.size);
    out[f.name] = decodeValue(bytes, f, codePage);
  }
  return out;
}

function decodeValue(bytes: Buffer, f: DbfField, codePage: CodePage): AttributeValue {
  switch (f.type) {
    case 'string': {
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0)) end--;
      return end === 0 ? null : codePage.decode(bytes.subarray(0, end));
    }
    case 'smallInteger': case 'integer': case 'double': {
      const s = bytes.toString('latin1').trim();
      if (s === '' || s[0] === '*') return null;
      const n = Number(s);
      if (!Number.isFinite(n)) return null;
      return f.type === 'double' ? n : Math.trunc(n);
    }
    case 'boolean': {
      const c = bytes.toString('latin1').trim().toUpperCase();
      return c === 'T' || c === 'Y' ? true : c === 'F' || c === 'N' ? false : null;
    }
    case 'date': {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(bytes.toString('latin1').trim());
      if (!m) return null;
      const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
      if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
      const date = new Date(0);
      date.setUTCFullYear(y, mo - 1, d); // not Date.UTC, which reads years 0–99 as 19xx
      return date.getTime();
    }
    default: return null;
  }
}
