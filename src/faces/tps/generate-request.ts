/**
 * generateProduct's request checked in full before a job is queued (tps.md §9, §18 step 1):
 * the product (found, enabled), the version (with the request's own overrides), the AOI layer
 * (on this server, never fetched), the AOI feature or the one custom polygon, the output type
 * and settings and the export name — and the product resolved for this job once, so a value
 * that only fails with its references filled in is refused now, not by a failed job later.
 * @module faces/tps/generate-request
 */
import type { FastifyRequest } from 'fastify';
import { join } from 'node:path';
import { clip } from '../../http/arcgis-error.js';
import type { RequestParams } from '../../http/request-params.js';
import type { ServerContext } from '../../http/server.js';
import type { JobMeta } from '../../jobs/job-engine.js';
import type { JsonObject, JsonValue } from '../../jobs/job-types.js';
import { OUTPUT_TYPES } from '../../production/operation-catalogue.js';
import { readAncillaryLayers, readVersionRequest, type ProductDefinition } from '../../production/product-definition.js';
import type { ProductJobRequest } from '../../production/product-job.js';
import { ProductDefinitionError, ProductParameterError } from '../../production/production-errors.js';
import { effectiveVersion, planProduction, readOutputSettings, type VersionRequest } from '../../production/resolve-parameters.js';
import { SHEET_FORMATS } from '../../sheet/sheet-output.js';
import { resolveAoiLayer, type AoiLayerRef } from './aoi-layer.js';
import { readCustomAoi } from './custom-aoi.js';
import type { TpsTarget } from './tps-target.js';
import { readJson, requiredText } from './tps-params.js';

/**
 * Output types generateProduct accepts (tps.md §9): the sheet writer's formats and `package`
 * (the extracted GeoPackage with the resolved layout, production/product-package.ts).
 */
export const SUPPORTED_OUTPUT_TYPES: readonly string[] = OUTPUT_TYPES.filter((t) => t === 'package' || t in SHEET_FORMATS);

function unsupportedOutputType(value: string): ProductParameterError {
  return new ProductParameterError(`outputType '${clip(value, 20)}' is not supported. Supported values: ${SUPPORTED_OUTPUT_TYPES.join(', ')}.`);
}

/** A file name from `value`: characters other than letters, digits, `.`, `_`, `-` become `_`; at most 100; no leading dot. */
export function sanitizeExportName(value: string): string {
  return value.trim().replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\./, '_').slice(0, 100);
}

/** `productVersion`: a version name, or a JSON object of this job's adjustments. */
function readVersion(params: RequestParams, product: ProductDefinition, ctx: ServerContext): VersionRequest {
  const text = requiredText(params, 'productVersion').trim();
  if (!text.startsWith('{')) return text;
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { throw new ProductParameterError('productVersion: not a version name or valid JSON'); }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ProductParameterError('productVersion: must be a version name or a JSON object');
  return readVersionRequest(doc as Record<string, unknown>, product, ctx.library);
}

function readOutputType(params: RequestParams): string {
  const value = params.get('outputType')?.trim();
  if (value === undefined) throw new ProductParameterError(`outputType: is required (one of ${SUPPORTED_OUTPUT_TYPES.join(', ')})`);
  const type = value.toLowerCase();
  if (!SUPPORTED_OUTPUT_TYPES.includes(type)) throw unsupportedOutputType(value);
  return type;
}

/** `outputSettings` as the job will read it again: a preset name or an object. */
function readSettingsValue(params: RequestParams): JsonValue {
  const text = params.get('outputSettings')?.trim();
  if (text === undefined) return null;
  let value: JsonValue = text;
  if (text.startsWith('{')) {
    try { value = JSON.parse(text) as JsonValue; } catch { throw new ProductParameterError('outputSettings: not a preset name or valid JSON'); }
  }
  readOutputSettings(value);
  return value;
}

/** The AOI feature's sheet ID; throws when the feature does not exist. */
function readAoiFeature(aoi: AoiLayerRef, value: string, sheetIDField: string): { id: number; sheetId: string | null } {
  const text = value.trim();
  if (!/^\d{1,15}$/.test(text)) throw new ProductParameterError(`aoiFeatureId: '${clip(text, 30)}' is not an object ID`);
  const id = Number(text);
  const [row] = [...aoi.layer.source!.scan({ objectIds: [id], fields: [sheetIDField], geometry: false, limit: 1 })];
  if (!row) throw new ProductParameterError(`aoiFeatureId: feature ${id} not found`);
  const sheetId = row.attributes[sheetIDField];
  return { id, sheetId: sheetId === null || sheetId === undefined || sheetId === '' ? null : String(sheetId) };
}

/**
 * `layerExclusion` (tps.md §9): layer names, IDs or layer URLs of the target service, resolved to
 * layer IDs the job neither extracts nor draws. `ancillaryLayers` are checked for shape; a job's
 * own live layers are not drawn yet.
 */
function readJobLayers(params: RequestParams, service: TpsTarget['service']): number[] {
  const exclusion = readJson(params, 'layerExclusion');
  if (exclusion !== undefined && (!Array.isArray(exclusion) || !exclusion.every((v) => typeof v === 'string' || Number.isInteger(v)))) {
    throw new ProductParameterError('layerExclusion: must be a JSON array of layer names, IDs or URLs');
  }
  const problems: string[] = [];
  readAncillaryLayers(readJson(params, 'ancillaryLayers'), 'ancillaryLayers', { add: (path, message) => problems.push(`${path}: ${message}`) });
  if (problems.length) throw new ProductDefinitionError(problems);
  const layers = service.definition.layers;
  return ((exclusion ?? []) as (string | number)[]).map((v) => {
    const text = String(v).trim();
    // A layer URL ends in /MapServer/<id>; an ID is a number; anything else is a layer name.
    const id = /\/MapServer\/(\d+)\/?$/i.exec(text)?.[1] ?? (/^\d+$/.test(text) ? text : undefined);
    const def = id !== undefined ? layers.find((l) => l.id === Number(id)) : layers.find((l) => l.name.toLowerCase() === text.toLowerCase());
    if (!def) throw new ProductParameterError(`layerExclusion: '${text.slice(0, 80)}' is not a layer of this service`);
    return def.id;
  });
}

export interface GenerateJob {
  request: ProductJobRequest;
  meta: JobMeta;
}

/** Reads and checks a generateProduct request. Throws ProductionError subclasses (400, or -2147211775 for an unknown product). */
export async function readGenerateRequest(ctx: ServerContext, request: FastifyRequest, params: RequestParams, target: TpsTarget): Promise<GenerateJob> {
  const product = await target.products.require(requiredText(params, 'productName'));
  if (!product.enabled) throw new ProductParameterError(`productName: product '${product.name}' is disabled`);
  const version = readVersion(params, product, ctx);
  const versionName = effectiveVersion(product, version, ctx.library).name;
  const aoi = await resolveAoiLayer(ctx, request, requiredText(params, 'aoiLayer'), product.sheetIDField);

  let customAoi: JsonObject | null = null;
  let feature: { id: number; sheetId: string | null } | null = null;
  const customValue = readJson(params, 'customAoi');
  if (customValue !== undefined) customAoi = readCustomAoi(customValue, aoi.layer.spatialReference);
  else {
    const id = params.get('aoiFeatureId');
    if (id === undefined) throw new ProductParameterError('aoiFeatureId: is required unless customAoi is given');
    feature = readAoiFeature(aoi, id, product.sheetIDField);
  }
  const outputType = readOutputType(params);
  const outputSettings = readSettingsValue(params);
  const layerExclusion = readJobLayers(params, target.service);

  const jobDate = new Date();
  const asked = params.get('exportName') ?? params.get('outputName');
  // Decision: a custom sheet without exportName is called <productName>_<submission time>, since the job ID is made when the job is queued.
  const fallback = feature?.sheetId ?? `${product.name}_${jobDate.toISOString().replace(/[-:]|\.\d+Z$/g, '')}`;
  const exportName = (asked !== undefined ? sanitizeExportName(asked) : '') || sanitizeExportName(fallback) || 'sheet';

  // Resolve the product for this job now: a value that fails with its references filled in is a bad request.
  const plan = planProduction(product, {
    library: ctx.library, version, outputSettings: readOutputSettings(outputSettings ?? undefined),
    context: {
      aoiLayer: aoi.url, aoiGeometry: customAoi, sheetId: feature?.sheetId ?? null, outputType, exportName,
      jobFolder: join(ctx.config.dataDir, 'jobs'), jobDate,
    },
  });
  if (plan.export && !SUPPORTED_OUTPUT_TYPES.includes(plan.export.format)) throw unsupportedOutputType(plan.export.format);

  const { folder, serviceName } = target.service.definition;
  return {
    request: {
      dataDir: ctx.config.dataDir, databaseUrl: ctx.config.databaseUrl, service: { folder, name: serviceName }, productName: product.name, productVersion: version,
      aoiLayerUrl: aoi.url, aoiLayer: { folder: aoi.service.definition.folder, name: aoi.service.definition.serviceName, layerId: aoi.layerId },
      aoiFeatureId: feature?.id ?? null, customAoi, outputType, exportName, outputSettings, jobDate: jobDate.toISOString(), layerExclusion,
    },
    meta: { serviceKey: target.serviceKey, productName: product.name, productVersion: versionName, user: target.user },
  };
}
