/**
 * One sheet of a series from a map service, the way the `quadrangle sheet` command asks for
 * it: a grid definition (TM25, TM50, TM100, …), its layout template, the sheet-index layer of
 * the service that holds the sheet's number, and the service's DEM; composed and written.
 * @module sheet/generate-sheet
 */
import type { MapLayer, MapService } from '../catalog/map-service.js';
import type { MultiPolygon, Polygon } from '../geo/geometry.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import type { DemSource } from '../terrain/dem-source.js';
import { composeSheet, type ComposedSheet } from './compose-sheet.js';
import { defaultSheetParameters, type SheetParameters } from './sheet-parameters.js';
import { writeSheet, type SheetFormat } from './sheet-output.js';
import { scaleText } from './surrounds/scale-bars.js';

/** A sheet that cannot be made from the request: unknown grid, template or sheet, no DEM over it. */
export class SheetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetError';
  }
}

/** What to make. */
export interface GenerateSheetOptions {
  service: MapService;
  library: TemplateLibrary;
  /** Product / grid definition name, e.g. `TM50`. */
  product: string;
  /** The sheet number in `sheetIdField`. */
  sheetId: string;
  sheetIdField?: string;
  /** [the grid's layout] Layout template name. */
  template?: string;
  /** [found by name] ID of the sheet-index layer. */
  indexLayerId?: number;
  format: SheetFormat;
  resolution?: number;
  /** [today] Date of the magnetic values and of the notes. */
  date?: Date;
  /** Adjusts the default step parameters (a product version's overrides). */
  adjust?: (parameters: SheetParameters) => void;
  onProgress?: (step: string, percent: number) => void;
}

/** The sheet-index layer of a product: a polygon layer holding the sheet-number field and named for the product. */
function findIndexLayer(service: MapService, product: string, field: string, id?: number): MapLayer {
  if (id !== undefined) {
    const layer = service.layer(id);
    if (!layer?.source) throw new SheetError(`Layer ${id} is not a feature layer of ${service.definition.serviceName}.`);
    return layer;
  }
  const candidates = service.definition.layers
    .filter((d) => d.type === 'Feature Layer')
    .map((d) => service.layer(d.id))
    .filter((l): l is MapLayer => !!l?.source && l.source.schema.geometryType === 'esriGeometryPolygon' && l.fields.some((f) => f.name === field));
  const named = candidates.find((l) => l.definition.name.toLowerCase().includes(product.toLowerCase())) ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!named) throw new SheetError(`No sheet index for ${product} in ${service.definition.serviceName}: expected a polygon layer with a ${field} field named for the product.`);
  return named;
}

/** The service's elevation model: the raster layer rendered as `dem`, else the first raster layer. */
async function findDem(service: MapService): Promise<DemSource | null> {
  const rasters = service.definition.layers.filter((d) => d.type === 'Raster Layer').map((d) => service.layer(d.id)).filter((l): l is MapLayer => !!l?.raster);
  const layer = rasters.find((l) => l.raster!.config.render === 'dem') ?? rasters[0];
  return layer ? service.dem(layer) : null;
}

/** Composes and writes one sheet; returns the file and the composition (warnings, facts). */
export async function generateSheet(options: GenerateSheetOptions): Promise<{ data: Buffer; sheet: ComposedSheet }> {
  const { service, library, product } = options;
  const grid = library.grid(product);
  if (!grid) throw new SheetError(`Unknown grid definition '${product}' (expected one of ${library.gridNames().join(', ')}).`);
  const templateName = options.template ?? grid.layout ?? `${product}_Layout`;
  const template = library.template(templateName);
  if (!template) throw new SheetError(`Unknown layout template '${templateName}' (expected one of ${library.templateNames().join(', ')}).`);
  const field = options.sheetIdField ?? 'NRN';
  const index = findIndexLayer(service, product, field, options.indexLayerId);
  let aoi: { geometry: Polygon | MultiPolygon; attributes: Record<string, unknown> } | null = null;
  for (const row of index.source!.scan({ fields: index.fields.map((f) => f.name), geometry: true })) {
    if (String(row.attributes[field]) === options.sheetId && (row.geometry?.type === 'Polygon' || row.geometry?.type === 'MultiPolygon')) { aoi = { geometry: row.geometry, attributes: row.attributes }; break; }
  }
  if (!aoi) throw new SheetError(`Sheet '${options.sheetId}' is not in ${index.definition.name} (field ${field}).`);
  const dem = await findDem(service);
  const parameters = defaultSheetParameters(grid, options.date ?? new Date());
  parameters.surrounds = {
    ...parameters.surrounds,
    seriesName: (grid.description ?? `${product} ${scaleText(grid.scale)}`).toUpperCase(),
    seriesNumber: product,
    edition: String(aoi.attributes.EDITION ?? parameters.surrounds.edition),
  };
  options.adjust?.(parameters);
  const sheet = await composeSheet({
    service, aoi: { ...aoi, spatialReference: index.spatialReference }, sheetId: options.sheetId, indexLayer: index, sheetIdField: field,
    grid, template, dem, parameters, productName: product, onProgress: options.onProgress,
  });
  if (dem && sheet.warnings.some((w) => w.startsWith('The DEM has no elevations inside'))) throw new SheetError(`Sheet '${options.sheetId}' lies outside the elevation model.`);
  options.onProgress?.('Export', 92);
  const data = await writeSheet(sheet, { format: options.format, resolution: options.resolution, title: `${sheet.facts.sheetName} ${options.sheetId}` });
  options.onProgress?.('Done', 100);
  return { data, sheet };
}
