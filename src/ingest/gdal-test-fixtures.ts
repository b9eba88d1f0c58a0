/**
 * Test support for the ingest engine: users' files made by GDAL (`ogr2ogr`) from GeoJSON
 * written here, so the readers are tested on files real software wrote, and a simple CRS
 * resolver (EPSG codes through the registry, any WKT as a custom srs_id).
 * @module ingest/gdal-test-fixtures
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lookupEpsg } from '../geo/spatial-reference.js';
import type { ResolvedSrs } from './import-to-geopackage.js';
import type { RawCrs } from './vector-layer.js';

export interface TempDir { path: string; file(name: string): string; remove(): void }

export function tempDir(prefix: string): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A GeoJSON FeatureCollection text; `crs` adds the legacy member with that name. */
export function featureCollection(features: { geometry: unknown; properties?: Record<string, unknown> }[], crs?: string): string {
  return JSON.stringify({
    type: 'FeatureCollection',
    ...(crs ? { crs: { type: 'name', properties: { name: crs } } } : {}),
    features: features.map((f) => ({ type: 'Feature', properties: f.properties ?? {}, geometry: f.geometry })),
  });
}

/** Runs ogr2ogr; throws with GDAL's message when it fails. */
export function ogr2ogr(args: string[]): void {
  const run = spawnSync('ogr2ogr', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ogr2ogr ${args.join(' ')} failed: ${run.stderr}`);
}

/** Writes `features` as GeoJSON and converts them with ogr2ogr into `out` (extra args: -lco, -nlt, -a_srs…). */
export function gdalWrite(dir: TempDir, out: string, features: { geometry: unknown; properties?: Record<string, unknown> }[], args: string[] = [], crs?: string): string {
  const src = dir.file(`${out}.src.geojson`);
  writeFileSync(src, featureCollection(features, crs));
  const target = dir.file(out);
  ogr2ogr([...args, target, src]);
  return target;
}

/** `ogrinfo` output (stdout and stderr) for a file, as GDAL reads it. */
export function ogrinfo(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const run = spawnSync('ogrinfo', args, { encoding: 'utf8' });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

/** Whether a command-line tool of GDAL is here. */
export function hasGdal(): boolean {
  try { execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/**
 * The resolver the tests use: an EPSG code → the registry's WKT under the same srs_id; WKT →
 * a custom srs_id from 100000 up (one per distinct WKT); no CRS → an error.
 */
export function simpleResolver(): (raw: RawCrs, file: string) => ResolvedSrs {
  const custom = new Map<string, number>();
  return (raw, file) => {
    if (raw?.epsg !== undefined) {
      const entry = lookupEpsg(raw.epsg);
      if (!entry) throw new Error(`unknown EPSG code ${raw.epsg} (${raw.source})`);
      return { srsId: raw.epsg, organization: 'EPSG', organizationCoordsysId: raw.epsg, definition: entry.wkt, name: entry.name };
    }
    if (raw?.wkt) {
      let id = custom.get(raw.wkt);
      if (id === undefined) { id = 100000 + custom.size; custom.set(raw.wkt, id); }
      return { srsId: id, organization: 'NONE', organizationCoordsysId: id, definition: raw.wkt };
    }
    throw new Error(`${file} has no coordinate reference system`);
  };
}

/** Polygons with a hole, a multipolygon whose second part has the hole, and a Null shape. */
export const POLYGONS = [
  {
    properties: { name: "Château d'Eau", 'Région': 'Île-de-France', count: 12, big: 12345678901, ratio: 0.25, since: '1999-12-31', ok: true },
    geometry: { type: 'Polygon', coordinates: [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]], [[20, 20], [20, 40], [40, 40], [40, 20], [20, 20]]] },
  },
  {
    properties: { name: '€uro Ørsted', 'Région': 'Zürich', count: -3, big: null, ratio: 0.001, since: null, ok: false },
    geometry: {
      type: 'MultiPolygon',
      coordinates: [
        [[[200, 0], [300, 0], [300, 100], [200, 100], [200, 0]]],
        [[[400, 0], [500, 0], [500, 100], [400, 100], [400, 0]], [[420, 20], [420, 40], [440, 40], [440, 20], [420, 20]]],
      ],
    },
  },
  { properties: { name: null }, geometry: null },
];

const offset = (g: unknown, dx: number, dy: number): unknown => (Array.isArray(g) ? (typeof g[0] === 'number' ? [g[0] + dx, g[1] + dy, ...g.slice(2)] : g.map((c) => offset(c, dx, dy))) : g);
/** The same features placed in British National Grid metres. */
export const POLYGONS_27700 = POLYGONS.map((f) => ({ ...f, geometry: f.geometry && { ...f.geometry, coordinates: offset(f.geometry.coordinates, 400000, 100000) } }));
