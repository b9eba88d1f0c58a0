/**
 * Connection pools to PostgreSQL: one `pg.Pool` per URL per thread (each worker thread loads
 * this module anew, so it gets its own), shared by the stores of that thread and ended when
 * the last of them lets go. Opening checks the connection at once, so a database that cannot
 * be reached stops a node at start with one clear line naming the host.
 * @module db/pg-pool
 */
import pg from 'pg';
import { databaseLabel } from './database-url.js';
import { DatabaseError } from './database-error.js';

/** A store's hold on its thread's pool for a URL; `release` once, when the store closes. */
export interface PoolLease {
  readonly pool: pg.Pool;
  /** `host:port/database`, for messages. */
  readonly label: string;
  release(): Promise<void>;
}

interface SharedPool { pool: pg.Pool; holders: number }

const pools = new Map<string, SharedPool>();

/** How long a node waits for a connection before it gives up (and, at start, refuses to run). */
const CONNECT_TIMEOUT_MS = 10_000;

function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Idle connections close, so the many worker threads of a node hold few.
    idleTimeoutMillis: 10_000,
    max: 10,
    application_name: 'quadrangle',
  });
  // A pooled connection that breaks while idle (server restart, network) is dropped by the
  // pool and replaced on the next query; without a listener the error would end the process.
  pool.on('error', () => {});
  return pool;
}

/** What went wrong connecting, in words (the driver's own message for errors the server sent). */
function connectionProblem(error: unknown): string {
  const e = error as { code?: string; message?: string };
  switch (e.code) {
    case 'ECONNREFUSED': return 'connection refused (is PostgreSQL running and listening there?)';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'host not found';
    case 'ETIMEDOUT': return 'no answer (timed out)';
    case 'ECONNRESET': return 'the connection was closed by the server';
    case 'ENOENT': return 'no PostgreSQL socket there';
    default: break;
  }
  if (/timeout/i.test(e.message ?? '')) return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  return e.message ?? String(error);
}

/**
 * Takes a hold on the thread's pool for `url` and checks that the database answers. Throws
 * DatabaseError ("cannot connect to PostgreSQL at host:port/database: connection refused …")
 * when it does not; the hold is then already given back.
 */
export async function openPool(url: string): Promise<PoolLease> {
  let shared = pools.get(url);
  if (!shared) pools.set(url, (shared = { pool: createPool(url), holders: 0 }));
  shared.holders++;
  const entry = shared;
  let released = false;
  const lease: PoolLease = {
    pool: entry.pool,
    label: databaseLabel(url),
    async release() {
      if (released) return;
      released = true;
      if (--entry.holders > 0) return;
      if (pools.get(url) === entry) pools.delete(url);
      await entry.pool.end();
    },
  };
  try {
    await entry.pool.query('SELECT 1');
  } catch (error) {
    await lease.release();
    throw new DatabaseError(`cannot connect to PostgreSQL at ${lease.label}: ${connectionProblem(error)}`);
  }
  return lease;
}

/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is discarded rather than returned to the pool.
    await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
    throw error;
  } finally {
    client.release(broken);
  }
}
