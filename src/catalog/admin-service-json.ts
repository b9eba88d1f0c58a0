/**
 * The service JSON of the Administrator API (admin.md §7) and Quadrangle's stored definition,
 * converted both ways. Framework fields sit at the top of the admin JSON; the map itself (layers,
 * data sources, drawing) travels as `properties.mapDefinition`, an object or the name of a
 * stored map document. Validation errors name the admin JSON's own field paths.
 * @module catalog/admin-service-json
 */
import {
  CAPABILITIES, NAME_PATTERN, validateServiceDefinition, type Capability, type ServiceDefinition, type ValidationIssue,
} from './service-definition.js';
import { FRAMEWORK_DEFAULTS, resolvedExtensions, resolvedFramework, type ServiceFramework } from './service-framework.js';

/** The map half of a definition: what `properties.mapDefinition` holds. */
const MAP_KEYS = ['spatialReference', 'layers', 'serviceDescription', 'copyrightText', 'mapName', 'documentInfo', 'initialExtent'] as const;
/** MapServer properties Quadrangle acts on; any other property is stored and echoed. */
const NUMERIC_PROPERTIES = ['maxRecordCount', 'maxImageWidth', 'maxImageHeight'] as const;
const MANAGED_PROPERTIES = new Set<string>(['mapDefinition', ...NUMERIC_PROPERTIES, 'isCached', 'tilingScheme']);
const TOP_LEVEL = new Set<string>(['serviceName', 'type', 'description', 'capabilities', 'configuredState', 'private', 'properties', 'extensions', 'folderName', 'itemInfo', ...Object.keys(FRAMEWORK_DEFAULTS)]);

export type AdminServiceJson = ServiceFramework & {
  serviceName: string;
  type: 'MapServer';
  description: string;
  capabilities: string;
  configuredState: 'STARTED' | 'STOPPED';
  private: boolean;
  properties: Record<string, unknown>;
  extensions: ServiceDefinition['extensions'];
};

/** The full service JSON of a stored definition, every default filled in. */
export function toAdminServiceJson(def: ServiceDefinition): AdminServiceJson {
  const mapDefinition: Record<string, unknown> = {};
  for (const key of MAP_KEYS) if (def[key] !== undefined) mapDefinition[key] = def[key];
  return {
    serviceName: def.serviceName, type: def.type, description: def.description ?? '', capabilities: def.capabilities.join(','),
    ...resolvedFramework(def.framework),
    configuredState: def.configuredState ?? 'STARTED', private: def.private ?? false,
    properties: {
      ...def.properties,
      mapDefinition,
      maxRecordCount: String(def.maxRecordCount ?? 2000), maxImageWidth: String(def.maxImageWidth ?? 4096), maxImageHeight: String(def.maxImageHeight ?? 4096),
      isCached: def.tileInfo ? 'true' : 'false',
      ...(def.tileInfo ? { tilingScheme: def.tileInfo } : {}),
    },
    extensions: resolvedExtensions(def.extensions),
  };
}

export type ConversionResult = { definition: ServiceDefinition } | { issues: ValidationIssue[] };

export interface ConversionOptions {
  /** The folder the service lives in ('' for the root). */
  folder: string;
  /** A stored map document by name (`properties.mapDefinition` given as a string), or null when there is none. */
  loadMapDefinition: (name: string) => unknown | null;
  /** The definition being replaced by an edit: its item information is kept. */
  previous?: ServiceDefinition;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Reads a service JSON (createService, edit) into a definition, or every problem found. */
export function fromAdminServiceJson(json: unknown, options: ConversionOptions): ConversionResult {
  const issues: ValidationIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  if (!isObject(json)) return { issues: [{ path: 'service', message: 'must be a JSON object' }] };
  const name = json.serviceName;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    return { issues: [{ path: 'serviceName', message: `Invalid service name '${String(name ?? '').slice(0, 60)}'.` }] };
  }
  if (json.type !== undefined && json.type !== 'MapServer') add('type', 'Only MapServer services can be created.');

  const properties = json.properties === undefined ? {} : json.properties;
  if (!isObject(properties)) return { issues: [...issues, { path: 'properties', message: 'must be an object' }] };
  const map = readMapDefinition(properties.mapDefinition, options, add);

  let capabilities: Capability[] = ['Map', 'Query', 'Data'];
  if (json.capabilities !== undefined) {
    if (typeof json.capabilities !== 'string') add('capabilities', 'must be a comma-separated string');
    else {
      const list = json.capabilities.split(',').map((c) => c.trim()).filter(Boolean);
      const bad = list.find((c) => !CAPABILITIES.includes(c as Capability));
      if (bad) add('capabilities', `'${bad.slice(0, 40)}' is not one of ${CAPABILITIES.join(', ')}`);
      else capabilities = list as Capability[];
    }
  }
  const numbers: Partial<Record<(typeof NUMERIC_PROPERTIES)[number], number>> = {};
  for (const key of NUMERIC_PROPERTIES) {
    const v = properties[key];
    if (v === undefined) continue;
    const n = Number(v);
    if ((typeof v !== 'string' && typeof v !== 'number') || String(v).trim() === '' || !Number.isInteger(n)) add(`properties.${key}`, 'must be an integer');
    else numbers[key] = n;
  }
  const cached = properties.isCached === true || properties.isCached === 'true';
  if (cached && properties.tilingScheme === undefined) add('properties.tilingScheme', 'is required when isCached is true');
  const extraProperties: Record<string, string> = {};
  for (const [key, v] of Object.entries(properties)) {
    if (MANAGED_PROPERTIES.has(key)) continue;
    if (typeof v !== 'string') add(`properties.${key}`, 'must be a string');
    else extraProperties[key] = v;
  }
  const framework: Partial<ServiceFramework> = {};
  for (const key of Object.keys(FRAMEWORK_DEFAULTS) as (keyof ServiceFramework)[]) {
    if (json[key] !== undefined) (framework as Record<string, unknown>)[key] = json[key];
  }
  const unknownField = Object.keys(json).find((k) => !TOP_LEVEL.has(k));
  if (unknownField) add(unknownField.slice(0, 60), 'is not a field of the service JSON');
  if (issues.length || !map) return { issues };

  const definition: ServiceDefinition = {
    ...(map as Partial<ServiceDefinition>),
    serviceName: name, folder: options.folder, type: 'MapServer',
    description: typeof json.description === 'string' ? json.description : '',
    capabilities,
    ...numbers,
    configuredState: json.configuredState as ServiceDefinition['configuredState'] ?? 'STARTED',
    private: json.private as boolean | undefined ?? false,
    framework: { ...FRAMEWORK_DEFAULTS, ...framework },
    extensions: json.extensions === undefined ? [] : json.extensions as ServiceDefinition['extensions'],
    ...(cached ? { tileInfo: properties.tilingScheme as ServiceDefinition['tileInfo'] } : {}),
    ...(Object.keys(extraProperties).length ? { properties: extraProperties } : {}),
    ...(options.previous?.itemInfo ? { itemInfo: options.previous.itemInfo } : {}),
  } as ServiceDefinition;
  const problems = validateServiceDefinition(definition).map((i) => ({ path: adminPath(i.path), message: i.message }));
  return problems.length ? { issues: problems } : { definition };
}

/** The map document from `properties.mapDefinition`: an object, JSON text of one, or a stored name. */
function readMapDefinition(value: unknown, options: ConversionOptions, add: (path: string, message: string) => void): Record<string, unknown> | null {
  let map: unknown = value;
  if (value === undefined) { add('properties.mapDefinition', 'is required'); return null; }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try { map = JSON.parse(text); } catch { add('properties.mapDefinition', 'is not valid JSON'); return null; }
    } else if (/^[A-Za-z0-9_-]{1,120}$/.test(text)) {
      map = options.loadMapDefinition(text);
      if (map === null) { add('properties.mapDefinition', `map definition '${text}' not found`); return null; }
    } else { add('properties.mapDefinition', 'must be a JSON object or the name of a stored map definition'); return null; }
  }
  if (!isObject(map)) { add('properties.mapDefinition', 'must be a JSON object or the name of a stored map definition'); return null; }
  const picked: Record<string, unknown> = {};
  for (const key of MAP_KEYS) if (map[key] !== undefined) picked[key] = map[key];
  return picked;
}

/** Where a definition field sits in the admin JSON. */
function adminPath(path: string): string {
  const head = path.split(/[.[]/)[0]!;
  if ((MAP_KEYS as readonly string[]).includes(head)) return `properties.mapDefinition.${path}`;
  if ((NUMERIC_PROPERTIES as readonly string[]).includes(head)) return `properties.${path}`;
  if (head === 'tileInfo') return `properties.tilingScheme${path.slice('tileInfo'.length)}`;
  if (head === 'framework') return path.slice('framework.'.length);
  return path;
}
