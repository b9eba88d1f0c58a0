/**
 * The products of one map service, kept in the catalog store beside the service's definition:
 * listing with the `definitionType` filter of tps.md §3, look-up that answers `Product name not
 * found.` (§19), and add / update / remove with the definition validated on the way in, so
 * every stored product is one a job can run.
 * @module production/products-store
 */
import type { CatalogStore } from '../catalog/catalog-store.js';
import { servicePath } from '../catalog/service-definition.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import { isoSeconds, validateProductDefinition, type ProductDefinition } from './product-definition.js';
import { ProductNotFoundError } from './production-errors.js';

export class ProductsStore {
  constructor(private readonly catalog: CatalogStore, readonly serviceKey: string) {}

  /** The products of the service at folder/name. */
  static forService(catalog: CatalogStore, folder: string, name: string): ProductsStore {
    return new ProductsStore(catalog, servicePath(folder, name));
  }

  /**
   * Products sorted by name. With `definitionType`, only those whose definitionType equals it
   * exactly — unless that is empty or matches none, when every product is returned (tps.md §3).
   */
  async list(definitionType?: string): Promise<ProductDefinition[]> {
    const all = await this.catalog.listProducts(this.serviceKey);
    if (!definitionType) return all;
    const kept = all.filter((p) => p.definitionType === definitionType);
    return kept.length ? kept : all;
  }

  /** A product by exact name, or null. */
  async get(name: string): Promise<ProductDefinition | null> {
    return this.catalog.getProduct(this.serviceKey, name);
  }

  /** A product by exact name; throws ProductNotFoundError (`Product name not found.`). */
  async require(name: string): Promise<ProductDefinition> {
    const product = await this.get(name);
    if (!product) throw new ProductNotFoundError(name);
    return product;
  }

  /**
   * addProduct: validates `doc` (names of the service's products count as taken) and stores it.
   * Throws ProductDefinitionError.
   */
  async add(doc: unknown, library: TemplateLibrary, options: { now?: Date } = {}): Promise<ProductDefinition> {
    const existingNames = (await this.catalog.listProducts(this.serviceKey)).map((p) => p.name);
    const product = validateProductDefinition(doc, { library, existingNames, now: options.now });
    await this.catalog.putProduct(this.serviceKey, product);
    return product;
  }

  /**
   * updateProduct: `change` returns the product changed (or changes it in place); the result is
   * stored with a new lastModified. Throws ProductNotFoundError.
   */
  async update(name: string, change: (product: ProductDefinition) => ProductDefinition | void, options: { now?: Date } = {}): Promise<ProductDefinition> {
    const current = await this.require(name);
    const changed = change(current) ?? current;
    const product = { ...changed, name: current.name, lastModified: isoSeconds(options.now ?? new Date()) };
    await this.catalog.putProduct(this.serviceKey, product);
    return product;
  }

  /** removeProduct; throws ProductNotFoundError. */
  async remove(name: string): Promise<void> {
    if (!(await this.catalog.removeProduct(this.serviceKey, name))) throw new ProductNotFoundError(name);
  }
}
