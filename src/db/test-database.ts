/**
 * Fresh PostgreSQL databases for tests: each is created empty under a random name
 * (`quadrangle_test_<hex>`) and dropped afterwards, so test files never see each other's tables.
 * The server is `QUADRANGLE_TEST_DATABASE_URL` (a URL whose user may create databases), by
 * default the local one: `postgresql://postgres@127.0.0.1:5432/postgres`.
 * @module db/test-database
 */
import { randomBytes } from 'node:crypto';
import { after } from 'node:test';
import pg from 'pg';

export const TEST_SERVER_URL = process.env.QUADRANGLE_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  name: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on the test server. Its default collation is ICU's en-US where the
 * server has ICU (it sorts `_x, b, B`, where bytes sort `B, _x, b`), so code that needs
 * byte order must ask for it and tests notice when it does not.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `quadrangle_test_${randomBytes(6).toString('hex')}`;
  await onServer(async (c) => {
    try {
      await c.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
    } catch {
      await c.query(`CREATE DATABASE ${name}`);
    }
  });
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/**
 * A maker of fresh test databases, each dropped when the test file ends. Call it at the top level
 * of the file, where `after` hooks belong.
 */
export function testDatabases(): () => Promise<TestDatabase> {
  const made: TestDatabase[] = [];
  after(async () => { for (const d of made) await d.drop(); });
  return async () => {
    const db = await createTestDatabase();
    made.push(db);
    return db;
  };
}
