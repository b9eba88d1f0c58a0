/**
 * Products as `products` and `products/<name>` show them (tps.md §3, §4): the summary fields,
 * and with `includeDef` the full definition, whose operation parameters gain `dataType` from
 * the operation catalogue with `includeDataTypes`.
 * @module faces/tps/product-json
 */
import { parameterDataType, type OperationParameter, type ProductDefinition, type ProductVersion } from '../../production/product-definition.js';

export interface ProductJsonOptions {
  includeDef: boolean;
  /** Ignored unless `includeDef`. */
  includeDataTypes: boolean;
}

/** A version entry: name and template, plus the adjustments it sets. */
function versionJson(v: ProductVersion): Record<string, unknown> {
  return {
    name: v.name, template: v.template,
    ...(v.extractionDatabase !== undefined ? { extractionDatabase: v.extractionDatabase } : {}),
    ...(v.operationOverrides !== undefined ? { operationOverrides: v.operationOverrides } : {}),
    ...(v.excludedOperations !== undefined ? { excludedOperations: v.excludedOperations } : {}),
  };
}

/** The definition, with `dataType` on every parameter when asked (overrides included, typed by their operation). */
export function productDefinitionJson(product: ProductDefinition, includeDataTypes: boolean): Record<string, unknown> {
  if (!includeDataTypes) return structuredClone(product) as unknown as Record<string, unknown>;
  const typeOf = new Map(product.operations.map((o) => [o.id, o.type]));
  const typed = (type: ProductDefinition['operations'][number]['type'] | undefined, parameters: OperationParameter[]) =>
    parameters.map((p) => ({ ...p, ...(type && parameterDataType(type, p.name) ? { dataType: parameterDataType(type, p.name) } : {}) }));
  return {
    ...structuredClone(product),
    productVersions: product.productVersions.map((v) => ({
      ...structuredClone(v),
      ...(v.operationOverrides ? { operationOverrides: v.operationOverrides.map((o) => ({ id: o.id, parameters: typed(typeOf.get(o.id), o.parameters) })) } : {}),
    })),
    operations: product.operations.map((o) => ({ ...structuredClone(o), parameters: typed(o.type, o.parameters) })),
  };
}

/** One item of `products`, or the `products/<name>` resource. */
export function productJson(product: ProductDefinition, options: ProductJsonOptions): Record<string, unknown> {
  return {
    name: product.name, description: product.description, type: product.type, definitionType: product.definitionType,
    gridType: product.gridType, sheetIDField: product.sheetIDField,
    productVersions: product.productVersions.map(versionJson),
    enabled: product.enabled, raster: product.raster, ancillaryLayers: product.ancillaryLayers, lastModified: product.lastModified,
    ...(options.includeDef ? { productDefinition: productDefinitionJson(product, options.includeDataTypes) } : {}),
  };
}
