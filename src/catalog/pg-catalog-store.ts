/**
 * The cluster catalog: service definitions and their products as JSON in PostgreSQL, shared by
 * every node (tables `quadrangle.catalog_*`, see db/migrate). Behaves as the SQLite catalog does,
 * with one thing more: revisions come from one sequence, so a service's revision rises on every
 * put — also when it was deleted and published again — and another node's ServiceManager, which
 * compares revisions, never keeps a stale runtime.
 * @module catalog/pg-catalog-store
 */
import { migrate, type Migration } from '../db/migrate.js';
import { openPool, type PoolLease } from '../db/pg-pool.js';
import type { ProductDefinition } from '../production/product-definition.js';
import type { CatalogStore, FolderRecord, StoredService } from './catalog-store.js';
import { servicePath, type ServiceDefinition } from './service-definition.js';

/**
 * Names and keys compare byte by byte (COLLATE "C"), as SQLite's do, so lists sort alike on
 * every database whatever its locale. Definitions are `json` (kept as written, key order too).
 */
export const CATALOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'folders, services and products',
    sql: `
      CREATE TABLE quadrangle.catalog_folders (
        name text COLLATE "C" PRIMARY KEY,
        description text NOT NULL DEFAULT ''
      );
      CREATE SEQUENCE quadrangle.catalog_revisions;
      CREATE TABLE quadrangle.catalog_services (
        folder text COLLATE "C" NOT NULL DEFAULT '',
        name text COLLATE "C" NOT NULL,
        type text COLLATE "C" NOT NULL,
        definition json NOT NULL,
        revision bigint NOT NULL,
        modified timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (folder, name, type)
      );
      CREATE TABLE quadrangle.catalog_products (
        service text COLLATE "C" NOT NULL,
        name text COLLATE "C" NOT NULL,
        definition json NOT NULL,
        modified timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (service, name)
      );`,
  },
  {
    version: 2,
    description: 'settings of built-in services',
    sql: `
      CREATE TABLE quadrangle.catalog_system_services (
        key text COLLATE "C" PRIMARY KEY,
        settings json NOT NULL,
        modified timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

interface ServiceRow { definition: ServiceDefinition; revision: string }

const toStored = (r: ServiceRow): StoredService => ({ definition: r.definition, revision: Number(r.revision) });

export class PgCatalogStore implements CatalogStore {
  private constructor(private readonly lease: PoolLease) {}

  /**
   * Connects to the database at `url` (this thread's pool for it), migrating the catalog's tables
   * when needed. Throws DatabaseError when the database cannot be reached or is newer than this code.
   */
  static async open(url: string, options: { log?: (message: string) => void } = {}): Promise<PgCatalogStore> {
    const lease = await openPool(url);
    try {
      await migrate(lease.pool, 'catalog', CATALOG_MIGRATIONS, options);
    } catch (error) {
      await lease.release();
      throw error;
    }
    return new PgCatalogStore(lease);
  }

  private get db() { return this.lease.pool; }

  async listFolders(): Promise<string[]> {
    return (await this.db.query<{ name: string }>('SELECT name FROM quadrangle.catalog_folders ORDER BY name')).rows.map((r) => r.name);
  }

  async listFolderDetails(): Promise<FolderRecord[]> {
    return (await this.db.query<FolderRecord>('SELECT name, description FROM quadrangle.catalog_folders ORDER BY name')).rows;
  }

  async createFolder(name: string, description = ''): Promise<void> {
    await this.db.query('INSERT INTO quadrangle.catalog_folders (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, description]);
  }

  async listServices(folder: string): Promise<StoredService[]> {
    const r = await this.db.query<ServiceRow>('SELECT definition, revision FROM quadrangle.catalog_services WHERE folder = $1 ORDER BY name', [folder]);
    return r.rows.map(toStored);
  }

  async getService(folder: string, name: string): Promise<StoredService | null> {
    const r = await this.db.query<ServiceRow>(
      `SELECT definition, revision FROM quadrangle.catalog_services WHERE folder = $1 AND name = $2 AND type = 'MapServer'`, [folder, name]);
    return r.rows[0] ? toStored(r.rows[0]) : null;
  }

  async putService(definition: ServiceDefinition): Promise<StoredService> {
    // One statement: the folder and the service are written together or not at all.
    const r = await this.db.query<{ revision: string }>(
      `WITH folder AS (
         INSERT INTO quadrangle.catalog_folders (name) SELECT $1::text WHERE $1::text <> '' ON CONFLICT (name) DO NOTHING
       )
       INSERT INTO quadrangle.catalog_services (folder, name, type, definition, revision, modified)
       VALUES ($1, $2, $3, $4, nextval('quadrangle.catalog_revisions'), now())
       ON CONFLICT (folder, name, type) DO UPDATE SET definition = excluded.definition, revision = excluded.revision, modified = excluded.modified
       RETURNING revision`,
      [definition.folder, definition.serviceName, definition.type, JSON.stringify(definition)]);
    return { definition, revision: Number(r.rows[0]!.revision) };
  }

  async deleteService(folder: string, name: string): Promise<boolean> {
    // A service published again under the same name starts without the old one's products.
    const r = await this.db.query<{ n: number }>(
      `WITH gone AS (
         DELETE FROM quadrangle.catalog_services WHERE folder = $1 AND name = $2 AND type = 'MapServer' RETURNING 1
       ), products AS (
         DELETE FROM quadrangle.catalog_products WHERE service = $3 AND EXISTS (SELECT 1 FROM gone)
       )
       SELECT count(*)::int AS n FROM gone`,
      [folder, name, servicePath(folder, name)]);
    return r.rows[0]!.n > 0;
  }

  async listProducts(serviceKey: string): Promise<ProductDefinition[]> {
    const r = await this.db.query<{ definition: ProductDefinition }>('SELECT definition FROM quadrangle.catalog_products WHERE service = $1 ORDER BY name', [serviceKey]);
    return r.rows.map((row) => row.definition);
  }

  async getProduct(serviceKey: string, name: string): Promise<ProductDefinition | null> {
    const r = await this.db.query<{ definition: ProductDefinition }>('SELECT definition FROM quadrangle.catalog_products WHERE service = $1 AND name = $2', [serviceKey, name]);
    return r.rows[0]?.definition ?? null;
  }

  async putProduct(serviceKey: string, definition: ProductDefinition): Promise<void> {
    await this.db.query(
      `INSERT INTO quadrangle.catalog_products (service, name, definition, modified) VALUES ($1, $2, $3, now())
       ON CONFLICT (service, name) DO UPDATE SET definition = excluded.definition, modified = excluded.modified`,
      [serviceKey, definition.name, JSON.stringify(definition)]);
  }

  async removeProduct(serviceKey: string, name: string): Promise<boolean> {
    return ((await this.db.query('DELETE FROM quadrangle.catalog_products WHERE service = $1 AND name = $2', [serviceKey, name])).rowCount ?? 0) > 0;
  }

  async getSystemService(key: string): Promise<Record<string, unknown> | null> {
    const { rows } = await this.db.query<{ settings: Record<string, unknown> }>('SELECT settings FROM quadrangle.catalog_system_services WHERE key = $1', [key]);
    return rows[0]?.settings ?? null;
  }

  async putSystemService(key: string, settings: Record<string, unknown>): Promise<void> {
    await this.db.query(
      'INSERT INTO quadrangle.catalog_system_services (key, settings) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET settings = excluded.settings, modified = now()',
      [key, JSON.stringify(settings)],
    );
  }

  async close(): Promise<void> { await this.lease.release(); }
}
