/**
 * Opens feature sources from their configuration: a table of factories keyed by source type.
 * Every path is resolved inside the data directory; anything that escapes it (`..`, absolute
 * paths elsewhere, symbolic links out) is refused.
 * @module data/source-registry
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { FeatureSource } from './feature-source.js';
import { FeatureQueryError } from './feature-source.js';
import { GeoJsonFeatureSource } from './geojson/geojson-feature-source.js';
import { GeoPackageFeatureSource } from './geopackage/geopackage-feature-source.js';

/** Where a layer's features live. Paths are relative to the data directory. */
export type SourceConfig =
  | { type: 'geopackage'; path: string; table: string }
  | { type: 'geojson'; path: string };

const FACTORIES: { [K in SourceConfig['type']]: (path: string, config: Extract<SourceConfig, { type: K }>) => FeatureSource } = {
  geopackage: (path, c) => new GeoPackageFeatureSource(path, c.table),
  geojson: (path) => new GeoJsonFeatureSource(path),
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
  const factory = FACTORIES[config.type] as ((path: string, c: SourceConfig) => FeatureSource) | undefined;
  if (!factory) throw new FeatureQueryError(`unknown source type '${String(config.type).slice(0, 40)}'; known: ${SOURCE_TYPES.join(', ')}`);
  return factory(resolveDataPath(dataDir, config.path), config);
}
