/**
 * Numbered SQL migrations of Quadrangle's tables in PostgreSQL, run once per database however
 * many nodes start together. Every Quadrangle table lives in the `quadrangle` schema (named
 * `<module>_<table>`, e.g. `quadrangle.catalog_services`), beside whatever else the database
 * holds. `quadrangle.schema_migrations` records each migration applied: module, version,
 * description, when and by which node.
 *
 * A node takes a transaction-scoped advisory lock before it migrates, so when several start at
 * once on an empty database one migrates and the others wait, then find nothing left to do. A
 * node whose code knows fewer migrations than the database has refuses to start: it would not
 * know the tables' shape.
 * @module db/migrate
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { DatabaseError } from './database-error.js';
import { withTransaction } from './pg-pool.js';

/** The PostgreSQL schema holding every Quadrangle table. */
export const DB_SCHEMA = 'quadrangle';

/** The table of applied migrations. */
export const MIGRATIONS_TABLE = `${DB_SCHEMA}.schema_migrations`;

/** Key of the advisory lock held while migrating (any constant every Quadrangle uses). */
const MIGRATION_LOCK_KEY = '5139870217402368013';

export interface Migration {
  /** 1, 2, 3, … in order; a released migration is never changed, only followed by a new one. */
  version: number;
  /** A few words for the migrations table and the log. */
  description: string;
  /** Statements run in one transaction (DDL is transactional in PostgreSQL). */
  sql: string;
}

export interface MigrateOptions {
  /** Told of each migration applied. */
  log?: (message: string) => void;
  /** Recorded as `applied_by` (default: host name and process ID). */
  node?: string;
}

export interface MigrateResult { module: string; from: number; to: number }

function checkNumbering(module: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations of ${module} must be numbered 1, 2, 3, … in order; #${i + 1} is version ${m.version}`);
  });
}

/** The module's version in the database: 0 before its first migration. */
export async function schemaVersion(db: pg.Pool | pg.PoolClient, module: string): Promise<number> {
  const table = await db.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [MIGRATIONS_TABLE]);
  if (!table.rows[0]?.present) return 0;
  const r = await db.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${MIGRATIONS_TABLE} WHERE module = $1`, [module]);
  return r.rows[0]?.version ?? 0;
}

function refuseNewer(module: string, found: number, known: number): DatabaseError {
  return new DatabaseError(`${module}: database schema version ${found} is newer than this Quadrangle (knows ${known}): upgrade this node`);
}

/**
 * Brings `module`'s tables up to the last of `migrations`. Throws DatabaseError when the
 * database is ahead of this code.
 */
export async function migrate(pool: pg.Pool, module: string, migrations: readonly Migration[], options: MigrateOptions = {}): Promise<MigrateResult> {
  checkNumbering(module, migrations);
  const known = migrations.length;
  // Nodes after the first find the schema current and never wait for the lock.
  const seen = await schemaVersion(pool, module);
  if (seen > known) throw refuseNewer(module, seen, known);
  if (seen === known) return { module, from: seen, to: seen };

  const result = await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    // Checked before creating: CREATE … IF NOT EXISTS still needs the right to create.
    const schema = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [DB_SCHEMA]);
    if (schema.rowCount === 0) await client.query(`CREATE SCHEMA ${DB_SCHEMA}`);
    const table = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [MIGRATIONS_TABLE]);
    if (!table.rows[0]?.present) {
      await client.query(`CREATE TABLE ${MIGRATIONS_TABLE} (
        module text NOT NULL,
        version integer NOT NULL,
        description text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        applied_by text NOT NULL,
        PRIMARY KEY (module, version))`);
    }
    const from = await schemaVersion(client, module);
    if (from > known) throw refuseNewer(module, from, known);
    const node = options.node ?? `${hostname()} pid ${process.pid}`;
    for (const m of migrations.slice(from)) {
      await client.query(m.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (module, version, description, applied_by) VALUES ($1, $2, $3, $4)`, [module, m.version, m.description, node]);
    }
    return { module, from, to: known };
  });
  // Told once committed: another node may have done the work while this one waited.
  for (const m of migrations.slice(result.from)) options.log?.(`Migrated the ${module} tables to version ${m.version}: ${m.description}`);
  return result;
}
