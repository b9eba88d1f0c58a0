/**
 * What `updateProduct` changes (tps.md §7): description, enabled, sheetIDField and raster
 * replaced; versions and ancillary layers added, updated or removed by name / layer URL. The
 * changed document is validated again as a whole, so an updated product is as sound as an
 * added one (templates known, overrides naming real operations, at least one version).
 * @module faces/tps/product-update
 */
import type { TemplateLibrary } from '../../layout/template-library.js';
import {
  readAncillaryLayers, validateProductDefinition, type AncillaryLayer, type ProductDefinition, type ProductVersion,
} from '../../production/product-definition.js';
import { ProductDefinitionError, ProductParameterError } from '../../production/production-errors.js';

/** The changes of one updateProduct request; absent fields stay unchanged. */
export interface ProductChanges {
  description?: string;
  enabled?: boolean;
  sheetIDField?: string;
  raster?: string;
  /** `{operation, versions}` as sent. */
  productVersions?: unknown;
  /** `{operation, layers}` as sent. */
  ancillaryLayers?: unknown;
}

type ListOperation = 'add' | 'update' | 'remove';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Reads `{"operation": "add"|"update"|"remove", <key>: [...]}`. */
function readListChange(value: unknown, parameter: string, key: string): { operation: ListOperation; items: unknown[] } {
  if (!isObject(value)) throw new ProductParameterError(`${parameter}: must be a JSON object {"operation": "add"|"update"|"remove", "${key}": [...]}`);
  const op = typeof value.operation === 'string' ? value.operation.trim().toLowerCase() : '';
  if (op !== 'add' && op !== 'update' && op !== 'remove') throw new ProductParameterError(`${parameter}: operation must be add, update or remove`);
  const items = value[key];
  if (!Array.isArray(items) || items.length === 0) throw new ProductParameterError(`${parameter}: ${key} must be a non-empty array`);
  return { operation: op, items };
}

/** The version list after an add, update or remove. */
function changeVersions(current: ProductVersion[], value: unknown): unknown[] {
  const { operation, items } = readListChange(value, 'productVersions', 'versions');
  const names = new Set(current.map((v) => v.name));
  const nameOf = (item: unknown, i: number): string => {
    const name = typeof item === 'string' && operation === 'remove' ? item : isObject(item) ? item.name : undefined;
    if (typeof name !== 'string' || !name) throw new ProductParameterError(`productVersions: versions[${i}] has no name`);
    return name;
  };
  if (operation === 'remove') {
    const gone = new Set(items.map((item, i) => {
      const name = nameOf(item, i);
      if (!names.has(name)) throw new ProductParameterError(`productVersions: version '${name}' does not exist`);
      return name;
    }));
    const kept = current.filter((v) => !gone.has(v.name));
    if (kept.length === 0) throw new ProductParameterError('productVersions: a product must keep at least one version');
    return kept;
  }
  const out: unknown[] = [...current];
  items.forEach((item, i) => {
    const name = nameOf(item, i);
    if (operation === 'add') {
      if (names.has(name)) throw new ProductParameterError(`productVersions: version '${name}' already exists`);
      names.add(name);
      out.push(item);
    } else {
      const at = current.findIndex((v) => v.name === name);
      if (at < 0) throw new ProductParameterError(`productVersions: version '${name}' does not exist`);
      out[at] = item;
    }
  });
  return out;
}

/** The ancillary layer list after an add, update or remove (entries matched on `layer`). */
function changeAncillaryLayers(current: AncillaryLayer[], value: unknown): AncillaryLayer[] {
  const { operation, items } = readListChange(value, 'ancillaryLayers', 'layers');
  const urlOf = (item: unknown): string | undefined => (typeof item === 'string' ? item : isObject(item) && typeof item.layer === 'string' ? item.layer : undefined);
  if (operation === 'remove') {
    const gone = new Set(items.map((item, i) => {
      const url = urlOf(item);
      if (!url) throw new ProductParameterError(`ancillaryLayers: layers[${i}] must be a layer URL or {layer}`);
      if (!current.some((l) => l.layer === url)) throw new ProductParameterError(`ancillaryLayers: layer '${url}' is not one of the product's`);
      return url;
    }));
    return current.filter((l) => !gone.has(l.layer));
  }
  const problems: string[] = [];
  const layers = readAncillaryLayers(items, 'ancillaryLayers.layers', { add: (path, message) => problems.push(`${path}: ${message}`) });
  if (problems.length) throw new ProductDefinitionError(problems);
  const out = [...current];
  for (const layer of layers) {
    const at = out.findIndex((l) => l.layer === layer.layer);
    if (operation === 'add' && at >= 0) throw new ProductParameterError(`ancillaryLayers: layer '${layer.layer}' already exists`);
    if (operation === 'update' && at < 0) throw new ProductParameterError(`ancillaryLayers: layer '${layer.layer}' is not one of the product's`);
    if (at >= 0) out[at] = layer;
    else out.push(layer);
  }
  return out;
}

/**
 * The product with `changes` applied and validated again. Throws ProductParameterError or
 * ProductDefinitionError with messages naming the request parameter (`productVersions[1].template: …`).
 */
export function applyProductChanges(product: ProductDefinition, changes: ProductChanges, library: TemplateLibrary): ProductDefinition {
  const doc: Record<string, unknown> = { ...structuredClone(product) };
  if (changes.description !== undefined) doc.description = changes.description;
  if (changes.enabled !== undefined) doc.enabled = changes.enabled;
  if (changes.sheetIDField !== undefined) doc.sheetIDField = changes.sheetIDField;
  if (changes.raster !== undefined) doc.raster = changes.raster;
  if (changes.productVersions !== undefined) doc.productVersions = changeVersions(product.productVersions, changes.productVersions);
  if (changes.ancillaryLayers !== undefined) doc.ancillaryLayers = changeAncillaryLayers(product.ancillaryLayers, changes.ancillaryLayers);
  try {
    return validateProductDefinition(doc, { library, parameter: 'product' });
  } catch (e) {
    if (e instanceof ProductDefinitionError) throw new ProductDefinitionError(e.messages.map((m) => m.replace(/^product\./, '')));
    throw e;
  }
}
