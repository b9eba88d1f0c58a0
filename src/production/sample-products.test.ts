import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import { planProduction } from './resolve-parameters.js';
import { ensureSampleProducts, SAMPLE_PRODUCT_INDEX_LAYERS, SAMPLE_PRODUCTS_SERVICE, sampleProducts } from './sample-products.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-sample-products-'));
after(() => rmSync(root, { recursive: true, force: true }));
const library = new TemplateLibrary();

describe('sample products', () => {
  it('defines TM25, TM50 and TM100 on the sample DEM with the §5.5 operations', () => {
    const service = sampleServiceDefinition();
    const dem = service.layers.find((l) => l.id === 19)!;
    assert.equal(dem.raster!.render, 'dem');
    const products = sampleProducts(library);
    assert.deepEqual(products.map((p) => [p.name, p.gridType, p.productVersions[0]!.name, p.productVersions[0]!.template]),
      [['TM25', 'TM25', 'TDS_7_1', 'TM25_Layout'], ['TM50', 'TM50', 'TDS_7_1', 'TM50_Layout'], ['TM100', 'TM100', 'TDS_7_1', 'TM100_Layout']]);
    for (const p of products) {
      assert.equal(p.raster, dem.raster!.path);
      assert.equal(p.sheetIDField, 'NRN');
      assert.deepEqual(p.operations.map((o) => o.type), ['ExtractData', 'ApplyLayout', 'BuildGrid', 'GenerateContours', 'GenerateHillshade', 'GenerateSpotHeights',
        'ElevationGuide', 'AdjoiningSheets', 'Declination', 'UpdateSurrounds', 'Export']);
      // The index layer of each product holds its sheets, numbered in NRN and named in NAME.
      const index = service.layers.find((l) => l.id === SAMPLE_PRODUCT_INDEX_LAYERS[p.name as keyof typeof SAMPLE_PRODUCT_INDEX_LAYERS])!;
      assert.equal(index.name, `${p.name} sheets`);
    }
    const ids = products.flatMap((p) => p.operations.map((o) => o.id));
    assert.equal(new Set(ids).size, 33, 'every operation has its own GUID');
    assert.deepEqual(sampleProducts(library).flatMap((p) => p.operations.map((o) => o.id)), ids, 'the GUIDs are the same every time');
  });

  it('resolves to the series texts and the contour interval of each scale', () => {
    const plans = sampleProducts(library).map((p) => planProduction(p, {
      library, version: 'TDS_7_1',
      context: { aoiLayer: 'layer', aoiGeometry: null, sheetId: 'X', outputType: 'pdf', exportName: 'X', jobFolder: root, jobDate: new Date(Date.UTC(2025, 0, 1)) },
    }));
    assert.deepEqual(plans.map((p) => [p.sheet.surrounds.seriesName, p.sheet.surrounds.seriesNumber, p.sheet.contours!.interval, p.extract!.buffer]), [
      ['TOPOGRAPHIC MAP 1:25,000', 'TM25', 10, 500], ['TOPOGRAPHIC MAP 1:50,000', 'TM50', 20, 500], ['TOPOGRAPHIC MAP 1:100,000', 'TM100', 40, 500],
    ]);
  });

  it('are added once to the sample service, and a removed one stays removed', async () => {
    const catalog = new SqliteCatalogStore(join(root, 'catalog.sqlite'));
    assert.deepEqual(await ensureSampleProducts(catalog, library), [], 'no sample service, no products');
    await catalog.putService(sampleServiceDefinition());
    assert.deepEqual(await ensureSampleProducts(catalog, library), ['TM25', 'TM50', 'TM100']);
    assert.deepEqual(await ensureSampleProducts(catalog, library), []);
    assert.equal(await catalog.removeProduct(SAMPLE_PRODUCTS_SERVICE, 'TM25'), true);
    assert.deepEqual(await ensureSampleProducts(catalog, library), []);
    assert.deepEqual((await catalog.listProducts(SAMPLE_PRODUCTS_SERVICE)).map((p) => p.name), ['TM100', 'TM50']);
    await catalog.close();
  });
});
