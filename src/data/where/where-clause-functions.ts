/**
 * The allow-list of scalar functions: arity for the parser, SQL per dialect for the SQL compiler
 * and a JavaScript implementation (with SQLite's semantics) for the in-memory evaluator. A name
 * missing here is rejected by the parser, which is what keeps `load_extension()` and friends out.
 * @module data/where/where-clause-functions
 */
import type { WhereValue } from './where-clause-values.js';
import { compareValues, numericAffinity, toNumber, toText } from './where-clause-values.js';

/** SQL dialects the compiler can target. */
export type SqlDialect = 'sqlite' | 'postgres';

/** One allow-listed function. */
export type WhereFunction = {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Builds the call from already compiled argument SQL. */
  readonly sql: Readonly<Record<SqlDialect, (args: string[]) => string>>;
} & (
  /** SQL NULL in any argument makes the result NULL, so `evaluate` never sees one. */
  | { readonly nullSafe?: false; readonly evaluate: (args: (string | number)[]) => WhereValue }
  | { readonly nullSafe: true; readonly evaluate: (args: WhereValue[]) => WhereValue }
);

const call = (name: string) => (args: string[]) => `${name}(${args.join(', ')})`;
const both = (name: string) => ({ sqlite: call(name), postgres: call(name) });
const concat = (args: string[]) => `(${args.join(' || ')})`;

/**
 * SQLite's math functions: NULL for arguments that are not numbers and for domain errors, which
 * JavaScript reports as NaN.
 */
function math(sqlite: string, f: (...x: number[]) => number, arity = 1, postgres = call(sqlite)): WhereFunction {
  return {
    minArgs: arity,
    maxArgs: arity,
    sql: { sqlite: call(sqlite), postgres },
    evaluate: (args) => {
      const xs = args.map(numericAffinity);
      if (!xs.every((x): x is number => typeof x === 'number')) return null;
      const y = f(...xs);
      return Number.isNaN(y) ? null : y;
    },
  };
}

/** Unicode case mapping; SQLite's built-in upper()/lower() only know ASCII, hence q_upper/q_lower. */
const caseMap = (sqlite: string, postgres: string, f: (s: string) => string): WhereFunction => ({
  minArgs: 1, maxArgs: 1, sql: { sqlite: call(sqlite), postgres: call(postgres) }, evaluate: ([s]) => f(toText(s)),
});

/**
 * SQLite's round(): digits clamped to 0–30; with 0 digits it adds ±0.5 and truncates, otherwise
 * it prints the exact binary value to that many places, which is what toFixed does.
 */
function sqliteRound(x: number, digits: number): number {
  const n = Math.min(Math.max(Math.trunc(digits), 0), 30);
  if (!Number.isFinite(x) || Math.abs(x) > 2 ** 52) return x;
  return n === 0 ? Math.trunc(x + (x < 0 ? -0.5 : 0.5)) : Number(x.toFixed(n));
}

const positiveOnly = (f: (x: number) => number) => (x: number) => (x > 0 ? f(x) : NaN);

/*
 * Postgres raises an error where SQLite's math functions return NULL (a logarithm of 0, the
 * square root of a negative number, asin(2), 0 to a negative power); the argument is made NULL
 * outside the domain instead. Repeating an argument's SQL is safe: Postgres placeholders are
 * numbered, so a repeated `$3` is the same parameter.
 */
const pgDomain = (name: string, inDomain: (x: string) => string) => ([x]: string[]) => `${name}(CASE WHEN ${inDomain(x!)} THEN ${x} END)`;
const pgPower = ([a, b]: string[]) =>
  `(CASE WHEN (${a} = 0 AND ${b} < 0) OR (${a} < 0 AND ${b} <> trunc(${b})) THEN NULL ELSE power(${a}, ${b}) END)`;

const CHAR_LENGTH: WhereFunction = {
  minArgs: 1, maxArgs: 1, sql: { sqlite: call('length'), postgres: call('char_length') },
  evaluate: ([s]) => [...toText(s)].length,
};

/** Allow-listed functions by upper-case name. */
export const WHERE_FUNCTIONS = {
  UPPER: caseMap('q_upper', 'upper', (s) => s.toUpperCase()),
  LOWER: caseMap('q_lower', 'lower', (s) => s.toLowerCase()),
  CHAR_LENGTH,
  CHARACTER_LENGTH: CHAR_LENGTH,
  // `||` rather than concat(): NULL propagates, as with the operator, in both dialects.
  CONCAT: { minArgs: 2, maxArgs: Infinity, sql: { sqlite: concat, postgres: concat }, evaluate: (args) => args.map(toText).join('') },
  COALESCE: { minArgs: 2, maxArgs: Infinity, sql: both('coalesce'), nullSafe: true, evaluate: (args) => args.find((a) => a !== null) ?? null },
  NULLIF: {
    minArgs: 2, maxArgs: 2, sql: both('nullif'), nullSafe: true,
    evaluate: ([a, b]) => (a != null && b != null && compareValues(a, b) === 0 ? null : a ?? null),
  },
  ABS: { minArgs: 1, maxArgs: 1, sql: both('abs'), evaluate: ([x]) => Math.abs(toNumber(x)) },
  CEILING: math('ceil', Math.ceil, 1, call('ceiling')),
  FLOOR: math('floor', Math.floor),
  ROUND: {
    minArgs: 1, maxArgs: 2,
    // Postgres only rounds half away from zero (like SQLite) for numeric, and only numeric takes digits.
    sql: { sqlite: call('round'), postgres: ([x, d]) => `round(CAST(${x} AS numeric)${d === undefined ? '' : `, CAST(${d} AS integer)`})` },
    evaluate: ([x, d]) => sqliteRound(toNumber(x), d === undefined ? 0 : toNumber(d)),
  },
  // Postgres has no mod(double precision) and raises on a zero divisor where SQLite returns NULL.
  MOD: math('mod', (a, b) => a % b, 2, ([a, b]) => `mod(CAST(${a} AS numeric), NULLIF(CAST(${b} AS numeric), 0))`),
  POWER: math('power', Math.pow, 2, pgPower),
  SQRT: math('sqrt', Math.sqrt, 1, pgDomain('sqrt', (x) => `${x} >= 0`)),
  LOG: math('ln', positiveOnly(Math.log), 1, pgDomain('ln', (x) => `${x} > 0`)),
  LOG10: math('log10', positiveOnly(Math.log10), 1, pgDomain('log10', (x) => `${x} > 0`)),
  EXP: math('exp', Math.exp),
  SIN: math('sin', Math.sin),
  COS: math('cos', Math.cos),
  TAN: math('tan', Math.tan),
  ASIN: math('asin', Math.asin, 1, pgDomain('asin', (x) => `${x} BETWEEN -1 AND 1`)),
  ACOS: math('acos', Math.acos, 1, pgDomain('acos', (x) => `${x} BETWEEN -1 AND 1`)),
  ATAN: math('atan', Math.atan),
} satisfies Record<string, WhereFunction>;

/** Name of an allow-listed function. */
export type WhereFunctionName = keyof typeof WHERE_FUNCTIONS;
