import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteCatalogStore } from '../catalog/sqlite-catalog-store.js';
import { TemplateLibrary } from '../layout/template-library.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import { ProductDefinitionError, ProductNotFoundError } from './production-errors.js';
import { ProductsStore } from './products-store.js';
import { ensureSampleProducts, SAMPLE_PRODUCTS_SERVICE, sampleProductDocument } from './sample-products.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-products-'));
after(() => rmSync(root, { recursive: true, force: true }));
const library = new TemplateLibrary();
let n = 0;
const catalogFile = () => join(root, `catalog-${++n}.sqlite`);

describe('products in the catalog store', () => {
  it('round-trips products per service through a SQLite file, and they survive reopening', async () => {
    const file = catalogFile();
    let catalog = new SqliteCatalogStore(file);
    const topo = ProductsStore.forService(catalog, 'Topo', 'SampleRegion');
    const other = ProductsStore.forService(catalog, '', 'Other');
    assert.equal(topo.serviceKey, 'Topo/SampleRegion');
    const now = new Date(Date.UTC(2025, 2, 11, 9, 12, 40));
    const tm50 = await topo.add(sampleProductDocument('TM50'), library, { now });
    await topo.add(sampleProductDocument('TM25'), library, { now });
    await other.add({ ...sampleProductDocument('TM100'), name: 'MTM100', type: 'MTM', definitionType: 'Military' }, library, { now });
    await catalog.close();

    catalog = new SqliteCatalogStore(file);
    const reopened = ProductsStore.forService(catalog, 'Topo', 'SampleRegion');
    assert.deepEqual((await reopened.list()).map((p) => p.name), ['TM25', 'TM50']);
    assert.deepEqual(await reopened.get('TM50'), tm50);
    assert.equal(await reopened.get('tm50'), null, 'names match case-sensitively');
    assert.equal(await reopened.get('MTM100'), null, "another service's product");
    assert.deepEqual((await catalog.listProducts('Other')).map((p) => [p.name, p.type, p.extractionDatabase]), [['MTM100', 'MTM', 'MTM.gpkg']]);
    await catalog.close();
  });

  it('refuses a duplicate name on add, answers Product name not found, updates and removes', async () => {
    const catalog = new SqliteCatalogStore(catalogFile());
    const store = new ProductsStore(catalog, 'Topo/SampleRegion');
    await store.add(sampleProductDocument('TM50'), library);
    await assert.rejects(store.add(sampleProductDocument('TM50'), library),
      (e: ProductDefinitionError) => e.messages.length === 1 && e.messages[0] === 'Product name already exists: TM50 (productDefinition.name)');
    await assert.rejects(store.require('TM75'), (e: ProductNotFoundError) => e.code === -2147211775 && e.message === 'Product name not found.');
    await assert.rejects(store.remove('TM75'), ProductNotFoundError);
    await assert.rejects(store.update('TM75', () => {}), ProductNotFoundError);

    const later = new Date(Date.UTC(2025, 5, 1, 12, 0, 0));
    const updated = await store.update('TM50', (p) => { p.enabled = false; p.description = 'Withdrawn'; }, { now: later });
    assert.equal(updated.lastModified, '2025-06-01T12:00:00Z');
    const stored = await store.require('TM50');
    assert.deepEqual([stored.enabled, stored.description, stored.lastModified], [false, 'Withdrawn', '2025-06-01T12:00:00Z']);

    await store.remove('TM50');
    assert.equal(await store.get('TM50'), null);
    assert.deepEqual(await store.list(), []);
    await catalog.close();
  });

  it('filters by definitionType exactly, or returns every product when the filter is empty or matches none', async () => {
    const catalog = new SqliteCatalogStore(catalogFile());
    const store = new ProductsStore(catalog, 'Topo/SampleRegion');
    await store.add(sampleProductDocument('TM50'), library);
    await store.add({ ...sampleProductDocument('TM25'), definitionType: 'Military' }, library);
    assert.deepEqual((await store.list('Military')).map((p) => p.name), ['TM25']);
    assert.deepEqual((await store.list('military')).map((p) => p.name), ['TM25', 'TM50']);
    assert.deepEqual((await store.list('')).map((p) => p.name), ['TM25', 'TM50']);
    await catalog.close();
  });

  it("adds the products table to a catalog written before it existed, and deleting a service deletes its products", async () => {
    const file = catalogFile();
    // A catalog as older versions wrote it: folders and services only.
    const old = new Database(file);
    old.exec(`CREATE TABLE folders (name TEXT PRIMARY KEY);
      CREATE TABLE services (folder TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, type TEXT NOT NULL, definition TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1, modified TEXT NOT NULL, PRIMARY KEY (folder, name, type));`);
    old.close();
    const catalog = new SqliteCatalogStore(file);
    await catalog.putService(sampleServiceDefinition());
    assert.deepEqual(await ensureSampleProducts(catalog, library), ['TM25', 'TM50', 'TM100']);
    assert.equal((await catalog.listProducts(SAMPLE_PRODUCTS_SERVICE)).length, 3);
    assert.equal(await catalog.deleteService('Topo', 'SampleRegion'), true);
    assert.deepEqual(await catalog.listProducts(SAMPLE_PRODUCTS_SERVICE), []);
    await catalog.close();
  });
});
