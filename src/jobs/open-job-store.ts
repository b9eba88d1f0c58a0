/**
 * Opens the job store a configuration names: the embedded SQLite file `<data>/jobs.sqlite`
 * (the default, one node), or, with a database URL (`QUADRANGLE_DATABASE_URL`), the PostgreSQL
 * store that the nodes of a cluster share, so any node runs any job and shows every job.
 * @module jobs/open-job-store
 */
import { join } from 'node:path';
import type { JobStore } from './job-store.js';
import { PgJobStore } from './pg-job-store.js';
import { SqliteJobStore } from './sqlite-job-store.js';

/** Where the jobs are: the parts of the configuration that decide it. */
export interface JobStoreLocation {
  dataDir: string;
  /** postgres:// or postgresql:// URL; unset for the embedded SQLite store. */
  databaseUrl?: string | undefined;
}

/** The embedded job store file of a data directory. */
export const jobStoreFile = (dataDir: string): string => join(dataDir, 'jobs.sqlite');

/**
 * Opens (creating when needed) the job store. With a database URL, throws DatabaseError
 * (db/database-error) when the database cannot be reached or its schema is newer than this code.
 */
export async function openJobStore(location: JobStoreLocation, options: { log?: (message: string) => void } = {}): Promise<JobStore> {
  if (location.databaseUrl) return PgJobStore.open(location.databaseUrl, options);
  return new SqliteJobStore(jobStoreFile(location.dataDir));
}
