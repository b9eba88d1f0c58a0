import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FeatureQueryError } from '../feature-source.js';
import { parseWhere } from '../where/index.js';
import { CASES, ROWS } from '../where/where-clause-test-fixture.js';
import { PostgisFeatureSource } from './postgis-feature-source.js';
import { createTestDatabase, postgisUnavailable, type TestDatabase } from './postgis-test-database.js';

/** The where-clause fixture's table in PostgreSQL types: DATE for SURVEYED, timestamptz for UPDATED. */
const COLUMNS: [string, string][] = [
  ['id', 'integer PRIMARY KEY'], ['NAME', 'text'], ['ELEV', 'integer'], ['AREA', 'double precision'], ['F_CODE', 'varchar(5)'],
  ['SURVEYED', 'date'], ['UPDATED', 'timestamptz'], ['NOTE', 'text'],
];

const literal = (v: string | number | null) => (v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`);

const unavailable = await postgisUnavailable();

/**
 * Every case of the where-clause fixture, compiled for PostgreSQL and run by the PostGIS source
 * on a real database, must select the rows SQLite selects. The database's collation is ICU
 * en-US, so string order comes from the compiled SQL, not from the database.
 */
describe('where clauses on PostgreSQL select what they select on SQLite', { skip: unavailable }, () => {
  let db: TestDatabase;
  let source: PostgisFeatureSource;

  before(async () => {
    db = await createTestDatabase({ icuLocale: 'en-US' });
    await db.exec(`CREATE TABLE t (${COLUMNS.map(([c, type]) => `"${c}" ${type}`).join(', ')});
      INSERT INTO t VALUES ${ROWS.map((r) => `(${COLUMNS.map(([c]) => literal(r[c]!)).join(', ')})`).join(',\n')}`);
    source = new PostgisFeatureSource({ type: 'postgis', connection: db.url, table: 't' });
  });
  after(async () => {
    source?.close();
    await db?.drop();
  });

  it('serves a table without geometry', () => {
    assert.equal(source.schema.geometryType, null);
    assert.equal(source.extent(), null);
    assert.equal(source.schema.objectIdField, 'id');
    assert.deepEqual(source.schema.fields.find((f) => f.name === 'F_CODE'), { name: 'F_CODE', type: 'esriFieldTypeString', alias: 'F_CODE', length: 5, nullable: true, editable: true });
  });

  for (const [where, expected] of CASES) {
    it(where, () => {
      const w = parseWhere(where);
      assert.deepEqual([...source.scan({ where: w, fields: [], geometry: false })].map((r) => r.id), expected);
      assert.equal(source.count({ where: w }), expected.length);
    });
  }

  it('reports a cast PostgreSQL cannot make as a query error', () => {
    assert.throws(() => source.count({ where: parseWhere('CAST(NAME AS INTEGER) = 1') }), (e: Error) =>
      e instanceof FeatureQueryError && /^the query cannot be evaluated on 'public\.t': invalid input syntax for type double precision/.test(e.message));
  });
});
