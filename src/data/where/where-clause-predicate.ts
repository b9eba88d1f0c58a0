/**
 * Compiles a where-clause tree to a JavaScript predicate for in-memory sources (GeoJSON). It
 * mirrors what the SQLite compilation returns — SQLite's type conversions and affinity rules,
 * SQL three-valued logic — so a layer answers alike whether it is backed by a file or a GeoPackage.
 * @module data/where/where-clause-predicate
 */
import type { BinaryOperator, CastType, ComparisonOperator, ExtractPart, WhereFieldType, WhereNode } from './where-clause-ast.js';
import { isTemporalOperand } from './where-clause-ast.js';
import { WhereClauseError } from './where-clause-error.js';
import { WHERE_FUNCTIONS, type WhereFunction } from './where-clause-functions.js';
import type { WhereValue } from './where-clause-values.js';
import { compareValues, matchLike, numericAffinity, toEpochMs, toNumber, toText } from './where-clause-values.js';

/** Where a field's value lives in the attributes record, and its type. */
export interface PredicateField { key: string; type: WhereFieldType }

type Row = Record<string, unknown>;
type Evaluate = (row: Row) => WhereValue;
/** SQLite column affinity, which decides how mixed text/number comparisons convert. */
type Affinity = 'numeric' | 'text' | 'none';
interface Operand { evaluate: Evaluate; affinity: Affinity }

interface Context {
  readonly now: Date;
  compile(node: WhereNode): Evaluate;
  operand(node: WhereNode, temporal: boolean): Operand;
  isTemporal(node: WhereNode): boolean;
  field(name: string): PredicateField;
}

type Compilers = { [K in WhereNode['kind']]: (node: Extract<WhereNode, { kind: K }>, c: Context) => Evaluate };

/** SQLite truthiness: NULL is unknown, otherwise non-zero as a number. */
const truth = (v: WhereValue): 0 | 1 | null => (v === null ? null : toNumber(v) !== 0 ? 1 : 0);
const bool = (b: boolean): 0 | 1 => (b ? 1 : 0);
/** SQLite turns NaN results (∞ − ∞, domain errors) into NULL. */
const finite = (x: number): number | null => (Number.isNaN(x) ? null : x);

const FIELD_AFFINITY: Record<WhereFieldType, Affinity> = { integer: 'numeric', double: 'numeric', string: 'text', date: 'none', other: 'none' };
const CAST_AFFINITY: Record<CastType, Affinity> = { integer: 'numeric', real: 'numeric', text: 'text' };

/**
 * SQLite's comparison conversions (datatype3 §4.2): an operand without numeric affinity takes the
 * other's numeric affinity; one with no affinity takes the other's text affinity.
 */
function withAffinity(v: string | number, own: Affinity, other: Affinity): string | number {
  if (other === 'numeric' && own !== 'numeric') return numericAffinity(v);
  if (other === 'text' && own === 'none' && typeof v === 'number') return toText(v);
  return v;
}

/** Compares two non-null operand values the way SQLite would, or null when either is NULL. */
function compareOperands(x: WhereValue, a: Affinity, y: WhereValue, b: Affinity): number | null {
  return x === null || y === null ? null : compareValues(withAffinity(x, a, b), withAffinity(y, b, a));
}

/**
 * An attribute as SQLite would hold it: booleans as 1/0, and date fields as GeoPackage DATETIME
 * text, so epoch-millisecond numbers compare, LIKE and EXTRACT exactly as stored text would.
 */
function attributeValue(v: unknown, type: WhereFieldType): WhereValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return null;
    if (type !== 'date') return v;
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  return JSON.stringify(v);
}

const COMPARE: Record<ComparisonOperator, (c: number) => boolean> = {
  '=': (c) => c === 0, '<>': (c) => c !== 0, '<': (c) => c < 0, '<=': (c) => c <= 0, '>': (c) => c > 0, '>=': (c) => c >= 0,
};

const ARITHMETIC: Record<BinaryOperator, (a: string | number, b: string | number) => WhereValue> = {
  '+': (a, b) => finite(toNumber(a) + toNumber(b)),
  '-': (a, b) => finite(toNumber(a) - toNumber(b)),
  '*': (a, b) => finite(toNumber(a) * toNumber(b)),
  // Real division, NULL for a zero divisor: as the SQL compiler emits it.
  '/': (a, b) => (toNumber(b) === 0 ? null : finite(toNumber(a) / toNumber(b))),
  '||': (a, b) => toText(a) + toText(b),
};

const CASTS: Record<CastType, (v: string | number) => WhereValue> = {
  // SQLite reads only a leading integer from text: CAST('1e3' AS INTEGER) is 1.
  integer: (v) => (typeof v === 'number' ? Math.trunc(v) : Number(/^\s*[+-]?\d+/.exec(v)?.[0] ?? 0)),
  real: toNumber,
  text: toText,
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const EXTRACT: Record<ExtractPart, (d: Date) => number> = {
  YEAR: (d) => d.getUTCFullYear(),
  MONTH: (d) => d.getUTCMonth() + 1,
  DAY: (d) => d.getUTCDate(),
  HOUR: (d) => d.getUTCHours(),
  MINUTE: (d) => d.getUTCMinutes(),
  // Parsed from "SS.SSS" like CAST(strftime('%f') AS REAL), so the doubles are identical.
  SECOND: (d) => Number(`${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`),
};

/** SQLite's substr(): 1-based, negative start counts from the end, negative length takes characters before. */
function substr(text: string, start: number, length: number | null): string {
  const chars = [...text];
  let p1 = Math.trunc(start);
  let p2 = length === null ? chars.length + 1 : Math.trunc(length);
  const before = p2 < 0;
  if (before) p2 = -p2;
  if (p1 < 0) {
    p1 += chars.length;
    if (p1 < 0) {
      p2 = Math.max(p2 + p1, 0);
      p1 = 0;
    }
  } else if (p1 > 0) {
    p1--;
  } else if (p2 > 0) {
    p2--;
  }
  if (before) {
    p1 -= p2;
    if (p1 < 0) {
      p2 += p1;
      p1 = 0;
    }
  }
  return chars.slice(p1, p1 + p2).join('');
}

/** Evaluates children first, answering NULL when any of them is NULL. */
function strict(evaluators: Evaluate[], f: (values: (string | number)[]) => WhereValue): Evaluate {
  return (row) => {
    const values = evaluators.map((e) => e(row));
    return values.includes(null) ? null : f(values as (string | number)[]);
  };
}

const COMPILERS: Compilers = {
  literal: (n) => {
    const value = n.type === 'boolean' ? bool(n.value) : n.value;
    return () => value;
  },
  field: (n, c) => {
    const { key, type } = c.field(n.name);
    return (row) => attributeValue(row[key], type);
  },
  current: (n, c) => {
    const value = n.what === 'DATE' ? c.now.toISOString().slice(0, 10) : c.now.toISOString();
    return () => value;
  },
  unary: (n, c) => {
    const operand = c.compile(n.operand);
    if (n.op === 'NOT') return (row) => { const t = truth(operand(row)); return t === null ? null : bool(!t); };
    return strict([operand], ([v]) => -toNumber(v));
  },
  binary: (n, c) => strict([c.compile(n.left), c.compile(n.right)], ([a, b]) => ARITHMETIC[n.op](a, b)),
  comparison: (n, c) => {
    const t = c.isTemporal(n.left) || c.isTemporal(n.right);
    const [l, r] = [c.operand(n.left, t), c.operand(n.right, t)];
    const test = COMPARE[n.op];
    return (row) => {
      const cmp = compareOperands(l.evaluate(row), l.affinity, r.evaluate(row), r.affinity);
      return cmp === null ? null : bool(test(cmp));
    };
  },
  logical: (n, c) => {
    const operands = n.operands.map((o) => c.compile(o));
    // AND stops at the first FALSE, OR at the first TRUE; otherwise any unknown makes it unknown.
    const decisive = n.op === 'AND' ? 0 : 1;
    return (row) => {
      let result: 0 | 1 | null = decisive === 0 ? 1 : 0;
      for (const operand of operands) {
        const t = truth(operand(row));
        if (t === decisive) return decisive;
        if (t === null) result = null;
      }
      return result;
    };
  },
  in: (n, c) => {
    const t = [n.value, ...n.list].some((o) => c.isTemporal(o));
    const value = c.operand(n.value, t);
    // List items never lend their own affinity (SQLite treats `x IN (a, b)` as `x = +a OR x = +b`).
    const list = n.list.map((o) => c.operand(o, t).evaluate);
    return (row) => {
      const x = value.evaluate(row);
      if (x === null) return null;
      let found: 0 | 1 | null = 0;
      for (const item of list) {
        const cmp = compareOperands(x, value.affinity, item(row), 'none');
        if (cmp === 0) { found = 1; break; }
        if (cmp === null) found = null;
      }
      return found === null ? null : bool(!!found !== n.negated);
    };
  },
  between: (n, c) => {
    const t = [n.value, n.low, n.high].some((o) => c.isTemporal(o));
    const [v, lo, hi] = [n.value, n.low, n.high].map((o) => c.operand(o, t)) as [Operand, Operand, Operand];
    return (row) => {
      const x = v.evaluate(row);
      const above = compareOperands(x, v.affinity, lo.evaluate(row), lo.affinity);
      const below = compareOperands(x, v.affinity, hi.evaluate(row), hi.affinity);
      // `x >= lo AND x <= hi` in three-valued logic.
      if ((above !== null && above < 0) || (below !== null && below > 0)) return bool(n.negated);
      return above === null || below === null ? null : bool(!n.negated);
    };
  },
  like: (n, c) => {
    const test = strict([c.compile(n.value), c.compile(n.pattern)], ([v, p]) => bool(matchLike(toText(v), toText(p), n.escape)));
    return (row) => { const t = test(row); return t === null ? null : bool(!!t !== n.negated); };
  },
  isNull: (n, c) => {
    const value = c.compile(n.value);
    return (row) => bool((value(row) === null) !== n.negated);
  },
  function: (n, c) => {
    const fn = WHERE_FUNCTIONS[n.name] as WhereFunction;
    const args = n.args.map((a) => c.compile(a));
    return fn.nullSafe ? (row) => fn.evaluate(args.map((a) => a(row))) : strict(args, fn.evaluate);
  },
  cast: (n, c) => strict([c.compile(n.value)], ([v]) => CASTS[n.type](v)),
  extract: (n, c) => {
    const value = c.compile(n.value);
    return (row) => {
      const ms = toEpochMs(value(row));
      return ms === null ? null : EXTRACT[n.part](new Date(ms));
    };
  },
  position: (n, c) =>
    strict([c.compile(n.needle), c.compile(n.haystack)], ([needle, haystack]) => {
      const text = toText(haystack);
      const i = text.indexOf(toText(needle));
      return i < 0 ? 0 : [...text.slice(0, i)].length + 1;
    }),
  substring: (n, c) => {
    const parts = [n.value, n.start, ...(n.length ? [n.length] : [])].map((o) => c.compile(o));
    return strict(parts, ([v, start, length]) => substr(toText(v), toNumber(start), length === undefined ? null : toNumber(length)));
  },
  trim: (n, c) => {
    const parts = [n.value, ...(n.chars ? [n.chars] : [])].map((o) => c.compile(o));
    return strict(parts, ([v, chars = ' ']) => {
      const text = [...toText(v)];
      const set = new Set(toText(chars));
      let [a, b] = [0, text.length];
      if (n.side !== 'TRAILING') while (a < b && set.has(text[a])) a++;
      if (n.side !== 'LEADING') while (b > a && set.has(text[b - 1])) b--;
      return text.slice(a, b).join('');
    });
  },
};

/**
 * Compiles a parsed where clause to a predicate over attribute records. A record passes only when
 * the clause is TRUE (not FALSE or unknown). Date fields may hold epoch milliseconds or ISO text.
 * @throws WhereClauseError for a field `resolveField` does not know.
 */
export function compileWhereToPredicate(
  node: WhereNode,
  resolveField: (name: string) => PredicateField | null,
): (attributes: Record<string, unknown>) => boolean {
  const fields = new Map<string, PredicateField>();
  const c: Context = {
    now: new Date(),
    compile: (n) => (COMPILERS[n.kind] as (n: WhereNode, c: Context) => Evaluate)(n, c),
    operand: (n, temporal) => {
      const evaluate = c.compile(n);
      if (temporal) return { evaluate: (row) => toEpochMs(evaluate(row)), affinity: 'none' };
      const affinity = n.kind === 'field' ? FIELD_AFFINITY[c.field(n.name).type] : n.kind === 'cast' ? CAST_AFFINITY[n.type] : 'none';
      return { evaluate, affinity };
    },
    isTemporal: (n) => isTemporalOperand(n, (name) => c.field(name).type),
    field: (name) => {
      let f = fields.get(name);
      if (!f) {
        f = resolveField(name) ?? undefined;
        if (!f) throw WhereClauseError.unknownField(name);
        fields.set(name, f);
      }
      return f;
    },
  };
  const evaluate = c.compile(node);
  return (attributes) => truth(evaluate(attributes)) === 1;
}
