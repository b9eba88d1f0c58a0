/**
 * Where service definitions are kept. The embedded default is SQLite; a PostgreSQL store
 * implements the same interface for clusters.
 * @module catalog/catalog-store
 */
import type { ServiceDefinition } from './service-definition.js';

export interface StoredService {
  definition: ServiceDefinition;
  /** Increases on every change, so runtimes know when to reopen sources. */
  revision: number;
}

export interface CatalogStore {
  /** Folder names, sorted; the root folder is not listed. */
  listFolders(): Promise<string[]>;
  createFolder(name: string): Promise<void>;
  /** Services of one folder ('' for the root), sorted by name. */
  listServices(folder: string): Promise<StoredService[]>;
  getService(folder: string, name: string): Promise<StoredService | null>;
  /** Inserts or replaces a definition (its folder must exist). */
  putService(definition: ServiceDefinition): Promise<StoredService>;
  deleteService(folder: string, name: string): Promise<boolean>;
  close(): Promise<void>;
}
