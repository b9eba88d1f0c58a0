import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { securityStoreContract } from './security-store-contract.js';
import { SqliteSecurityStore } from './sqlite-security-store.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-security-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;

securityStoreContract('SqliteSecurityStore', {
  async fresh() {
    const path = join(root, `security-${files++}.sqlite`);
    return { open: async (options) => new SqliteSecurityStore(path, options) };
  },
});
