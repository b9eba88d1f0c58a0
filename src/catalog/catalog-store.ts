/**
 * Where service definitions, and the Topographic Production Service products of each service,
 * are kept. The embedded default is SQLite; a PostgreSQL store implements the same interface for
 * clusters.
 * @module catalog/catalog-store
 */
import type { ProductDefinition } from '../production/product-definition.js';
import type { ServiceDefinition } from './service-definition.js';

export interface StoredService {
  definition: ServiceDefinition;
  /** Increases on every change, so runtimes know when to reopen sources. */
  revision: number;
}

export interface FolderRecord { name: string; description: string }

export interface CatalogStore {
  /** Folder names, sorted; the root folder is not listed. */
  listFolders(): Promise<string[]>;
  /** Folders with their descriptions, sorted by name. */
  listFolderDetails(): Promise<FolderRecord[]>;
  /** Creates a folder (keeping an existing one as it is). */
  createFolder(name: string, description?: string): Promise<void>;
  /** Services of one folder ('' for the root), sorted by name. */
  listServices(folder: string): Promise<StoredService[]>;
  getService(folder: string, name: string): Promise<StoredService | null>;
  /** Inserts or replaces a definition (its folder must exist). */
  putService(definition: ServiceDefinition): Promise<StoredService>;
  /** Deletes a service and its products. */
  deleteService(folder: string, name: string): Promise<boolean>;
  /** Products of a service (`serviceKey` is its path, `folder/name` or `name`, as `servicePath` writes it), sorted by name. */
  listProducts(serviceKey: string): Promise<ProductDefinition[]>;
  /** A product by its exact (case-sensitive) name, or null. */
  getProduct(serviceKey: string, name: string): Promise<ProductDefinition | null>;
  /** Inserts or replaces the product called `definition.name` (validated beforehand: the store keeps what it is given). */
  putProduct(serviceKey: string, definition: ProductDefinition): Promise<void>;
  /** Deletes a product; false when there was none. */
  removeProduct(serviceKey: string, name: string): Promise<boolean>;
  /** The stored settings of a built-in service (key `Utilities/PrintingTools.GPServer`), or null when never changed. */
  getSystemService(key: string): Promise<Record<string, unknown> | null>;
  /** Replaces a built-in service's settings. */
  putSystemService(key: string, settings: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}
