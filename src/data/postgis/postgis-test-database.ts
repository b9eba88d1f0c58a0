/**
 * Test-only: a throwaway PostgreSQL database with PostGIS for the PostGIS source's tests, on
 * the server named by `QUADRANGLE_TEST_POSTGRES` (default
 * `postgresql://postgres@127.0.0.1:5432/postgres`, the one CI runs). Each test file makes its
 * own `quadrangle_postgis_test_<random>` and drops it after.
 * @module data/postgis/postgis-test-database
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const SERVER = process.env.QUADRANGLE_TEST_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** `postgresql://` URL of the database. */
  url: string;
  /** Runs SQL (several statements allowed) as the server's administrator; returns the first column of the last statement's rows. */
  exec(sql: string): Promise<string[]>;
  /** Loads a GeoPackage's (or any OGR dataset's) tables with ogr2ogr; `options` are ogr2ogr's. */
  load(path: string, options?: string[]): void;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try { return await run(client); } finally { await client.end(); }
}

async function firstColumn(client: pg.Client, sql: string): Promise<string[]> {
  const result = await client.query({ text: sql, rowMode: 'array' });
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []).map((r: unknown[]) => String(r[0]));
}

/** Why the PostGIS tests cannot run here (no server, no PostGIS), or false when they can. */
export async function postgisUnavailable(): Promise<string | false> {
  try {
    const [available] = await withClient(SERVER, (c) => firstColumn(c, "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'"));
    return available === '1' ? false : `PostGIS is not installed on ${SERVER} (apt-get install postgresql-15-postgis-3)`;
  } catch (e) {
    return `PostgreSQL is not reachable at ${SERVER}: ${String((e as Error).message).split('\n')[0]}`;
  }
}

/**
 * Creates the database with PostGIS. `icuLocale` makes the database's collation an ICU one
 * (e.g. 'en-US', where 'ben' sorts before 'Snowdon'), to show answers do not depend on it.
 */
export async function createTestDatabase(options: { icuLocale?: string } = {}): Promise<TestDatabase> {
  const name = `quadrangle_postgis_test_${randomBytes(6).toString('hex')}`;
  const locale = options.icuLocale ? ` TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE '${options.icuLocale.replace(/'/g, '')}' LOCALE 'C.UTF-8'` : '';
  await withClient(SERVER, (c) => c.query(`CREATE DATABASE ${name}${locale}`));
  const server = new URL(SERVER);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query('CREATE EXTENSION postgis');
  const ogrTarget = [
    `host=${server.hostname}`, `port=${server.port || 5432}`, `dbname=${name}`,
    `user=${decodeURIComponent(server.username || 'postgres')}`, ...(server.password ? [`password=${decodeURIComponent(server.password)}`] : []),
  ].join(' ');
  return {
    name,
    url: url.toString(),
    exec: (sql) => firstColumn(client, sql),
    load: (path, opts = []) => { execFileSync('ogr2ogr', ['-f', 'PostgreSQL', `PG:${ogrTarget}`, path, ...opts], { stdio: ['ignore', 'ignore', 'pipe'] }); },
    drop: async () => {
      await client.end();
      await withClient(SERVER, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
