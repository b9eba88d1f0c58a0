/**
 * From a stored product to what one job runs (tps.md §5.3, §5.4, §9, §18): the version chosen
 * (with the request's own overrides laid over the version's), the operations left after
 * `excludedOperations`, every parameter's value — the override, else the definition's, else the
 * catalogue default — with its `[Name]` references resolved and read as its data type, and the
 * whole mapped onto the sheet engine's `SheetParameters` plus what the other steps need
 * (extraction, layout, export). Problems found here fail the job with a message naming the
 * operation and parameter.
 * @module production/resolve-parameters
 */
import { join, resolve, sep } from 'node:path';
import type { GridDefinition } from '../layout/grid-definition.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import { defaultSheetParameters, type SheetParameters } from '../sheet/sheet-parameters.js';
import {
  OPERATION_TYPES, OUTPUT_TYPES, readParameterValue,
  type OperationType, type OutputType, type ParameterSpec, type ParameterValue,
} from './operation-catalogue.js';
import type { OperationParameter, ProductDefinition, VersionAdjustments } from './product-definition.js';
import { normalizeGuid, readVersionRequest } from './product-definition.js';
import { ProductParameterError } from './production-errors.js';
import { ReferenceSyntaxError, substituteReferences, UnknownReferenceError, type ResourceValue } from './resource-references.js';

/** The version a job runs: the product's version entry with the request's adjustments laid over it. */
export interface EffectiveVersion {
  name: string;
  template: string;
  /** GeoPackage file name in the job folder. */
  extractionDatabase: string;
  /** Operation GUID → parameter name → replacement value. */
  overrides: Map<string, Map<string, string | number>>;
  /** Operation GUIDs skipped. */
  excluded: Set<string>;
}

/** generateProduct's `productVersion`: a version name, or `{name, extractionDatabase?, operationOverrides?, excludedOperations?}` (parsed or as JSON text). */
export type VersionRequest = string | ({ name: string } & VersionAdjustments);

/**
 * The version a job runs. Overrides apply in order: product definition, version entry, then the
 * request's object (a parameter it names replaces the version's value); excluded operations are
 * the version's plus the request's. Throws ProductParameterError / ProductDefinitionError naming
 * `productVersion`.
 */
export function effectiveVersion(product: ProductDefinition, request: VersionRequest, library: TemplateLibrary): EffectiveVersion {
  let asked: { name: string } & VersionAdjustments;
  if (typeof request === 'string' && request.trim().startsWith('{')) {
    let parsed: unknown;
    try { parsed = JSON.parse(request); } catch { throw new ProductParameterError('productVersion: not a version name or valid JSON'); }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProductParameterError('productVersion: must be a version name or a JSON object');
    asked = readVersionRequest(parsed as Record<string, unknown>, product, library);
  } else if (typeof request === 'string') asked = { name: request };
  else asked = readVersionRequest(request as unknown as Record<string, unknown>, product, library);
  const version = product.productVersions.find((v) => v.name === asked.name);
  if (!version) {
    throw new ProductParameterError(`productVersion: unknown version '${asked.name}' of product '${product.name}' (known: ${product.productVersions.map((v) => v.name).join(', ')})`);
  }
  const overrides = new Map<string, Map<string, string | number>>();
  for (const o of [...(version.operationOverrides ?? []), ...(asked.operationOverrides ?? [])]) {
    const byName = overrides.get(o.id) ?? new Map<string, string | number>();
    for (const p of o.parameters) byName.set(p.name, p.value);
    overrides.set(o.id, byName);
  }
  return {
    name: version.name,
    template: version.template,
    extractionDatabase: asked.extractionDatabase ?? version.extractionDatabase ?? product.extractionDatabase,
    overrides,
    excluded: new Set([...(version.excludedOperations ?? []), ...(asked.excludedOperations ?? [])]),
  };
}

/** The job-specific values behind the built-in resources (tps.md §5.3). */
export interface JobContext {
  /** The `aoiLayer` URL. */
  aoiLayer: string;
  /** The sheet polygon as Esri JSON. */
  aoiGeometry: Record<string, unknown> | null;
  /** The AOI feature's sheet-ID value; null for a custom AOI. */
  sheetId: string | null;
  outputType: string;
  /** The export name after its default is applied. */
  exportName: string;
  /** Absolute path of the job's working folder; the extraction GeoPackage is written inside it. */
  jobFolder: string;
  /** Submission time; JobDate is its UTC date. */
  jobDate: Date;
}

/** The built-in resources of a job plus the product's own (number resources as numbers). */
export function jobResources(product: ProductDefinition, version: EffectiveVersion, grid: GridDefinition, context: JobContext): Map<string, ResourceValue> {
  const out = new Map<string, ResourceValue>();
  for (const r of product.resources) out.set(r.name, r.type === 'number' ? Number(r.value) : r.value);
  const builtIn: Record<string, ResourceValue> = {
    AOILayer: context.aoiLayer,
    AOIGeometry: context.aoiGeometry,
    SheetID: context.sheetId,
    SheetIDField: product.sheetIDField,
    ProductName: product.name,
    ProductVersion: version.name,
    GridType: product.gridType,
    Scale: grid.scale,
    Layout: version.template,
    Raster: product.raster,
    ExtractionDatabase: join(context.jobFolder, version.extractionDatabase),
    OutputType: context.outputType.toLowerCase(),
    ExportName: context.exportName,
    JobDate: context.jobDate.toISOString().slice(0, 10),
  };
  for (const [k, v] of Object.entries(builtIn)) out.set(k, v);
  return out;
}

/** An operation with every parameter's final, typed value. */
export interface ResolvedOperation {
  id: string;
  name: string;
  type: OperationType;
  parameters: Record<string, ParameterValue>;
}

/** Export settings of generateProduct's `outputSettings` (tps.md §9), laid over the Export operation's. */
export interface OutputSettings {
  resolution?: number;
  imageQuality?: number;
  imageCompression?: 'none' | 'lzw' | 'deflate' | 'jpeg';
  georeference?: boolean;
  embedFonts?: boolean;
  layersAndAttributes?: 'none' | 'layers' | 'layers_and_attributes';
}

/** The built-in `outputSettings` presets (tps.md §9). */
export const BUILT_IN_OUTPUT_PRESETS: Readonly<Record<string, OutputSettings>> = {
  default: { resolution: 300 }, draft: { resolution: 150 }, high: { resolution: 600 },
};

/**
 * Reads generateProduct's `outputSettings`: a preset name, or a JSON object (or its text) of the
 * keys of §9; unknown keys and bad values are refused naming `outputSettings`. Empty: no settings.
 */
export function readOutputSettings(value: unknown, presets: Readonly<Record<string, OutputSettings>> = BUILT_IN_OUTPUT_PRESETS): OutputSettings {
  if (value === undefined || value === null || value === '') return {};
  let v = value;
  if (typeof v === 'string') {
    const s = v.trim();
    if (!s.startsWith('{')) {
      const preset = Object.entries(presets).find(([name]) => name.toLowerCase() === s.toLowerCase());
      if (!preset) throw new ProductParameterError(`outputSettings: unknown preset '${s}' (known: ${Object.keys(presets).join(', ')})`);
      return { ...preset[1] };
    }
    try { v = JSON.parse(s); } catch { throw new ProductParameterError('outputSettings: not a preset name or valid JSON'); }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ProductParameterError('outputSettings: must be a preset name or a JSON object');
  const o = v as Record<string, unknown>;
  const out: OutputSettings = {};
  const specs: Record<keyof OutputSettings, ParameterSpec> = {
    resolution: { name: 'resolution', dataType: 'integer', default: '300', min: 72, max: 1200, meaning: '' },
    imageQuality: { name: 'imageQuality', dataType: 'integer', default: '90', min: 1, max: 100, meaning: '' },
    imageCompression: { name: 'imageCompression', dataType: 'string', default: 'deflate', allowed: ['none', 'lzw', 'deflate', 'jpeg'], meaning: '' },
    georeference: { name: 'georeference', dataType: 'boolean', default: 'true', meaning: '' },
    embedFonts: { name: 'embedFonts', dataType: 'boolean', default: 'true', meaning: '' },
    layersAndAttributes: { name: 'layersAndAttributes', dataType: 'string', default: 'layers', allowed: ['none', 'layers', 'layers_and_attributes'], meaning: '' },
  };
  for (const [key, raw] of Object.entries(o)) {
    const spec = specs[key as keyof OutputSettings];
    if (!spec) throw new ProductParameterError(`outputSettings: unknown key '${key}' (expected ${Object.keys(specs).join(', ')})`);
    const read = readParameterValue(spec, raw);
    if ('error' in read) throw new ProductParameterError(`outputSettings: ${key} ${read.error}`);
    (out as Record<string, unknown>)[key] = read.value;
  }
  return out;
}

/** ExtractData. */
export interface ExtractPlan {
  /** `*` for every feature layer, else the layer IDs or names given. */
  layers: '*' | string[];
  /** Metres beyond the AOI. */
  buffer: number;
  clip: boolean;
  /** Absolute path of the GeoPackage, inside the job folder. */
  database: string;
}

/** Export. */
export interface ExportPlan {
  format: OutputType;
  resolution: number;
  imageQuality: number;
  compression: 'none' | 'lzw' | 'deflate' | 'jpeg';
  georeference: boolean;
  embedFonts: boolean;
  layersAndAttributes: 'none' | 'layers' | 'layers_and_attributes';
}

/** Everything one job runs. A step whose operation the product lacks or the version excludes is null. */
export interface ProductionPlan {
  productName: string;
  version: EffectiveVersion;
  /** The product's grid definition: scale and sheet size. */
  grid: GridDefinition;
  /** The layout template the sheet uses (library spelling): ApplyLayout's `template`, else the version's. */
  template: string;
  /** The operations that run, in order, for progress (`percentComplete` = finished / steps.length) and messages. */
  steps: { id: string; name: string; type: OperationType }[];
  /** Those operations with their final parameter values. */
  operations: ResolvedOperation[];
  /** Parameters of the sheet engine's steps (grid, contours, hillshade, spot heights, elevation guide, adjoining sheets, declination, surrounds). */
  sheet: SheetParameters;
  extract: ExtractPlan | null;
  layout: { template: string; map: string; missingLayers: 'warn' | 'fail' } | null;
  /** BuildGrid's grid definition (normally the product's) and the map that receives the grid. */
  buildGrid: { definition: string; map: string } | null;
  /** DEM of each terrain step as its `raster` parameter gives it ('' for none). */
  rasters: { contours: string | null; hillshade: string | null; spotHeights: string | null; elevationGuide: string | null };
  /** Units of spot height values (GenerateSpotHeights `units`). */
  spotHeightUnits: 'meters' | 'feet';
  /** AdjoiningSheets `index_layer`. */
  adjoiningIndexLayer: string | null;
  /** Declination `model` (WMM or WMM-<year>). */
  declinationModel: string | null;
  export: ExportPlan | null;
  /** Every resource of the job, built-in ones included. */
  resources: Map<string, ResourceValue>;
}

export interface PlanOptions {
  library: TemplateLibrary;
  version: VersionRequest;
  context: JobContext;
  /** generateProduct's outputSettings (readOutputSettings), laid over the Export operation's parameters. */
  outputSettings?: OutputSettings;
}

/** 1, 2, 2.5 and 5 times a power of ten: the usual contour intervals. */
function niceInterval(v: number): number {
  const candidates: number[] = [];
  for (let k = Math.floor(Math.log10(v)) - 1; k <= Math.floor(Math.log10(v)) + 1; k++) for (const m of [1, 2, 2.5, 5]) candidates.push(m * 10 ** k);
  return candidates.reduce((best, c) => (Math.abs(Math.log(c / v)) < Math.abs(Math.log(best / v)) ? c : best));
}

const FEET_PER_METRE = 1 / 0.3048;

/** A YYYY-MM-DD (or full ISO) date as a UTC date, or undefined when it is not a real date. */
function readDate(text: string): Date | undefined {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(d.getTime())) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) && d.toISOString().slice(0, 10) !== text) return undefined;
  return d;
}

/**
 * Resolves a product for one job: the version, the operations that run with their final values,
 * and the sheet engine's parameters. Throws ProductParameterError (a bad request) or, for values
 * that only fail once references are resolved, ProductParameterError naming the operation.
 */
export function planProduction(product: ProductDefinition, options: PlanOptions): ProductionPlan {
  const { library, context } = options;
  const grid = library.grid(product.gridType);
  if (!grid) throw new ProductParameterError(`gridType: unknown grid definition '${product.gridType}'`);
  const version = effectiveVersion(product, options.version, library);
  const resources = jobResources(product, version, grid, context);
  const lookup = (name: string) => resources.get(name);

  /** The final value of one parameter of `op`. */
  const valueOf = (op: { id: string; name: string; type: OperationType; parameters: OperationParameter[] }, spec: ParameterSpec, derived: (d: string) => ParameterValue): ParameterValue => {
    const fail = (why: string) => new ProductParameterError(`${op.type} '${op.name}': ${spec.name} ${why}`);
    const given = version.overrides.get(op.id)?.get(spec.name) ?? op.parameters.find((p) => p.name === spec.name)?.value;
    let raw: unknown;
    if (given === undefined && typeof spec.default === 'object') return derived(spec.default.derived);
    const text = given ?? (spec.default as string);
    try {
      raw = typeof text === 'string' ? substituteReferences(text, lookup) : text;
    } catch (e) {
      if (e instanceof UnknownReferenceError || e instanceof ReferenceSyntaxError) throw fail(e.message);
      throw e;
    }
    if (raw === null) raw = '';
    const read = readParameterValue(spec, raw);
    if ('error' in read) throw fail(read.error);
    return read.value;
  };

  const present = new Map(product.operations.map((o) => [o.type, o]));
  const contoursOp = present.get('GenerateContours');
  let contourUnits: 'meters' | 'feet' | undefined;
  const unitsOfContours = (): 'meters' | 'feet' => {
    if (contourUnits) return contourUnits;
    const spec = OPERATION_TYPES.GenerateContours.parameters.find((s) => s.name === 'units')!;
    contourUnits = contoursOp ? valueOf(contoursOp, spec, () => grid.contourUnits) as 'meters' | 'feet' : grid.contourUnits;
    return contourUnits;
  };

  const operations: ResolvedOperation[] = [];
  for (const op of product.operations) {
    if (version.excluded.has(op.id)) continue;
    let gridForDefaults = grid;
    const parameters: Record<string, ParameterValue> = {};
    for (const spec of OPERATION_TYPES[op.type].parameters as readonly ParameterSpec[]) {
      parameters[spec.name] = valueOf(op, spec, (d) => {
        switch (d) {
          case 'grid.gridInterval': return gridForDefaults.gridInterval;
          case 'grid.tickMinutes': return gridForDefaults.graticule.tickMinutes;
          case 'grid.contourUnits': return grid.contourUnits;
          case 'contours.units': return unitsOfContours();
          case 'grid.contourInterval': {
            const units = unitsOfContours();
            if (units === grid.contourUnits) return grid.contourInterval;
            // The grid's interval is in its own units: the nearest usual interval in the other ones.
            return niceInterval(grid.contourInterval * (units === 'feet' ? FEET_PER_METRE : 1 / FEET_PER_METRE));
          }
          default: throw new Error(`no derived default ${d}`);
        }
      });
      if (op.type === 'BuildGrid' && spec.name === 'grid') {
        const named = library.grid(String(parameters.grid));
        if (!named) throw new ProductParameterError(`${op.type} '${op.name}': grid unknown grid definition '${String(parameters.grid)}' (known: ${library.gridNames().join(', ')})`);
        gridForDefaults = named;
        parameters.grid = named.name;
      }
    }
    operations.push({ id: op.id, name: op.name, type: op.type, parameters });
  }

  const find = (type: OperationType) => operations.find((o) => o.type === type);
  const num = (v: ParameterValue | undefined) => v as number;
  const bool = (v: ParameterValue | undefined) => v as boolean;
  const str = (v: ParameterValue | undefined) => v as string;

  const sheet = defaultSheetParameters(grid, context.jobDate);
  const gridOp = find('BuildGrid');
  const gridDef = gridOp ? library.grid(str(gridOp.parameters.grid))! : grid;
  sheet.grid = gridOp ? {
    gridInterval: num(gridOp.parameters.grid_interval), tickMinutes: num(gridOp.parameters.graticule_interval),
    crossMinutes: gridDef.graticule.crossMinutes,
    labelStyle: str(gridOp.parameters.label_style) as 'principal' | 'full', adjacentZone: str(gridOp.parameters.adjacent_zone) as 'ticks' | 'none',
  } : null;
  const c = find('GenerateContours');
  sheet.contours = c ? {
    interval: num(c.parameters.contour_interval), indexEvery: num(c.parameters.index_every), units: str(c.parameters.units) as 'meters' | 'feet',
    base: num(c.parameters.base), supplementary: bool(c.parameters.supplementary), smoothTolerance: num(c.parameters.smooth_tolerance),
    minLength: num(c.parameters.min_length), crowdingDistance: num(c.parameters.crowding_distance), labelIndex: bool(c.parameters.label_index),
  } : null;
  const h = find('GenerateHillshade');
  sheet.hillshade = h ? {
    azimuth: num(h.parameters.azimuth), altitude: num(h.parameters.altitude), zFactor: num(h.parameters.z_factor), opacity: num(h.parameters.opacity),
    multidirectional: false,
  } : null;
  const s = find('GenerateSpotHeights');
  sheet.spotHeights = s ? {
    count: num(s.parameters.count), minSpacing: num(s.parameters.min_spacing),
    includeSummits: bool(s.parameters.include_summits), includeDepressions: bool(s.parameters.include_depressions),
  } : null;
  const e = find('ElevationGuide');
  sheet.elevationGuide = e ? {
    bands: num(e.parameters.bands), method: str(e.parameters.method) as 'quantile' | 'equal_interval',
    includeSpotHeights: bool(e.parameters.include_spot_heights), includeHydrography: bool(e.parameters.include_hydrography),
  } : null;
  const a = find('AdjoiningSheets');
  sheet.adjoining = a ? { ring: num(a.parameters.ring), labelField: str(a.parameters.label_field) || null } : null;
  const d = find('Declination');
  if (d) {
    const date = readDate(str(d.parameters.date).trim());
    if (!date) throw new ProductParameterError(`Declination '${d.name}': date must be a real ISO date, got '${str(d.parameters.date)}'`);
    sheet.declination = { date, rounding: num(d.parameters.rounding), mils: bool(d.parameters.mils), annualChange: bool(d.parameters.annual_change) };
  } else sheet.declination = null;
  const u = find('UpdateSurrounds');
  if (u) {
    const notes: Record<string, string> = {};
    for (const [k, v] of Object.entries(u.parameters.notes as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number') throw new ProductParameterError(`UpdateSurrounds '${u.name}': notes.${k} must be text`);
      notes[k] = String(v);
    }
    sheet.surrounds = {
      sheetNameField: str(u.parameters.sheet_name_field), seriesName: str(u.parameters.series_name), seriesNumber: str(u.parameters.series_number),
      edition: str(u.parameters.edition), notes, legend: str(u.parameters.legend) as 'auto' | 'full',
    };
  }

  const x = find('ExtractData');
  let extract: ExtractPlan | null = null;
  if (x) {
    const folder = resolve(context.jobFolder);
    const database = resolve(folder, str(x.parameters.database));
    if (!database.startsWith(folder + sep)) throw new ProductParameterError(`ExtractData '${x.name}': database must lie in the job folder, got '${str(x.parameters.database)}'`);
    const layers = str(x.parameters.layers).trim();
    extract = {
      layers: layers === '*' || layers === '' ? '*' : layers.split(',').map((l) => l.trim()).filter(Boolean),
      buffer: num(x.parameters.buffer), clip: bool(x.parameters.clip), database,
    };
  }

  const l = find('ApplyLayout');
  const templateName = l ? str(l.parameters.template) : version.template;
  const template = library.template(templateName);
  if (!template) throw new ProductParameterError(`${l ? `ApplyLayout '${l.name}': template` : `productVersion: version '${version.name}':`} unknown layout template '${templateName}' (known: ${library.templateNames().join(', ')})`);
  const layout = l ? { template: template.name, map: str(l.parameters.map), missingLayers: str(l.parameters.missing_layers) as 'warn' | 'fail' } : null;

  const out = find('Export');
  let exportPlan: ExportPlan | null = null;
  if (out) {
    const o = options.outputSettings ?? {};
    exportPlan = {
      format: str(out.parameters.format) as OutputType,
      resolution: o.resolution ?? num(out.parameters.resolution),
      imageQuality: o.imageQuality ?? num(out.parameters.image_quality),
      compression: o.imageCompression ?? str(out.parameters.compression) as ExportPlan['compression'],
      georeference: o.georeference ?? bool(out.parameters.georeference),
      embedFonts: o.embedFonts ?? bool(out.parameters.embed_fonts),
      layersAndAttributes: o.layersAndAttributes ?? str(out.parameters.layers_and_attributes) as ExportPlan['layersAndAttributes'],
    };
    if (!OUTPUT_TYPES.includes(exportPlan.format)) throw new ProductParameterError(`Export '${out.name}': format must be one of ${OUTPUT_TYPES.join(', ')}`);
  }

  const raster = (op: ResolvedOperation | undefined) => (op ? str(op.parameters.raster) : null);
  return {
    productName: product.name,
    version,
    grid,
    template: template.name,
    steps: operations.map(({ id, name, type }) => ({ id, name, type })),
    operations,
    sheet,
    extract,
    layout,
    buildGrid: gridOp ? { definition: gridDef.name, map: str(gridOp.parameters.map) } : null,
    rasters: { contours: raster(c), hillshade: raster(h), spotHeights: raster(s), elevationGuide: raster(e) },
    spotHeightUnits: s ? str(s.parameters.units) as 'meters' | 'feet' : unitsOfContours(),
    adjoiningIndexLayer: a ? str(a.parameters.index_layer) : null,
    declinationModel: d ? str(d.parameters.model) : null,
    export: exportPlan,
    resources,
  };
}

/** The GUID of an operation of the product named by `value` (jobs/pause `operationId`), or undefined. */
export function findOperationId(product: ProductDefinition, value: unknown): string | undefined {
  const id = normalizeGuid(value);
  return id && product.operations.some((o) => o.id === id) ? id : undefined;
}
