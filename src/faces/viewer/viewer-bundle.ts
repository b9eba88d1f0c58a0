/**
 * The map viewer's static files: its script bundled with OpenLayers and proj4 by esbuild, and
 * OpenLayers' stylesheet. Built once, on first use, and kept in memory, so nothing is fetched
 * from a CDN and a server that never shows the viewer never pays for the build.
 * @module faces/viewer/viewer-bundle
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One static file with a version that changes whenever its content does. */
export interface StaticAsset { body: string; contentType: string; version: string }

/** The viewer's files by name under `…/rest/static/`. */
export type ViewerAssets = Record<'viewer.js' | 'ol.css', StaticAsset>;

/** Raised when the viewer script cannot be bundled; the message says why. */
export class ViewerBuildError extends Error {}

const here = dirname(fileURLToPath(import.meta.url));

const asset = (body: string, contentType: string): StaticAsset =>
  ({ body, contentType, version: createHash('sha1').update(body).digest('hex').slice(0, 12) });

async function bundleScript(): Promise<string> {
  // Next to this module: the TypeScript source under tsx, the compiled file under dist.
  const entry = ['viewer-app.ts', 'viewer-app.js'].map((f) => join(here, f)).find((f) => existsSync(f));
  if (!entry) throw new ViewerBuildError(`the viewer source viewer-app.ts is missing from ${here}`);
  try {
    // Loaded on demand: esbuild starts a helper process, which only the viewer needs.
    const { build } = await import('esbuild');
    const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'iife', minify: true, target: 'es2020', logLevel: 'silent' });
    return result.outputFiles[0]!.text;
  } catch (e) {
    throw new ViewerBuildError(e instanceof Error ? e.message : String(e));
  }
}

async function readOlCss(): Promise<string> {
  try {
    return await readFile(createRequire(import.meta.url).resolve('ol/ol.css'), 'utf8');
  } catch (e) {
    throw new ViewerBuildError(`OpenLayers' stylesheet cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function buildAssets(): Promise<ViewerAssets> {
  const css = await readOlCss();
  return { 'viewer.js': asset(await bundleScript(), 'text/javascript; charset=utf-8'), 'ol.css': asset(css, 'text/css; charset=utf-8') };
}

let assets: Promise<ViewerAssets> | undefined;

/**
 * The viewer's files, built on the first call. A failure is kept too: the sources do not change
 * while the server runs, so building again would fail again.
 */
export function viewerAssets(): Promise<ViewerAssets> {
  assets ??= buildAssets();
  return assets;
}
