/**
 * Value semantics shared by the JavaScript evaluator and the SQLite user functions. They follow
 * SQLite's rules (text-to-number conversion, type ordering, date parsing) so that an in-memory
 * source and a GeoPackage answer the same where clause with the same rows.
 * @module data/where/where-clause-values
 */

/** A runtime value. Booleans are 1/0, as in SQLite; null is SQL NULL (also "unknown"). */
export type WhereValue = string | number | null;

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const NUMERIC_PREFIX = new RegExp(`^[ \\t\\n\\f\\r\\v]*${NUMBER}`);
const NUMERIC_TEXT = new RegExp(`^[ \\t\\n\\f\\r\\v]*${NUMBER}[ \\t\\n\\f\\r\\v]*$`);

/** Number as SQLite arithmetic reads it: the longest numeric prefix of text, else 0 (`'12abc'` → 12). */
export function toNumber(v: string | number): number {
  if (typeof v === 'number') return v;
  const m = NUMERIC_PREFIX.exec(v);
  return m ? Number(m[0]) : 0;
}

/** SQLite NUMERIC affinity: text that is entirely a number becomes that number, anything else is kept. */
export function numericAffinity(v: string | number): string | number {
  return typeof v === 'string' && NUMERIC_TEXT.test(v) ? Number(v) : v;
}

/**
 * Text as SQLite renders a number: shortest round-trip digits. SQLite differs only in exponent
 * notation (`1.0e-05`), the odd 17th digit, and in writing integral REAL column values as `20.0`,
 * which JavaScript cannot tell apart from the integer 20.
 */
export function toText(v: string | number): string {
  return typeof v === 'string' ? v : String(v);
}

/**
 * SQLite's cross-type ordering (numbers before text) with BINARY collation for text. JavaScript
 * compares UTF-16 code units where SQLite compares UTF-8 bytes; the two only disagree between
 * astral characters and U+E000–U+FFFF, which field values do not realistically mix.
 */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const JULIAN_UNIX_EPOCH = 2440587.5;
const DAY_MS = 86_400_000;
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?[ ]*(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * An instant in epoch milliseconds as SQLite's `julianday()` understands its argument: ISO-8601
 * text (date only, or with time, optional `Z`/`±HH:MM`, no zone meaning UTC) or a number, which
 * SQLite takes as a Julian day. Anything else is null, as `julianday()` returns NULL.
 */
export function toEpochMs(v: WhereValue): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return Math.round((v - JULIAN_UNIX_EPOCH) * DAY_MS);
  const m = ISO_DATE.exec(v);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1, 6).map((s) => Number(s ?? 0));
  const seconds = Number(m[6] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || seconds >= 60) return null;
  const zone = m[7] && m[7].toUpperCase() !== 'Z'
    ? (m[7].startsWith('-') ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4)))
    : 0;
  return Date.UTC(year, month - 1, day, hour, minute - zone) + Math.round(seconds * 1000);
}

const ANY = -1; // %
const ONE = -2; // _
const MAX_CACHED_PATTERNS = 256;
const likeCache = new Map<string, number[]>();

/** A LIKE pattern as code points, with ANY/ONE for unescaped wildcards; cached because rows repeat it. */
function likeTokens(pattern: string, escape: string | null): number[] {
  const key = `${escape === null ? '' : escape.length + escape}:${pattern}`;
  let tokens = likeCache.get(key);
  if (tokens) return tokens;
  tokens = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === escape && i + 1 < chars.length) tokens.push(chars[++i]!.codePointAt(0)!);
    else tokens.push(c === '%' ? ANY : c === '_' ? ONE : c.codePointAt(0)!);
  }
  if (likeCache.size >= MAX_CACHED_PATTERNS) likeCache.delete(likeCache.keys().next().value!);
  likeCache.set(key, tokens);
  return tokens;
}

/**
 * Case-sensitive SQL LIKE: `%` any run, `_` one character, `escape` makes the next character
 * literal (a trailing escape is itself literal). Uses the linear-backtracking wildcard algorithm
 * rather than a RegExp so patterns like `%a%a%a%…b` cannot trigger catastrophic backtracking.
 */
export function matchLike(value: string, pattern: string, escape: string | null): boolean {
  const pat = likeTokens(pattern, escape);
  const text = Array.from(value, (c) => c.codePointAt(0)!);
  let t = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (pat[p] === ONE || pat[p] === text[t]) {
      t++;
      p++;
    } else if (pat[p] === ANY) {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pat[p] === ANY) p++;
  return p === pat.length;
}
