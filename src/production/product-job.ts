/**
 * The generateProduct job (tps.md §9, §18), run in a job thread: the product resolved for the
 * requested version, the AOI read from its sheet-index layer (or the custom AOI), the sheet
 * composed by the sheet engine step by step with progress and messages, and the output written
 * atomically into the job's folder. The HTTP face validates the request before queuing it;
 * what can only fail here (a feature gone, a DEM unreadable) fails the job with a message.
 * @module production/product-job
 */
import { join } from 'node:path';
import { ServiceManager } from '../catalog/service-manager.js';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { resolveDataPath } from '../data/source-registry.js';
import { fromEsriGeometry, toEsriGeometry } from '../geo/esri-json.js';
import type { MultiPolygon, Polygon } from '../geo/geometry.js';
import { parseSpatialReference } from '../geo/spatial-reference.js';
import { writeOutputAtomically } from '../jobs/job-output.js';
import type { JobContext as WorkerContext } from '../jobs/job-worker.js';
import type { JsonObject, JsonValue } from '../jobs/job-types.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { composeSheet } from '../sheet/compose-sheet.js';
import { SHEET_FORMATS, writeSheet, type SheetFormat } from '../sheet/sheet-output.js';
import { openDemSource } from '../terrain/dem-source.js';
import { ProductsStore } from './products-store.js';
import { planProduction, readOutputSettings, type VersionRequest } from './resolve-parameters.js';

/** What the HTTP face queues: plain JSON, read again in the job thread. */
export interface ProductJobRequest {
  dataDir: string;
  service: { folder: string; name: string };
  productName: string;
  productVersion: VersionRequest;
  /** The `aoiLayer` URL as sent, and the layer it names on this server. */
  aoiLayerUrl: string;
  aoiLayer: { folder: string; name: string; layerId: number };
  aoiFeatureId: number | null;
  /** One polygon as Esri JSON with its spatialReference, replacing the feature. */
  customAoi: JsonObject | null;
  outputType: string;
  exportName: string;
  outputSettings: JsonValue;
  /** ISO time of submission. */
  jobDate: string;
}

/** File extensions of the output types. */
const EXTENSIONS: Record<SheetFormat, string> = { pdf: 'pdf', tiff: 'tif', png: 'png', jpg: 'jpg', svg: 'svg' };

/** Runs one generateProduct job; answers the output file's name and type for the job's `outputUrl`. */
export async function runProductJob(value: JsonValue, ctx: WorkerContext): Promise<JsonObject> {
  const request = value as unknown as ProductJobRequest;
  const store = new SqliteCatalogStore(join(request.dataDir, 'catalog.sqlite'));
  const services = new ServiceManager(store, request.dataDir);
  try {
    ctx.message('informative', `Generating ${request.productName} (${typeof request.productVersion === 'string' ? request.productVersion : request.productVersion.name}) as ${request.outputType}.`);
    const service = await services.get(request.service.folder, request.service.name);
    if (!service) throw new Error(`Service ${request.service.folder}/${request.service.name} is no longer available.`);
    const product = await ProductsStore.forService(store, request.service.folder, request.service.name).require(request.productName);
    const library = new TemplateLibrary({ layoutDirs: [join(request.dataDir, 'layouts')], gridDirs: [join(request.dataDir, 'grids')] });

    // The AOI: the sheet-index feature, or the custom polygon.
    const aoiService = await services.get(request.aoiLayer.folder, request.aoiLayer.name);
    const indexLayer = aoiService?.layer(request.aoiLayer.layerId);
    if (!indexLayer?.source) throw new Error(`aoiLayer ${request.aoiLayerUrl} is no longer a feature layer.`);
    let aoi: { geometry: Polygon | MultiPolygon; spatialReference: typeof indexLayer.spatialReference; attributes: Record<string, unknown> | null };
    if (request.customAoi) {
      const geometry = fromEsriGeometry(request.customAoi, 'esriGeometryPolygon');
      const sr = parseSpatialReference(request.customAoi.spatialReference) ?? indexLayer.spatialReference;
      if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon')) throw new Error('customAoi is not a polygon.');
      aoi = { geometry, spatialReference: sr, attributes: null };
    } else {
      const rows = [...indexLayer.source.scan({ objectIds: [request.aoiFeatureId!], fields: indexLayer.fields.map((f) => f.name), geometry: true })];
      const g = rows[0]?.geometry;
      if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) throw new Error(`aoiFeatureId: feature ${request.aoiFeatureId} not found`);
      aoi = { geometry: g, spatialReference: indexLayer.spatialReference, attributes: rows[0]!.attributes };
    }
    const sheetId = aoi.attributes ? String(aoi.attributes[product.sheetIDField] ?? '') || null : null;

    const plan = planProduction(product, {
      library, version: request.productVersion, outputSettings: readOutputSettings(request.outputSettings ?? undefined),
      context: {
        aoiLayer: request.aoiLayerUrl, aoiGeometry: toEsriGeometry(aoi.geometry) as unknown as Record<string, unknown>, sheetId,
        outputType: request.outputType, exportName: request.exportName, jobFolder: ctx.jobDir, jobDate: new Date(request.jobDate),
      },
    });
    const template = library.template(plan.template);
    if (!template) throw new Error(`Layout template '${plan.template}' is not in the library.`);
    const rasterPath = plan.rasters.contours ?? plan.rasters.hillshade ?? plan.rasters.spotHeights ?? plan.rasters.elevationGuide ?? product.raster;
    const dem = rasterPath ? await openDemSource(resolveDataPath(request.dataDir, rasterPath)) : null;

    const steps = plan.steps.length || 1;
    const sheet = await composeSheet({
      service, aoi, sheetId, indexLayer, sheetIdField: product.sheetIDField, grid: plan.grid, template, dem,
      parameters: plan.sheet, productName: product.name,
      onProgress: async (step, percent) => {
        ctx.progress(Math.min(0.95, percent / 100), step);
        ctx.message('informative', `${step} (${Math.round((percent / 100) * steps)} of ${steps} steps)`);
        // Between steps a paused job parks here until it is resumed (tps.md §17).
        await ctx.checkpoint();
      },
    });
    for (const w of sheet.warnings) ctx.message('warning', w);
    const format = (plan.export?.format ?? request.outputType) as SheetFormat;
    if (!(format in SHEET_FORMATS)) throw new Error(`outputType '${format}' cannot be written yet.`);
    const data = await writeSheet(sheet, {
      format, resolution: plan.export?.resolution, imageQuality: plan.export?.imageQuality, georeference: plan.export?.georeference,
      title: `${sheet.facts.sheetName} ${sheetId ?? ''}`.trim(),
    });
    const fileName = `${request.exportName}.${EXTENSIONS[format]}`;
    await writeOutputAtomically(join(ctx.jobDir, fileName), data);
    ctx.progress(1, 'Export');
    ctx.message('informative', `Wrote ${fileName} (${(data.length / 1e6).toFixed(1)} MB).`);
    return { outputFile: fileName, contentType: SHEET_FORMATS[format], bytes: data.length, sheetId, sheetName: sheet.facts.sheetName };
  } finally {
    services.close();
    await store.close();
  }
}
