import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { DatabaseError } from './database-error.js';
import { migrate, MIGRATIONS_TABLE, schemaVersion, type Migration } from './migrate.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const databases: TestDatabase[] = [];
const pools: pg.Pool[] = [];
after(async () => {
  for (const p of pools) await p.end();
  for (const d of databases) await d.drop();
});

async function freshPool(): Promise<{ pool: pg.Pool; url: string }> {
  const db = await createTestDatabase();
  databases.push(db);
  const pool = new pg.Pool({ connectionString: db.url });
  pools.push(pool);
  return { pool, url: db.url };
}

/** Migrations that build a table `quadrangle.t_<n>` each; the second adds a column to the first. */
const MIGRATIONS: Migration[] = [
  { version: 1, description: 'first table', sql: 'CREATE TABLE quadrangle.t_1 (id integer PRIMARY KEY);' },
  { version: 2, description: 'a column', sql: 'ALTER TABLE quadrangle.t_1 ADD COLUMN name text;' },
  { version: 3, description: 'second table', sql: 'CREATE TABLE quadrangle.t_3 (id integer); CREATE INDEX t_3_id ON quadrangle.t_3 (id);' },
];

async function versions(pool: pg.Pool, module = 'test'): Promise<number[]> {
  return (await pool.query<{ version: number }>(`SELECT version FROM ${MIGRATIONS_TABLE} WHERE module = $1 ORDER BY version`, [module])).rows.map((r) => r.version);
}

describe('migrate', () => {
  it('runs each numbered migration once, in order, and records it', async () => {
    const { pool } = await freshPool();
    const logged: string[] = [];
    const log = (m: string): void => { logged.push(m); };
    assert.equal(await schemaVersion(pool, 'test'), 0);
    assert.deepEqual(await migrate(pool, 'test', MIGRATIONS.slice(0, 2), { log, node: 'node-a' }), { module: 'test', from: 0, to: 2 });
    assert.deepEqual(await migrate(pool, 'test', MIGRATIONS.slice(0, 2), { log }), { module: 'test', from: 2, to: 2 });
    assert.deepEqual(await migrate(pool, 'test', MIGRATIONS, { log, node: 'node-b' }), { module: 'test', from: 2, to: 3 });
    assert.deepEqual(logged, [
      'Migrated the test tables to version 1: first table',
      'Migrated the test tables to version 2: a column',
      'Migrated the test tables to version 3: second table',
    ]);
    const rows = (await pool.query(`SELECT version, description, applied_by FROM ${MIGRATIONS_TABLE} ORDER BY version`)).rows;
    assert.deepEqual(rows, [
      { version: 1, description: 'first table', applied_by: 'node-a' },
      { version: 2, description: 'a column', applied_by: 'node-a' },
      { version: 3, description: 'second table', applied_by: 'node-b' },
    ]);
    await pool.query("INSERT INTO quadrangle.t_1 (id, name) VALUES (1, 'the column exists')");
    assert.equal(await schemaVersion(pool, 'test'), 3);
    assert.equal(await schemaVersion(pool, 'other'), 0, 'modules count apart');
  });

  it('migrates once when several nodes start together: the others wait for the lock', async () => {
    const { url } = await freshPool();
    // Separate pools, as separate nodes have.
    const nodes = Array.from({ length: 4 }, () => { const p = new pg.Pool({ connectionString: url }); pools.push(p); return p; });
    const logged: string[] = [];
    const results = await Promise.all(nodes.map((p, i) => migrate(p, 'test', MIGRATIONS, { log: (m) => logged.push(m), node: `node-${i}` })));
    assert.equal(logged.length, 3, logged.join('\n'));
    assert.equal(results.filter((r) => r.from === 0).length, 1, 'one node migrated');
    assert.ok(results.every((r) => r.to === 3));
    assert.deepEqual(await versions(nodes[0]!), [1, 2, 3]);
    assert.equal((await nodes[0]!.query(`SELECT count(DISTINCT applied_by)::int AS n FROM ${MIGRATIONS_TABLE}`)).rows[0].n, 1);
  });

  it('refuses a database whose schema is newer than the code', async () => {
    const { pool } = await freshPool();
    const five: Migration[] = [...MIGRATIONS,
      { version: 4, description: 'four', sql: 'CREATE TABLE quadrangle.t_4 (id integer);' },
      { version: 5, description: 'five', sql: 'CREATE TABLE quadrangle.t_5 (id integer);' }];
    await migrate(pool, 'catalog', five);
    await assert.rejects(migrate(pool, 'catalog', MIGRATIONS), (e: unknown) => e instanceof DatabaseError
      && e.message === 'catalog: database schema version 5 is newer than this Quadrangle (knows 3): upgrade this node');
    assert.deepEqual(await versions(pool, 'catalog'), [1, 2, 3, 4, 5], 'nothing touched');
  });

  it('applies nothing of a batch when one migration fails', async () => {
    const { pool } = await freshPool();
    await migrate(pool, 'test', MIGRATIONS.slice(0, 1));
    const broken: Migration[] = [...MIGRATIONS.slice(0, 2), { version: 3, description: 'broken', sql: 'CREATE TABLE quadrangle.t_3 (id nosuchtype);' }];
    await assert.rejects(migrate(pool, 'test', broken), /nosuchtype/);
    assert.deepEqual(await versions(pool), [1]);
    const columns = (await pool.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'quadrangle' AND table_name = 't_1'")).rows;
    assert.deepEqual(columns, [{ column_name: 'id' }], 'migration 2 was rolled back with 3');
  });

  it('refuses migrations that are not numbered 1, 2, 3, …', async () => {
    const { pool } = await freshPool();
    await assert.rejects(migrate(pool, 'test', [MIGRATIONS[0]!, MIGRATIONS[2]!]), /numbered 1, 2, 3, … in order; #2 is version 3/);
    assert.equal(await schemaVersion(pool, 'test'), 0);
  });
});
