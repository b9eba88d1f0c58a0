/**
 * The embedded catalog: service definitions and their products as JSON in a SQLite file. Tables
 * are created when missing each time the file is opened, so a catalog written by an older
 * Quadrangle gains the newer tables on its first open.
 * @module catalog/sqlite-catalog-store
 */
import Database from 'better-sqlite3';
import type { ProductDefinition } from '../production/product-definition.js';
import type { CatalogStore, FolderRecord, StoredService } from './catalog-store.js';
import { servicePath, type ServiceDefinition } from './service-definition.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS folders (name TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS services (
  folder TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  definition TEXT NOT NULL,
  revision INTEGER NOT NULL DEFAULT 1,
  modified TEXT NOT NULL,
  PRIMARY KEY (folder, name, type)
);
CREATE TABLE IF NOT EXISTS products (
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  modified TEXT NOT NULL,
  PRIMARY KEY (service, name)
);
CREATE TABLE IF NOT EXISTS system_services (
  key TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  modified TEXT NOT NULL
);`;

export class SqliteCatalogStore implements CatalogStore {
  private readonly db: Database.Database;

  /** Opens (creating when needed) the catalog at `path`. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Catalogs written before folders had descriptions.
    const columns = this.db.prepare('PRAGMA table_info(folders)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'description')) this.db.exec("ALTER TABLE folders ADD COLUMN description TEXT NOT NULL DEFAULT ''");
  }

  async listFolders(): Promise<string[]> {
    return (this.db.prepare('SELECT name FROM folders ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  }

  async listFolderDetails(): Promise<FolderRecord[]> {
    return this.db.prepare('SELECT name, description FROM folders ORDER BY name').all() as FolderRecord[];
  }

  async createFolder(name: string, description = ''): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO folders (name, description) VALUES (?, ?)').run(name, description);
  }

  async listServices(folder: string): Promise<StoredService[]> {
    const rows = this.db.prepare('SELECT definition, revision FROM services WHERE folder = ? ORDER BY name').all(folder) as { definition: string; revision: number }[];
    return rows.map((r) => ({ definition: JSON.parse(r.definition) as ServiceDefinition, revision: r.revision }));
  }

  async getService(folder: string, name: string): Promise<StoredService | null> {
    const r = this.db.prepare(`SELECT definition, revision FROM services WHERE folder = ? AND name = ? AND type = 'MapServer'`).get(folder, name) as { definition: string; revision: number } | undefined;
    return r ? { definition: JSON.parse(r.definition) as ServiceDefinition, revision: r.revision } : null;
  }

  async putService(definition: ServiceDefinition): Promise<StoredService> {
    const put = this.db.transaction(() => {
      if (definition.folder) this.db.prepare('INSERT OR IGNORE INTO folders (name) VALUES (?)').run(definition.folder);
      this.db.prepare(`INSERT INTO services (folder, name, type, definition, revision, modified) VALUES (?, ?, ?, ?, 1, ?)
        ON CONFLICT (folder, name, type) DO UPDATE SET definition = excluded.definition, revision = revision + 1, modified = excluded.modified`)
        .run(definition.folder, definition.serviceName, definition.type, JSON.stringify(definition), new Date().toISOString());
      return this.db.prepare('SELECT revision FROM services WHERE folder = ? AND name = ? AND type = ?').get(definition.folder, definition.serviceName, definition.type) as { revision: number };
    });
    return { definition, revision: put().revision };
  }

  async deleteService(folder: string, name: string): Promise<boolean> {
    // A service published again under the same name starts without the old one's products.
    const remove = this.db.transaction(() => {
      const changes = this.db.prepare(`DELETE FROM services WHERE folder = ? AND name = ? AND type = 'MapServer'`).run(folder, name).changes;
      if (changes > 0) this.db.prepare('DELETE FROM products WHERE service = ?').run(servicePath(folder, name));
      return changes > 0;
    });
    return remove();
  }

  async listProducts(serviceKey: string): Promise<ProductDefinition[]> {
    const rows = this.db.prepare('SELECT definition FROM products WHERE service = ? ORDER BY name').all(serviceKey) as { definition: string }[];
    return rows.map((r) => JSON.parse(r.definition) as ProductDefinition);
  }

  async getProduct(serviceKey: string, name: string): Promise<ProductDefinition | null> {
    const r = this.db.prepare('SELECT definition FROM products WHERE service = ? AND name = ?').get(serviceKey, name) as { definition: string } | undefined;
    return r ? (JSON.parse(r.definition) as ProductDefinition) : null;
  }

  async putProduct(serviceKey: string, definition: ProductDefinition): Promise<void> {
    this.db.prepare(`INSERT INTO products (service, name, definition, modified) VALUES (?, ?, ?, ?)
      ON CONFLICT (service, name) DO UPDATE SET definition = excluded.definition, modified = excluded.modified`)
      .run(serviceKey, definition.name, JSON.stringify(definition), new Date().toISOString());
  }

  async removeProduct(serviceKey: string, name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM products WHERE service = ? AND name = ?').run(serviceKey, name).changes > 0;
  }

  async getSystemService(key: string): Promise<Record<string, unknown> | null> {
    const row = this.db.prepare('SELECT settings FROM system_services WHERE key = ?').get(key) as { settings: string } | undefined;
    return row ? (JSON.parse(row.settings) as Record<string, unknown>) : null;
  }

  async putSystemService(key: string, settings: Record<string, unknown>): Promise<void> {
    this.db.prepare('INSERT INTO system_services (key, settings, modified) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET settings = excluded.settings, modified = excluded.modified')
      .run(key, JSON.stringify(settings), new Date().toISOString());
  }

  async close(): Promise<void> { this.db.close(); }
}
