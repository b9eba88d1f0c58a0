import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { Authenticator } from './authenticator.js';
import { LoginThrottle } from './login-throttle.js';
import { SqliteSecurityStore } from './sqlite-security-store.js';
import { createUser, updateUserAccount } from './user-accounts.js';

const root = mkdtempSync(join(tmpdir(), 'quadrangle-authenticator-'));
const store = new SqliteSecurityStore(join(root, 'security.sqlite'));
before(async () => {
  await createUser(store, { username: 'alice', password: 'alice-password' });
  await createUser(store, { username: 'dora', password: 'dora-password' });
  await updateUserAccount(store, 'dora', { disabled: true });
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

/** Runs `fn` counting the scrypt runs it makes. */
async function scryptRuns<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const scrypt = mock.method(crypto, 'scrypt');
  try {
    const result = await fn();
    return [result, scrypt.mock.callCount()];
  } finally {
    scrypt.mock.restore();
  }
}

describe('Authenticator', () => {
  it('returns the user for the right password only', async () => {
    const auth = new Authenticator(store);
    assert.equal((await auth.authenticate('alice', 'alice-password', '192.0.2.1'))?.username, 'alice');
    assert.equal(await auth.authenticate('alice', 'wrong-password', '192.0.2.1'), null);
    assert.equal(await auth.authenticate('Alice', 'alice-password', '192.0.2.1'), null, 'names are case-sensitive');
    assert.equal(await auth.authenticate('nobody', 'alice-password', '192.0.2.1'), null);
    assert.equal(await auth.authenticate('dora', 'dora-password', '192.0.2.1'), null, 'disabled');
  });

  it('does the same scrypt work whether or not the user exists', async () => {
    const auth = new Authenticator(store);
    const [unknown, unknownRuns] = await scryptRuns(() => auth.authenticate('nobody', 'some-password', '192.0.2.2'));
    const [wrong, wrongRuns] = await scryptRuns(() => auth.authenticate('alice', 'some-password', '192.0.2.2'));
    const [right, rightRuns] = await scryptRuns(() => auth.authenticate('alice', 'alice-password', '192.0.2.2'));
    assert.equal(unknown, null);
    assert.equal(wrong, null);
    assert.equal(right?.username, 'alice');
    assert.deepEqual([unknownRuns, wrongRuns, rightRuns], [1, 1, 1]);
  });

  it('counts failures and refuses even the right password while blocked', async () => {
    let now = 5_000_000;
    const throttle = new LoginThrottle({ now: () => now });
    const auth = new Authenticator(store, throttle);
    for (let i = 0; i < 10; i++) assert.equal(await auth.authenticate('alice', `guess-${i}-xx`, '198.51.100.1'), null);
    const [blocked, runs] = await scryptRuns(() => auth.authenticate('alice', 'alice-password', '198.51.100.9'));
    assert.equal(blocked, null);
    assert.equal(runs, 0, 'a blocked attempt is refused before any work');
    now += 15 * 60_000;
    assert.equal((await auth.authenticate('alice', 'alice-password', '198.51.100.9'))?.username, 'alice');
  });

  it('counts unknown user names against the address', async () => {
    const throttle = new LoginThrottle({ now: () => 7_000_000 });
    const auth = new Authenticator(store, throttle);
    for (let i = 0; i < 10; i++) await auth.authenticate(`nobody${i}`, 'whatever-pw', '203.0.113.5');
    assert.equal(await auth.authenticate('alice', 'alice-password', '203.0.113.5'), null);
    assert.equal((await auth.authenticate('alice', 'alice-password', '203.0.113.6'))?.username, 'alice');
  });
});
