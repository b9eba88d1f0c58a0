import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseWhere, WhereClauseError } from './where-clause-parser.js';
import { compileWhereToPredicate } from './where-clause-predicate.js';
import { CASES, openTestDb, predicateIds, ROWS, sqlIds } from './where-clause-test-fixture.js';

const db = openTestDb();
after(() => db.close());

/** Clauses whose answer hinges on SQLite's finer semantics; the evaluator must simply agree. */
const BATTERY = [
  // affinity: numeric fields against text, text fields against numbers, expressions with none
  "ELEV = '974'", "ELEV > '1000'", "ELEV = ' 974 '", "ELEV = '974abc'", "ELEV > 'abc'", "ELEV < 'abc'",
  'F_CODE > 100', "ELEV + 0 = '10'", 'CAST(ELEV AS TEXT) = 10', "ELEV IN ('10', '974')", "ELEV BETWEEN '900' AND '1000'",
  'NAME IN (1, 2)', "'10' < '9'", '10 < 9',
  // numbers rendered as text
  "NAME || 5 = 'Snowdon5'", "CAST(5 AS TEXT) = '5'", 'CHAR_LENGTH(10) = 2', "ELEV || '' = '10'", "2.5 || '' = '2.5'",
  "TRUE || '' = '1'", "0.1 + 0.2 || '' = '0.3'", "AREA / 3 || '' LIKE '0.1666%'", "ELEV / 3 || '' LIKE '3.33%'",
  // three-valued logic
  "NOT (ELEV > 1000 OR NAME = 'x')", 'NOT (AREA > 5 AND ELEV > 0)', 'ELEV > NULL OR 1 = 1', 'NOT (ELEV = NULL)',
  'ELEV NOT IN (1, NULL)', 'ELEV BETWEEN NULL AND 100', 'ELEV NOT BETWEEN NULL AND 100', 'NOT (ELEV BETWEEN 100 AND NULL)',
  'TRUE AND ELEV > 0', 'FALSE OR ELEV < 0', 'ELEV = TRUE', 'ELEV > FALSE', 'NOT NOT ELEV > 1000',
  // strings and LIKE
  "NAME < 'b'", "NAME >= ''", 'NOTE LIKE NAME', 'NAME LIKE NOTE', "NAME LIKE '%' || 'n'", "UPPER(NAME) LIKE '%ÜR%'",
  "LOWER(NOTE) LIKE 'é%'", "NAME NOT LIKE '%o%'", "ELEV LIKE '%0%'",
  // arithmetic and numeric functions
  'ELEV / 3 > 300', 'AREA * ELEV > 1000', "'abc' + ELEV = ELEV", "'12abc' + 0 = 12", 'ELEV / (ELEV - ELEV) IS NULL',
  '-AREA < -10', 'ROUND(AREA / 3, 2) > 1', 'ROUND(8.25, 1) = 8.3', 'ROUND(-2.5) = -3', 'ROUND(2.345, 2) = 2.35',
  'ROUND(1.005, 2) = 1', 'ROUND(AREA, -1) = AREA', 'MOD(-7, 3) = -1', 'MOD(AREA, 2) > 0.5', 'POWER(ELEV, 0.5) > 30',
  'POWER(-8, 1.0 / 3) IS NULL', 'ABS(NAME) = 0', "CEILING('2.5') = 3", 'FLOOR(NAME) IS NULL', "SQRT('4') = 2",
  'EXP(ELEV) > 1e300', 'LOG10(AREA) > 1',
  // string functions and special forms
  'CHAR_LENGTH(ELEV) = 4', "SUBSTRING(NAME, -3) = 'vis'", "SUBSTRING(NAME, 0, 3) = 'Be'", "SUBSTRING(NAME, 2, -1) = 'B'",
  "SUBSTRING(NAME FROM ELEV - 1300 FOR 2) = 'ac'", "POSITION('' IN NAME) = 1", "POSITION('ü' IN NAME) = 2",
  "TRIM(BOTH 'Bs' FROM NAME) = 'en Nevi'", 'CONCAT(NAME, NULL) IS NULL', 'COALESCE(NULL, NULL, ELEV) = 10',
  "NULLIF(NAME, '') IS NULL", "NULLIF(ELEV, '10') = 10", "CAST(NAME AS INTEGER) = 0", "CAST('1e3' AS INTEGER) = ELEV - 9",
  "CAST(' 12 ' AS REAL) = 12",
  // dates
  'EXTRACT(YEAR FROM UPDATED) + 1 = 2021', 'EXTRACT(SECOND FROM UPDATED) > 59', "EXTRACT(DAY FROM '2020-05-17') = 17",
  'SURVEYED > UPDATED', 'UPDATED <= SURVEYED', "SURVEYED IN ('2020-01-15', '2020-02-29')",
  'UPDATED BETWEEN SURVEYED AND CURRENT_TIMESTAMP', "SURVEYED = 'not a date'", 'SURVEYED > 2458849',
  "SURVEYED LIKE '2020-%'", "UPDATED LIKE '%Z'", 'CHAR_LENGTH(UPDATED) = 20', "CURRENT_DATE || '' LIKE '20%'",
  "UPDATED > TIMESTAMP '2020-01-15 10:29:59.999' AND UPDATED < TIMESTAMP '2020-01-15 10:30:00.001'",
];

describe('compileWhereToPredicate', () => {
  it('returns the expected rows for every operator, function and special form', () => {
    for (const [where, expected] of CASES) assert.deepEqual(predicateIds(where), expected, where);
  });

  it(`agrees with SQLite on a battery of ${BATTERY.length} edge-case clauses`, () => {
    for (const where of BATTERY) assert.deepEqual(predicateIds(where), sqlIds(db, where), where);
  });

  it('agrees with SQLite when date attributes are epoch milliseconds', () => {
    const epochRows = ROWS.map((r) => ({ ...r, UPDATED: r.UPDATED === null ? null : Date.parse(r.UPDATED as string) }));
    for (const [where] of CASES) assert.deepEqual(predicateIds(where, epochRows), sqlIds(db, where), where);
  });

  it('uses three-valued logic: only TRUE passes', () => {
    const test = (where: string) => compileWhereToPredicate(parseWhere(where), (name) => ({ key: name, type: 'integer' }))({ A: null, B: 1 });
    assert.equal(test('A = 1'), false);
    assert.equal(test('NOT A = 1'), false);
    assert.equal(test('A = 1 OR B = 1'), true);
    assert.equal(test('A = 1 AND B = 1'), false);
    assert.equal(test('NOT (A = 1 AND B = 2)'), true);
    assert.equal(test('NOT (A = 1 OR B = 2)'), false);
    assert.equal(test('A IS NULL AND MISSING IS NULL'), true);
    assert.equal(test('B IN (2, A)'), false);
    assert.equal(test('NOT B IN (2, A)'), false);
    assert.equal(test('B NOT IN (2, 3)'), true);
  });

  it('reads booleans, epoch dates and other attribute values as SQLite would hold them', () => {
    const types: Record<string, 'integer' | 'date' | 'string'> = { FLAG: 'integer', WHEN: 'date', TAGS: 'string' };
    const test = (where: string, attributes: Record<string, unknown>) =>
      compileWhereToPredicate(parseWhere(where), (name) => ({ key: name, type: types[name]! }))(attributes);
    assert.equal(test('FLAG = 1', { FLAG: true }), true);
    assert.equal(test('FLAG = TRUE', { FLAG: false }), false);
    assert.equal(test("WHEN = TIMESTAMP '2020-01-15 10:30:00'", { WHEN: Date.UTC(2020, 0, 15, 10, 30) }), true);
    assert.equal(test("WHEN LIKE '2020-01-15T%'", { WHEN: Date.UTC(2020, 0, 15, 10, 30) }), true);
    assert.equal(test('EXTRACT(MONTH FROM WHEN) = 1', { WHEN: new Date(Date.UTC(2020, 0, 15)) }), true);
    assert.equal(test('WHEN IS NULL', { WHEN: Number.NaN }), true);
    assert.equal(test('TAGS LIKE \'%"a"%\'', { TAGS: ['a', 'b'] }), true);
  });

  it('refuses unknown fields', () => {
    assert.throws(() => predicateIds('XYZ = 1'), (e: Error) => e instanceof WhereClauseError && e.message === "Invalid where clause: unknown field 'XYZ'");
  });

  it('cannot be made to backtrack catastrophically by LIKE patterns', () => {
    const start = performance.now();
    const test = compileWhereToPredicate(parseWhere(`NAME LIKE '${'%a'.repeat(50)}%b'`), (name) => ({ key: name, type: 'string' }));
    assert.equal(test({ NAME: 'a'.repeat(5000) }), false);
    assert.ok(performance.now() - start < 1000);
  });
});
