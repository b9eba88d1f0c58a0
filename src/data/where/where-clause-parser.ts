/**
 * Tokenizer and recursive-descent parser for ArcGIS "standardized SQL" where clauses (the
 * `where` of layer queries and of `layerDefs`). Anything outside the grammar — statement
 * separators, comments, subqueries, unknown functions — is a {@link WhereClauseError}, so the
 * compilers only ever see a known, bounded tree.
 * @module data/where/where-clause-parser
 */
import type { BinaryOperator, CastType, ComparisonOperator, ExtractPart, TrimSide, WhereNode } from './where-clause-ast.js';
import { WhereClauseError } from './where-clause-error.js';
import { WHERE_FUNCTIONS, type WhereFunctionName } from './where-clause-functions.js';

export { WhereClauseError } from './where-clause-error.js';

/** Longer input is refused before tokenizing; real clauses are far shorter. */
const MAX_LENGTH = 16_384;
/** Bound on parser recursion (and so on tree height) so no input can exhaust the stack. */
const MAX_DEPTH = 64;

interface Token {
  /** word: bare identifier or keyword; quoted: "identifier"; string: value with quotes removed. */
  type: 'number' | 'string' | 'word' | 'quoted' | 'op' | 'end';
  text: string;
  /** 0-based offset in the input; messages show it 1-based. */
  pos: number;
}

const WHITESPACE = /\s+/y;
const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const WORD = /[\p{L}_][\p{L}\p{M}\p{N}_]*/uy;
const WORD_CHAR = /[\p{L}\p{N}_'"]/u;
// Longest first so `<=` is not read as `<` then `=`.
const OPERATORS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '(', ')', ','];

const at = (pos: number) => `position ${pos + 1}`;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (re: RegExp) => {
    re.lastIndex = i;
    return re.exec(text)?.[0];
  };
  while (true) {
    i += match(WHITESPACE)?.length ?? 0;
    if (i >= text.length) break;
    const pos = i;
    if (text.startsWith('--', i) || text.startsWith('/*', i)) throw new WhereClauseError(`comments are not allowed (${at(pos)})`);
    const prefixed = (text[i] === 'N' || text[i] === 'n') && text[i + 1] === "'";
    if (text[i] === "'" || prefixed) {
      const { value, end } = quoted(text, prefixed ? i + 1 : i, 'string');
      tokens.push({ type: 'string', text: value, pos });
      i = end;
      continue;
    }
    if (text[i] === '"') {
      const { value, end } = quoted(text, i, 'quoted identifier');
      if (!value) throw new WhereClauseError(`empty quoted identifier at ${at(pos)}`);
      tokens.push({ type: 'quoted', text: value, pos });
      i = end;
      continue;
    }
    const num = match(NUMBER);
    if (num !== undefined) {
      i += num.length;
      if (WORD_CHAR.test(text[i] ?? '')) throw new WhereClauseError(`unexpected character after a number at ${at(i)}`);
      tokens.push({ type: 'number', text: num, pos });
      continue;
    }
    const word = match(WORD);
    const op = word ?? OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) {
      throw new WhereClauseError(`unexpected ${WhereClauseError.quote(String.fromCodePoint(text.codePointAt(i)!))} at ${at(pos)}`);
    }
    tokens.push({ type: word === undefined ? 'op' : 'word', text: op, pos });
    i += op.length;
  }
  tokens.push({ type: 'end', text: '', pos: text.length });
  return tokens;
}

/** Reads a quote-delimited token starting at `open`, where a doubled quote stands for one. */
function quoted(text: string, open: number, what: string): { value: string; end: number } {
  const q = text[open]!;
  let value = '';
  for (let i = open + 1; ; ) {
    const close = text.indexOf(q, i);
    if (close < 0) throw new WhereClauseError(`unterminated ${what} starting at ${at(open)}`);
    value += text.slice(i, close);
    if (text[close + 1] !== q) return { value, end: close + 1 };
    value += q;
    i = close + 2;
  }
}

const COMPARISONS: Record<string, ComparisonOperator> = { '=': '=', '<>': '<>', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const COMPARISON_TOKENS = Object.keys(COMPARISONS);
/** Binary operator levels, loosest first; `||` sits below arithmetic as in PostgreSQL. */
const BINARY_LEVELS: readonly (readonly BinaryOperator[])[] = [['||'], ['+', '-'], ['*', '/']];
const CAST_TYPES: Record<string, CastType> = {
  INTEGER: 'integer', INT: 'integer', SMALLINT: 'integer', BIGINT: 'integer',
  REAL: 'real', FLOAT: 'real', DOUBLE: 'real', NUMERIC: 'real', DECIMAL: 'real',
  CHAR: 'text', CHARACTER: 'text', VARCHAR: 'text', NCHAR: 'text', NVARCHAR: 'text', TEXT: 'text',
};
const EXTRACT_PARTS: readonly ExtractPart[] = ['YEAR', 'MONTH', 'DAY', 'HOUR', 'MINUTE', 'SECOND'];
const TRIM_SIDES: readonly TrimSide[] = ['BOTH', 'LEADING', 'TRAILING'];
const CONSTANTS: Record<string, WhereNode> = {
  NULL: { kind: 'literal', type: 'null', value: null },
  TRUE: { kind: 'literal', type: 'boolean', value: true },
  FALSE: { kind: 'literal', type: 'boolean', value: false },
  CURRENT_DATE: { kind: 'current', what: 'DATE' },
  CURRENT_TIMESTAMP: { kind: 'current', what: 'TIMESTAMP' },
};
/** Keywords that cannot be bare field names (quote such a field: `"FROM"`). */
const RESERVED = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'LIKE', 'BETWEEN', 'ESCAPE', 'AS', 'FROM', 'FOR', 'SELECT', 'EXISTS']);
const PREDICATE_KINDS = new Set<WhereNode['kind']>(['comparison', 'logical', 'in', 'between', 'like', 'isNull']);

const isPredicate = (n: WhereNode) => PREDICATE_KINDS.has(n.kind) || (n.kind === 'unary' && n.op === 'NOT');
const isBoolean = (n: WhereNode) => n.kind === 'literal' && n.type === 'boolean';

const TEMPORAL_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?$/;

/**
 * `DATE '…'` / `TIMESTAMP '…'` in canonical UTC form, or null when not a real calendar date/time.
 * A DATE with a time part is read as a timestamp: ArcGIS documents `DATE 'yyyy-mm-dd hh:mm:ss'`.
 */
function temporalLiteral(keyword: string, text: string): WhereNode | null {
  const m = TEMPORAL_TEXT.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0));
  const ms = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const real = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
    && date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
  if (!real) return null;
  return keyword === 'DATE' && m[4] === undefined
    ? { kind: 'literal', type: 'date', value: text }
    : { kind: 'literal', type: 'timestamp', value: date.toISOString() };
}

class Parser {
  private i = 0;
  private depth = 0;
  /** Functions with SQL-standard keyword syntax, recognised only when followed by `(`. */
  private readonly specialForms: Record<string, () => WhereNode> = {
    CAST: () => this.cast(),
    EXTRACT: () => this.extract(),
    POSITION: () => this.position(),
    SUBSTRING: () => this.substring(),
    TRIM: () => this.trim(),
  };

  constructor(private readonly tokens: Token[]) {}

  parse(): WhereNode {
    if (this.peek().type === 'end') throw new WhereClauseError('the where clause is empty');
    const start = this.peek();
    const node = this.condition(start, this.or());
    if (this.peek().type !== 'end') this.fail();
    return node;
  }

  // ---- token helpers

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'end') this.i++;
    return t;
  }

  private isWord(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'word' && t.text.toUpperCase() === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail();
  }

  private acceptOp<T extends string>(ops: readonly T[]): T | undefined {
    const t = this.peek();
    const op = t.type === 'op' ? ops.find((o) => o === t.text) : undefined;
    if (op) this.i++;
    return op;
  }

  private expectOp(op: string): void {
    if (!this.acceptOp([op])) this.fail();
  }

  /** Throws "unexpected …" for the current token (or `t`). */
  private fail(t = this.peek()): never {
    if (t.type === 'end') throw new WhereClauseError('unexpected end of the where clause');
    const what = t.type === 'string' ? 'string' : WhereClauseError.quote(t.text);
    throw new WhereClauseError(`unexpected ${what} at ${at(t.pos)}`);
  }

  /** Counts one level of nesting, failing cleanly before the stack or the tree can grow too deep. */
  private deepen(): void {
    if (++this.depth > MAX_DEPTH) throw new WhereClauseError(`expression is nested too deeply (maximum depth ${MAX_DEPTH})`);
  }

  private nest<T>(parse: () => T): T {
    this.deepen();
    const result = parse();
    this.depth--;
    return result;
  }

  /** `node`, which began at `start`, used where a true/false condition is required. */
  private condition(start: Token, node: WhereNode): WhereNode {
    if (!isPredicate(node) && !isBoolean(node)) throw new WhereClauseError(`expected a condition at ${at(start.pos)}`);
    return node;
  }

  /** `node`, which began at `start`, used where a value is required (not e.g. `(a = 1) + 1`). */
  private value(start: Token, node: WhereNode): WhereNode {
    if (isPredicate(node)) throw new WhereClauseError(`expected a value, not a condition, at ${at(start.pos)}`);
    return node;
  }

  /** A full value expression (function arguments, list items). */
  private valueExpr(): WhereNode {
    const start = this.peek();
    return this.value(start, this.or());
  }

  // ---- grammar, loosest binding first

  private or(): WhereNode {
    return this.nest(() => this.logical('OR', () => this.and()));
  }

  private and(): WhereNode {
    return this.logical('AND', () => this.not());
  }

  private logical(op: 'AND' | 'OR', operand: () => WhereNode): WhereNode {
    const starts = [this.peek()];
    const operands = [operand()];
    while (this.acceptWord(op)) {
      starts.push(this.peek());
      operands.push(operand());
    }
    if (operands.length === 1) return operands[0]!;
    return { kind: 'logical', op, operands: operands.map((n, k) => this.condition(starts[k]!, n)) };
  }

  private not(): WhereNode {
    if (!this.acceptWord('NOT')) return this.predicate();
    const start = this.peek();
    return this.nest(() => ({ kind: 'unary', op: 'NOT', operand: this.condition(start, this.not()) }));
  }

  /** A value optionally followed by one comparison, IS, IN, BETWEEN or LIKE (they do not chain). */
  private predicate(): WhereNode {
    const start = this.peek();
    const left = this.binary(0);
    const cmp = this.acceptOp(COMPARISON_TOKENS);
    if (cmp) {
      const rightStart = this.peek();
      const right = this.value(rightStart, this.binary(0));
      return { kind: 'comparison', op: COMPARISONS[cmp]!, left: this.value(start, left), right };
    }
    if (this.acceptWord('IS')) {
      const negated = this.acceptWord('NOT');
      this.expectWord('NULL');
      return { kind: 'isNull', negated, value: this.value(start, left) };
    }
    const negated = this.isWord('NOT') && ['IN', 'BETWEEN', 'LIKE'].some((w) => this.isWord(w, 1));
    if (negated) this.i++;
    if (this.acceptWord('IN')) {
      this.expectOp('(');
      const list = [this.valueExpr()];
      while (this.acceptOp([','])) list.push(this.valueExpr());
      this.expectOp(')');
      return { kind: 'in', negated, value: this.value(start, left), list };
    }
    if (this.acceptWord('BETWEEN')) {
      const low = this.operand();
      this.expectWord('AND');
      return { kind: 'between', negated, value: this.value(start, left), low, high: this.operand() };
    }
    if (this.acceptWord('LIKE')) {
      const pattern = this.operand();
      let escape: string | null = null;
      if (this.acceptWord('ESCAPE')) {
        const t = this.next();
        if (t.type !== 'string' || [...t.text].length !== 1) {
          throw new WhereClauseError(`ESCAPE needs a single-character string at ${at(t.pos)}`);
        }
        escape = t.text;
      }
      return { kind: 'like', negated, value: this.value(start, left), pattern, escape };
    }
    return left;
  }

  /** A value at the concatenation level, as BETWEEN bounds and LIKE patterns must be. */
  private operand(): WhereNode {
    const start = this.peek();
    return this.value(start, this.binary(0));
  }

  private binary(level: number): WhereNode {
    if (level === BINARY_LEVELS.length) return this.unary();
    const start = this.peek();
    let left = this.binary(level + 1);
    const depth = this.depth;
    let op: BinaryOperator | undefined;
    while ((op = this.acceptOp(BINARY_LEVELS[level]!))) {
      // Each link makes the left-leaning tree one level taller, so it counts towards the depth bound.
      this.deepen();
      const rightStart = this.peek();
      left = { kind: 'binary', op, left: this.value(start, left), right: this.value(rightStart, this.binary(level + 1)) };
    }
    this.depth = depth;
    return left;
  }

  private unary(): WhereNode {
    const op = this.acceptOp(['-', '+']);
    if (!op) return this.primary();
    const start = this.peek();
    return this.nest(() => {
      const operand = this.value(start, this.unary());
      if (op === '+') return operand;
      return operand.kind === 'literal' && operand.type === 'number'
        ? { kind: 'literal', type: 'number', value: -operand.value }
        : { kind: 'unary', op: '-', operand };
    });
  }

  private primary(): WhereNode {
    const t = this.next();
    switch (t.type) {
      case 'number': {
        const value = Number(t.text);
        if (!Number.isFinite(value)) throw new WhereClauseError(`number out of range at ${at(t.pos)}`);
        return { kind: 'literal', type: 'number', value };
      }
      case 'string': return { kind: 'literal', type: 'string', value: t.text };
      case 'quoted': return { kind: 'field', name: t.text };
      case 'word': return this.word(t);
      case 'op': {
        if (t.text !== '(') this.fail(t);
        const inner = this.or();
        this.expectOp(')');
        return inner;
      }
      case 'end': return this.fail(t);
    }
  }

  private word(t: Token): WhereNode {
    const upper = t.text.toUpperCase();
    if (Object.hasOwn(CONSTANTS, upper)) return { ...CONSTANTS[upper]! };
    if ((upper === 'DATE' || upper === 'TIMESTAMP') && this.peek().type === 'string') {
      const literal = this.next();
      const node = temporalLiteral(upper, literal.text);
      if (!node) throw new WhereClauseError(`invalid ${upper} literal at ${at(literal.pos)} (expected 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS')`);
      return node;
    }
    if (upper === 'SELECT') throw new WhereClauseError(`subqueries are not allowed (${at(t.pos)})`);
    if (RESERVED.has(upper)) this.fail(t);
    if (this.acceptOp(['('])) {
      const node = Object.hasOwn(this.specialForms, upper) ? this.specialForms[upper]!() : this.call(t, upper);
      this.expectOp(')');
      return node;
    }
    return { kind: 'field', name: t.text };
  }

  private call(t: Token, upper: string): WhereNode {
    if (!Object.hasOwn(WHERE_FUNCTIONS, upper)) throw new WhereClauseError(`unknown function ${WhereClauseError.quote(t.text)}`);
    const name = upper as WhereFunctionName;
    const { minArgs, maxArgs } = WHERE_FUNCTIONS[name];
    const args: WhereNode[] = [];
    if (!this.isOp(')')) {
      do args.push(this.valueExpr());
      while (this.acceptOp([',']));
    }
    if (args.length < minArgs || args.length > maxArgs) {
      const expected = minArgs === maxArgs ? `${minArgs}` : maxArgs === Infinity ? `at least ${minArgs}` : `${minArgs} to ${maxArgs}`;
      throw new WhereClauseError(`function ${name} takes ${expected} argument${expected === '1' ? '' : 's'} (${at(t.pos)})`);
    }
    return { kind: 'function', name, args };
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.type === 'op' && t.text === op;
  }

  // ---- special forms; each is entered after `NAME(` and leaves the `)` to word()

  private cast(): WhereNode {
    const value = this.valueExpr();
    this.expectWord('AS');
    const t = this.next();
    const name = t.type === 'word' ? t.text.toUpperCase() : '';
    if (!Object.hasOwn(CAST_TYPES, name)) throw new WhereClauseError(`unsupported CAST type at ${at(t.pos)}`);
    if (name === 'DOUBLE') this.acceptWord('PRECISION');
    if (name === 'CHARACTER') this.acceptWord('VARYING');
    // A length/precision such as VARCHAR(50) is accepted and ignored: neither target enforces it.
    if (this.acceptOp(['('])) {
      do {
        if (this.peek().type !== 'number') this.fail();
        this.i++;
      } while (this.acceptOp([',']));
      this.expectOp(')');
    }
    return { kind: 'cast', value, type: CAST_TYPES[name]! };
  }

  private extract(): WhereNode {
    const part = EXTRACT_PARTS.find((p) => this.isWord(p));
    if (!part) this.fail();
    this.next();
    this.expectWord('FROM');
    return { kind: 'extract', part, value: this.valueExpr() };
  }

  private position(): WhereNode {
    // The needle stops before IN, which would otherwise be read as the IN operator.
    const needle = this.operand();
    this.expectWord('IN');
    return { kind: 'position', needle, haystack: this.valueExpr() };
  }

  private substring(): WhereNode {
    const value = this.valueExpr();
    // Both the standard `FROM a FOR b` and the common `, a, b` spellings.
    const comma = !!this.acceptOp([',']);
    if (!comma) this.expectWord('FROM');
    const start = this.valueExpr();
    const length = (comma ? this.acceptOp([',']) : this.acceptWord('FOR')) ? this.valueExpr() : null;
    return { kind: 'substring', value, start, length };
  }

  private trim(): WhereNode {
    const side = TRIM_SIDES.find((s) => this.acceptWord(s));
    if (this.acceptWord('FROM')) return { kind: 'trim', side: side ?? 'BOTH', chars: null, value: this.valueExpr() };
    const first = this.valueExpr();
    if (this.acceptWord('FROM')) return { kind: 'trim', side: side ?? 'BOTH', chars: first, value: this.valueExpr() };
    if (side) this.fail();
    return { kind: 'trim', side: 'BOTH', chars: null, value: first };
  }
}

/**
 * Parses a where clause into a tree. Keywords are case-insensitive; fields are bare (`F_CODE`) or
 * double-quoted (`"my field"`); strings are single-quoted with `''` for a quote (`N'…'` too).
 * @throws WhereClauseError for anything outside the grammar, with a message safe to show clients.
 */
export function parseWhere(text: string): WhereNode {
  if (text.length > MAX_LENGTH) throw new WhereClauseError(`the where clause is too long (maximum ${MAX_LENGTH} characters)`);
  return new Parser(tokenize(text)).parse();
}
