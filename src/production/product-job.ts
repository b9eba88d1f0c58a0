/**
 * The generateProduct job (tps.md §9, §18), run in a job thread: the product resolved for the
 * requested version, the AOI read from its sheet-index layer (or the custom AOI), the AOI's
 * features extracted into the job's GeoPackage (ExtractData), then either the sheet composed by
 * the sheet engine from those extracted tables step by step with progress and messages, or —
 * for `package` — the GeoPackage zipped with the resolved layout; the output is written
 * atomically into the job's folder. The HTTP face validates the request before queuing it;
 * what can only fail here (a feature gone, a DEM unreadable) fails the job with a message.
 * @module production/product-job
 */
import { join } from 'node:path';
import { ServiceManager } from '../catalog/service-manager.js';
import { openCatalogStore } from '../catalog/open-catalog-store.js';
import { resolveDataPath } from '../data/source-registry.js';
import { fromEsriGeometry, toEsriGeometry } from '../geo/esri-json.js';
import type { MultiPolygon, Polygon } from '../geo/geometry.js';
import { parseSpatialReference } from '../geo/spatial-reference.js';
import { writeOutputAtomically } from '../jobs/job-output.js';
import type { JobContext as WorkerContext } from '../jobs/job-worker.js';
import type { JsonObject, JsonValue } from '../jobs/job-types.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { exportLayers } from '../mapping/service-map-layers.js';
import { composeSheet } from '../sheet/compose-sheet.js';
import { SHEET_FORMATS, writeSheet, type SheetFormat } from '../sheet/sheet-output.js';
import { openDemSource } from '../terrain/dem-source.js';
import { bindExtractedLayers, extractData, type BoundLayers, type ExtractResult } from './extract-data.js';
import type { OutputType } from './operation-catalogue.js';
import { buildLayoutDocument, LAYOUT_ENTRY, writeProductPackage } from './product-package.js';
import { ProductsStore } from './products-store.js';
import { planProduction, readOutputSettings, type ExtractPlan, type VersionRequest } from './resolve-parameters.js';

/** What the HTTP face queues: plain JSON, read again in the job thread. */
export interface ProductJobRequest {
  dataDir: string;
  /** The PostgreSQL catalog's URL, when the server uses one. */
  databaseUrl?: string;
  service: { folder: string; name: string };
  productName: string;
  productVersion: VersionRequest;
  /** The `aoiLayer` URL as sent, and the layer it names on this server. */
  aoiLayerUrl: string;
  aoiLayer: { folder: string; name: string; layerId: number };
  aoiFeatureId: number | null;
  /** One polygon as Esri JSON with its spatialReference, replacing the feature. */
  customAoi: JsonObject | null;
  /** Layer IDs of the service neither extracted nor drawn (generateProduct `layerExclusion`). */
  layerExclusion?: number[];
  outputType: string;
  exportName: string;
  outputSettings: JsonValue;
  /** ISO time of submission. */
  jobDate: string;
}

/** File extensions of the sheet output types (a package is a `.zip`). */
const EXTENSIONS: Record<SheetFormat, string> = { pdf: 'pdf', tiff: 'tif', png: 'png', jpg: 'jpg', svg: 'svg' };

/**
 * ExtractData with the defaults of tps.md §5.4 (every feature layer, no buffer, clipped), for a
 * package whose product has no ExtractData step: a package is the extracted data.
 */
function defaultExtractPlan(database: string): ExtractPlan {
  return { layers: '*', buffer: 0, clip: true, database };
}

/** Runs one generateProduct job; answers the output file's name and type for the job's `outputUrl`. */
export async function runProductJob(value: JsonValue, ctx: WorkerContext): Promise<JsonObject> {
  const request = value as unknown as ProductJobRequest;
  const store = await openCatalogStore(request);
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
    const format = (plan.export?.format ?? request.outputType) as OutputType;
    if (format !== 'package' && !(format in SHEET_FORMATS)) throw new Error(`outputType '${format}' cannot be written yet.`);

    // ExtractData first: the sheet is drawn, and the package filled, from the job's own copy of the data.
    const extractPlan = plan.extract ?? (format === 'package' ? defaultExtractPlan(join(ctx.jobDir, plan.version.extractionDatabase)) : null);
    const extractShare = format === 'package' ? 0.9 : 0.2;
    let extraction: ExtractResult | null = null;
    if (extractPlan) {
      if (!plan.extract) ctx.message('informative', 'ExtractData: the product has no ExtractData step; every feature layer is extracted for the package.');
      ctx.progress(0, 'ExtractData');
      extraction = await extractData({
        service, layers: extractPlan.layers, exclude: request.layerExclusion ?? [], aoi, buffer: extractPlan.buffer, clip: extractPlan.clip, path: extractPlan.database, jobFolder: ctx.jobDir,
        onLayer: async (layer, index, total) => {
          ctx.progress((extractShare * (index + 1)) / total, 'ExtractData');
          ctx.message('informative', `ExtractData: ${layer.name} → ${layer.table}, ${layer.count.toLocaleString('en-US')} features (${index + 1} of ${total} layers)`);
          await ctx.checkpoint();
        },
      });
      for (const w of extraction.warnings) ctx.message('warning', w);
      ctx.message('informative', `ExtractData: ${extraction.layers.length} layers, ${extraction.features.toLocaleString('en-US')} features extracted${extractPlan.clip ? ' and clipped' : ''} (buffer ${extractPlan.buffer} m).`);
    }

    if (format === 'package') {
      const fileName = `${request.exportName}.zip`;
      const databaseName = `${request.exportName}.gpkg`;
      const layout = buildLayoutDocument({ plan, template, service, aoi, sheetId, extract: extractPlan!, extraction: extraction!, databaseName, jobDate: request.jobDate });
      const bytes = await writeProductPackage(join(ctx.jobDir, fileName), extraction!.path, databaseName, layout);
      ctx.progress(1, 'Export');
      ctx.message('informative', `Wrote ${fileName} (${(bytes / 1e6).toFixed(1)} MB): ${databaseName} and ${LAYOUT_ENTRY}; the sheet itself is not drawn for a package.`);
      return { outputFile: fileName, contentType: 'application/zip', bytes, sheetId, sheetName: String(aoi.attributes?.[plan.sheet.surrounds.sheetNameField] ?? sheetId ?? '') };
    }

    const rasterPath = plan.rasters.contours ?? plan.rasters.hillshade ?? plan.rasters.spotHeights ?? plan.rasters.elevationGuide ?? product.raster;
    const dem = rasterPath ? await openDemSource(resolveDataPath(request.dataDir, rasterPath)) : null;

    // ApplyLayout: the layers the sheet draws (less the excluded ones), bound to their extracted tables.
    const excluded = new Set(request.layerExclusion ?? []);
    const drawnLayers = exportLayers(service, { mode: 'default' }).filter((l) => !excluded.has(l.definition.id));
    let bound: BoundLayers | null = null;
    if (extraction) {
      bound = bindExtractedLayers(drawnLayers, extraction);
      for (const layer of bound.missing) {
        const why = `ApplyLayout: layer '${layer.definition.name}' (${layer.definition.id}) was not extracted`;
        if (plan.layout?.missingLayers === 'fail') { bound.close(); throw new Error(`${why}.`); }
        ctx.message('warning', `${why}; it is left empty.`);
      }
    }

    try {
      const steps = plan.steps.length || 1;
      const start = extraction ? extractShare : 0;
      const sheet = await composeSheet({
        service, aoi, sheetId, indexLayer, sheetIdField: product.sheetIDField, grid: plan.grid, template, dem,
        parameters: plan.sheet, productName: product.name, mapLayers: bound?.layers ?? drawnLayers,
        onProgress: async (step, percent) => {
          ctx.progress(Math.min(0.95, start + ((0.95 - start) * percent) / 100), step);
          ctx.message('informative', `${step} (${Math.round((percent / 100) * steps)} of ${steps} steps)`);
          // Between steps a paused job parks here until it is resumed (tps.md §17).
          await ctx.checkpoint();
        },
      });
      for (const w of sheet.warnings) ctx.message('warning', w);
      const sheetFormat = format as SheetFormat;
      const data = await writeSheet(sheet, {
        format: sheetFormat, resolution: plan.export?.resolution, imageQuality: plan.export?.imageQuality, georeference: plan.export?.georeference,
        title: `${sheet.facts.sheetName} ${sheetId ?? ''}`.trim(),
      });
      const fileName = `${request.exportName}.${EXTENSIONS[sheetFormat]}`;
      await writeOutputAtomically(join(ctx.jobDir, fileName), data);
      ctx.progress(1, 'Export');
      ctx.message('informative', `Wrote ${fileName} (${(data.length / 1e6).toFixed(1)} MB).`);
      return { outputFile: fileName, contentType: SHEET_FORMATS[sheetFormat], bytes: data.length, sheetId, sheetName: sheet.facts.sheetName };
    } finally {
      bound?.close();
    }
  } finally {
    services.close();
    await store.close();
  }
}
