/**
 * generateProduct's `package` output (tps.md §9): a zip holding the job's extracted AOI data as
 * a GeoPackage and `layout.json` — the resolved layout template, the grid definition, the
 * sheet's parameters as the job resolved them, and each map layer bound to its table with the
 * service's drawing — so the sheet can be made again, or edited, from the package alone.
 * It is Quadrangle's counterpart of ArcGIS's `aprx`/`pagx`.
 * @module production/product-package
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { MapService } from '../catalog/map-service.js';
import { toEsriGeometry } from '../geo/esri-json.js';
import { srJson } from '../geo/spatial-reference.js';
import { writeOutputAtomically } from '../jobs/job-output.js';
import type { LayoutTemplate } from '../layout/layout-template.js';
import type { ExtractAoi, ExtractResult } from './extract-data.js';
import type { ExtractPlan, ProductionPlan } from './resolve-parameters.js';

/** Name of the layout document in the package. */
export const LAYOUT_ENTRY = 'layout.json';

/** Format tag and version of `layout.json`, for readers to check. */
export const PACKAGE_FORMAT = { name: 'quadrangle-product-package', version: 1 } as const;

/** What `layout.json` is made from. */
export interface LayoutDocumentInput {
  plan: ProductionPlan;
  template: LayoutTemplate;
  service: MapService;
  aoi: ExtractAoi;
  sheetId: string | null;
  /** The extraction settings used. */
  extract: Pick<ExtractPlan, 'layers' | 'buffer' | 'clip'>;
  extraction: ExtractResult;
  /** The GeoPackage's file name in the package. */
  databaseName: string;
  /** ISO time of the job's submission. */
  jobDate: string;
}

/**
 * The package's layout document: plain JSON (dates as ISO text). Layers name their tables in
 * the package's GeoPackage, by its file name beside `layout.json`.
 */
export function buildLayoutDocument(input: LayoutDocumentInput): Record<string, unknown> {
  const { plan, template, service, extraction } = input;
  const database = input.databaseName;
  const map = plan.layout?.map ?? 'BaseMap';
  return {
    format: PACKAGE_FORMAT.name,
    formatVersion: PACKAGE_FORMAT.version,
    product: { name: plan.productName, version: plan.version.name, gridType: plan.grid.name },
    service: service.path,
    sheetId: input.sheetId,
    jobDate: input.jobDate,
    aoi: { geometry: toEsriGeometry(input.aoi.geometry), spatialReference: srJson(input.aoi.spatialReference) },
    database,
    extract: { layers: input.extract.layers, buffer: input.extract.buffer, clip: input.extract.clip, features: extraction.features },
    template,
    grid: plan.grid,
    parameters: JSON.parse(JSON.stringify(plan.sheet)) as unknown,
    export: plan.export,
    steps: plan.steps,
    maps: [{
      name: map,
      // Service order, top first, as ArcGIS lists layers.
      layers: extraction.layers.map((l) => {
        const def = service.layerDefinition(l.layerId)!;
        return {
          id: l.layerId, name: l.name, table: l.table, featureCount: l.count, spatialReference: srJson(l.spatialReference),
          source: { type: 'geopackage', path: database, table: l.table },
          ...(def.definitionExpression ? { definitionExpression: def.definitionExpression } : {}),
          ...(def.displayField ? { displayField: def.displayField } : {}),
          defaultVisibility: def.defaultVisibility !== false, minScale: def.minScale ?? 0, maxScale: def.maxScale ?? 0,
          drawingInfo: def.drawingInfo ?? null, fieldAliases: def.fieldAliases ?? {},
        };
      }),
    }],
  };
}

/** The package zip in memory: the GeoPackage (deflated) as `databaseName`, and `layout.json`. */
export async function packageBytes(databasePath: string, databaseName: string, layout: Record<string, unknown>): Promise<Uint8Array> {
  if (basename(databaseName) !== databaseName || databaseName === LAYOUT_ENTRY) throw new Error(`'${databaseName}' cannot name the package's GeoPackage`);
  const gpkg = new Uint8Array(await readFile(databasePath));
  return zipSync({
    [databaseName]: [gpkg, { level: 6 }],
    [LAYOUT_ENTRY]: [strToU8(`${JSON.stringify(layout, null, 2)}\n`), { level: 9 }],
  });
}

/** Writes the package to `path` atomically (temp name, then rename) and answers its size in bytes. */
export async function writeProductPackage(path: string, databasePath: string, databaseName: string, layout: Record<string, unknown>): Promise<number> {
  const zip = await packageBytes(databasePath, databaseName, layout);
  await writeOutputAtomically(path, zip);
  return zip.length;
}
