/**
 * The template library: the layout templates and grid definitions a product or print job names.
 * Built-ins ship as JSON in resources/layouts and resources/grids; administrators add or
 * replace documents in folders of their own (typically `<data>/layouts` and `<data>/grids`),
 * where a document overrides a built-in of the same name. Every document is validated when the
 * library loads, so a bad file is reported once, with its name, instead of failing a job later.
 * @module layout/template-library
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GridDefinitionError, validateGridDefinition, type GridDefinition } from './grid-definition.js';
import { LayoutTemplateError, validateLayoutTemplate } from './layout-schema.js';
import type { LayoutTemplate } from './layout-template.js';

/** A bad document, with the file it came from. */
export type LibraryDocumentError = LayoutTemplateError | GridDefinitionError;

export interface TemplateLibraryOptions {
  /** Folders of extra layout templates, each overriding the built-ins and the folders before it. Missing folders are skipped. */
  layoutDirs?: string[];
  /** Folders of extra grid definitions, likewise. */
  gridDirs?: string[];
  /**
   * Called with each bad document in the extra folders, which is then left out. Without it the
   * first bad document throws. Bad built-ins always throw.
   */
  onError?: (error: LibraryDocumentError) => void;
}

/** resources/<kind> of the repository: two levels above src/layout (three from a build under dist/). */
function builtInDir(kind: 'layouts' | 'grids'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const dir = resolve(here, up, 'resources', kind);
    if (existsSync(dir)) return dir;
  }
  throw new Error(`built-in ${kind} folder resources/${kind} not found above ${here}`);
}

export const BUILT_IN_LAYOUT_DIR = builtInDir('layouts');
export const BUILT_IN_GRID_DIR = builtInDir('grids');

interface Entry<T> { doc: T; file: string; builtIn: boolean }

/** Template and grid lookup; names match case-insensitively, as print template names do (printing.md §11). */
export class TemplateLibrary {
  private templates = new Map<string, Entry<LayoutTemplate>>();
  private grids = new Map<string, Entry<GridDefinition>>();

  constructor(private readonly options: TemplateLibraryOptions = {}) {
    this.reload();
  }

  /** Reads every folder again, so documents added or changed since are seen. */
  reload(): void {
    const templates = new Map<string, Entry<LayoutTemplate>>();
    const grids = new Map<string, Entry<GridDefinition>>();
    const layoutErr = (details: string[], file: string) => new LayoutTemplateError(details, file);
    const gridErr = (details: string[], file: string) => new GridDefinitionError(details, file);
    this.loadDir(BUILT_IN_LAYOUT_DIR, true, templates, validateLayoutTemplate, layoutErr);
    for (const dir of this.options.layoutDirs ?? []) this.loadDir(dir, false, templates, validateLayoutTemplate, layoutErr);
    this.loadDir(BUILT_IN_GRID_DIR, true, grids, validateGridDefinition, gridErr);
    for (const dir of this.options.gridDirs ?? []) this.loadDir(dir, false, grids, validateGridDefinition, gridErr);
    // A grid's default layout must exist, or every product on it would fail at ApplyLayout.
    for (const [key, { doc, file, builtIn }] of grids) {
      if (doc.layout !== undefined && !templates.has(doc.layout.toLowerCase())) {
        this.report(gridErr([`unknown layout template '${doc.layout}' at layout (expected one of ${names(templates).join(', ')})`], file), builtIn);
        grids.delete(key);
      }
    }
    this.templates = templates;
    this.grids = grids;
  }

  /**
   * The layout template called `name` (a copy the caller may change), or undefined. A name ending
   * in `.pagx` is looked up without the extension (tps.md §5.1, productVersions[].template).
   */
  template(name: string): LayoutTemplate | undefined {
    const entry = this.templates.get(name.replace(/\.pagx$/i, '').toLowerCase());
    return entry && structuredClone(entry.doc);
  }

  /** The grid definition called `name` (a copy), or undefined. */
  grid(name: string): GridDefinition | undefined {
    const entry = this.grids.get(name.toLowerCase());
    return entry && structuredClone(entry.doc);
  }

  /** Names of every template, sorted. */
  templateNames(): string[] { return names(this.templates); }

  /** Names of every grid definition, sorted. */
  gridNames(): string[] { return names(this.grids); }

  /** The file a template or grid was read from (for messages), or undefined. */
  sourceFile(kind: 'template' | 'grid', name: string): string | undefined {
    return kind === 'template' ? this.templates.get(name.replace(/\.pagx$/i, '').toLowerCase())?.file : this.grids.get(name.toLowerCase())?.file;
  }

  private loadDir<T extends { name: string }>(
    dir: string, builtIn: boolean, into: Map<string, Entry<T>>,
    validate: (doc: unknown) => T, error: (details: string[], file: string) => LibraryDocumentError,
  ): void {
    if (!existsSync(dir)) return;
    const files = readdirSync(dir).filter((f) => /\.json$/i.test(f) && !f.startsWith('.')).sort();
    const seen = new Map<string, string>();
    for (const f of files) {
      const file = join(dir, f);
      try {
        let text: string;
        try { text = readFileSync(file, 'utf8'); } catch (e) {
          throw error([`cannot be read: ${(e as Error).message}`], file);
        }
        let json: unknown;
        try { json = JSON.parse(text); } catch (e) {
          throw error([`is not valid JSON: ${(e as Error).message}`], file);
        }
        let doc: T;
        try { doc = validate(json); } catch (e) {
          if (e instanceof LayoutTemplateError || e instanceof GridDefinitionError) throw error(e.details, file);
          throw e;
        }
        const key = doc.name.toLowerCase();
        const other = seen.get(key);
        if (other) throw error([`name '${doc.name}' is also used by ${other} in the same folder`], file);
        seen.set(key, file);
        into.set(key, { doc, file, builtIn });
      } catch (e) {
        if (e instanceof LayoutTemplateError || e instanceof GridDefinitionError) this.report(e, builtIn);
        else throw e;
      }
    }
  }

  private report(e: LibraryDocumentError, builtIn: boolean): void {
    if (builtIn || !this.options.onError) throw e;
    this.options.onError(e);
  }
}

function names(map: Map<string, Entry<{ name: string }>>): string[] {
  return [...map.values()].map((e) => e.doc.name).sort((a, b) => a.localeCompare(b, 'en'));
}
