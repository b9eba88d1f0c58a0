import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseWhere, WhereClauseError } from './where-clause-parser.js';
import { compileWhereToSql } from './where-clause-sql.js';
import { ALL_IDS, CASES, openTestDb, resolveSqlField, ROWS, sqlIds } from './where-clause-test-fixture.js';

const db = openTestDb();
after(() => db.close());

describe('compileWhereToSql on SQLite', () => {
  for (const [where, expected] of CASES) {
    it(where, () => assert.deepEqual(sqlIds(db, where), expected));
  }

  it('binds every literal as a parameter', () => {
    const { sql, params } = compileWhereToSql(parseWhere("NAME = 'x' AND ELEV IN (1, 2) OR NOTE LIKE 'a%' ESCAPE '!'"), { dialect: 'sqlite', resolveField: resolveSqlField });
    assert.equal(sql, '((("NAME" = ?) AND ("ELEV" IN (?, ?))) OR (q_like("NOTE", ?, ?)))');
    assert.deepEqual(params, ['x', 1n, 2n, 'a%', '!']);
  });

  it('binds parameters in the order their placeholders appear (POSITION swaps its operands)', () => {
    const { sql, params } = compileWhereToSql(parseWhere("POSITION('b' IN NAME || 'abc') = 2"), { dialect: 'sqlite', resolveField: resolveSqlField });
    assert.equal(sql, '(instr(("NAME" || ?), ?) = ?)');
    assert.deepEqual(params, ['abc', 'b', 2n]);
  });

  it('rejects unknown fields with a short, safe message', () => {
    assert.throws(() => sqlIds(db, 'XYZ = 1'), { name: 'WhereClauseError', message: "Invalid where clause: unknown field 'XYZ'" });
    const long = `F${'x'.repeat(500)}`;
    assert.throws(() => sqlIds(db, `${long} = 1`), (e: Error) => e instanceof WhereClauseError && e.message.length < 120);
    assert.throws(() => sqlIds(db, '"x"" = 1 OR ""y" = 1'), { message: `Invalid where clause: unknown field 'x" = 1 OR "y'` });
  });

  it('rejects unknown functions', () => {
    assert.throws(() => sqlIds(db, 'SOUNDEX(NAME) = 1'), { message: "Invalid where clause: unknown function 'SOUNDEX'" });
  });
});

describe('injection attempts', () => {
  const attempts = [
    '1=1; DROP TABLE t',
    "NAME = 'x'; DELETE FROM t",
    "NAME = 'x' --",
    "NAME = 'x' -- AND ELEV = 1",
    '/* c */ 1=1',
    "NAME = 'a' OR 1=1)--",
    "NAME = 'a' OR 1=1)",
    'ELEV IN (SELECT 1)',
    'ELEV IN (SELECT id FROM t)',
    'EXISTS (SELECT 1)',
    "load_extension('x')",
    "load_extension('x') = 1",
    "NAME = 'x' UNION SELECT * FROM sqlite_master",
    "NAME = 'abc",
    "NAME = 'it's'",
    'NAME = "abc',
    "NAME = 'a'' OR ''1''=''1",
    "NAME = ? OR 1=1",
    "ELEV = 1 OR sqlite_version() = '3'",
    "ELEV = 1 OR randomblob(1000000000) IS NULL",
    "t.NAME = 'x'",
    '[NAME] = 1',
    'NAME = `x`',
    "NAME = 'x' \\",
    "ELEV = 0x10",
    'ELEV = 1e999',
    `${'('.repeat(10_000)}1=1${')'.repeat(10_000)}`,
    `${'('.repeat(5_000)}1=1${')'.repeat(5_000)}`,
    `${'NOT '.repeat(3_000)}1=1`,
    `ELEV = ${'- '.repeat(5_000)}1`,
    `ELEV = ${'1+'.repeat(5_000)}1`,
    `NAME = '${'x'.repeat(100_000)}'`,
  ];
  for (const where of attempts) {
    it(`refuses ${JSON.stringify(where.length > 60 ? `${where.slice(0, 40)}… (${where.length} chars)` : where)}`, () => {
      assert.throws(() => compileWhereToSql(parseWhere(where), { dialect: 'sqlite', resolveField: resolveSqlField }), (e: Error) => {
        assert.ok(e instanceof WhereClauseError, `${e}`);
        assert.match(e.message, /^Invalid where clause: /);
        assert.ok(e.message.length < 150, 'the message must not echo long input');
        return true;
      });
    });
  }

  it("still accepts NAME = 'it''s'", () => assert.deepEqual(sqlIds(db, "NAME = 'it''s'"), [3]));

  it('leaves the table intact', () => {
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 't'").pluck().get(), 1);
    assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), ROWS.length);
  });

  it('reports positions for separators and comments', () => {
    assert.throws(() => parseWhere('1=1; DROP TABLE t'), { message: "Invalid where clause: unexpected ';' at position 4" });
    assert.throws(() => parseWhere("NAME = 'x' --"), { message: 'Invalid where clause: comments are not allowed (position 12)' });
  });
});

describe('compileWhereToSql for postgres', () => {
  const pg = (where: string, paramOffset?: number) =>
    compileWhereToSql(parseWhere(where), { dialect: 'postgres', resolveField: resolveSqlField, paramOffset });

  it('numbers placeholders after paramOffset and types numbers', () => {
    assert.deepEqual(pg("NAME = 'x' AND ELEV > 2.5 AND id < 3000000000", 2), {
      sql: '(("NAME" = $3) AND ("ELEV" > $4::double precision) AND ("id" < $5::bigint))',
      params: ['x', 2.5, 3000000000],
    });
    assert.deepEqual(pg('1=1'), { sql: '($1::integer = $2::integer)', params: [1, 1] });
  });

  it('binds dates as UTC timestamptz and keeps CURRENT_DATE native', () => {
    assert.deepEqual(pg("SURVEYED BETWEEN DATE '2020-01-01' AND TIMESTAMP '2020-01-31 12:00:00' AND UPDATED < CURRENT_DATE"), {
      sql: '(("SURVEYED" BETWEEN $1::timestamptz AND $2::timestamptz) AND ("UPDATED" < CURRENT_DATE))',
      params: ['2020-01-01T00:00:00.000Z', '2020-01-31T12:00:00.000Z'],
    });
  });

  it('makes LIKE escaping explicit and compiles the special forms', () => {
    assert.equal(pg("NAME LIKE 'a\\%'").sql, `(CAST("NAME" AS text) LIKE $1 ESCAPE '')`);
    assert.equal(pg("NAME NOT LIKE 'a!%' ESCAPE '!'").sql, '(CAST("NAME" AS text) NOT LIKE $1 ESCAPE $2)');
    assert.equal(
      pg("POSITION('a' IN NAME) = SUBSTRING(NOTE FROM 1 FOR 2) AND TRIM(LEADING 'x' FROM NAME) = EXTRACT(YEAR FROM SURVEYED)").sql,
      '((position($1 IN "NAME") = substring("NOTE" FROM $2::integer FOR $3::integer)) AND (trim(LEADING $4 FROM "NAME") = EXTRACT(YEAR FROM "SURVEYED")))',
    );
    assert.equal(pg('ELEV / 2 = ROUND(AREA, 1)').sql, '((CAST("ELEV" AS double precision) / NULLIF($1::integer, 0)) = round(CAST("AREA" AS numeric), CAST($2::integer AS integer)))');
    assert.equal(pg('TRUE AND NAME IS NULL').sql, '($1::boolean AND ("NAME" IS NULL))');
  });

  it('orders text by code point whatever the database collation, and leaves equality alone', () => {
    assert.deepEqual(pg("NAME > 'a' AND UPPER(NOTE) BETWEEN 'A' AND 'B' AND NAME = 'b' AND ELEV > 1"), {
      sql: '(("NAME" COLLATE "C" > $1) AND (upper("NOTE") COLLATE "C" BETWEEN $2 AND $3) AND ("NAME" = $4) AND ("ELEV" > $5::integer))',
      params: ['a', 'A', 'B', 'b', 1],
    });
  });

  it('gives NULL outside a math function\'s domain, as SQLite does, instead of an error', () => {
    assert.equal(pg('SQRT(ELEV) > 1').sql, '(sqrt(CASE WHEN "ELEV" >= 0 THEN "ELEV" END) > $1::integer)');
    assert.equal(pg('LOG(AREA - 1) IS NULL').sql, '(ln(CASE WHEN ("AREA" - $1::integer) > 0 THEN ("AREA" - $1::integer) END) IS NULL)');
  });
});
