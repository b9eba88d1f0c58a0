import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { databaseLabel, databaseUrlProblem, redactDatabaseUrl } from './database-url.js';
import { DatabaseError } from './database-error.js';
import { openPool, withTransaction } from './pg-pool.js';
import { testDatabases, TEST_SERVER_URL } from './test-database.js';

const newDatabase = testDatabases();

describe('database URLs', () => {
  it('takes postgres:// and postgresql:// only, and never repeats a password', () => {
    assert.equal(databaseUrlProblem('postgresql://q:secret@db.example:5432/quadrangle'), null);
    assert.equal(databaseUrlProblem('postgres://db/quadrangle'), null);
    assert.equal(databaseUrlProblem('mysql://q:secret@db/quadrangle'), 'must start with postgres:// or postgresql://, not mysql://');
    assert.equal(databaseUrlProblem('db.example:5432'), 'must start with postgres:// or postgresql://, not db.example://');
    assert.match(databaseUrlProblem('not a url')!, /^is not a URL/);
    assert.equal(redactDatabaseUrl('postgresql://q:secret@db.example:5432/quadrangle'), 'postgresql://q:***@db.example:5432/quadrangle');
    assert.equal(databaseLabel('postgresql://q:secret@db.example:6543/quadrangle?sslmode=require'), 'db.example:6543/quadrangle');
    assert.equal(databaseLabel('postgresql://q@db.example'), 'db.example/q');
  });
});

describe('openPool', () => {
  it('fails at once, naming the host, when nothing listens there', async () => {
    const started = Date.now();
    await assert.rejects(openPool('postgresql://postgres:secret@127.0.0.1:1/quadrangle'), (e: unknown) => e instanceof DatabaseError
      && e.message === 'cannot connect to PostgreSQL at 127.0.0.1:1/quadrangle: connection refused (is PostgreSQL running and listening there?)');
    assert.ok(Date.now() - started < 5000);
  });

  it('says what the server answered, e.g. a database that does not exist', async () => {
    const url = new URL(TEST_SERVER_URL);
    url.pathname = '/quadrangle_no_such_database';
    await assert.rejects(openPool(url.toString()), (e: unknown) => e instanceof DatabaseError
      && e.message === `cannot connect to PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}/quadrangle_no_such_database: database "quadrangle_no_such_database" does not exist`);
  });

  it('shares one pool per URL in a thread and ends it when the last holder lets go', async () => {
    const db = await newDatabase();
    const a = await openPool(db.url), b = await openPool(db.url);
    assert.equal(a.pool, b.pool);
    await a.release();
    await a.release(); // twice is harmless
    assert.equal((await b.pool.query('SELECT 1 AS one')).rows[0].one, 1, 'still open for the other holder');
    await b.release();
    assert.equal(b.pool.ended, true);
    const c = await openPool(db.url);
    assert.notEqual(c.pool, a.pool, 'a new pool after the old one ended');
    await c.release();
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    const db = await newDatabase();
    const lease = await openPool(db.url);
    await lease.pool.query('CREATE TABLE t (v integer)');
    await withTransaction(lease.pool, (c) => c.query('INSERT INTO t VALUES (1)'));
    await assert.rejects(withTransaction(lease.pool, async (c) => { await c.query('INSERT INTO t VALUES (2)'); throw new Error('no'); }), /no/);
    assert.deepEqual((await lease.pool.query('SELECT v FROM t')).rows, [{ v: 1 }]);
    await lease.release();
  });
});
