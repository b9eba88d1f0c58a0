import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { MIGRATIONS_TABLE } from '../db/migrate.js';
import { testDatabases } from '../db/test-database.js';
import { catalogStoreContract, testService } from './catalog-store-contract.js';
import { PgCatalogStore } from './pg-catalog-store.js';

const newDatabase = testDatabases();
const freshDatabase = async (): Promise<string> => (await newDatabase()).url;

catalogStoreContract('PgCatalogStore', {
  async fresh() {
    const url = await freshDatabase();
    return { open: () => PgCatalogStore.open(url) };
  },
});

describe('PgCatalogStore as a cluster catalog', () => {
  it('raises the revision of a service deleted and published again, so other nodes reopen it', async () => {
    const url = await freshDatabase();
    const store = await PgCatalogStore.open(url);
    await store.putService(testService('Topo', 'Rivers'));
    const before = await store.putService(testService('Topo', 'Rivers', { description: 'second' }));
    await store.deleteService('Topo', 'Rivers');
    const again = await store.putService(testService('Topo', 'Rivers'));
    assert.ok(again.revision > before.revision, `${again.revision} > ${before.revision}`);
    await store.close();
  });

  it('creates its tables in the quadrangle schema once, recorded as catalog version 2', async () => {
    const url = await freshDatabase();
    const logged: string[] = [];
    const [a, b] = await Promise.all([PgCatalogStore.open(url, { log: (m) => logged.push(m) }), PgCatalogStore.open(url, { log: (m) => logged.push(m) })]);
    await a.putService(testService('', 'One'));
    assert.equal((await b.listServices('')).length, 1);
    await a.close();
    await b.close();
    assert.deepEqual(logged, ['Migrated the catalog tables to version 1: folders, services and products', 'Migrated the catalog tables to version 2: settings of built-in services']);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const rows = (await client.query(`SELECT module, version FROM ${MIGRATIONS_TABLE} ORDER BY version`)).rows;
      assert.deepEqual(rows, [{ module: 'catalog', version: 1 }, { module: 'catalog', version: 2 }]);
      const tables = (await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'quadrangle' ORDER BY table_name`)).rows.map((r) => r.table_name);
      assert.deepEqual(tables, ['catalog_folders', 'catalog_products', 'catalog_services', 'catalog_system_services', 'schema_migrations']);
      assert.deepEqual((await client.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`)).rows, [{ n: 0 }], 'nothing outside its schema');
    } finally {
      await client.end();
    }
  });
});
