/**
 * Starts a real Quadrangle on a free port over the sample region. The region is generated
 * once per generator version into a shared cache and hard-linked into each server's own data
 * directory, so every test file gets a fresh catalog without regenerating 50,000 features.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSampleData, startQuadrangle, type RunningQuadrangle } from '../../src/app/quadrangle-app.js';
import { loadConfig, type ConfigOptions } from '../../src/config/config.js';
import { SAMPLE_DIR } from '../../src/sample/sample-service.js';

const src = fileURLToPath(new URL('../../src/', import.meta.url));
/** Everything that decides the sample files' bytes. */
const GENERATOR_FILES = ['data/geopackage/geopackage-writer.ts', 'data/geopackage/gpkg-geometry.ts', 'geo/wkb.ts', 'terrain/geotiff-writer.ts', 'terrain/tiff-file.ts'];

/** A cache key that changes whenever the generator's code does. */
function generatorVersion(): string {
  const hash = createHash('sha1');
  const sample = readdirSync(join(src, 'sample')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => `sample/${f}`);
  for (const f of [...sample, ...GENERATOR_FILES].sort()) hash.update(readFileSync(join(src, f)));
  return hash.digest('hex').slice(0, 12);
}

/** The directory holding a generated sample region (`<dir>/sample/region.gpkg`, `dem.tif`). */
export async function sampleDataDir(): Promise<string> {
  const dir = join(tmpdir(), `quadrangle-sample-${generatorVersion()}`);
  if (existsSync(join(dir, SAMPLE_DIR, 'region.json'))) return dir;
  const staging = mkdtempSync(join(tmpdir(), 'quadrangle-sample-staging-'));
  await ensureSampleData(staging, () => {});
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return dir;
}

/** A fresh data directory whose sample files are links to the cached region. */
export async function freshDataDir(): Promise<string> {
  const cache = join(await sampleDataDir(), SAMPLE_DIR);
  const dataDir = mkdtempSync(join(tmpdir(), 'quadrangle-test-'));
  mkdirSync(join(dataDir, SAMPLE_DIR));
  for (const f of readdirSync(cache)) {
    try { linkSync(join(cache, f), join(dataDir, SAMPLE_DIR, f)); } catch { copyFileSync(join(cache, f), join(dataDir, SAMPLE_DIR, f)); }
  }
  return dataDir;
}

export interface TestServer extends RunningQuadrangle { dataDir: string; base: string }

/**
 * Starts a server on 127.0.0.1 with a free port; `base` is the REST root URL. `options` are laid
 * over the test defaults; with `dataDir` the server reuses that directory and `close` keeps it.
 */
export async function startTestServer(options: ConfigOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await freshDataDir());
  const running = await startQuadrangle(loadConfig({ port: 0, host: '127.0.0.1', logLevel: 'silent', ...options, dataDir }, {}));
  return {
    ...running, dataDir, base: `${running.url}/arcgis/rest`,
    async close() {
      await running.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** GETs a URL with parameters and parses the JSON answer. */
export async function getJson(url: string, params: Record<string, string | number | boolean> = {}): Promise<any> {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, String(v));
  if (!u.searchParams.has('f')) u.searchParams.set('f', 'json');
  const res = await fetch(u);
  return res.json();
}

/** POSTs form-encoded parameters and parses the JSON answer. */
export async function postForm(url: string, params: Record<string, string | number | boolean>): Promise<any> {
  const body = new URLSearchParams(Object.entries({ f: 'json', ...params }).map(([k, v]) => [k, String(v)]));
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return res.json();
}
