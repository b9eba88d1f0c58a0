/**
 * Opens the security store a configuration names: the embedded SQLite file
 * `<data>/security.sqlite` (the default), or, with a database URL (`QUADRANGLE_DATABASE_URL`),
 * the PostgreSQL store every node of a cluster shares — the same users and the same token key.
 * @module security/open-security-store
 */
import { join } from 'node:path';
import { databaseLabel } from '../db/database-url.js';
import { PgSecurityStore } from './pg-security-store.js';
import type { SecurityStore } from './security-store.js';
import { SqliteSecurityStore } from './sqlite-security-store.js';

/** Where the security store is: the parts of the configuration that decide it. */
export interface SecurityLocation {
  dataDir: string;
  /** postgres:// or postgresql:// URL; unset for the embedded SQLite store. */
  databaseUrl?: string;
}

/** The embedded security store of a data directory. */
export const securityFile = (dataDir: string): string => join(dataDir, 'security.sqlite');

/**
 * Opens (creating when needed) the store; `now` stamps password changes. With a database URL,
 * throws DatabaseError (db/database-error) when the database cannot be reached or its schema is
 * newer than this code.
 */
export async function openSecurityStore(location: SecurityLocation, options: { now?: () => number; log?: (message: string) => void } = {}): Promise<SecurityStore> {
  if (location.databaseUrl) return PgSecurityStore.open(location.databaseUrl, options);
  return new SqliteSecurityStore(securityFile(location.dataDir), { now: options.now });
}

/** The store in words, for messages: the file's path, or `PostgreSQL host:port/database`. */
export function describeSecurityStore(location: SecurityLocation): string {
  return location.databaseUrl ? `PostgreSQL ${databaseLabel(location.databaseUrl)}` : securityFile(location.dataDir);
}
