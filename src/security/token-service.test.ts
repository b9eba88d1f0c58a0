import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteSecurityStore } from './sqlite-security-store.js';
import { normaliseIp, TokenService } from './token-service.js';
import { createUser, ensurePrimaryAdministrator, updateUserAccount } from './user-accounts.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-tokens-'));
let storeNow = 1_000_000;
const store = new SqliteSecurityStore(join(root, 'security.sqlite'), { now: () => storeNow });
const MINUTE = 60_000;
const here = { ip: '192.0.2.10' };
const requestIp = { client: 'requestip', ip: '192.0.2.10' } as const;

before(async () => {
  await ensurePrimaryAdministrator(store, 'admin', 'admin-password');
  await createUser(store, { username: 'alice', password: 'alice-password' });
  await createUser(store, { username: 'bob', password: 'bob-password' });
  await store.addRole({ rolename: 'surveyors' });
  await store.addRole({ rolename: 'editors' });
  await store.assignPrivilege('editors', 'PUBLISH');
  await store.addUsersToRole('surveyors', ['alice', 'bob']);
  await store.addUsersToRole('editors', ['bob']);
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

function service(start = 2_000_000, max?: number) {
  const clock = { t: start };
  return { clock, tokens: new TokenService(store, { now: () => clock.t, maxExpirationMinutes: max }) };
}

/** Replaces the character at `i` by another base64url character. */
const flip = (s: string, i: number): string => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);

describe('TokenService', () => {
  it('issues tokens that verify as their user with the user\'s roles and highest privilege', async () => {
    const { tokens } = service();
    const alice = await tokens.issue('alice', requestIp);
    assert.equal(alice.expires, 2_000_000 + 60 * MINUTE, 'one hour by default');
    assert.match(alice.token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    assert.ok(!alice.token.includes('alice'), 'opaque to a glance');
    assert.deepEqual(await tokens.verify(alice.token, here), { ok: true, caller: { username: 'alice', privilege: 'ACCESS', roles: ['surveyors'] } });
    const bob = await tokens.issue('bob', requestIp);
    assert.deepEqual(await tokens.verify(bob.token, here), { ok: true, caller: { username: 'bob', privilege: 'PUBLISH', roles: ['editors', 'surveyors'] } });
    const admin = await tokens.issue('admin', requestIp);
    assert.deepEqual(await tokens.verify(admin.token, here), { ok: true, caller: { username: 'admin', privilege: 'ADMINISTER', roles: ['administrators'] } });
  });

  it('are accepted by another service over the same store (another node)', async () => {
    const { tokens } = service();
    const other = new TokenService(store, { now: () => 2_000_000 });
    const t = await tokens.issue('alice', requestIp);
    assert.equal((await other.verify(t.token, here)).ok, true);
  });

  it('expire at their expiry time, with lifetimes kept within 1 minute and the maximum', async () => {
    const { clock, tokens } = service(2_000_000, 120);
    const t = await tokens.issue('alice', requestIp, 10);
    assert.equal(t.expires, 2_000_000 + 10 * MINUTE);
    clock.t = t.expires - 1;
    assert.equal((await tokens.verify(t.token, here)).ok, true);
    clock.t = t.expires;
    assert.deepEqual(await tokens.verify(t.token, here), { ok: false, reason: 'expired' });
    clock.t = 2_000_000;
    assert.equal((await tokens.issue('alice', requestIp, 100_000)).expires, 2_000_000 + 120 * MINUTE);
    assert.equal((await tokens.issue('alice', requestIp, 0)).expires, 2_000_000 + MINUTE);
    assert.equal((await tokens.issue('alice', requestIp, -5)).expires, 2_000_000 + MINUTE);
    assert.equal((await service(0).tokens.issue('alice', requestIp, 100_000)).expires, 1440 * MINUTE, 'default maximum one day');
  });

  it('refuse forged signatures, tampered payloads and garbage', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('alice', requestIp);
    const dot = token.indexOf('.');
    for (let i = dot + 1; i < token.length; i++) {
      assert.deepEqual(await tokens.verify(flip(token, i), here), { ok: false, reason: 'forged' }, `signature character ${i}`);
    }
    const payload = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...payload, u: 'admin' })).toString('base64url');
    assert.deepEqual(await tokens.verify(`${tampered}${token.slice(dot)}`, here), { ok: false, reason: 'forged' });
    assert.deepEqual(await tokens.verify(flip(token, 3), here), { ok: false, reason: 'forged' });
    for (const bad of ['', 'abc', '.', 'abc.', '.abc', 'a b.c', `${token}.x`, 'x'.repeat(5000)]) {
      assert.equal((await tokens.verify(bad, here)).ok, false, JSON.stringify(bad.slice(0, 20)));
    }
    assert.deepEqual(await tokens.verify('abc', here), { ok: false, reason: 'malformed' });
  });

  it('bind to a referer: equal, prefix or same origin', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('alice', { client: 'referer', referer: 'https://maps.example.org/app' });
    const at = (referer?: string) => tokens.verify(token, { referer, ip: '198.51.100.1' }).then((c) => c.ok || c.reason);
    assert.equal(await at('https://maps.example.org/app'), true);
    assert.equal(await at('https://maps.example.org/app/index.html?x=1'), true);
    assert.equal(await at('https://maps.example.org/other/page'), true, 'same origin');
    assert.equal(await at('https://maps.example.org:443/'), true, 'default port is the same origin');
    assert.equal(await at('http://maps.example.org/app'), 'binding', 'other scheme');
    assert.equal(await at('https://maps.example.org:8443/app'), 'binding', 'other port');
    assert.equal(await at('https://evil.example.net/app'), 'binding');
    assert.equal(await at(undefined), 'binding');

    const plain = await tokens.issue('alice', { client: 'referer', referer: 'my-desktop-app' });
    assert.equal((await tokens.verify(plain.token, { referer: 'my-desktop-app', ip: '1.2.3.4' })).ok, true);
    assert.equal((await tokens.verify(plain.token, { referer: 'other-app', ip: '1.2.3.4' })).ok, false);
    await assert.rejects(tokens.issue('alice', { client: 'referer', referer: ' ' }), /'referer' must be specified/);
  });

  it('bind to an address, IPv4-mapped IPv6 being the IPv4 address', async () => {
    const { tokens } = service();
    const { token } = await tokens.issue('alice', { client: 'ip', ip: '203.0.113.7' });
    assert.equal((await tokens.verify(token, { ip: '203.0.113.7' })).ok, true);
    assert.equal((await tokens.verify(token, { ip: '::ffff:203.0.113.7' })).ok, true);
    assert.deepEqual(await tokens.verify(token, { ip: '203.0.113.8' }), { ok: false, reason: 'binding' });
    const mapped = await tokens.issue('alice', { client: 'requestip', ip: '::FFFF:203.0.113.7' });
    assert.equal((await tokens.verify(mapped.token, { ip: '203.0.113.7' })).ok, true);
    const v6 = await tokens.issue('alice', { client: 'ip', ip: '2001:0db8:0:0:0:0:0:1' });
    assert.equal((await tokens.verify(v6.token, { ip: '2001:db8::1' })).ok, true);
    assert.equal((await tokens.verify(v6.token, { ip: '2001:db8::2' })).ok, false);
    await assert.rejects(tokens.issue('alice', { client: 'ip', ip: 'not-an-ip' }), /IPv4 or IPv6/);
    await assert.rejects(tokens.issue('alice', { client: 'ip', ip: '' }), /'ip' must be specified/);
  });

  it('are revoked by a password change, but not one made in the same millisecond before issue', async () => {
    await createUser(store, { username: 'carol', password: 'carol-password' });
    const { clock, tokens } = service(3_000_000);
    const old = await tokens.issue('carol', requestIp);
    storeNow = 3_000_001;
    await updateUserAccount(store, 'carol', { password: 'carol-password-2' });
    clock.t = 3_000_001;
    assert.deepEqual(await tokens.verify(old.token, here), { ok: false, reason: 'revoked' });
    const fresh = await tokens.issue('carol', requestIp);
    assert.equal((await tokens.verify(fresh.token, here)).ok, true, 'issued in the same millisecond as the change');
    await updateUserAccount(store, 'carol', { fullname: 'Carol C' });
    assert.equal((await tokens.verify(fresh.token, here)).ok, true, 'other changes revoke nothing');
  });

  it('are revoked when the user is disabled or removed', async () => {
    await createUser(store, { username: 'dave', password: 'dave-password' });
    const { tokens } = service(4_000_000);
    const t = await tokens.issue('dave', requestIp);
    await updateUserAccount(store, 'dave', { disabled: true });
    assert.deepEqual(await tokens.verify(t.token, here), { ok: false, reason: 'revoked' });
    await updateUserAccount(store, 'dave', { disabled: false });
    assert.equal((await tokens.verify(t.token, here)).ok, true);
    await store.removeUser('dave');
    assert.deepEqual(await tokens.verify(t.token, here), { ok: false, reason: 'revoked' });
    storeNow = 4_000_001;
    await createUser(store, { username: 'dave', password: 'dave-password' });
    assert.deepEqual(await tokens.verify(t.token, here), { ok: false, reason: 'revoked' }, 'a new account of the same name');
  });

  it('normalise addresses', () => {
    assert.equal(normaliseIp('::ffff:1.2.3.4'), '1.2.3.4');
    assert.equal(normaliseIp('::FFFF:0102:0304'), '1.2.3.4');
    assert.equal(normaliseIp('2001:DB8:0::1'), '2001:db8::1');
    assert.equal(normaliseIp('::1'), '::1');
    assert.equal(normaliseIp('10.0.0.1'), '10.0.0.1');
  });
});
