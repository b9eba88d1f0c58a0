/**
 * Test-only fixture shared by the where-clause tests: a small feature table held both in a real
 * in-memory SQLite database (GeoPackage-style TEXT dates) and as attribute records.
 * @module data/where/where-clause-test-fixture
 */
import Database from 'better-sqlite3';
import type { WhereFieldType } from './where-clause-ast.js';
import { parseWhere } from './where-clause-parser.js';
import { compileWhereToPredicate } from './where-clause-predicate.js';
import { compileWhereToSql, registerWhereFunctions } from './where-clause-sql.js';

/** Column name → where type; the SQL declared types below give SQLite the matching affinities. */
export const FIELD_TYPES: Record<string, WhereFieldType> = {
  id: 'integer', NAME: 'string', ELEV: 'integer', AREA: 'double', F_CODE: 'string',
  SURVEYED: 'date', UPDATED: 'date', NOTE: 'string',
};
const DECLARED: Record<string, string> = {
  id: 'INTEGER PRIMARY KEY', NAME: 'TEXT', ELEV: 'INTEGER', AREA: 'DOUBLE', F_CODE: 'TEXT',
  SURVEYED: 'DATE', UPDATED: 'DATETIME', NOTE: 'TEXT',
};

type Row = Record<string, string | number | null>;
const COLUMNS = Object.keys(FIELD_TYPES);
const row = (...values: (string | number | null)[]): Row => Object.fromEntries(COLUMNS.map((c, i) => [c, values[i]!]));

/** SURVEYED is a GeoPackage DATE (`YYYY-MM-DD`), UPDATED a DATETIME (`YYYY-MM-DDTHH:MM:SS[.SSS]Z`). */
export const ROWS: Row[] = [
  row(1, 'Ben Nevis', 1345, 12.5, 'AP030', '2020-01-15', '2020-01-15T10:30:00.000Z', 'peak'),
  row(2, 'ben lomond', 974, 8.25, 'AP030', '2020-03-01', '2020-03-01T00:00:00Z', null),
  row(3, "it's", 10, 0.5, 'BH140', '2019-12-31', '2019-12-31T23:59:59.999Z', '50% off'),
  row(4, 'Snowdon', 1085, 20, 'AP030', '2021-06-30', '2021-06-30T12:00:00.000Z', 'a_b'),
  row(5, 'Scafell Pike', 978, null, 'AP030', null, null, 'a\\b'),
  row(6, 'Loch Ness', -20, 56.4, 'BH080', '2020-01-15', '2020-01-15T00:00:00.000Z', 'Ness%'),
  row(7, 'Zürich', 408, 87.9, 'BH080', '2999-01-01', '2999-01-01T00:00:00.000Z', 'École'),
  row(8, null, null, 1.25, null, '2020-02-29', '2020-02-29T06:00:00Z', 'A_B'),
  row(9, 'Ben Macdui', 1309, 3.75, 'AP030', '2020-01-14', '2020-01-14T23:00:00.000Z', 'axb'),
  row(10, '', 0, 4, 'ZZ999', '2020-12-01', '2020-12-01T08:15:30.250Z', '  pad  '),
];
export const ALL_IDS = ROWS.map((r) => r.id as number);

const except = (...ids: number[]) => ALL_IDS.filter((id) => !ids.includes(id));

/** [where, ids expected] over ROWS: every operator, function and special form. */
export const CASES: [string, number[]][] = [
  // basics, precedence, NOT, parentheses
  ['1=1', ALL_IDS],
  ['1 = 0', []],
  ['TRUE', ALL_IDS],
  ['ELEV > 1000', [1, 4, 9]],
  ["F_CODE = 'BH140' OR F_CODE = 'AP030' AND ELEV > 1000", [1, 3, 4, 9]],
  ["(F_CODE = 'BH140' OR F_CODE = 'AP030') AND ELEV > 1000", [1, 4, 9]],
  ['NOT ELEV > 1000', [2, 3, 5, 6, 7, 10]],
  ['NOT (ELEV > 1000 OR ELEV < 0)', [2, 3, 5, 7, 10]],
  ['((((ELEV = 10))))', [3]],
  ['((ELEV = 10) OR ((ELEV = 974) AND (NAME = \'ben lomond\')))', [2, 3]],
  ['elev >= 1309 and not f_code <> \'AP030\'', [1, 9]],
  // every comparison operator
  ['ELEV = 974', [2]],
  ['ELEV <> 974', except(2, 8)],
  ['ELEV != 974', except(2, 8)],
  ['ELEV < 10', [6, 10]],
  ['ELEV <= 10', [3, 6, 10]],
  ['ELEV > 1309', [1]],
  ['ELEV >= 1309', [1, 9]],
  ["NAME > 'Snowdon'", [2, 3, 7]],
  // IN / NOT IN, NULL semantics
  ["F_CODE IN ('BH140', 'BH080')", [3, 6, 7]],
  ['ELEV IN (10, 974, -20)', [2, 3, 6]],
  ["F_CODE NOT IN ('AP030')", [3, 6, 7, 10]],
  ['ELEV NOT IN (10, NULL)', []],
  ['ELEV IN (10, NULL)', [3]],
  ["ELEV IN ('10')", [3]],
  // BETWEEN
  ['ELEV BETWEEN 900 AND 1100', [2, 4, 5]],
  ['ELEV NOT BETWEEN 0 AND 1000', [1, 4, 6, 9]],
  ["SURVEYED BETWEEN DATE '2020-01-01' AND DATE '2020-01-31'", [1, 6, 9]],
  ["UPDATED BETWEEN DATE '2020-01-15' AND TIMESTAMP '2020-01-15 12:00:00'", [1, 6]],
  ["UPDATED NOT BETWEEN DATE '2020-01-01' AND CURRENT_TIMESTAMP", [3, 7]],
  // dates: DATE vs DATETIME text compares as instants, not as strings
  ["SURVEYED = DATE '2020-01-15'", [1, 6]],
  ["SURVEYED = '2020-01-15'", [1, 6]],
  ["UPDATED = DATE '2020-03-01'", [2]],
  ["UPDATED = TIMESTAMP '2020-03-01 00:00:00'", [2]],
  ["UPDATED = TIMESTAMP '2019-12-31 23:59:59.999'", [3]],
  ["UPDATED >= TIMESTAMP '2020-01-15T00:00:00'", [1, 2, 4, 6, 7, 8, 10]],
  ["UPDATED < DATE '2020-01-15'", [3, 9]],
  ['SURVEYED = UPDATED', [2, 6, 7]],
  ["UPDATED IN (DATE '2020-03-01', TIMESTAMP '2020-01-15 10:30:00')", [1, 2]],
  ["DATE '2020-02-29' = SURVEYED", [8]],
  ['SURVEYED < CURRENT_DATE', except(5, 7)],
  ['UPDATED > CURRENT_TIMESTAMP', [7]],
  ['CURRENT_DATE > DATE \'2024-01-01\'', ALL_IDS],
  // LIKE: case-sensitive, %, _, ESCAPE
  ["NAME LIKE 'Ben%'", [1, 9]],
  ["NAME LIKE 'ben%'", [2]],
  ["UPPER(NAME) LIKE UPPER('ben%')", [1, 2, 9]],
  ["LOWER(NAME) LIKE '%ness'", [6]],
  ["NAME LIKE '_no%'", [4]],
  ["NAME LIKE '%'", except(8)],
  ["NAME NOT LIKE '%e%'", [3, 4, 7, 10]],
  ["NOTE LIKE 'a_b'", [4, 5, 9]],
  ["NOTE LIKE 'a!_b' ESCAPE '!'", [4]],
  ["NOTE LIKE '50\\%%' ESCAPE '\\'", [3]],
  ["NOTE LIKE '%!%' ESCAPE '!'", [6]],
  ["NOTE LIKE 'a\\b'", [5]],
  ["NAME LIKE 'Z_rich'", [7]],
  ['ELEV LIKE \'10%\'', [3, 4]],
  // case sensitivity of equality, Unicode case mapping
  ["NAME = 'ben nevis'", []],
  ["UPPER(NAME) = 'ZÜRICH'", [7]],
  ["LOWER(NOTE) = 'école'", [7]],
  ["UPPER(NOTE) LIKE '%COLE'", [7]],
  // IS NULL
  ['AREA IS NULL', [5]],
  ['NAME IS NULL', [8]],
  ['SURVEYED IS NOT NULL', except(5)],
  ['NOT NOTE IS NULL', except(2)],
  // arithmetic and concatenation
  ['ELEV * 2 + 1 = 21', [3]],
  ['ELEV / 4 = 2.5', [3]],
  ['ELEV - 10 = 0', [3]],
  ['-ELEV = 20', [6]],
  ['- - ELEV = 10', [3]],
  ['ELEV + 2 * 3 = 16', [3]],
  ['(ELEV + 2) * 3 = 36', [3]],
  ['ELEV - 5 - 5 = 0', [3]],
  ['AREA / 0 IS NULL', ALL_IDS],
  ['AREA * 2 = 25', [1]],
  ['1.5e1 = ELEV + 5', [3]],
  ["NAME || '!' = 'Snowdon!'", [4]],
  ["F_CODE || '-' || ELEV = 'AP030-974'", [2]],
  ["ELEV + '5' = 15", [3]],
  // literals
  ["NAME = 'it''s'", [3]],
  ["NAME = N'Zürich'", [7]],
  ['"NAME" = \'Snowdon\'', [4]],
  ['"elev" = .5e1 + 5', [3]],
  ['ELEV = NULL', []],
  // functions
  ['CHAR_LENGTH(NAME) = 6', [7]],
  ['CHARACTER_LENGTH(NAME) = 0', [10]],
  ["CONCAT(F_CODE, NAME) = 'AP030Snowdon'", [4]],
  ["CONCAT(F_CODE, '/', NAME, '/', ELEV) = 'BH140/it''s/10'", [3]],
  ['COALESCE(AREA, -1) = -1', [5]],
  ["COALESCE(NAME, NOTE, 'x') = 'A_B'", [8]],
  ['NULLIF(ELEV, 10) IS NULL', [3, 8]],
  ['ABS(ELEV) = 20', [6]],
  ['CEILING(AREA) = 13', [1]],
  ['FLOOR(AREA) = 8', [2]],
  ['ROUND(AREA) = 13', [1]],
  ['ROUND(AREA, 1) = 56.4', [6]],
  ['ROUND(-AREA) = -13', [1]],
  ['MOD(ELEV, 2) = 1', [1, 4, 9]],
  ['MOD(ELEV, 0) IS NULL', ALL_IDS],
  ['POWER(ELEV, 2) = 100', [3]],
  ['SQRT(AREA) = 2', [10]],
  ['SQRT(ELEV) IS NULL', [6, 8]],
  ['ROUND(LOG(AREA), 3) = 1.386', [10]],
  ['LOG(ELEV) IS NULL', [6, 8, 10]],
  ['LOG10(ELEV) = 1', [3]],
  ['EXP(ELEV - ELEV) = 1', except(8)],
  ['ROUND(SIN(ELEV), 4) = -0.544', [3]],
  ['ROUND(COS(ELEV), 4) = -0.8391', [3]],
  ['ROUND(TAN(ELEV), 4) = 0.6484', [3]],
  ['ROUND(ASIN(AREA), 4) = 0.5236', [3]],
  ['ROUND(ACOS(AREA), 4) = 1.0472', [3]],
  ['ATAN(ELEV) > 1.57', [1, 9]],
  ["CAST(ELEV AS VARCHAR(10)) = '10'", [3]],
  ['CAST(AREA AS INTEGER) = 12', [1]],
  ["CAST('12.5' AS DOUBLE PRECISION) = AREA", [1]],
  ['EXTRACT(YEAR FROM SURVEYED) = 2020', [1, 2, 6, 8, 9, 10]],
  ['EXTRACT(MONTH FROM UPDATED) = 1', [1, 6, 7, 9]],
  ['EXTRACT(DAY FROM SURVEYED) = 29', [8]],
  ['EXTRACT(HOUR FROM UPDATED) = 10', [1]],
  ['EXTRACT(MINUTE FROM UPDATED) = 15', [10]],
  ['EXTRACT(SECOND FROM UPDATED) = 30.25', [10]],
  ['EXTRACT(YEAR FROM CURRENT_DATE) >= 2024', ALL_IDS],
  ["POSITION('Nevis' IN NAME) = 5", [1]],
  ["POSITION('e' IN 'abcde') = 5", ALL_IDS],
  ["POSITION('x' IN NAME) = 0", except(8)],
  ["SUBSTRING(NAME FROM 1 FOR 3) = 'Ben'", [1, 9]],
  ["SUBSTRING(NAME FROM 5) = 'Nevis'", [1]],
  ["SUBSTRING(NAME, 2, 3) = 'ürí'", []],
  ["SUBSTRING(NAME, 2, 3) = 'üri'", [7]],
  ["TRIM(NOTE) = 'pad'", [10]],
  ["TRIM(LEADING FROM NOTE) = 'pad  '", [10]],
  ["TRIM(TRAILING ' ' FROM NOTE) = '  pad'", [10]],
  ["TRIM(BOTH 'A0' FROM F_CODE) = 'P03'", [1, 2, 4, 5, 9]],
  ["TRIM(LEADING 'AB' FROM F_CODE) = 'H140'", [3]],
];

/** An in-memory database holding ROWS in table `t`, with the where functions registered. */
export function openTestDb(): Database.Database {
  const db = new Database(':memory:');
  registerWhereFunctions(db);
  db.exec(`CREATE TABLE t (${COLUMNS.map((c) => `"${c}" ${DECLARED[c]}`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO t VALUES (${COLUMNS.map(() => '?').join(', ')})`);
  for (const r of ROWS) insert.run(...COLUMNS.map((c) => r[c]));
  return db;
}

const byLowerName = new Map(COLUMNS.map((c) => [c.toLowerCase(), c]));

/** Case-insensitive resolver for the SQL compiler. */
export function resolveSqlField(name: string) {
  const c = byLowerName.get(name.toLowerCase());
  return c ? { sql: `"${c}"`, type: FIELD_TYPES[c]! } : null;
}

/** Case-insensitive resolver for the predicate compiler. */
export function resolvePredicateField(name: string) {
  const c = byLowerName.get(name.toLowerCase());
  return c ? { key: c, type: FIELD_TYPES[c]! } : null;
}

/** Ids SQLite returns for `where`, compiled to SQL. */
export function sqlIds(db: Database.Database, where: string): number[] {
  const { sql, params } = compileWhereToSql(parseWhere(where), { dialect: 'sqlite', resolveField: resolveSqlField });
  return db.prepare(`SELECT id FROM t WHERE ${sql} ORDER BY id`).pluck().all(...params) as number[];
}

/** Ids the JavaScript predicate accepts for `where` over `rows`. */
export function predicateIds(where: string, rows: Record<string, unknown>[] = ROWS): number[] {
  const test = compileWhereToPredicate(parseWhere(where), resolvePredicateField);
  return rows.filter(test).map((r) => r.id as number);
}
