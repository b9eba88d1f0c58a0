/**
 * What every CatalogStore must do, as tests any implementation runs against itself (the SQLite
 * file and the PostgreSQL catalog alike): `catalogStoreContract('…', backend)` declares them
 * inside the caller's test file.
 * @module catalog/catalog-store-contract
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProductDefinition } from '../production/product-definition.js';
import { sampleProducts } from '../production/sample-products.js';
import { sampleServiceDefinition } from '../sample/sample-service.js';
import type { CatalogStore } from './catalog-store.js';
import type { ServiceDefinition } from './service-definition.js';

export interface CatalogStoreBackend {
  /** A new, empty place for catalogs (a new file, a new database); `open` may be called more than once on it. */
  fresh(): Promise<{ open(): Promise<CatalogStore> }>;
}

/** A small valid definition at `folder/name`. */
export function testService(folder: string, name: string, extra: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return { ...sampleServiceDefinition(), folder, serviceName: name, ...extra };
}

const SAMPLE_PRODUCTS = sampleProducts(undefined, new Date(Date.UTC(2025, 0, 1)));

/** One of the sample's products (TM25, TM50, TM100), validated. */
function product(name: string): ProductDefinition {
  return structuredClone(SAMPLE_PRODUCTS.find((p) => p.name === name)!);
}

export function catalogStoreContract(label: string, backend: CatalogStoreBackend): void {
  const open = async (): Promise<CatalogStore> => (await backend.fresh()).open();

  describe(`${label} (CatalogStore contract)`, () => {
    it('keeps folders with descriptions, sorted byte by byte, and leaves an existing folder as it is', async () => {
      const store = await open();
      assert.deepEqual(await store.listFolders(), []);
      await store.createFolder('b', 'second');
      await store.createFolder('B', 'capital');
      await store.createFolder('_x');
      await store.createFolder('b', 'replaced?');
      assert.deepEqual(await store.listFolders(), ['B', '_x', 'b']);
      assert.deepEqual(await store.listFolderDetails(), [
        { name: 'B', description: 'capital' }, { name: '_x', description: '' }, { name: 'b', description: 'second' },
      ]);
      await store.close();
    });

    it('puts, reads and lists services by folder, creating the folder of a service', async () => {
      const store = await open();
      const topo = testService('Topo', 'Rivers', { description: 'Rivers and lakes' });
      const stored = await store.putService(topo);
      assert.deepEqual(stored.definition, topo);
      assert.ok(Number.isInteger(stored.revision) && stored.revision > 0);
      await store.putService(testService('Topo', 'Alpha'));
      await store.putService(testService('', 'Root'));
      assert.deepEqual(await store.listFolders(), ['Topo'], 'the root folder is not listed');
      assert.deepEqual((await store.listServices('Topo')).map((s) => s.definition.serviceName), ['Alpha', 'Rivers']);
      assert.deepEqual((await store.listServices('')).map((s) => s.definition.serviceName), ['Root']);
      assert.deepEqual(await store.listServices('Nope'), []);
      const got = await store.getService('Topo', 'Rivers');
      assert.deepEqual(got, stored);
      assert.deepEqual(Object.keys(got!.definition), Object.keys(topo), 'the document comes back as written, keys in order');
      assert.equal(await store.getService('Topo', 'rivers'), null, 'names match case-sensitively');
      assert.equal(await store.getService('', 'Rivers'), null);
      await store.close();
    });

    it('raises a service\'s revision on every put', async () => {
      const store = await open();
      const first = await store.putService(testService('Topo', 'Rivers'));
      const second = await store.putService(testService('Topo', 'Rivers', { description: 'edited' }));
      const third = await store.putService(testService('Topo', 'Rivers', { description: 'edited' }));
      assert.ok(second.revision > first.revision && third.revision > second.revision, `${first.revision} < ${second.revision} < ${third.revision}`);
      const got = await store.getService('Topo', 'Rivers');
      assert.equal(got?.revision, third.revision);
      assert.equal(got?.definition.description, 'edited');
      assert.equal((await store.listServices('Topo')).length, 1, 'replaced, not added');
      await store.close();
    });

    it('deletes a service with its products, and only that service\'s', async () => {
      const store = await open();
      await store.putService(testService('Topo', 'Rivers'));
      await store.putService(testService('Topo', 'Roads'));
      await store.putProduct('Topo/Rivers', product('TM50'));
      await store.putProduct('Topo/Roads', product('TM50'));
      assert.equal(await store.deleteService('Topo', 'Rivers'), true);
      assert.equal(await store.deleteService('Topo', 'Rivers'), false);
      assert.equal(await store.getService('Topo', 'Rivers'), null);
      assert.deepEqual(await store.listProducts('Topo/Rivers'), [], 'its products went with it');
      assert.deepEqual((await store.listProducts('Topo/Roads')).map((p) => p.name), ['TM50']);
      assert.deepEqual(await store.listFolders(), ['Topo'], 'the folder stays');
      await store.putService(testService('Topo', 'Rivers'));
      assert.deepEqual(await store.listProducts('Topo/Rivers'), [], 'published again, it starts without products');
      await store.close();
    });

    it('keeps products per service: sorted, exact names, replaced by name, removed', async () => {
      const store = await open();
      const tm50 = product('TM50');
      await store.putProduct('Topo/SampleRegion', tm50);
      await store.putProduct('Topo/SampleRegion', product('TM25'));
      await store.putProduct('Other', { ...product('TM100'), name: 'MTM100' });
      assert.deepEqual((await store.listProducts('Topo/SampleRegion')).map((p) => p.name), ['TM25', 'TM50']);
      assert.deepEqual(await store.getProduct('Topo/SampleRegion', 'TM50'), tm50);
      assert.equal(await store.getProduct('Topo/SampleRegion', 'tm50'), null);
      assert.equal(await store.getProduct('Topo/SampleRegion', 'MTM100'), null, "another service's product");
      await store.putProduct('Topo/SampleRegion', { ...tm50, description: 'Withdrawn', enabled: false });
      assert.deepEqual([(await store.getProduct('Topo/SampleRegion', 'TM50'))?.description, (await store.listProducts('Topo/SampleRegion')).length], ['Withdrawn', 2]);
      assert.equal(await store.removeProduct('Topo/SampleRegion', 'TM50'), true);
      assert.equal(await store.removeProduct('Topo/SampleRegion', 'TM50'), false);
      assert.deepEqual((await store.listProducts('Topo/SampleRegion')).map((p) => p.name), ['TM25']);
      await store.close();
    });

    it('keeps the settings of built-in services, replaced whole', async () => {
      const store = await open();
      const key = 'Utilities/PrintingTools.GPServer';
      assert.equal(await store.getSystemService(key), null);
      await store.putSystemService(key, { configuredState: 'STOPPED', syncTimeout: 30 });
      await store.putSystemService(key, { configuredState: 'STARTED' });
      assert.deepEqual(await store.getSystemService(key), { configuredState: 'STARTED' });
      assert.equal(await store.getSystemService('Utilities/Other.GPServer'), null);
      await store.close();
    });

    it('shares what one store writes with another on the same catalog, and keeps it when reopened', async () => {
      const place = await backend.fresh();
      const a = await place.open(), b = await place.open();
      const put = await a.putService(testService('Topo', 'Rivers'));
      await a.createFolder('Work', 'in progress');
      assert.deepEqual(await b.getService('Topo', 'Rivers'), put);
      assert.deepEqual(await b.listFolderDetails(), [{ name: 'Topo', description: '' }, { name: 'Work', description: 'in progress' }]);
      const edited = await b.putService(testService('Topo', 'Rivers', { description: 'from b' }));
      assert.equal((await a.getService('Topo', 'Rivers'))?.revision, edited.revision);
      await a.close();
      await b.close();
      const reopened = await place.open();
      assert.deepEqual(await reopened.getService('Topo', 'Rivers'), edited);
      await reopened.close();
    });
  });
}
