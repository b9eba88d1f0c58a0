import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ComparisonNode, WhereNode } from './where-clause-ast.js';
import { parseWhere, WhereClauseError } from './where-clause-parser.js';

const field = (name: string): WhereNode => ({ kind: 'field', name });
const num = (value: number): WhereNode => ({ kind: 'literal', type: 'number', value });
const str = (value: string): WhereNode => ({ kind: 'literal', type: 'string', value });
const eq = (left: WhereNode, right: WhereNode): WhereNode => ({ kind: 'comparison', op: '=', left, right });
/** The right-hand side of a comparison. */
const right = (where: string) => (parseWhere(where) as ComparisonNode).right;

/** Asserts `where` is refused with a message matching `message`. */
function rejects(where: string, message: RegExp) {
  assert.throws(() => parseWhere(where), (e: Error) => {
    assert.ok(e instanceof WhereClauseError, `${e}`);
    assert.match(e.message, message);
    return true;
  });
}

describe('parseWhere: structure and precedence', () => {
  it('parses 1=1', () => assert.deepEqual(parseWhere('1=1'), eq(num(1), num(1))));

  it('binds AND tighter than OR and keeps chains flat', () => {
    assert.deepEqual(parseWhere('a = 1 OR b = 2 AND c = 3 OR d = 4'), {
      kind: 'logical', op: 'OR', operands: [
        eq(field('a'), num(1)),
        { kind: 'logical', op: 'AND', operands: [eq(field('b'), num(2)), eq(field('c'), num(3))] },
        eq(field('d'), num(4)),
      ],
    });
  });

  it('binds NOT looser than comparison and tighter than AND', () => {
    assert.deepEqual(parseWhere('NOT a = 1 AND b = 2'), {
      kind: 'logical', op: 'AND', operands: [{ kind: 'unary', op: 'NOT', operand: eq(field('a'), num(1)) }, eq(field('b'), num(2))],
    });
  });

  it('gives * over +, + over ||, and associates to the left', () => {
    const bin = (op: '+' | '-' | '*' | '||', left: WhereNode, right: WhereNode): WhereNode => ({ kind: 'binary', op, left, right });
    assert.deepEqual(right('x = 1 + 2 * 3'), bin('+', num(1), bin('*', num(2), num(3))));
    assert.deepEqual(right('x = 10 - 4 - 3'), bin('-', bin('-', num(10), num(4)), num(3)));
    assert.deepEqual(right("x = 'a' || 1 + 2"), bin('||', str('a'), bin('+', num(1), num(2))));
  });

  it('treats parentheses as grouping only', () => {
    assert.deepEqual(parseWhere('((a = 1))'), eq(field('a'), num(1)));
    assert.deepEqual(right('x = (1 + 2) * 3'),
      { kind: 'binary', op: '*', left: { kind: 'binary', op: '+', left: num(1), right: num(2) }, right: num(3) });
  });

  it('folds a minus sign into number literals and keeps it on fields', () => {
    assert.deepEqual(parseWhere('x = -5'), eq(field('x'), num(-5)));
    assert.deepEqual(parseWhere('x = - - 5'), eq(field('x'), num(5)));
    assert.deepEqual(parseWhere('-x = +5'), eq({ kind: 'unary', op: '-', operand: field('x') }, num(5)));
  });

  it('parses every predicate form', () => {
    assert.deepEqual(parseWhere("a NOT IN (1, 'b')"), { kind: 'in', negated: true, value: field('a'), list: [num(1), str('b')] });
    assert.deepEqual(parseWhere('a BETWEEN 1 AND 2 AND b = 1'), {
      kind: 'logical', op: 'AND', operands: [{ kind: 'between', negated: false, value: field('a'), low: num(1), high: num(2) }, eq(field('b'), num(1))],
    });
    assert.deepEqual(parseWhere('a not between 1 and 2'), { kind: 'between', negated: true, value: field('a'), low: num(1), high: num(2) });
    assert.deepEqual(parseWhere("a NOT LIKE 'x!%' ESCAPE '!'"), { kind: 'like', negated: true, value: field('a'), pattern: str('x!%'), escape: '!' });
    assert.deepEqual(parseWhere("a LIKE 'x%'"), { kind: 'like', negated: false, value: field('a'), pattern: str('x%'), escape: null });
    assert.deepEqual(parseWhere('a IS NULL'), { kind: 'isNull', negated: false, value: field('a') });
    assert.deepEqual(parseWhere('a is not null'), { kind: 'isNull', negated: true, value: field('a') });
    for (const op of ['=', '<>', '<', '<=', '>', '>=']) assert.equal((parseWhere(`a ${op} 1`) as { op: string }).op, op);
    assert.equal((parseWhere('a != 1') as { op: string }).op, '<>');
  });

  it('accepts boolean literals as conditions and values', () => {
    assert.deepEqual(parseWhere('TRUE'), { kind: 'literal', type: 'boolean', value: true });
    assert.deepEqual(parseWhere('a = false'), eq(field('a'), { kind: 'literal', type: 'boolean', value: false }));
  });
});

describe('parseWhere: tokens', () => {
  it('reads bare, underscored, Unicode and double-quoted identifiers', () => {
    for (const name of ['ELEV', 'F_CODE', 'Shape__Area', '_x1', 'Höhe']) assert.deepEqual(parseWhere(`${name} = 1`), eq(field(name), num(1)));
    assert.deepEqual(parseWhere('"my field" = 1'), eq(field('my field'), num(1)));
    assert.deepEqual(parseWhere('"say ""hi""" = 1'), eq(field('say "hi"'), num(1)));
    assert.deepEqual(parseWhere('"FROM" = 1'), eq(field('FROM'), num(1)));
  });

  it("reads strings with '' escapes and N'' prefixes", () => {
    assert.deepEqual(parseWhere("a = 'it''s'"), eq(field('a'), str("it's")));
    assert.deepEqual(parseWhere("a = ''"), eq(field('a'), str('')));
    assert.deepEqual(parseWhere("a = N'Zürich'"), eq(field('a'), str('Zürich')));
    assert.deepEqual(parseWhere("a = 'x -- not a comment; /* */'"), eq(field('a'), str('x -- not a comment; /* */')));
  });

  it('reads integers, decimals and exponents', () => {
    const values = ['1', '1.5', '.5', '5.', '1e3', '1.5E-2', '2e+2'].map((t) => (right(`a = ${t}`) as { value: number }).value);
    assert.deepEqual(values, [1, 1.5, 0.5, 5, 1000, 0.015, 200]);
  });

  it('treats keywords case-insensitively', () => {
    assert.deepEqual(parseWhere('a Is NoT nUlL oR b iN (1)'), parseWhere('a IS NOT NULL OR b IN (1)'));
  });

  it('reads DATE and TIMESTAMP literals into canonical UTC text', () => {
    const lit = (where: string) => right(`d = ${where}`);
    assert.deepEqual(lit("DATE '2020-02-29'"), { kind: 'literal', type: 'date', value: '2020-02-29' });
    assert.deepEqual(lit("timestamp '2020-02-29 13:45:01'"), { kind: 'literal', type: 'timestamp', value: '2020-02-29T13:45:01.000Z' });
    assert.deepEqual(lit("TIMESTAMP '2020-02-29T13:45:01.5'"), { kind: 'literal', type: 'timestamp', value: '2020-02-29T13:45:01.500Z' });
    assert.deepEqual(lit("TIMESTAMP '2020-02-29'"), { kind: 'literal', type: 'timestamp', value: '2020-02-29T00:00:00.000Z' });
    // ArcGIS documents DATE with a time part; it is a timestamp.
    assert.deepEqual(lit("DATE '2020-02-29 00:00:01'"), { kind: 'literal', type: 'timestamp', value: '2020-02-29T00:00:01.000Z' });
    assert.deepEqual(lit('CURRENT_DATE'), { kind: 'current', what: 'DATE' });
    assert.deepEqual(lit('current_timestamp'), { kind: 'current', what: 'TIMESTAMP' });
    // Without a string after it, DATE is an ordinary field name.
    assert.deepEqual(parseWhere('DATE = 1'), eq(field('DATE'), num(1)));
  });

  it('refuses malformed or impossible dates', () => {
    for (const bad of ["DATE '2021-02-29'", "DATE '2020-13-01'", "DATE '2020-1-1'", "DATE 'yesterday'", "TIMESTAMP '2020-01-01 24:00:00'", "TIMESTAMP '2020-01-01 10:61:00'", "DATE ''"]) {
      rejects(`d = ${bad}`, /invalid (DATE|TIMESTAMP) literal at position \d+/);
    }
  });
});

describe('parseWhere: functions and special forms', () => {
  it('accepts allow-listed functions case-insensitively, with arity checks', () => {
    assert.deepEqual(parseWhere("upper(name) = 'X'"), eq({ kind: 'function', name: 'UPPER', args: [field('name')] }, str('X')));
    assert.deepEqual(right('x = round(a, 2)'), { kind: 'function', name: 'ROUND', args: [field('a'), num(2)] });
    assert.equal((right('x = COALESCE(a, b, c, 1)') as { args: unknown[] }).args.length, 4);
    for (const name of ['LOWER', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'ABS', 'CEILING', 'FLOOR', 'SQRT', 'LOG', 'LOG10', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN']) {
      assert.doesNotThrow(() => parseWhere(`${name}(a) = 1`), name);
    }
    for (const name of ['CONCAT', 'NULLIF', 'MOD', 'POWER']) assert.doesNotThrow(() => parseWhere(`${name}(a, b) = 1`), name);
    rejects('ROUND(a, 1, 2) = 1', /function ROUND takes 1 to 2 arguments/);
    rejects('UPPER() = 1', /function UPPER takes 1 argument \(position 1\)/);
    rejects('x = MOD(a)', /function MOD takes 2 arguments \(position 5\)/);
    rejects('CONCAT(a) = 1', /function CONCAT takes at least 2 arguments/);
  });

  it('names unknown functions', () => {
    rejects("load_extension('x')", /^Invalid where clause: unknown function 'load_extension'$/);
    rejects('x = SOUNDEX(a)', /unknown function 'SOUNDEX'/);
    rejects('x = constructor(a)', /unknown function 'constructor'/);
  });

  it('parses CAST with type synonyms and ignored lengths', () => {
    const cast = (type: string) => (right(`x = CAST(a AS ${type})`) as { type: string }).type;
    assert.deepEqual(['INTEGER', 'int', 'SMALLINT', 'REAL', 'FLOAT', 'DOUBLE PRECISION', 'NUMERIC(10, 2)', 'VARCHAR(50)', 'CHARACTER VARYING(5)', 'TEXT'].map(cast),
      ['integer', 'integer', 'integer', 'real', 'real', 'real', 'real', 'text', 'text', 'text']);
    rejects('x = CAST(a AS BLOB)', /unsupported CAST type at position 15/);
    rejects('x = CAST(a, INTEGER)', /unexpected ','/);
  });

  it('parses EXTRACT, POSITION and SUBSTRING', () => {
    const value = (where: string) => right(`x = ${where}`);
    assert.deepEqual(value('EXTRACT(year FROM d)'), { kind: 'extract', part: 'YEAR', value: field('d') });
    rejects('x = EXTRACT(WEEK FROM d)', /unexpected 'WEEK'/);
    assert.deepEqual(value("POSITION('a' IN b || 'c')"), {
      kind: 'position', needle: str('a'), haystack: { kind: 'binary', op: '||', left: field('b'), right: str('c') },
    });
    assert.deepEqual(value('SUBSTRING(a FROM 2 FOR 3)'), { kind: 'substring', value: field('a'), start: num(2), length: num(3) });
    assert.deepEqual(value('SUBSTRING(a FROM 2)'), { kind: 'substring', value: field('a'), start: num(2), length: null });
    assert.deepEqual(value('SUBSTRING(a, 2, 3)'), value('SUBSTRING(a FROM 2 FOR 3)'));
  });

  it('parses every TRIM form', () => {
    const trim = (args: string) => right(`x = TRIM(${args})`);
    assert.deepEqual(trim('a'), { kind: 'trim', side: 'BOTH', chars: null, value: field('a') });
    assert.deepEqual(trim('FROM a'), { kind: 'trim', side: 'BOTH', chars: null, value: field('a') });
    assert.deepEqual(trim("'x' FROM a"), { kind: 'trim', side: 'BOTH', chars: str('x'), value: field('a') });
    assert.deepEqual(trim('LEADING FROM a'), { kind: 'trim', side: 'LEADING', chars: null, value: field('a') });
    assert.deepEqual(trim("trailing 'x' from a"), { kind: 'trim', side: 'TRAILING', chars: str('x'), value: field('a') });
    rejects('x = TRIM(BOTH a)', /unexpected '\)'/);
  });
});

describe('parseWhere: refusals', () => {
  it('refuses statement separators, comments and subqueries', () => {
    rejects('1=1; DROP TABLE t', /^Invalid where clause: unexpected ';' at position 4$/);
    rejects("a = 'x' -- y", /comments are not allowed \(position 9\)/);
    rejects('/* c */ 1=1', /comments are not allowed \(position 1\)/);
    rejects('a IN (SELECT 1)', /subqueries are not allowed \(position 7\)/);
    rejects('EXISTS (SELECT 1)', /unexpected 'EXISTS'/);
  });

  it('refuses malformed input with positions', () => {
    rejects("a = 'x", /unterminated string starting at position 5/);
    rejects('"a = 1', /unterminated quoted identifier starting at position 1/);
    rejects('(a = 1', /unexpected end of the where clause/);
    rejects('a = 1)', /unexpected '\)' at position 6/);
    rejects('a = 1 b = 2', /unexpected 'b' at position 7/);
    rejects('a = = 1', /unexpected '=' at position 5/);
    rejects('a = 1 = 1', /unexpected '=' at position 7/);
    rejects('a IN ()', /unexpected '\)'/);
    rejects('a LIKE b ESCAPE', /ESCAPE needs a single-character string/);
    rejects("a LIKE b ESCAPE 'xy'", /ESCAPE needs a single-character string at position 17/);
    rejects('a = 12abc', /unexpected character after a number at position 7/);
    rejects('a = @b', /unexpected '@' at position 5/);
    rejects('FROM = 1', /unexpected 'FROM' at position 1/);
    rejects('', /the where clause is empty/);
  });

  it('requires conditions where conditions belong and values elsewhere', () => {
    rejects('ELEV', /expected a condition at position 1/);
    rejects("a = 1 AND 'x'", /expected a condition at position 11/);
    rejects('NOT a', /expected a condition at position 5/);
    rejects('(a = 1) + 1 = 2', /expected a value, not a condition, at position 1/);
    rejects('a = (b = 1)', /expected a value, not a condition, at position 5/);
    rejects('UPPER(a = 1) = 1', /expected a value, not a condition, at position 7/);
  });

  it('never echoes long input', () => {
    const long = 'x'.repeat(5000);
    for (const where of [`a = 1 ${long}`, `${long}(1) = 1`, `a = "${long}" "`]) {
      assert.throws(() => parseWhere(where), (e: Error) => e instanceof WhereClauseError && e.message.length < 120);
    }
  });

  it('bounds input length', () => {
    const padded = (n: number) => `a = '${'x'.repeat(n - 6)}'`;
    assert.doesNotThrow(() => parseWhere(padded(16_384)));
    rejects(padded(16_385), /too long \(maximum 16384 characters\)/);
    rejects(`a = '${'x'.repeat(100_000)}'`, /too long/);
  });

  it('bounds nesting depth without overflowing the stack', () => {
    assert.doesNotThrow(() => parseWhere(`${'('.repeat(50)}a = 1${')'.repeat(50)}`));
    for (const where of [
      `${'('.repeat(8_000)}a = 1${')'.repeat(8_000)}`,
      `${'('.repeat(10_000)}`,
      `${'NOT '.repeat(4_000)}a = 1`,
      `a = ${'- '.repeat(8_000)}1`,
      `a = ${'1 + '.repeat(4_000)}1`,
      `a = ${'UPPER('.repeat(2_500)}b${')'.repeat(2_500)}`,
    ]) rejects(where, /nested too deeply \(maximum depth 64\)|too long/);
  });

  it('keeps long OR lists flat instead of deep', () => {
    const where = Array.from({ length: 1000 }, (_, i) => `ID = ${i}`).join(' OR ');
    const node = parseWhere(where);
    assert.equal(node.kind === 'logical' && node.operands.length, 1000);
  });
});
