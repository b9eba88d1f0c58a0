/**
 * Product definitions (tps.md §5): what a Topographic Production Service product is — its family,
 * grid definition, versions (data specification + layout template), named resources, ordered
 * operations, DEM and ancillary layers — and the validator `addProduct` runs. The validator
 * fills the defaults of §5.1, gives operations missing an id an upper-case GUID, maps `TDS` to
 * `TM` and Esri's integer resource types to names, and refuses a definition with every problem
 * named by its JSON path, so an administrator fixes a definition in one round.
 * @module production/product-definition
 */
import { randomUUID } from 'node:crypto';
import { LIBRARY_NAME_PATTERN } from '../layout/layout-schema.js';
import type { TemplateLibrary } from '../layout/template-library.js';
import {
  isOperationType, OPERATION_TYPE_NAMES, OPERATION_TYPES, parameterNames, parameterSpec, readParameterValue,
  type OperationType, type ParameterSpec,
} from './operation-catalogue.js';
import { ProductDefinitionError } from './production-errors.js';
import { isBuiltInResource, isBuiltInResourceName, ReferenceSyntaxError, splitReferences, substituteReferences } from './resource-references.js';

export { OPERATION_TYPES, OPERATION_TYPE_NAMES, type OperationType } from './operation-catalogue.js';

/** Product families (tps.md §5.1); `TDS` is read as `TM`. */
export const PRODUCT_TYPES = ['MTM', 'TM', 'JOG', 'CTM', 'Custom'] as const;
export type ProductType = (typeof PRODUCT_TYPES)[number];

/** Resource types (tps.md §5.3). */
export const RESOURCE_TYPES = ['string', 'number', 'layer', 'raster', 'workspace', 'layout'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Esri's integer resource types; any other integer is a string. */
const ESRI_RESOURCE_TYPES: Record<number, ResourceType> = { 1: 'string', 2: 'layer', 3: 'workspace', 6: 'layout' };

/** A named value that parameters reference as `[name]`. */
export interface ProductResource { name: string; type: ResourceType; value: string }

/** A parameter as given: text (possibly holding references) or a number; booleans are kept as `'true'`/`'false'`, JSON as text. */
export interface OperationParameter { name: string; value: string | number }

/** One processing step. */
export interface ProductOperation {
  /** Upper-case GUID. */
  id: string;
  name: string;
  type: OperationType;
  description: string;
  /** Only the parameters the definition sets; the rest take their defaults when the job runs. */
  parameters: OperationParameter[];
}

/** A version's replacement values for one operation's parameters. */
export interface OperationOverride { id: string; parameters: OperationParameter[] }

/** A product version: a data specification and its layout template. */
export interface ProductVersion {
  name: string;
  /** Layout template name as given (a `.pagx` suffix is dropped when it is looked up). */
  template: string;
  extractionDatabase?: string;
  operationOverrides?: OperationOverride[];
  /** Operation GUIDs skipped for this version. */
  excludedOperations?: string[];
}

/** A live layer added to the map at export time. */
export interface AncillaryLayer { layer: string; featureClass?: string; map: string; layerIndex: number }

/** A product definition with every default filled in. */
export interface ProductDefinition {
  version: 0;
  name: string;
  type: ProductType;
  definitionType: string;
  /** The grid definition's name as the library spells it. */
  gridType: string;
  description: string;
  sheetIDField: string;
  extractionDatabase: string;
  featureDataset: string;
  productVersions: ProductVersion[];
  resources: ProductResource[];
  operations: ProductOperation[];
  enabled: boolean;
  /** DEM path or URL; '' for none. */
  raster: string;
  ancillaryLayers: AncillaryLayer[];
  /** `YYYY-MM-DDThh:mm:ssZ` of the last add or update. */
  lastModified: string;
}

export interface ValidateProductOptions {
  library: TemplateLibrary;
  /** Names of the service's other products; the definition's name must not be one of them. */
  existingNames?: Iterable<string>;
  /** [now] Time written as lastModified. */
  now?: Date;
  /** ['productDefinition'] Parameter name that messages start with. */
  parameter?: string;
}

/** Product and version names: 1–128 letters, digits, spaces, `_`, `-` or `.` (tps.md §5.1). */
export const PRODUCT_NAME_PATTERN = LIBRARY_NAME_PATTERN;

const GUID = /^\{?([0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})\}?$/i;
/** A GeoPackage written in the job folder: a plain file name, never a path. */
const DATABASE_FILE = /^[A-Za-z0-9_-][A-Za-z0-9 _.-]{0,127}$/;

/** Dates as the service writes them: UTC ISO 8601 to the second. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An upper-case GUID from `value` (braces dropped), or undefined when it is not one. */
export function normalizeGuid(value: unknown): string | undefined {
  const m = typeof value === 'string' ? GUID.exec(value.trim()) : null;
  return m ? m[1]!.toUpperCase() : undefined;
}

/** A GeoPackage file name with the `.gpkg` extension added when it has none. */
function databaseName(value: string): string {
  return /\.gpkg$/i.test(value) ? value : `${value}.gpkg`;
}

/** Collects problems as `<parameter>.<path>: <message>`. */
class Problems {
  readonly list: string[] = [];
  constructor(readonly parameter: string) {}
  add(path: string, message: string): void { this.list.push(`${path ? `${this.parameter}.${path}` : this.parameter}: ${message}`); }
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const known = (names: readonly string[]) => names.join(', ');

/** Reads a boolean given as JSON or as `true`/`false` in any case (tps.md §1). */
function readBoolean(v: unknown, fallback: boolean): boolean | undefined {
  if (v === undefined) return fallback;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  return undefined;
}

/** What parameter values are checked against: the product's resources and operations, and the library. */
interface ParameterContext {
  resources: Map<string, ProductResource>;
  library: TemplateLibrary;
}

/**
 * Checks one parameter value where it can be checked before a job runs: its references must
 * name a resource, and when they name only the product's own resources the value they give is
 * type-checked too (built-in resources are known only at run time).
 */
function checkParameterValue(spec: ParameterSpec, value: string | number, path: string, ctx: ParameterContext, problems: Problems): void {
  let resolved: unknown = value;
  if (typeof value === 'string') {
    let parts;
    try { parts = splitReferences(value); } catch (e) {
      if (e instanceof ReferenceSyntaxError) { problems.add(path, e.message); return; }
      throw e;
    }
    let runtimeOnly = false;
    for (const part of parts) {
      if (!('ref' in part)) continue;
      if (ctx.resources.has(part.ref)) continue;
      if (isBuiltInResource(part.ref)) { runtimeOnly = true; continue; }
      problems.add(path, `unknown resource '[${part.ref}]': neither one of the product's resources (${known([...ctx.resources.keys()]) || 'none'}) nor a built-in one`);
      return;
    }
    if (runtimeOnly) return;
    resolved = substituteReferences(value, (name) => ctx.resources.get(name)?.value);
  }
  const read = readParameterValue(spec, resolved);
  if ('error' in read) { problems.add(path, `${spec.name} ${read.error}`); return; }
  // Names the library must know, when given literally.
  if (spec.name === 'grid' && typeof read.value === 'string' && !ctx.library.grid(read.value)) {
    problems.add(path, `unknown grid definition '${read.value}' (known: ${known(ctx.library.gridNames())})`);
  }
  if (spec.name === 'template' && typeof read.value === 'string' && !ctx.library.template(read.value)) {
    problems.add(path, `unknown layout template '${read.value}' (known: ${known(ctx.library.templateNames())})`);
  }
  if (spec.name === 'database' && typeof read.value === 'string' && !DATABASE_FILE.test(read.value)) {
    problems.add(path, 'database must be a file name in the job folder (letters, digits, spaces, _ - .), not a path');
  }
}

/** Reads a `parameters` array of an operation or override of `type`. */
function readParameters(v: unknown, path: string, type: OperationType | undefined, ctx: ParameterContext, problems: Problems): OperationParameter[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) { problems.add(path, 'must be an array of {name, value}'); return []; }
  const out: OperationParameter[] = [];
  const seen = new Set<string>();
  v.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(entry)) { problems.add(at, 'must be an object {name, value}'); return; }
    const name = entry.name;
    if (typeof name !== 'string' || !name) { problems.add(`${at}.name`, 'is required'); return; }
    if (type && !parameterSpec(type, name)) { problems.add(`${at}.name`, `unknown parameter '${name}' for ${type} (expected one of ${known(parameterNames(type))})`); return; }
    if (seen.has(name)) { problems.add(`${at}.name`, `duplicate parameter '${name}'`); return; }
    seen.add(name);
    let value: string | number;
    const raw = entry.value;
    if (typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) value = raw;
    else if (typeof raw === 'boolean') value = String(raw);
    else if (isObject(raw) && type && parameterSpec(type, name)?.dataType === 'json') value = JSON.stringify(raw);
    else { problems.add(`${at}.value`, `${name} must be a string or a number, got ${JSON.stringify(raw) ?? 'nothing'}`); return; }
    if (type) checkParameterValue(parameterSpec(type, name)!, value, `${at}.value`, ctx, problems);
    out.push({ name, value });
  });
  return out;
}

/** The parts of a version that adjust operations; shared by product versions and generateProduct's `productVersion` object. */
export interface VersionAdjustments {
  extractionDatabase?: string;
  operationOverrides?: OperationOverride[];
  excludedOperations?: string[];
}

/**
 * Reads `extractionDatabase`, `operationOverrides` and `excludedOperations` of a version object
 * against the product's operations. Problems are added to `problems` under `path`.
 */
function readAdjustments(d: Record<string, unknown>, path: string, operations: ProductOperation[], ctx: ParameterContext, problems: Problems): VersionAdjustments {
  const out: VersionAdjustments = {};
  const join = (key: string) => (path ? `${path}.${key}` : key);
  const byId = new Map(operations.map((o) => [o.id, o]));
  if (d.extractionDatabase !== undefined && d.extractionDatabase !== null && d.extractionDatabase !== '') {
    if (typeof d.extractionDatabase !== 'string' || !DATABASE_FILE.test(d.extractionDatabase)) problems.add(join('extractionDatabase'), 'must be a GeoPackage file name, not a path');
    else out.extractionDatabase = databaseName(d.extractionDatabase);
  }
  if (d.operationOverrides !== undefined && d.operationOverrides !== null) {
    if (!Array.isArray(d.operationOverrides)) problems.add(join('operationOverrides'), 'must be an array of {id, parameters}');
    else {
      const seen = new Set<string>();
      out.operationOverrides = [];
      d.operationOverrides.forEach((o, i) => {
        const at = join(`operationOverrides[${i}]`);
        if (!isObject(o)) { problems.add(at, 'must be an object {id, parameters}'); return; }
        const id = normalizeGuid(o.id);
        const op = id ? byId.get(id) : undefined;
        if (!id) { problems.add(`${at}.id`, `must be an operation GUID, got ${JSON.stringify(o.id) ?? 'nothing'}`); return; }
        if (!op) { problems.add(`${at}.id`, `no operation has id ${id}`); return; }
        if (seen.has(id)) { problems.add(`${at}.id`, `operation ${id} is overridden twice`); return; }
        seen.add(id);
        out.operationOverrides!.push({ id, parameters: readParameters(o.parameters, `${at}.parameters`, op.type, ctx, problems) });
      });
    }
  }
  if (d.excludedOperations !== undefined && d.excludedOperations !== null) {
    if (!Array.isArray(d.excludedOperations)) problems.add(join('excludedOperations'), 'must be an array of operation GUIDs');
    else {
      const ids = new Set<string>();
      d.excludedOperations.forEach((v, i) => {
        const id = normalizeGuid(v);
        if (!id) problems.add(join(`excludedOperations[${i}]`), `must be an operation GUID, got ${JSON.stringify(v) ?? 'nothing'}`);
        else if (!byId.has(id)) problems.add(join(`excludedOperations[${i}]`), `no operation has id ${id}`);
        else ids.add(id);
      });
      out.excludedOperations = [...ids];
    }
  }
  return out;
}

/** Reads `productVersions`. */
function readVersions(v: unknown, operations: ProductOperation[], ctx: ParameterContext, problems: Problems): ProductVersion[] {
  if (!Array.isArray(v) || v.length === 0) { problems.add('productVersions', 'must be an array of at least one {name, template}'); return []; }
  const out: ProductVersion[] = [];
  const seen = new Set<string>();
  v.forEach((entry, i) => {
    const at = `productVersions[${i}]`;
    if (!isObject(entry)) { problems.add(at, 'must be an object {name, template}'); return; }
    const name = entry.name;
    if (typeof name !== 'string' || !PRODUCT_NAME_PATTERN.test(name)) { problems.add(`${at}.name`, "must be 1–128 letters, digits, spaces, '_', '-' or '.'"); return; }
    if (seen.has(name.toLowerCase())) { problems.add(`${at}.name`, `duplicate version name '${name}'`); return; }
    seen.add(name.toLowerCase());
    const template = entry.template;
    if (typeof template !== 'string' || !template.trim()) { problems.add(`${at}.template`, 'is required: the name of a layout template'); return; }
    if (!ctx.library.template(template)) problems.add(`${at}.template`, `unknown layout template '${template}' (known: ${known(ctx.library.templateNames())})`);
    out.push({ name, template, ...readAdjustments(entry, at, operations, ctx, problems) });
  });
  return out;
}

/** Reads `resources`. */
function readResources(v: unknown, problems: Problems): ProductResource[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) { problems.add('resources', 'must be an array of {name, type, value}'); return []; }
  const out: ProductResource[] = [];
  const seen = new Set<string>();
  v.forEach((entry, i) => {
    const at = `resources[${i}]`;
    if (!isObject(entry)) { problems.add(at, 'must be an object {name, type, value}'); return; }
    const name = entry.name;
    if (typeof name !== 'string' || !name.trim() || name.length > 128 || /[[\]]/.test(name)) { problems.add(`${at}.name`, "must be 1–128 characters without '[' or ']'"); return; }
    if (isBuiltInResourceName(name)) { problems.add(`${at}.name`, `'${name}' is a built-in resource name and cannot be reused`); return; }
    if (seen.has(name.toLowerCase())) { problems.add(`${at}.name`, `duplicate resource name '${name}'`); return; }
    seen.add(name.toLowerCase());
    let type: ResourceType | undefined;
    const t = entry.type ?? 'string';
    if (typeof t === 'number' && Number.isInteger(t)) type = ESRI_RESOURCE_TYPES[t] ?? 'string';
    else if (typeof t === 'string' && (RESOURCE_TYPES as readonly string[]).includes(t.toLowerCase())) type = t.toLowerCase() as ResourceType;
    else if (typeof t === 'string' && /^\d+$/.test(t)) type = ESRI_RESOURCE_TYPES[Number(t)] ?? 'string';
    if (!type) { problems.add(`${at}.type`, `must be one of ${known(RESOURCE_TYPES)}, got ${JSON.stringify(t)}`); return; }
    const raw = entry.value ?? '';
    if (typeof raw !== 'string' && !(typeof raw === 'number' && Number.isFinite(raw))) { problems.add(`${at}.value`, 'must be a string or a number'); return; }
    const value = String(raw);
    if (type === 'number' && !Number.isFinite(Number(value.trim() || 'x'))) { problems.add(`${at}.value`, `must be a number for a number resource, got '${value}'`); return; }
    out.push({ name, type, value });
  });
  return out;
}

/** Reads `operations` (without their parameters, which need the resources first). */
function readOperations(v: unknown, problems: Problems): { op: ProductOperation; raw: Record<string, unknown>; index: number }[] {
  if (!Array.isArray(v) || v.length === 0) { problems.add('operations', 'must be an array of at least one operation'); return []; }
  const out: { op: ProductOperation; raw: Record<string, unknown>; index: number }[] = [];
  const ids = new Set<string>();
  const types = new Map<string, number>();
  v.forEach((entry, i) => {
    const at = `operations[${i}]`;
    if (!isObject(entry)) { problems.add(at, 'must be an object {id, name, type, parameters}'); return; }
    let id: string;
    if (entry.id === undefined || entry.id === null || entry.id === '') id = randomUUID().toUpperCase();
    else {
      const guid = normalizeGuid(entry.id);
      if (!guid) { problems.add(`${at}.id`, `must be a GUID, got ${JSON.stringify(entry.id)}`); return; }
      id = guid;
    }
    if (ids.has(id)) { problems.add(`${at}.id`, `duplicate operation id ${id}`); return; }
    ids.add(id);
    const type = entry.type;
    if (!isOperationType(type)) {
      problems.add(`${at}.type`, typeof type === 'string' && type ? `unknown operation type '${type}'` : `is required (one of ${known(OPERATION_TYPE_NAMES)})`);
      return;
    }
    // One operation per type: each fills one part of the sheet (one grid, one contour set, one export).
    const first = types.get(type);
    if (first !== undefined) { problems.add(`${at}.type`, `a product has at most one ${type} operation (operations[${first}] is one)`); return; }
    types.set(type, i);
    const name = entry.name;
    if (typeof name !== 'string' || !name.trim()) { problems.add(`${at}.name`, 'is required: the display name'); return; }
    const description = entry.description ?? '';
    if (typeof description !== 'string') { problems.add(`${at}.description`, 'must be a string'); return; }
    out.push({ op: { id, name, type, description, parameters: [] }, raw: entry, index: i });
  });
  return out;
}

/** Reads `ancillaryLayers` (a URL alone stands for `{layer: url}`). */
export function readAncillaryLayers(v: unknown, path: string, problems: { add(path: string, message: string): void }): AncillaryLayer[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) { problems.add(path, 'must be an array of {layer, featureClass?, map?, layerIndex?}'); return []; }
  const out: AncillaryLayer[] = [];
  v.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const e = typeof entry === 'string' ? { layer: entry } : entry;
    if (!isObject(e)) { problems.add(at, 'must be an object {layer, featureClass?, map?, layerIndex?}'); return; }
    if (typeof e.layer !== 'string' || !e.layer.trim()) { problems.add(`${at}.layer`, 'is required: a layer URL'); return; }
    const layer: AncillaryLayer = { layer: e.layer, map: 'BaseMap', layerIndex: 0 };
    if (e.featureClass !== undefined && e.featureClass !== null) {
      if (typeof e.featureClass !== 'string') { problems.add(`${at}.featureClass`, 'must be a string'); return; }
      layer.featureClass = e.featureClass;
    }
    if (e.map !== undefined && e.map !== null) {
      if (typeof e.map !== 'string' || !e.map.trim()) { problems.add(`${at}.map`, 'must be a map name'); return; }
      layer.map = e.map;
    }
    if (e.layerIndex !== undefined && e.layerIndex !== null) {
      const n = typeof e.layerIndex === 'string' && /^\d+$/.test(e.layerIndex) ? Number(e.layerIndex) : e.layerIndex;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) { problems.add(`${at}.layerIndex`, 'must be an integer ≥ 0'); return; }
      layer.layerIndex = n;
    }
    out.push(layer);
  });
  return out;
}

/**
 * Checks a product definition (parsed JSON) and returns it normalised, or throws
 * ProductDefinitionError listing every problem. A name already in `existingNames` is refused
 * with `Product name already exists: <name> (productDefinition.name)` (tps.md §6). Properties
 * §5.1 does not define are left out of the result; `lastModified` is set to now.
 */
export function validateProductDefinition(doc: unknown, options: ValidateProductOptions): ProductDefinition {
  const parameter = options.parameter ?? 'productDefinition';
  const problems = new Problems(parameter);
  if (!isObject(doc)) throw new ProductDefinitionError([`${parameter}: must be a JSON object`]);
  const { library } = options;

  if (doc.version !== undefined && doc.version !== 0 && doc.version !== '0') problems.add('version', 'must be 0 (the only serialization version)');

  let name = '';
  if (typeof doc.name !== 'string' || !doc.name) problems.add('name', 'is required');
  else if (!PRODUCT_NAME_PATTERN.test(doc.name)) problems.add('name', "must be 1–128 letters, digits, spaces, '_', '-' or '.'");
  else {
    name = doc.name;
    if ([...(options.existingNames ?? [])].includes(name)) problems.list.push(`Product name already exists: ${name} (${parameter}.name)`);
  }

  let type: ProductType = 'TM';
  const t = typeof doc.type === 'string' ? doc.type.trim() : undefined;
  const family = t?.toUpperCase() === 'TDS' ? 'TM' : PRODUCT_TYPES.find((x) => x.toLowerCase() === t?.toLowerCase());
  if (!family) problems.add('type', t ? `unknown product type '${t}' (expected one of ${known(PRODUCT_TYPES)}, or TDS for TM)` : `is required (one of ${known(PRODUCT_TYPES)})`);
  else type = family;

  let gridType = '';
  if (typeof doc.gridType !== 'string' || !doc.gridType.trim()) problems.add('gridType', `is required (one of ${known(library.gridNames())})`);
  else {
    const grid = library.grid(doc.gridType.trim());
    if (!grid) problems.add('gridType', `unknown grid definition '${doc.gridType}' (known: ${known(library.gridNames())})`);
    else gridType = grid.name;
  }

  const text = (key: string, fallback: string): string => {
    const v = doc[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') { problems.add(key, 'must be a string'); return fallback; }
    return v;
  };
  const definitionType = text('definitionType', 'MapProduct') || 'MapProduct';
  const description = text('description', '');
  const featureDataset = text('featureDataset', '');
  const raster = text('raster', '').trim();

  const sheetIDField = text('sheetIDField', '').trim();
  if (!sheetIDField) problems.add('sheetIDField', 'is required: the AOI field that identifies a sheet (e.g. NRN)');
  else if (sheetIDField.length > 128) problems.add('sheetIDField', 'must be at most 128 characters');

  let extractionDatabase = `${type}.gpkg`;
  const db = text('extractionDatabase', '').trim();
  if (db) {
    if (!DATABASE_FILE.test(db)) problems.add('extractionDatabase', 'must be a GeoPackage file name, not a path');
    else extractionDatabase = databaseName(db);
  }

  const enabled = readBoolean(doc.enabled, true);
  if (enabled === undefined) problems.add('enabled', 'must be true or false');

  const resources = readResources(doc.resources, problems);
  const ctx: ParameterContext = { resources: new Map(resources.map((r) => [r.name, r])), library };
  const read = readOperations(doc.operations, problems);
  for (const { op, raw, index } of read) op.parameters = readParameters(raw.parameters, `operations[${index}].parameters`, op.type, ctx, problems);
  const operations = read.map((r) => r.op);
  const productVersions = readVersions(doc.productVersions, operations, ctx, problems);
  const ancillaryLayers = readAncillaryLayers(doc.ancillaryLayers, 'ancillaryLayers', problems);

  if (problems.list.length) throw new ProductDefinitionError(problems.list);
  return {
    version: 0, name, type, definitionType, gridType, description, sheetIDField, extractionDatabase, featureDataset,
    productVersions, resources, operations, enabled: enabled!, raster, ancillaryLayers, lastModified: isoSeconds(options.now ?? new Date()),
  };
}

/**
 * Reads generateProduct's `productVersion` object (tps.md §9: `{name, extractionDatabase?,
 * operationOverrides?, excludedOperations?}`) against a product, checking overrides like the
 * product's own versions. Throws ProductDefinitionError naming `productVersion`.
 */
export function readVersionRequest(doc: Record<string, unknown>, product: ProductDefinition, library: TemplateLibrary, parameter = 'productVersion'): { name: string } & VersionAdjustments {
  const problems = new Problems(parameter);
  const ctx: ParameterContext = { resources: new Map(product.resources.map((r) => [r.name, r])), library };
  const name = doc.name;
  if (typeof name !== 'string' || !name) problems.add('name', 'is required');
  const adjustments = readAdjustments(doc, '', product.operations, ctx, problems);
  if (problems.list.length) throw new ProductDefinitionError(problems.list);
  return { name: name as string, ...adjustments };
}

/** The catalogue entry of an operation's parameter (for `includeDataTypes`). */
export function parameterDataType(type: OperationType, name: string): string | undefined {
  return parameterSpec(type, name)?.dataType;
}
