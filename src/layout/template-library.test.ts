import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GridDefinitionError } from './grid-definition.js';
import { LayoutTemplateError } from './layout-schema.js';
import { BUILT_IN_GRID_DIR, BUILT_IN_LAYOUT_DIR, TemplateLibrary, type LibraryDocumentError } from './template-library.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-templates-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh pair of user folders holding the given files. */
function userDirs(files: Record<string, string | object>): { layoutDirs: string[]; gridDirs: string[] } {
  const dir = mkdtempSync(join(root, 'data-'));
  for (const sub of ['layouts', 'grids']) mkdirSync(join(dir, sub));
  for (const [path, content] of Object.entries(files)) {
    writeFileSync(join(dir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return { layoutDirs: [join(dir, 'layouts')], gridDirs: [join(dir, 'grids')] };
}

const builtIn = (file: string) => JSON.parse(readFileSync(join(BUILT_IN_LAYOUT_DIR, file), 'utf8'));
const builtInGrid = (file: string) => JSON.parse(readFileSync(join(BUILT_IN_GRID_DIR, file), 'utf8'));

describe('template library', () => {
  it('loads the built-in templates and grids from a clean checkout', () => {
    const lib = new TemplateLibrary();
    assert.deepEqual(lib.templateNames(), ['A3 Landscape', 'A3 Portrait', 'A4 Landscape', 'A4 Portrait', 'Letter ANSI A Landscape',
      'Letter ANSI A Portrait', 'MAP_ONLY', 'Tabloid ANSI B Landscape', 'Tabloid ANSI B Portrait', 'TM100_Layout', 'TM25_Layout', 'TM50_Layout']);
    assert.deepEqual(lib.gridNames(), ['CTM25', 'CTM50', 'JOG250', 'TM100', 'TM25', 'TM50', 'USTopo24']);
    for (const g of lib.gridNames()) {
      const layout = lib.grid(g)!.layout;
      if (layout) assert.ok(lib.template(layout), `${g} → ${layout}`);
    }
    assert.equal(lib.grid('TM50')!.scale, 50000);
    assert.equal(lib.template('nothing'), undefined);
    assert.equal(lib.grid('TM75'), undefined);
  });

  it('finds a .pagx name without its extension, and names in any case', () => {
    const lib = new TemplateLibrary();
    assert.equal(lib.template('TM50_Layout.pagx')!.name, 'TM50_Layout');
    assert.equal(lib.template('tm25_layout.PAGX')!.name, 'TM25_Layout');
    assert.equal(lib.template('a4 portrait')!.name, 'A4 Portrait');
    assert.equal(lib.grid('ustopo24')!.name, 'USTopo24');
    assert.equal(lib.template('MTM50_Layout.pagx'), undefined);
  });

  it('hands out copies, so a caller cannot change the library', () => {
    const lib = new TemplateLibrary();
    lib.template('MAP_ONLY')!.page.width = 1;
    lib.grid('TM50')!.graticule.tickMinutes = 99;
    assert.equal(lib.template('MAP_ONLY')!.page.width, 600);
    assert.equal(lib.grid('TM50')!.graticule.tickMinutes, 1);
  });

  it('lets a user folder override a built-in by name and add documents of its own', () => {
    const tm50 = builtIn('TM50_Layout.json');
    tm50.description = 'our own TM50';
    tm50.elements = tm50.elements.filter((e: { name: string }) => e.name !== 'UnitImprint');
    const grid = { ...builtInGrid('TM50.json'), contourInterval: 10 };
    const custom = { ...builtInGrid('TM25.json'), name: 'Local10', scale: 10000, layout: 'Local Sheet' };
    const sheet = { ...builtIn('A4 Portrait.json'), name: 'Local Sheet' };
    const dirs = userDirs({ 'layouts/tm50.json': tm50, 'layouts/local.json': sheet, 'grids/TM50.json': grid, 'grids/local.json': custom });
    const lib = new TemplateLibrary(dirs);
    assert.equal(lib.template('TM50_Layout')!.description, 'our own TM50');
    assert.equal(lib.template('TM50_Layout')!.elements.some((e) => e.name === 'UnitImprint'), false);
    assert.ok(lib.sourceFile('template', 'TM50_Layout')!.endsWith(join('layouts', 'tm50.json')));
    assert.equal(lib.template('TM25_Layout')!.elements.some((e) => e.name === 'UnitImprint'), true, 'other built-ins stay');
    assert.equal(lib.grid('TM50')!.contourInterval, 10);
    assert.equal(lib.grid('Local10')!.layout, 'Local Sheet');
    assert.equal(lib.templateNames().length, 13);
    assert.equal(lib.gridNames().length, 8);
  });

  it('names the file of a malformed or invalid user document', () => {
    const bad = userDirs({ 'layouts/broken.json': '{"name": "Broken", ' });
    assert.throws(() => new TemplateLibrary(bad), (e: unknown) => {
      assert.ok(e instanceof LayoutTemplateError);
      assert.equal(e.file, join(bad.layoutDirs[0]!, 'broken.json'));
      assert.match(e.message, /broken\.json: is not valid JSON: /);
      return true;
    });
    const doc = builtIn('A4 Portrait.json');
    doc.elements[0].type = 'compass';
    const invalid = userDirs({ 'layouts/compass.json': doc });
    assert.throws(() => new TemplateLibrary(invalid), (e: unknown) => {
      assert.ok(e instanceof LayoutTemplateError);
      assert.match(e.message, /compass\.json: unknown element type "compass" at elements\[0\]\.type/);
      assert.equal(e.details.length, 1);
      return true;
    });
    const grid = userDirs({ 'grids/g.json': { ...builtInGrid('TM50.json'), scale: -1 } });
    assert.throws(() => new TemplateLibrary(grid), (e: unknown) => e instanceof GridDefinitionError && /g\.json: scale must be a positive integer/.test(e.message));
  });

  it('with onError reports each bad document and keeps the rest', () => {
    const reported: LibraryDocumentError[] = [];
    const dirs = userDirs({
      'layouts/broken.json': 'not json',
      'layouts/good.json': { ...builtIn('A4 Portrait.json'), name: 'Good' },
      'layouts/twin.json': { ...builtIn('A4 Portrait.json'), name: 'GOOD' },
      'grids/orphan.json': { ...builtInGrid('TM50.json'), name: 'Orphan', layout: 'Missing' },
      'grids/notes.txt': 'ignored',
    });
    const lib = new TemplateLibrary({ ...dirs, onError: (e) => reported.push(e) });
    assert.deepEqual(reported.map((e) => basename(e.file!)), ['broken.json', 'twin.json', 'orphan.json']);
    assert.match(reported[1]!.message, /name 'GOOD' is also used by .*good\.json in the same folder/);
    assert.match(reported[2]!.message, /unknown layout template 'Missing' at layout/);
    assert.ok(reported[2] instanceof GridDefinitionError);
    assert.equal(lib.template('good')!.name, 'Good');
    assert.equal(lib.grid('Orphan'), undefined);
    assert.equal(lib.grid('TM50')!.name, 'TM50');
  });

  it('skips a missing user folder and sees new documents on reload', () => {
    const dirs = userDirs({});
    const lib = new TemplateLibrary({ layoutDirs: [join(root, 'no-such-folder'), ...dirs.layoutDirs] });
    assert.equal(lib.template('Later'), undefined);
    writeFileSync(join(dirs.layoutDirs[0]!, 'later.json'), JSON.stringify({ ...builtIn('MAP_ONLY.json'), name: 'Later' }));
    lib.reload();
    assert.equal(lib.template('Later')!.mapFrames[0]!.name, 'WEBMAP_MAP_FRAME');
  });
});
