import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { makeUserDataDir, USER_DEM_EXTENT } from '../../test/support/user-service-fixture.js';
import { MapService } from '../catalog/map-service.js';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { addSheetIndex, SheetIndexError, type AddSheetIndexOptions, type SheetIndexResult } from './user-products.js';

const run = promisify(execFile);

describe('addSheetIndex on a service over a user\'s data', () => {
  let dataDir: string;
  let store: SqliteCatalogStore;
  const library = new TemplateLibrary();
  const add = (options: Partial<AddSheetIndexOptions>) => addSheetIndex({ dataDir, folder: 'Sydney', service: 'Harbour', grid: 'TM50', ...options }, { store, library });
  const refused = async (options: Partial<AddSheetIndexOptions>, message: RegExp) => {
    await assert.rejects(add(options), (e: Error) => e instanceof SheetIndexError && message.test(e.message), `expected ${message}`);
  };
  let tm50: SheetIndexResult;

  before(async () => {
    dataDir = await makeUserDataDir();
    store = new SqliteCatalogStore(join(dataDir, 'catalog.sqlite'));
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses an unknown grid, an unknown service, an extent in the wrong order and products without a DEM, writing nothing', async () => {
    const before = await store.getService('Sydney', 'NoDem');
    await refused({ grid: 'TM99' }, /^grid: unknown grid definition 'TM99' \(known: .*TM50/);
    await refused({ service: 'Nowhere' }, /^service: service 'Sydney\/Nowhere' not found$/);
    await refused({ folder: '', service: 'Harbour' }, /^service: service 'Harbour' not found$/);
    await refused({ extent: { xmin: 338000, ymin: 6242000, xmax: 328000, ymax: 6252000 } }, /^extent: xmin must be less than xmax and ymin less than ymax/);
    await refused({ service: 'NoDem', products: true }, /^products: service 'Sydney\/NoDem' has no elevation model/);
    await refused({ grid: 'JOG250', products: true }, /^template: grid JOG250 names no layout template/);
    await refused({ products: true, template: 'Nope' }, /^template: unknown layout template 'Nope'/);
    await refused({ nameLayer: 1 }, /^nameLayer: layer 1 of Sydney\/Harbour is not a point feature layer/);
    assert.equal((await store.getService('Sydney', 'NoDem'))!.revision, before!.revision);
    assert.equal(existsSync(join(dataDir, 'sheet-indexes')), false);
    assert.deepEqual(await store.listProducts('Sydney/NoDem'), []);
  });

  it('adds the TM50 index as a hidden layer in a Sheet indexes group, and the TM50 product on the service DEM', async () => {
    const revision = (await store.getService('Sydney', 'Harbour'))!.revision;
    tm50 = await add({ products: true });
    assert.equal(tm50.service, 'Sydney/Harbour');
    assert.equal(tm50.path, 'sheet-indexes/Sydney/Harbour/sheets_tm50.gpkg');
    assert.equal(tm50.table, 'sheets_tm50');
    assert.equal(tm50.replaced, false);
    assert.equal(tm50.nameLayer, 'Places');
    assert.equal(tm50.product, 'TM50');
    assert.ok(tm50.sheetNumbers.includes('3400S15100E'), tm50.sheetNumbers.join());
    // The extent is the data's: the DEM with the places and roads inside it.
    assert.deepEqual(tm50.extent, USER_DEM_EXTENT);

    const stored = (await store.getService('Sydney', 'Harbour'))!;
    assert.equal(stored.revision, revision + 1);
    const layers = stored.definition.layers;
    const group = layers.find((l) => l.name === 'Sheet indexes')!;
    assert.equal(group.type, 'Group Layer');
    const layer = layers.find((l) => l.id === tm50.layerId)!;
    assert.equal(layer.name, 'TM50 sheets');
    assert.equal(layer.parentLayerId, group.id);
    assert.equal(layer.defaultVisibility, false);
    assert.deepEqual(layer.source, { type: 'geopackage', path: tm50.path, table: 'sheets_tm50' });
    assert.deepEqual((layer.drawingInfo!.renderer as any).symbol.outline.color, [200, 0, 0, 255]);
    assert.equal(layer.drawingInfo!.labelingInfo![0]!.labelExpression, '[NRN]');
    // Above the raster layers, so the terrain stays at the bottom of the draw order.
    assert.ok(layers.indexOf(layer) < layers.findIndex((l) => l.type === 'Raster Layer'));

    const product = (await store.getProduct('Sydney/Harbour', 'TM50'))!;
    assert.equal(product.gridType, 'TM50');
    assert.equal(product.sheetIDField, 'NRN');
    assert.equal(product.raster, 'user/dem.tif');
    assert.deepEqual(product.productVersions, [{ name: 'Standard', template: 'TM50_Layout' }]);
    assert.equal(product.operations.length, 11);
  });

  it('writes a GeoPackage GDAL reads, with the sheets named after the places on them', async () => {
    const { stdout } = await run('ogrinfo', ['-so', join(dataDir, tm50.path), 'sheets_tm50']);
    assert.match(stdout, new RegExp(`Feature Count: ${tm50.sheetNumbers.length}\\b`));
    assert.match(stdout, /UTM zone 56S/);
    const stored = (await store.getService('Sydney', 'Harbour'))!;
    const service = new MapService(stored.definition, stored.revision, dataDir);
    try {
      await service.prepare();
      const index = service.layer(tm50.layerId)!;
      const rows = [...index.source!.scan({ fields: ['NRN', 'NAME', 'SERIES', 'SCALE', 'EDITION'], geometry: false })];
      const sheet = rows.find((r) => r.attributes.NRN === '3400S15100E')!;
      assert.deepEqual(sheet.attributes, { NRN: '3400S15100E', NAME: 'Harbourside', SERIES: 'TM50', SCALE: 50000, EDITION: '1' });
      assert.ok(rows.some((r) => r.attributes.NAME === 'Westridge'), 'the sheet to the west takes its own place');
      assert.ok(rows.some((r) => r.attributes.NAME === null), 'a sheet without a place has no name');
    } finally { service.close(); }
  });

  it('rebuilds the same index in place when run again, keeping the layer ID and one product', async () => {
    const before = (await store.getService('Sydney', 'Harbour'))!;
    const again = await add({ products: true, extent: { xmin: 328000, ymin: 6242000, xmax: 338000, ymax: 6252000 } });
    assert.equal(again.replaced, true);
    assert.equal(again.layerId, tm50.layerId);
    assert.deepEqual(again.sheetNumbers, ['3400S15100E']);
    const after = (await store.getService('Sydney', 'Harbour'))!;
    assert.equal(after.revision, before.revision + 1);
    assert.equal(after.definition.layers.length, before.definition.layers.length);
    assert.deepEqual((await store.listProducts('Sydney/Harbour')).map((p) => p.name), ['TM50']);
    const { stdout } = await run('ogrinfo', ['-so', join(dataDir, tm50.path), 'sheets_tm50']);
    assert.match(stdout, /Feature Count: 1\b/);
  });

  it('adds another grid beside it in the same group; the default extent leaves the indexes out', async () => {
    const tm25 = await add({ grid: 'tm25' });
    assert.equal(tm25.grid, 'TM25');
    assert.equal(tm25.product, null);
    assert.ok(tm25.sheetNumbers.every((n) => /^\d{4}S\d{5}E-[NS][EW]$/.test(n)));
    assert.deepEqual(tm25.extent, USER_DEM_EXTENT);
    const layers = (await store.getService('Sydney', 'Harbour'))!.definition.layers;
    assert.equal(layers.filter((l) => l.name === 'Sheet indexes').length, 1);
    assert.deepEqual(layers.filter((l) => /sheets$/.test(l.name)).map((l) => l.name), ['TM50 sheets', 'TM25 sheets']);
    assert.deepEqual((await store.listProducts('Sydney/Harbour')).map((p) => p.name), ['TM50']);
  });
});
