/**
 * The TM25, TM50 and TM100 products of the sample service (Topo/SampleRegion), so a fresh
 * server can make a sheet through the Topographic Production Service at once: each with version
 * TDS_7_1 on its TM<n>_Layout template, the sample DEM as `raster`, a `Contours` resource and
 * the full operation list of tps.md §5.5. Operation GUIDs are derived from the product and step
 * names, so they are the same on every server and every start.
 * @module production/sample-products
 */
import { productOperations } from './product-operations.js';
import type { CatalogStore } from '../catalog/catalog-store.js';
import { servicePath } from '../catalog/service-definition.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { SAMPLE_DEM, SAMPLE_FOLDER, SAMPLE_SERVICE } from '../sample/sample-service.js';
import { validateProductDefinition, type ProductDefinition } from './product-definition.js';

/** The service the sample products belong to, as the catalog keys it. */
export const SAMPLE_PRODUCTS_SERVICE = servicePath(SAMPLE_FOLDER, SAMPLE_SERVICE);

/** The sample service's sheet-index layer of each product: the `aoiLayer` of its jobs. */
export const SAMPLE_PRODUCT_INDEX_LAYERS = { TM25: 14, TM50: 15, TM100: 16 } as const;

export type SampleProductName = keyof typeof SAMPLE_PRODUCT_INDEX_LAYERS;

/** Scale and default contour interval (metres) of each sample product's grid definition. */
const SERIES: Record<SampleProductName, { scale: number; contours: number }> = {
  TM25: { scale: 25000, contours: 10 },
  TM50: { scale: 50000, contours: 20 },
  TM100: { scale: 100000, contours: 40 },
};

/** The definition document of one sample product, as a client would send it to addProduct. */
export function sampleProductDocument(name: SampleProductName): Record<string, unknown> {
  const { scale, contours } = SERIES[name];
  const scaleText = scale.toLocaleString('en-US');
  return {
    version: 0,
    name,
    type: 'TM',
    gridType: name,
    description: `Topographic Map 1:${scaleText}`,
    sheetIDField: 'NRN',
    productVersions: [{ name: 'TDS_7_1', template: `${name}_Layout` }],
    resources: [{ name: 'Contours', type: 'number', value: String(contours) }],
    operations: productOperations(`quadrangle-sample/${name}`, { name: `TOPOGRAPHIC MAP 1:${scaleText}`, number: name }),
    enabled: true,
    raster: SAMPLE_DEM,
    ancillaryLayers: [],
  };
}

/** The three sample products, validated against `library` (the built-ins by default). */
export function sampleProducts(library: TemplateLibrary = new TemplateLibrary(), now: Date = new Date()): ProductDefinition[] {
  return (Object.keys(SERIES) as SampleProductName[]).map((name) => validateProductDefinition(sampleProductDocument(name), { library, now }));
}

/**
 * Adds the sample products when the sample service has no product at all — the rule the sample
 * service itself follows — so a product the administrator removed or changed stays as left.
 * Does nothing when the catalog has no sample service. Returns the names added.
 */
export async function ensureSampleProducts(store: CatalogStore, library?: TemplateLibrary): Promise<string[]> {
  if (!(await store.getService(SAMPLE_FOLDER, SAMPLE_SERVICE))) return [];
  if ((await store.listProducts(SAMPLE_PRODUCTS_SERVICE)).length > 0) return [];
  const products = sampleProducts(library);
  for (const product of products) await store.putProduct(SAMPLE_PRODUCTS_SERVICE, product);
  return products.map((p) => p.name);
}
