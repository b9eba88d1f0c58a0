import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyPassword } from './password-hash.js';
import { SecurityStoreError } from './security-store.js';
import { SqliteSecurityStore } from './sqlite-security-store.js';
import { createUser, ensurePrimaryAdministrator, isPrimaryAdministrator, updateUserAccount } from './user-accounts.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-accounts-'));
after(() => rmSync(root, { recursive: true, force: true }));
let files = 0;
const openStore = (): SqliteSecurityStore => new SqliteSecurityStore(join(root, `security-${files++}.sqlite`));

const fails = (p: Promise<unknown>, pattern: RegExp) => assert.rejects(p, (e: unknown) => e instanceof SecurityStoreError && pattern.test(e.message));

describe('user accounts', () => {
  it('create users with checked names and hashed passwords', async () => {
    const store = openStore();
    await createUser(store, { username: 'alice', password: '12345678', fullname: 'Alice', email: 'a@example.org' });
    const alice = await store.getUser('alice');
    assert.equal(alice?.fullname, 'Alice');
    assert.equal(alice?.email, 'a@example.org');
    assert.equal(await verifyPassword('12345678', alice!.passwordHash), true);
    await fails(createUser(store, { username: 'alice', password: '12345678' }), /^User 'alice' already exists\.$/);
    await fails(createUser(store, { username: 'bob', password: '1234567' }), /^password must be at least 8 characters/);
    for (const bad of ['', 'a b', 'a/b', 'a\\b', 'a:b', 'tab\there', 'nl\n', 'x'.repeat(129)]) {
      await fails(createUser(store, { username: bad, password: '12345678' }), /^username must be/);
    }
    await createUser(store, { username: 'ünïcødé.user@example-1', password: 'pässwörd' });
    await createUser(store, { username: 'x'.repeat(128), password: '12345678' });
    assert.equal(await store.countUsers(), 3);
    await store.close();
  });

  it('update fields and passwords', async () => {
    const store = openStore();
    await createUser(store, { username: 'alice', password: 'first-password' });
    await updateUserAccount(store, 'alice', { fullname: 'Alice A', description: 'd', email: 'e', disabled: true });
    const changed = await store.getUser('alice');
    assert.deepEqual([changed?.fullname, changed?.description, changed?.email, changed?.disabled], ['Alice A', 'd', 'e', true]);
    await updateUserAccount(store, 'alice', { password: 'second-password' });
    assert.equal(await verifyPassword('second-password', (await store.getUser('alice'))!.passwordHash), true);
    await fails(updateUserAccount(store, 'alice', { password: 'short' }), /^password must be at least 8/);
    await fails(updateUserAccount(store, 'nobody', { password: 'long-enough' }), /^User 'nobody' does not exist\.$/);
    await fails(updateUserAccount(store, 'nobody', { fullname: 'x' }), /^User 'nobody' does not exist\.$/);
    await store.close();
  });

  it('set up the primary administrator once', async () => {
    const store = openStore();
    assert.equal(await ensurePrimaryAdministrator(store, 'admin', 'admin-password', { fullname: 'Site Admin' }), 'created');
    assert.equal((await store.getUser('admin'))?.fullname, 'Site Admin');
    assert.deepEqual(await store.rolesForUser('admin'), [{ rolename: 'administrators', description: 'Administrators', privilege: 'ADMINISTER' }]);
    assert.equal(await isPrimaryAdministrator(store, 'admin'), true);
    assert.deepEqual((await store.listAudit({})).map((e) => [e.user, e.action, e.target]), [['system', 'createPrimaryAdministrator', 'user:admin']]);

    // Next start: the role was tampered with; it is repaired, the password is left alone.
    await store.assignPrivilege('administrators', 'ACCESS');
    await store.removeUsersFromRole('administrators', ['admin']);
    assert.equal(await ensurePrimaryAdministrator(store, 'admin', 'another-password'), 'exists');
    assert.deepEqual((await store.rolesForUser('admin')).map((r) => [r.rolename, r.privilege]), [['administrators', 'ADMINISTER']]);
    assert.equal(await verifyPassword('admin-password', (await store.getUser('admin'))!.passwordHash), true);
    assert.equal((await store.listAudit({})).length, 1);

    await createUser(store, { username: 'alice', password: 'alice-password' });
    assert.equal(await isPrimaryAdministrator(store, 'alice'), false);
    await fails(updateUserAccount(store, 'admin', { disabled: true }), /primary administrator/);
    await updateUserAccount(store, 'alice', { disabled: true });
    await store.close();
    const empty = openStore();
    await fails(ensurePrimaryAdministrator(empty, 'root', 'short'), /^password must be/);
    assert.equal(await empty.getSetting('primaryAdministrator'), null);
    await empty.close();
  });
});
