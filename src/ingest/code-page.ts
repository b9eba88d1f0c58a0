/**
 * Character encodings of dBASE text: the label of a shapefile's .cpg file or the .dbf's
 * language driver id (LDID) turned into a decoder, following GDAL's Shapefile driver
 * (ogrshapelayer.cpp, ConvertCodePage): the .cpg wins over the LDID, and the LDID table is
 * GDAL's. Decoding uses `iconv-lite`: Node 20's `TextDecoder` decodes windows-1252 and the
 * other single-byte code pages as ISO-8859-1 (the € at 0x80 comes out as U+0080), and lacks
 * the DOS code pages (437, 850, 852…).
 *
 * When neither the .cpg nor the LDID says anything, GDAL does not recode: the bytes go through
 * unchanged and are read as UTF-8. Quadrangle does the same when they are valid UTF-8 and
 * otherwise reads them as ISO-8859-1 (windows-1252), the dBASE norm, rather than storing
 * invalid text.
 *
 * ISO-8859-1 is decoded as windows-1252, as the WHATWG Encoding Standard (and so browsers)
 * does for every latin1 label: the two differ only at 0x80–0x9F, which are control characters
 * in ISO-8859-1 and never real attribute text, while Windows programs that write LDID 0x57
 * ("ANSI") put windows-1252 characters (€, curly quotes) there.
 * @module ingest/code-page
 */
import iconv from 'iconv-lite';
import { IngestError } from './ingest-error.js';

export interface CodePage {
  /** The encoding used, e.g. `windows-1252`, `utf-8`, `cp437`. */
  label: string;
  /** Where the encoding came from, for messages: the .cpg file, the LDID byte, or the default. */
  declaredBy: string;
  decode(bytes: Buffer): string;
}

/** GDAL's LDID → Windows/DOS code page table (LDID 87 is ISO-8859-1, see the module comment). */
const LDID_CODE_PAGES: Record<number, number> = {
  1: 437, 2: 850, 3: 1252, 4: 10000, 8: 865, 10: 850, 11: 437, 13: 437, 14: 850, 15: 437, 16: 850, 17: 437,
  18: 850, 19: 932, 20: 850, 21: 437, 22: 850, 23: 865, 24: 437, 25: 437, 26: 850, 27: 437, 28: 863, 29: 850,
  31: 852, 34: 852, 35: 852, 36: 860, 37: 850, 38: 866, 55: 850, 64: 852, 77: 936, 78: 949, 79: 950, 80: 874,
  87: 28591, 88: 1252, 89: 1252, 100: 852, 101: 866, 102: 865, 103: 861, 104: 895, 105: 620, 106: 737, 107: 857,
  108: 863, 120: 950, 121: 949, 122: 936, 123: 932, 124: 874, 134: 737, 135: 852, 136: 857, 150: 10007,
  151: 10029, 200: 1250, 201: 1251, 202: 1254, 203: 1253, 204: 1257,
};

/** Windows code page numbers as iconv-lite names them. */
function codePageLabel(n: number): string | null {
  if (n === 65001) return 'utf-8';
  if (n >= 1250 && n <= 1258) return `windows-${n}`;
  if (n >= 28591 && n <= 28606) return `iso-8859-${n - 28590}`;
  const named: Record<number, string> = {
    874: 'windows-874', 932: 'shift_jis', 936: 'gbk', 949: 'euc-kr', 950: 'big5', 866: 'ibm866',
    10000: 'macintosh', 10007: 'maccyrillic', 10029: 'maccenteuro', 20866: 'koi8-r', 21866: 'koi8-u',
    20127: 'us-ascii', 54936: 'gb18030', 20932: 'euc-jp', 51932: 'euc-jp', 51949: 'euc-kr',
  };
  if (named[n]) return named[n]!;
  // DOS code pages: iconv-lite has them as cpNNN.
  return iconv.encodingExists(`cp${n}`) ? `cp${n}` : null;
}

/**
 * Normalises a .cpg label the way GDAL reads it, plus the spellings ArcGIS and QGIS write:
 * `1252`, `CP1252`, `ANSI 1252`, `windows-1251`, `8859-1`, `88591`, `ISO-8859-1`, `LATIN1`,
 * `UTF-8`, `UTF8`, `SJIS`, `BIG5`… Returns `null` for a label nothing can decode.
 */
export function encodingForLabel(raw: string): string | null {
  const label = raw.replace(/^\uFEFF/, '').trim().split(/\r?\n/)[0]!.trim();
  if (!label) return null;
  const upper = label.toUpperCase();
  if (/^UTF[-_ ]?8$/.test(upper)) return 'utf-8';
  let m = /^(?:ISO[-_ ]?)?8859[-_ ]?(\d{1,2})$/.exec(upper);
  if (m) return knownLabel(`iso-8859-${Number(m[1])}`);
  m = /^(?:CP|WINDOWS[-_ ]?|WIN|ANSI[-_ ]?|IBM|MS|OEM[-_ ]?|DOS[-_ ]?)?(\d{3,5})$/.exec(upper);
  if (m) return codePageLabel(Number(m[1]));
  // ArcGIS writes "OEM" for the DOS code page of a US system.
  if (upper === 'OEM') return 'cp437';
  return knownLabel(label.toLowerCase());
}

function knownLabel(label: string): string | null {
  return iconv.encodingExists(label) ? label : null;
}

/** Labels read as windows-1252 (see the module comment). */
const LATIN1 = /^(iso-?8859-1|iso_8859-1|latin-?1|l1|cp819|ibm819|iso-ir-100|us-ascii|ascii)$/i;

/** A decoder function for a label `encodingForLabel` accepted. */
function decoderFor(label: string): (bytes: Buffer) => string {
  const table = LATIN1.test(label) ? 'windows-1252' : label;
  const slow = /^utf-?8$/i.test(table) ? (b: Buffer) => b.toString('utf8') : (b: Buffer) => iconv.decode(b, table);
  // Most attribute text is ASCII, which every single-byte code page maps to itself; not so the
  // double-byte and stateful ones, where ASCII bytes can be trail bytes or escapes.
  const asciiSafe = !/shift|sjis|31j|932|936|949|950|big5|gbk|gb2312|gb18030|euc|2022|utf-?16|utf-?32|ucs|hz/i.test(label);
  return asciiSafe ? (b) => (isAscii(b) ? b.toString('latin1') : slow(b)) : slow;
}

function isAscii(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return false;
  return true;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Reads undeclared text as GDAL passes it through: UTF-8 when valid, else ISO-8859-1. */
function undeclaredDecode(b: Buffer): string {
  if (isAscii(b)) return b.toString('latin1');
  try { return utf8Strict.decode(b); } catch { return iconv.decode(b, 'windows-1252'); }
}

/**
 * The code page of a .dbf: the .cpg text when there is one (an unknown label is an error
 * naming the .cpg file; an empty .cpg says nothing), else the LDID byte (header offset 29),
 * else UTF-8 or ISO-8859-1 as described above.
 */
export function resolveDbfCodePage(cpg: { path: string; text: string } | null, ldid: number, dbfPath: string): CodePage {
  if (cpg && cpg.text.replace(/^\uFEFF/, '').trim() !== '') {
    const label = encodingForLabel(cpg.text);
    if (!label) throw new IngestError(cpg.path, `${cpg.path}: unknown code page '${cpg.text.trim().slice(0, 60)}'`);
    return { label, declaredBy: cpg.path, decode: decoderFor(label) };
  }
  const cp = LDID_CODE_PAGES[ldid];
  if (cp !== undefined) {
    const label = codePageLabel(cp);
    if (!label) throw new IngestError(dbfPath, `${dbfPath}: language driver 0x${ldid.toString(16).padStart(2, '0')} names code page ${cp}, which Quadrangle cannot decode`);
    return { label, declaredBy: `language driver 0x${ldid.toString(16).padStart(2, '0')} of ${dbfPath}`, decode: decoderFor(label) };
  }
  return { label: 'utf-8 (iso-8859-1 where not valid UTF-8)', declaredBy: 'default', decode: undeclaredDecode };
}
