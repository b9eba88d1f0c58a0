/**
 * Opens the catalog a configuration names: the embedded SQLite file `<data>/catalog.sqlite`
 * (the default), or, with a database URL (`QUADRANGLE_DATABASE_URL`), the PostgreSQL catalog
 * every node of a cluster shares.
 * @module catalog/open-catalog-store
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { databaseLabel } from '../db/database-url.js';
import type { CatalogStore } from './catalog-store.js';
import { PgCatalogStore } from './pg-catalog-store.js';
import { SqliteCatalogStore } from './sqlite-catalog-store.js';

/** Where the catalog is: the parts of the configuration that decide it. */
export interface CatalogLocation {
  dataDir: string;
  /** postgres:// or postgresql:// URL; unset for the embedded SQLite catalog. */
  databaseUrl?: string;
}

/** The embedded catalog file of a data directory. */
export const catalogFile = (dataDir: string): string => join(dataDir, 'catalog.sqlite');

/**
 * Opens (creating when needed) the catalog. With a database URL, throws DatabaseError
 * (db/database-error) when the database cannot be reached or its schema is newer than this code.
 */
export async function openCatalogStore(location: CatalogLocation, options: { log?: (message: string) => void } = {}): Promise<CatalogStore> {
  if (location.databaseUrl) return PgCatalogStore.open(location.databaseUrl, options);
  return new SqliteCatalogStore(catalogFile(location.dataDir));
}

/**
 * Whether there is a catalog to read without creating one: the SQLite file exists, or a
 * database is configured (its tables are created on open).
 */
export function catalogExists(location: CatalogLocation): boolean {
  return Boolean(location.databaseUrl) || existsSync(catalogFile(location.dataDir));
}

/** The catalog in words, for messages: the file's path, or `PostgreSQL host:port/database`. */
export function describeCatalog(location: CatalogLocation): string {
  return location.databaseUrl ? `PostgreSQL ${databaseLabel(location.databaseUrl)}` : catalogFile(location.dataDir);
}
