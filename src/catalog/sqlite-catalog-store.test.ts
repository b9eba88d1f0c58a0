import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { catalogStoreContract } from './catalog-store-contract.js';
import { SqliteCatalogStore } from './sqlite-catalog-store.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-catalog-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;

catalogStoreContract('SqliteCatalogStore', {
  async fresh() {
    const path = join(root, `catalog-${files++}.sqlite`);
    return { open: async () => new SqliteCatalogStore(path) };
  },
});
