/**
 * What every SecurityStore must do, as tests any implementation runs against itself (the SQLite
 * file and the PostgreSQL store alike): `securityStoreContract('…', backend)` declares them
 * inside the caller's test file.
 * @module security/security-store-contract
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SecurityStore, UserRecord } from './security-store.js';
import { SecurityStoreError } from './security-store.js';

export interface SecurityStoreBackend {
  /** A new, empty place for stores (a new file, a new database); `open` may be called more than once on it. */
  fresh(): Promise<{ open(options?: { now?: () => number }): Promise<SecurityStore> }>;
}

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0c2FsdA==$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=';
const user = (username: string, extra: Partial<UserRecord> = {}) => ({ username, passwordHash: HASH, fullname: '', description: '', email: '', ...extra });

async function rejects(p: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof SecurityStoreError && e.message === message);
}

export function securityStoreContract(label: string, backend: SecurityStoreBackend): void {
  const open = async (options?: { now?: () => number }): Promise<SecurityStore> => (await backend.fresh()).open(options);

  describe(`${label} (SecurityStore contract)`, () => {
    it('adds, reads, updates and removes users with the admin.md messages', async () => {
      let clock = 1000;
      const store = await open({ now: () => clock });
      await store.addUser(user('alice', { fullname: 'Alice A', email: 'a@example.org' }));
      await rejects(store.addUser(user('alice')), "User 'alice' already exists.");
      await store.addUser(user('Alice')); // names are case-sensitive
      const alice = await store.getUser('alice');
      assert.deepEqual(alice, { username: 'alice', fullname: 'Alice A', description: '', email: 'a@example.org', disabled: false, passwordHash: HASH, passwordChangedAt: 1000 });
      assert.equal(await store.getUser('bob'), null);

      clock = 2000;
      await store.updateUser('alice', { disabled: true, description: 'surveyor' });
      assert.equal((await store.getUser('alice'))?.disabled, true);
      assert.equal((await store.getUser('alice'))?.passwordChangedAt, 1000, 'unchanged without a new hash');
      await store.updateUser('alice', { passwordHash: HASH.replace('aGFz', 'bGFz') });
      assert.equal((await store.getUser('alice'))?.passwordChangedAt, 2000);
      await rejects(store.updateUser('bob', { fullname: 'B' }), "User 'bob' does not exist.");
      await rejects(store.updateUser('bob', {}), "User 'bob' does not exist.");
      await rejects(store.removeUser('bob'), "User 'bob' does not exist.");
      assert.equal(await store.countUsers(), 2);
      await store.removeUser('Alice');
      assert.equal(await store.countUsers(), 1);
      await store.close();
    });

    it('never takes a clear-text password', async () => {
      const store = await open();
      await assert.rejects(store.addUser(user('carol', { passwordHash: 'hunter22' })), SecurityStoreError);
      await store.addUser(user('carol'));
      await assert.rejects(store.updateUser('carol', { passwordHash: 'hunter22' }), SecurityStoreError);
      assert.equal((await store.getUser('carol'))?.passwordHash, HASH);
      await store.close();
    });

    it('pages users and roles by name', async () => {
      const store = await open();
      for (const name of ['u3', 'u1', 'u5', 'u2', 'u4']) await store.addUser(user(name, { email: `${name}@x` }));
      const first = await store.listUsers(0, 2);
      assert.deepEqual(first.items.map((u) => u.username), ['u1', 'u2']);
      assert.equal(first.hasMore, true);
      assert.deepEqual(first.items[0], { username: 'u1', fullname: '', description: '', email: 'u1@x', disabled: false });
      assert.ok(!('passwordHash' in first.items[0]!));
      const last = await store.listUsers(4, 2);
      assert.deepEqual(last.items.map((u) => u.username), ['u5']);
      assert.equal(last.hasMore, false);
      assert.equal((await store.listUsers(3, 2)).hasMore, false, 'exactly the rest');
      assert.deepEqual((await store.listUsers(10, 100)).items, []);

      for (const name of ['b', 'a', 'c']) await store.addRole({ rolename: name });
      const roles = await store.listRoles(1, 1);
      assert.deepEqual(roles, { items: [{ rolename: 'b', description: '', privilege: 'ACCESS' }], hasMore: true });
      await store.addUser(user('Zed'));
      await store.addRole({ rolename: 'B' });
      assert.deepEqual((await store.listUsers(0, 2)).items.map((u) => u.username), ['Zed', 'u1'], 'names sort byte by byte, capitals first');
      assert.deepEqual((await store.listRoles(0, 10)).items.map((r) => r.rolename), ['B', 'a', 'b', 'c']);
      await store.close();
    });

    it('keeps roles, members and privileges', async () => {
      const store = await open();
      await store.addUser(user('alice'));
      await store.addUser(user('bob'));
      await store.addRole({ rolename: 'surveyors', description: 'field staff' });
      await rejects(store.addRole({ rolename: 'surveyors' }), "Role 'surveyors' already exists.");
      assert.deepEqual(await store.getRole('surveyors'), { rolename: 'surveyors', description: 'field staff', privilege: 'ACCESS' });
      assert.equal(await store.getRole('editors'), null);

      await store.addUsersToRole('surveyors', ['alice', 'bob']);
      await store.addUsersToRole('surveyors', ['alice']); // twice is harmless
      await rejects(store.addUsersToRole('surveyors', ['alice', 'zed']), "User 'zed' does not exist.");
      await rejects(store.addUsersToRole('editors', ['alice']), "Role 'editors' does not exist.");
      assert.deepEqual((await store.rolesForUser('alice')).map((r) => r.rolename), ['surveyors']);
      assert.deepEqual(await store.rolesForUser('zed').catch((e: Error) => e.message), "User 'zed' does not exist.");
      await store.removeUsersFromRole('surveyors', ['bob']);
      assert.deepEqual(await store.rolesForUser('bob'), []);

      await store.assignPrivilege('surveyors', 'PUBLISH');
      assert.equal((await store.getRole('surveyors'))?.privilege, 'PUBLISH');
      assert.deepEqual(await store.rolesByPrivilege('PUBLISH'), ['surveyors']);
      assert.deepEqual(await store.rolesByPrivilege('ADMINISTER'), []);
      await rejects(store.assignPrivilege('surveyors', 'ROOT' as never), "Invalid privilege 'ROOT'. Use ADMINISTER, PUBLISH or ACCESS.");
      await rejects(store.assignPrivilege('editors', 'ACCESS'), "Role 'editors' does not exist.");
      await store.close();
    });

    it('removing a user drops their memberships; removing a role drops its members and permissions', async () => {
      const store = await open();
      await store.addUser(user('alice'));
      await store.addRole({ rolename: 'surveyors' });
      await store.addRole({ rolename: 'editors' });
      await store.addUsersToRole('surveyors', ['alice']);
      await store.addUsersToRole('editors', ['alice']);
      await store.removeUser('alice');
      await store.addUser(user('alice')); // a new account of the same name starts with no roles
      assert.deepEqual(await store.rolesForUser('alice'), []);

      await store.addUsersToRole('surveyors', ['alice']);
      await store.setPermission('Topo/Sample.MapServer', 'surveyors', true);
      await store.setPermission('Topo/Sample.MapServer', 'editors', true);
      await store.setPermission('Topo', 'surveyors', true);
      await store.removeRole('surveyors');
      await rejects(store.removeRole('surveyors'), "Role 'surveyors' does not exist.");
      assert.deepEqual(await store.rolesForUser('alice'), []);
      assert.deepEqual(await store.getPermissions('Topo/Sample.MapServer'), [{ principal: 'editors', isAllowed: true }]);
      assert.deepEqual(await store.getPermissions('Topo'), []);
      await store.addRole({ rolename: 'surveyors' }); // a new role of the same name grants nothing
      assert.deepEqual(await store.getPermissions('Topo'), []);
      await store.close();
    });

    it('keeps permissions per resource, esriEveryone without a role', async () => {
      const store = await open();
      await store.addRole({ rolename: 'surveyors' });
      await store.setPermission('Sample.MapServer', 'surveyors', true);
      await store.setPermission('Sample.MapServer', 'esriEveryone', true);
      await store.setPermission('Sample.MapServer', 'esriEveryone', false);
      await rejects(store.setPermission('Sample.MapServer', 'ghosts', true), "Role 'ghosts' does not exist.");
      assert.deepEqual(await store.getPermissions('Sample.MapServer'), [
        { principal: 'esriEveryone', isAllowed: false }, { principal: 'surveyors', isAllowed: true },
      ]);
      await store.removePermissions('Sample.MapServer');
      assert.deepEqual(await store.getPermissions('Sample.MapServer'), []);
      await store.close();
    });

    it('shares settings and secrets between stores on the same place, and keeps them when reopened', async () => {
      const place = await backend.fresh();
      const a = await place.open(), b = await place.open();
      assert.equal(await a.getSetting('primaryAdministrator'), null);
      await a.setSetting('primaryAdministrator', 'admin');
      await a.setSetting('primaryAdministrator', 'root');
      assert.equal(await b.getSetting('primaryAdministrator'), 'root');
      const [key, raced] = await Promise.all([a.secret('tokenSigningKey', 32), b.secret('tokenSigningKey', 32)]);
      assert.equal(key.length, 32);
      assert.deepEqual(raced, key, 'the same on every node, even when both ask first at once');
      assert.deepEqual(await b.secret('tokenSigningKey', 32), key);
      assert.notDeepEqual(await a.secret('other', 32), key);
      await a.close();
      await b.close();
      const reopened = await place.open();
      assert.deepEqual(await reopened.secret('tokenSigningKey', 32), key, 'kept across restarts');
      await reopened.close();
    });

    it('lists the audit log newest first, by target and limited', async () => {
      const store = await open();
      await store.appendAudit({ time: 1, user: 'admin', action: 'createService', target: 'Topo/A.MapServer', details: '' });
      await store.appendAudit({ time: 3, user: 'admin', action: 'addUser', target: 'user:alice', details: 'x' });
      await store.appendAudit({ time: 2, user: 'admin', action: 'stop', target: 'Topo/A.MapServer', details: '' });
      await store.appendAudit({ time: 3, user: 'admin', action: 'start', target: 'Topo/A.MapServer', details: '' });
      assert.deepEqual((await store.listAudit({})).map((e) => e.action), ['start', 'addUser', 'stop', 'createService']);
      assert.deepEqual((await store.listAudit({ target: 'Topo/A.MapServer', limit: 2 })).map((e) => e.action), ['start', 'stop']);
      assert.deepEqual(await store.listAudit({ target: 'user:alice' }), [{ time: 3, user: 'admin', action: 'addUser', target: 'user:alice', details: 'x' }]);
      await store.close();
    });
  });
}
