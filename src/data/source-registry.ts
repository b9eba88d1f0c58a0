/**
 * Opens feature sources from their configuration: a table of factories keyed by source type.
 * Every path is resolved inside the data directory; anything that escapes it (`..`, absolute
 * paths elsewhere, symbolic links out) is refused. Database sources (PostGIS) name a
 * connection instead of a path.
 * @module data/source-registry
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { FeatureSource } from './feature-source.js';
import { FeatureQueryError } from './feature-source.js';
import { GeoJsonFeatureSource } from './geojson/geojson-feature-source.js';
import { GeoPackageFeatureSource } from './geopackage/geopackage-feature-source.js';
import { PostgisFeatureSource, type PostgisSourceConfig } from './postgis/postgis-feature-source.js';

/** Where a layer's features live. Paths are relative to the data directory. */
export type SourceConfig =
  | { type: 'geopackage'; path: string; table: string }
  | { type: 'geojson'; path: string }
  | PostgisSourceConfig;

const FACTORIES: { [K in SourceConfig['type']]: (config: Extract<SourceConfig, { type: K }>, dataDir: string) => FeatureSource } = {
  geopackage: (c, dataDir) => new GeoPackageFeatureSource(resolveDataPath(dataDir, c.path), c.table),
  geojson: (c, dataDir) => new GeoJsonFeatureSource(resolveDataPath(dataDir, c.path)),
  postgis: (c) => new PostgisFeatureSource(c),
};

export const SOURCE_TYPES = Object.keys(FACTORIES) as SourceConfig['type'][];

/** Resolves `path` under `dataDir`, following links, and refuses anything outside it. */
export function resolveDataPath(dataDir: string, path: string): string {
  const root = realpathSync(dataDir);
  let full: string;
  try { full = realpathSync(resolve(root, path)); } catch { throw new FeatureQueryError(`data file '${path.slice(0, 200)}' does not exist`); }
  const rel = relative(root, full);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new FeatureQueryError(`data file '${path.slice(0, 200)}' is outside the data directory`);
  return full;
}

export function openFeatureSource(config: SourceConfig, dataDir: string): FeatureSource {
  const factory = FACTORIES[config.type] as ((c: SourceConfig, dataDir: string) => FeatureSource) | undefined;
  if (!factory) throw new FeatureQueryError(`unknown source type '${String(config.type).slice(0, 40)}'; known: ${SOURCE_TYPES.join(', ')}`);
  return factory(config, dataDir);
}

const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/**
 * What is wrong with a layer's `source` as written in a service definition, as
 * [field below `source` ('' for itself), problem] pairs; empty when it can be opened.
 */
export function sourceConfigProblems(source: unknown): [string, string][] {
  const s = source as Record<string, unknown> | null | undefined;
  if (!s || typeof s !== 'object') return [['', 'needs a type and a path']];
  if (s.type === 'postgis') {
    const out: [string, string][] = [];
    if (!text(s.connection)) out.push(['.connection', 'is required for a PostGIS source (a postgresql:// URL or the name of a configured connection)']);
    if (!text(s.table)) out.push(['.table', 'is required for a PostGIS source']);
    for (const key of ['geometryColumn', 'idColumn'] as const) {
      if (s[key] !== undefined && !text(s[key])) out.push([`.${key}`, 'must be a column name']);
    }
    return out;
  }
  if (!text(s.path)) return [['', 'needs a type and a path']];
  if (s.type === 'geopackage' && !text(s.table)) return [['.table', 'is required for a GeoPackage source']];
  if (s.type !== 'geopackage' && s.type !== 'geojson') return [['.type', `must be one of ${SOURCE_TYPES.map((t) => `'${t}'`).join(', ')}`]];
  return [];
}
