import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { testDatabases } from '../db/test-database.js';
import { PgSecurityStore } from './pg-security-store.js';
import { securityStoreContract } from './security-store-contract.js';
import { TokenService } from './token-service.js';
import { ensurePrimaryAdministrator } from './user-accounts.js';

const newDatabase = testDatabases();
const freshDatabase = async (): Promise<string> => (await newDatabase()).url;

securityStoreContract('PgSecurityStore', {
  async fresh() {
    const url = await freshDatabase();
    return { open: (options) => PgSecurityStore.open(url, options) };
  },
});

describe('PgSecurityStore as a cluster store', () => {
  it('signs tokens on one node that another node verifies, with the key kept in the database', async () => {
    const url = await freshDatabase();
    const one = await PgSecurityStore.open(url), two = await PgSecurityStore.open(url);
    await ensurePrimaryAdministrator(one, 'chief', 'correct horse battery');
    const here = { ip: '127.0.0.1' };
    const issued = await new TokenService(one).issue('chief', { client: 'ip', ip: here.ip });
    const verified = await new TokenService(two).verify(issued.token, here);
    assert.ok(verified.ok && verified.caller.username === 'chief' && verified.caller.privilege === 'ADMINISTER', JSON.stringify(verified));
    await two.removeUser('chief');
    assert.deepEqual(await new TokenService(one).verify(issued.token, here), { ok: false, reason: 'revoked' }, 'removed on one node, refused on the other');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const keys = (await client.query('SELECT name, length(value) AS bytes FROM quadrangle.security_secrets')).rows;
      assert.deepEqual(keys, [{ name: 'tokenSigningKey', bytes: 32 }]);
    } finally {
      await client.end();
    }
    await one.close();
    await two.close();
  });
});
