/**
 * Compiles a where-clause tree to parameterised SQL for SQLite/GeoPackage or PostgreSQL. Every
 * literal becomes a bound parameter and field references come from the feature source, so no
 * client text ever reaches the SQL string.
 * @module data/where/where-clause-sql
 */
import type Database from 'better-sqlite3';
import type { CastType, ExtractPart, TrimSide, WhereFieldType, WhereNode } from './where-clause-ast.js';
import { isTemporalOperand } from './where-clause-ast.js';
import { WhereClauseError } from './where-clause-error.js';
import { WHERE_FUNCTIONS, type SqlDialect, type WhereFunction } from './where-clause-functions.js';
import { matchLike, toText } from './where-clause-values.js';

export type { WhereFieldType } from './where-clause-ast.js';
export type { SqlDialect } from './where-clause-functions.js';

/** A field as the feature source exposes it to SQL. */
export interface ResolvedField {
  /** Already-quoted column reference, e.g. `"ELEV"` or `t."ELEV"`. */
  sql: string;
  type: WhereFieldType;
}

export interface SqlCompileOptions {
  dialect: SqlDialect;
  /** Case-insensitive field lookup supplied by the feature source; returns null for unknown fields. */
  resolveField(name: string): ResolvedField | null;
  /** Placeholder numbering starts after this many existing parameters (postgres $n). Default 0. */
  paramOffset?: number;
}

export interface CompiledWhere {
  /** A fully parenthesised boolean expression. */
  sql: string;
  params: unknown[];
}

interface Context {
  readonly dialect: SqlDialect;
  readonly now: Date;
  compile(node: WhereNode): string;
  /** `node` compiled for comparison as an instant when `temporal`. */
  operand(node: WhereNode, temporal: boolean): string;
  isTemporal(node: WhereNode): boolean;
  /**
   * `sql` (the compiled `node`) with `COLLATE "C"` in Postgres when `ordered` and `node` is
   * text, so `<`, `>` and BETWEEN order strings by code point as SQLite and the JavaScript
   * evaluator do, whatever the database's collation. Equality needs no collation (deterministic
   * collations only call equal strings equal) and keeps using the column's indexes.
   */
  collated(node: WhereNode, sql: string, ordered: boolean): string;
  field(name: string): ResolvedField;
  /** A placeholder for `value`; `pgType` makes the Postgres parameter typed (`$1::integer`). */
  bind(value: unknown, pgType?: string): string;
}

type Compilers = { [K in WhereNode['kind']]: (node: Extract<WhereNode, { kind: K }>, c: Context) => string };

const pgNumberType = (v: number) =>
  !Number.isSafeInteger(v) ? 'double precision' : Math.abs(v) < 2 ** 31 ? 'integer' : 'bigint';
/** GeoPackage stores DATE as `YYYY-MM-DD`; Postgres gets every temporal literal as a UTC instant. */
const instant = (value: string) => (value.length === 10 ? `${value}T00:00:00.000Z` : value);

const CASTS: Record<SqlDialect, Record<CastType, (x: string) => string>> = {
  sqlite: { integer: (x) => `CAST(${x} AS INTEGER)`, real: (x) => `CAST(${x} AS REAL)`, text: (x) => `CAST(${x} AS TEXT)` },
  // Postgres rounds when casting a fraction to an integer; SQLite (and the evaluator) truncate.
  postgres: {
    integer: (x) => `CAST(trunc(CAST(${x} AS double precision)) AS bigint)`,
    real: (x) => `CAST(${x} AS double precision)`,
    text: (x) => `CAST(${x} AS text)`,
  },
};
/** Whether `node` is a text expression other than a bare literal (whose type Postgres infers from the other side). */
function isText(node: WhereNode, fieldType: (name: string) => WhereFieldType): boolean {
  switch (node.kind) {
    case 'field': return fieldType(node.name) === 'string';
    case 'binary': return node.op === '||';
    case 'substring': case 'trim': return true;
    case 'cast': return node.type === 'text';
    case 'function': return node.name === 'UPPER' || node.name === 'LOWER' || node.name === 'CONCAT';
    default: return false;
  }
}
/** strftime formats; `%f` is seconds with milliseconds, matching Postgres's fractional SECOND. */
const STRFTIME: Record<ExtractPart, string> = { YEAR: '%Y', MONTH: '%m', DAY: '%d', HOUR: '%H', MINUTE: '%M', SECOND: '%f' };
const SQLITE_TRIM: Record<TrimSide, string> = { BOTH: 'trim', LEADING: 'ltrim', TRAILING: 'rtrim' };
const not = (negated: boolean) => (negated ? 'NOT ' : '');

/*
 * Placeholders are numbered (Postgres) or positional (SQLite `?`), so parameters must be bound in
 * the order their placeholders appear: each template below compiles its children inside the
 * template literal, which evaluates left to right, i.e. in textual order.
 */
const COMPILERS: Compilers = {
  literal: (n, c) => {
    switch (n.type) {
      case 'string': return c.bind(n.value);
      // better-sqlite3 binds every JS number as REAL, which SQLite renders as '10.0' in text
      // contexts (`ELEV || ''`, LIKE, comparisons with TEXT columns); BigInt binds as INTEGER.
      case 'number':
        return c.dialect === 'postgres' ? c.bind(n.value, pgNumberType(n.value))
          : c.bind(Number.isSafeInteger(n.value) ? BigInt(n.value) : n.value);
      case 'boolean': return c.dialect === 'sqlite' ? c.bind(n.value ? 1n : 0n) : c.bind(n.value, 'boolean');
      // A constant keyword, not client text; a bare untyped NULL parameter trips Postgres's type inference.
      case 'null': return 'NULL';
      case 'date': case 'timestamp': return c.dialect === 'sqlite' ? c.bind(n.value) : c.bind(instant(n.value), 'timestamptz');
    }
  },
  field: (n, c) => c.field(n.name).sql,
  // SQLite has no clock-free CURRENT_DATE in the GeoPackage text format, so bind "now" as that text.
  current: (n, c) =>
    c.dialect === 'postgres' ? `CURRENT_${n.what}`
    : c.bind(n.what === 'DATE' ? c.now.toISOString().slice(0, 10) : c.now.toISOString()),
  unary: (n, c) => (n.op === 'NOT' ? `(NOT ${c.compile(n.operand)})` : `(-${c.compile(n.operand)})`),
  // Division is always real division (no silent integer truncation of 5/2), and NULL on a zero
  // divisor in both dialects, as SQLite already does.
  binary: (n, c) =>
    n.op !== '/' ? `(${c.compile(n.left)} ${n.op} ${c.compile(n.right)})`
    : c.dialect === 'sqlite' ? `(CAST(${c.compile(n.left)} AS REAL) / ${c.compile(n.right)})`
    : `(CAST(${c.compile(n.left)} AS double precision) / NULLIF(${c.compile(n.right)}, 0))`,
  comparison: (n, c) => {
    const t = c.isTemporal(n.left) || c.isTemporal(n.right);
    const ordered = n.op !== '=' && n.op !== '<>';
    return `(${c.collated(n.left, c.operand(n.left, t), ordered)} ${n.op} ${c.collated(n.right, c.operand(n.right, t), ordered)})`;
  },
  logical: (n, c) => `(${n.operands.map((o) => c.compile(o)).join(` ${n.op} `)})`,
  in: (n, c) => {
    const t = [n.value, ...n.list].some((o) => c.isTemporal(o));
    return `(${c.operand(n.value, t)} ${not(n.negated)}IN (${n.list.map((o) => c.operand(o, t)).join(', ')}))`;
  },
  between: (n, c) => {
    const t = [n.value, n.low, n.high].some((o) => c.isTemporal(o));
    return `(${c.collated(n.value, c.operand(n.value, t), true)} ${not(n.negated)}BETWEEN ${c.operand(n.low, t)} AND ${c.operand(n.high, t)})`;
  },
  // LIKE is case-sensitive, as standard SQL and Postgres have it; use UPPER() on both sides for a
  // case-insensitive search. SQLite's own LIKE ignores ASCII case, hence q_like (registered by
  // registerWhereFunctions). Postgres's LIKE escapes with `\` by default, so the escape is explicit.
  like: (n, c) =>
    c.dialect === 'sqlite'
      ? `(${not(n.negated)}q_like(${c.compile(n.value)}, ${c.compile(n.pattern)}, ${n.escape === null ? 'NULL' : c.bind(n.escape)}))`
      : `(CAST(${c.compile(n.value)} AS text) ${not(n.negated)}LIKE ${c.compile(n.pattern)} ESCAPE ${n.escape === null ? "''" : c.bind(n.escape)})`,
  isNull: (n, c) => `(${c.compile(n.value)} IS ${not(n.negated)}NULL)`,
  function: (n, c) => (WHERE_FUNCTIONS[n.name] as WhereFunction).sql[c.dialect](n.args.map((a) => c.compile(a))),
  cast: (n, c) => CASTS[c.dialect][n.type](c.compile(n.value)),
  extract: (n, c) =>
    c.dialect === 'postgres' ? `EXTRACT(${n.part} FROM ${c.compile(n.value)})`
    : `CAST(strftime('${STRFTIME[n.part]}', ${c.compile(n.value)}) AS ${n.part === 'SECOND' ? 'REAL' : 'INTEGER'})`,
  position: (n, c) =>
    c.dialect === 'postgres' ? `position(${c.compile(n.needle)} IN ${c.compile(n.haystack)})`
    : `instr(${c.compile(n.haystack)}, ${c.compile(n.needle)})`,
  substring: (n, c) =>
    c.dialect === 'postgres'
      ? `substring(${c.compile(n.value)} FROM ${c.compile(n.start)}${n.length ? ` FOR ${c.compile(n.length)}` : ''})`
      : `substr(${c.compile(n.value)}, ${c.compile(n.start)}${n.length ? `, ${c.compile(n.length)}` : ''})`,
  trim: (n, c) =>
    c.dialect === 'postgres'
      ? `trim(${n.side} ${n.chars ? `${c.compile(n.chars)} ` : ''}FROM ${c.compile(n.value)})`
      : `${SQLITE_TRIM[n.side]}(${c.compile(n.value)}${n.chars ? `, ${c.compile(n.chars)}` : ''})`,
};

/**
 * Compiles a parsed where clause to a parameterised SQL condition. Dates: a comparison, BETWEEN or
 * IN involving a 'date' field, a DATE/TIMESTAMP literal or CURRENT_DATE/CURRENT_TIMESTAMP compares
 * instants — through `julianday()` in SQLite, where GeoPackage keeps `YYYY-MM-DD` and
 * `YYYY-MM-DDTHH:MM:SS.SSSZ` text, and through `timestamptz` parameters in Postgres (UTC).
 * SQLite connections must have {@link registerWhereFunctions} applied.
 * @throws WhereClauseError for a field `resolveField` does not know.
 */
export function compileWhereToSql(node: WhereNode, options: SqlCompileOptions): CompiledWhere {
  const { dialect } = options;
  const offset = options.paramOffset ?? 0;
  const params: unknown[] = [];
  const fields = new Map<string, ResolvedField>();
  const c: Context = {
    dialect,
    now: new Date(),
    compile: (n) => (COMPILERS[n.kind] as (n: WhereNode, c: Context) => string)(n, c),
    operand: (n, temporal) => (temporal && dialect === 'sqlite' ? `julianday(${c.compile(n)})` : c.compile(n)),
    isTemporal: (n) => isTemporalOperand(n, (name) => c.field(name).type),
    collated: (n, sql, ordered) => (dialect === 'postgres' && ordered && isText(n, (name) => c.field(name).type) ? `${sql} COLLATE "C"` : sql),
    field: (name) => {
      let f = fields.get(name);
      if (!f) {
        f = options.resolveField(name) ?? undefined;
        if (!f) throw WhereClauseError.unknownField(name);
        fields.set(name, f);
      }
      return f;
    },
    bind: (value, pgType) => {
      params.push(value);
      return dialect === 'sqlite' ? '?' : `$${offset + params.length}${pgType ? `::${pgType}` : ''}`;
    },
  };
  return { sql: c.compile(node), params };
}

/** Text as SQLite would hand it to a string function, from whatever better-sqlite3 passes in. */
const sqliteText = (v: unknown): string =>
  typeof v === 'number' ? toText(v) : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);

/**
 * Registers the SQL functions compiled where clauses call on SQLite: `q_like` (case-sensitive
 * LIKE with ESCAPE, shared with the JavaScript evaluator) and Unicode-aware `q_upper`/`q_lower`
 * (SQLite's built-ins only fold ASCII, so `UPPER(NAME) LIKE '%ÉCOLE%'` would miss).
 */
export function registerWhereFunctions(db: Database.Database): void {
  const options = { deterministic: true };
  db.function('q_like', options, (value: unknown, pattern: unknown, escape: unknown) =>
    value === null || pattern === null ? null : Number(matchLike(sqliteText(value), sqliteText(pattern), escape as string | null)));
  db.function('q_upper', options, (value: unknown) => (value === null ? null : sqliteText(value).toUpperCase()));
  db.function('q_lower', options, (value: unknown) => (value === null ? null : sqliteText(value).toLowerCase()));
}
