import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { effectivePermissions, isSecured, serviceAccess, serviceResourceKey } from './access-policy.js';
import type { Caller } from './privileges.js';
import { SqliteSecurityStore } from './sqlite-security-store.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-access-'));
const store = new SqliteSecurityStore(join(root, 'security.sqlite'));
before(async () => {
  for (const r of ['surveyors', 'planners', 'visitors']) await store.addRole({ rolename: r });
  // Topo/Secret: its own permission. Topo/Inherits: none, takes folder Topo's.
  await store.setPermission('Topo', 'planners', true);
  await store.setPermission('Topo/Secret.MapServer', 'surveyors', true);
  await store.setPermission('Topo/Secret.MapServer', 'visitors', false);
  // Open/Everyone: esriEveryone allowed. Open/Withdrawn: esriEveryone withdrawn.
  await store.setPermission('Open/Everyone.MapServer', 'esriEveryone', true);
  await store.setPermission('Open/Everyone.MapServer', 'surveyors', true);
  await store.setPermission('Open/Withdrawn.MapServer', 'esriEveryone', false);
  await store.setPermission('Root.MapServer', 'surveyors', true);
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

const caller = (privilege: Caller['privilege'], ...roles: string[]): Caller => ({ username: 'u', privilege, roles });

describe('access policy', () => {
  it('names services and folders', () => {
    assert.equal(serviceResourceKey('Topo', 'Sample'), 'Topo/Sample.MapServer');
    assert.equal(serviceResourceKey('', 'Sample'), 'Sample.MapServer');
    assert.equal(serviceResourceKey('Topo', 'Sample', 'FeatureServer'), 'Topo/Sample.FeatureServer');
  });

  it('uses the service\'s permissions, else its folder\'s, else none', async () => {
    assert.deepEqual((await effectivePermissions(store, 'Topo', 'Secret')).map((p) => p.principal), ['surveyors', 'visitors']);
    assert.deepEqual(await effectivePermissions(store, 'Topo', 'Inherits'), [{ principal: 'planners', isAllowed: true }]);
    assert.deepEqual(await effectivePermissions(store, 'Elsewhere', 'Sample'), []);
    assert.deepEqual(await effectivePermissions(store, '', 'Other'), []);
    assert.deepEqual(await effectivePermissions(store, '', 'Root'), [{ principal: 'surveyors', isAllowed: true }]);
  });

  it('is public without permissions or with esriEveryone allowed', async () => {
    assert.equal(await isSecured(store, 'Elsewhere', 'Sample'), false);
    assert.equal(await isSecured(store, 'Open', 'Everyone'), false);
    assert.equal(await isSecured(store, 'Open', 'Withdrawn'), true);
    assert.equal(await isSecured(store, 'Topo', 'Inherits'), true);
    assert.equal(await serviceAccess(store, null, 'Elsewhere', 'Sample'), 'allowed');
    assert.equal(await serviceAccess(store, null, 'Open', 'Everyone'), 'allowed');
    assert.equal(await serviceAccess(store, caller('ACCESS'), 'Open', 'Everyone'), 'allowed');
  });

  it('asks anonymous callers of a secured service for a token', async () => {
    assert.equal(await serviceAccess(store, null, 'Topo', 'Secret'), 'token-required');
    assert.equal(await serviceAccess(store, null, 'Topo', 'Inherits'), 'token-required');
    assert.equal(await serviceAccess(store, null, 'Open', 'Withdrawn'), 'token-required');
  });

  it('lets in allowed roles and PUBLISH or ADMINISTER, and forbids the rest', async () => {
    assert.equal(await serviceAccess(store, caller('ACCESS', 'surveyors'), 'Topo', 'Secret'), 'allowed');
    assert.equal(await serviceAccess(store, caller('ACCESS', 'visitors'), 'Topo', 'Secret'), 'forbidden', 'withdrawn');
    assert.equal(await serviceAccess(store, caller('ACCESS', 'planners'), 'Topo', 'Secret'), 'forbidden', 'the service\'s own permissions replace the folder\'s');
    assert.equal(await serviceAccess(store, caller('ACCESS', 'planners'), 'Topo', 'Inherits'), 'allowed', 'inherited from the folder');
    assert.equal(await serviceAccess(store, caller('ACCESS', 'surveyors'), 'Topo', 'Inherits'), 'forbidden');
    assert.equal(await serviceAccess(store, caller('ACCESS'), 'Open', 'Withdrawn'), 'forbidden');
    assert.equal(await serviceAccess(store, caller('PUBLISH'), 'Topo', 'Secret'), 'allowed');
    assert.equal(await serviceAccess(store, caller('ADMINISTER'), 'Open', 'Withdrawn'), 'allowed');
    assert.equal(await serviceAccess(store, caller('ACCESS', 'surveyors'), '', 'Root'), 'allowed');
    assert.equal(await serviceAccess(store, caller('ACCESS', 'planners'), '', 'Root'), 'forbidden');
  });
});
