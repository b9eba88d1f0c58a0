/**
 * The framework half of a service definition (admin.md §7): instance pool settings, stored-only
 * ArcGIS fields, extensions and item information, with their defaults and validators. The map
 * half (layers, data, drawing) is in service-definition.ts.
 * @module catalog/service-framework
 */
import type { PoolSettings } from '../workers/pool-settings.js';

export interface ServiceFramework {
  provider: string;
  clusterName: string;
  /** Render slots kept warm on each node. */
  minInstancesPerNode: number;
  /** Most requests the service runs at once on each node. */
  maxInstancesPerNode: number;
  instancesPerContainer: number;
  /** Seconds a request waits for a free slot. */
  maxWaitTime: number;
  maxStartupTime: number;
  /** Seconds before an idle slot above the minimum closes. */
  maxIdleTime: number;
  /** Seconds one request may run. */
  maxUsageTime: number;
  /** Hours between worker restarts. */
  recycleInterval: number;
  /** `HH:MM`, local time of the first restart of the day. */
  recycleStartTime: string;
  keepAliveInterval: number;
  loadBalancing: 'ROUND_ROBIN' | 'FAIL_OVER';
  isolationLevel: 'HIGH' | 'LOW';
  isDefault: boolean;
  maxUploadFileSize: number;
  allowedUploadFileTypes: string;
  frameworkProperties: Record<string, unknown>;
  datasets: unknown[];
  portalProperties: Record<string, unknown>;
  jsonProperties: Record<string, unknown>;
}

export const FRAMEWORK_DEFAULTS: Readonly<ServiceFramework> = Object.freeze({
  provider: 'Quadrangle', clusterName: 'default', minInstancesPerNode: 1, maxInstancesPerNode: 2, instancesPerContainer: 1,
  maxWaitTime: 60, maxStartupTime: 300, maxIdleTime: 1800, maxUsageTime: 600, recycleInterval: 24, recycleStartTime: '00:00',
  keepAliveInterval: 1800, loadBalancing: 'ROUND_ROBIN', isolationLevel: 'HIGH', isDefault: false, maxUploadFileSize: 0,
  allowedUploadFileTypes: '', frameworkProperties: {}, datasets: [], portalProperties: {}, jsonProperties: {},
});

/** A server object extension as the service JSON lists it; `enabled` is the string ArcGIS uses. */
export interface ServiceExtension {
  typeName: string;
  capabilities: string;
  enabled: 'true' | 'false';
  maxUploadFileSize: number;
  allowedUploadFileTypes: string;
  properties: Record<string, string>;
}

export interface ServiceItemInfo {
  title: string;
  summary: string;
  description: string;
  tags: string[];
  /** File name of the uploaded thumbnail, '' for none. */
  thumbnail: string;
}

export const TPS_EXTENSION = 'TopographicProductionServer';
export const KML_EXTENSION = 'KmlServer';
/** The operations of the production extension that `capabilities` can switch off (admin.md §7). */
export const TPS_OPERATIONS = ['addProduct', 'calculateExtent', 'generateProduct', 'removeProduct', 'updateProduct'] as const;

/** Known extensions and what a new one of each holds. */
export const EXTENSION_DEFAULTS: Readonly<Record<string, Omit<ServiceExtension, 'enabled'>>> = {
  [KML_EXTENSION]: { typeName: KML_EXTENSION, capabilities: 'SingleImage,SeparateImages,Vectors', maxUploadFileSize: 0, allowedUploadFileTypes: '', properties: {} },
  [TPS_EXTENSION]: {
    typeName: TPS_EXTENSION, capabilities: TPS_OPERATIONS.join(','), maxUploadFileSize: 0, allowedUploadFileTypes: '',
    properties: { maxConcurrentJobs: '2', jobTimeout: '30', cleanupInterval: '24' },
  },
};

/** A definition's framework with every default filled in. */
export function resolvedFramework(framework: Partial<ServiceFramework> | undefined): ServiceFramework {
  return { ...FRAMEWORK_DEFAULTS, ...framework };
}

/** Extensions of a definition; a definition written before extensions existed has both enabled. */
export function resolvedExtensions(extensions: ServiceExtension[] | undefined): ServiceExtension[] {
  return extensions ?? Object.values(EXTENSION_DEFAULTS).map((e) => ({ ...e, enabled: 'true' as const }));
}

/** The enabled extension called `typeName`, or null. */
export function enabledExtension(extensions: ServiceExtension[] | undefined, typeName: string): ServiceExtension | null {
  return resolvedExtensions(extensions).find((e) => e.typeName === typeName && e.enabled === 'true') ?? null;
}

/** The instance-pool settings of a definition, in the units the worker pools use. */
export function poolSettingsOf(def: { framework?: Partial<ServiceFramework> }): PoolSettings {
  const f = resolvedFramework(def.framework);
  return {
    minInstances: f.minInstancesPerNode, maxInstances: f.maxInstancesPerNode, maxWaitMs: f.maxWaitTime * 1000, maxUsageMs: f.maxUsageTime * 1000,
    maxIdleMs: f.maxIdleTime * 1000, recycleIntervalMs: f.recycleInterval * 3_600_000, recycleStartTime: f.recycleStartTime, isolation: f.isolationLevel,
  };
}

type Add = (path: string, message: string) => void;

const INTEGER_RANGES: Partial<Record<keyof ServiceFramework, [number, number]>> = {
  minInstancesPerNode: [0, 64], maxInstancesPerNode: [1, 64], instancesPerContainer: [1, 64], maxWaitTime: [0, 86400],
  maxStartupTime: [1, 86400], maxIdleTime: [0, 604800], maxUsageTime: [1, 604800], recycleInterval: [1, 8760],
  keepAliveInterval: [0, 86400], maxUploadFileSize: [0, 1_000_000],
};

/** Checks a (partial) framework; paths are the admin JSON's field names. */
export function validateFramework(f: Partial<ServiceFramework>, add: Add): void {
  for (const [key, [min, max]] of Object.entries(INTEGER_RANGES) as [keyof ServiceFramework, [number, number]][]) {
    const v = f[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) add(key, `must be an integer from ${min} to ${max}`);
  }
  const resolved = resolvedFramework(f);
  if (Number.isInteger(resolved.minInstancesPerNode) && Number.isInteger(resolved.maxInstancesPerNode) && resolved.minInstancesPerNode > resolved.maxInstancesPerNode) {
    add('minInstancesPerNode', 'must not exceed maxInstancesPerNode');
  }
  for (const key of ['provider', 'clusterName', 'allowedUploadFileTypes'] as const) {
    if (f[key] !== undefined && (typeof f[key] !== 'string' || f[key]!.length > 200)) add(key, 'must be a string of at most 200 characters');
  }
  if (f.recycleStartTime !== undefined && !(typeof f.recycleStartTime === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(f.recycleStartTime))) add('recycleStartTime', "must be a time 'HH:MM'");
  if (f.loadBalancing !== undefined && f.loadBalancing !== 'ROUND_ROBIN' && f.loadBalancing !== 'FAIL_OVER') add('loadBalancing', "must be 'ROUND_ROBIN' or 'FAIL_OVER'");
  if (f.isolationLevel !== undefined && f.isolationLevel !== 'HIGH' && f.isolationLevel !== 'LOW') add('isolationLevel', "must be 'HIGH' or 'LOW'");
  if (f.isDefault !== undefined && typeof f.isDefault !== 'boolean') add('isDefault', 'must be true or false');
  for (const key of ['frameworkProperties', 'portalProperties', 'jsonProperties'] as const) {
    const v = f[key];
    if (v !== undefined && (!v || typeof v !== 'object' || Array.isArray(v))) add(key, 'must be an object');
  }
  if (f.datasets !== undefined && !Array.isArray(f.datasets)) add('datasets', 'must be an array');
}

/** Checks an extensions list: known type names, `enabled` "true"/"false", TPS capabilities among its operations. */
export function validateExtensions(extensions: unknown, add: Add): void {
  if (!Array.isArray(extensions)) { add('extensions', 'must be an array'); return; }
  const seen = new Set<string>();
  extensions.forEach((e: Partial<ServiceExtension>, i) => {
    const p = `extensions[${i}]`;
    if (!e || typeof e !== 'object') { add(p, 'must be an object'); return; }
    if (typeof e.typeName !== 'string' || !EXTENSION_DEFAULTS[e.typeName]) { add(`${p}.typeName`, `must be one of ${Object.keys(EXTENSION_DEFAULTS).join(', ')}`); return; }
    if (seen.has(e.typeName)) add(`${p}.typeName`, `lists ${e.typeName} twice`);
    seen.add(e.typeName);
    if (e.enabled !== 'true' && e.enabled !== 'false') add(`${p}.enabled`, "must be the string 'true' or 'false'");
    if (typeof e.capabilities !== 'string') add(`${p}.capabilities`, 'must be a comma-separated string');
    else if (e.typeName === TPS_EXTENSION) {
      const unknown = e.capabilities.split(',').map((c) => c.trim()).filter((c) => c && !(TPS_OPERATIONS as readonly string[]).includes(c));
      if (unknown.length) add(`${p}.capabilities`, `'${unknown[0]!.slice(0, 40)}' is not one of ${TPS_OPERATIONS.join(', ')}`);
    }
    if (e.properties !== undefined && (!e.properties || typeof e.properties !== 'object' || Object.values(e.properties).some((v) => typeof v !== 'string'))) {
      add(`${p}.properties`, 'must be an object of string values');
    }
  });
}

/** Checks item information: strings, tags a list of strings. */
export function validateItemInfo(info: unknown, add: Add, path = 'serviceItemInfo'): void {
  if (!info || typeof info !== 'object' || Array.isArray(info)) { add(path, 'must be an object'); return; }
  const i = info as Partial<Record<keyof ServiceItemInfo, unknown>>;
  for (const key of ['title', 'summary', 'description', 'thumbnail'] as const) {
    if (i[key] !== undefined && (typeof i[key] !== 'string' || (i[key] as string).length > 20000)) add(`${path}.${key}`, 'must be a string of at most 20000 characters');
  }
  if (i.tags !== undefined && !(Array.isArray(i.tags) && i.tags.length <= 200 && i.tags.every((t) => typeof t === 'string' && t.length <= 200))) add(`${path}.tags`, 'must be a list of strings');
}
