import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it, mock } from 'node:test';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hash.js';

describe('password hashes', () => {
  it('verify the password they were made from and nothing else', async () => {
    const stored = await hashPassword('correct horse');
    assert.match(stored, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    assert.ok(!stored.includes('correct horse'));
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('correct horsf', stored), false);
    assert.equal(await verifyPassword('', stored), false);
  });

  it('are salted: the same password hashes differently each time', async () => {
    const a = await hashPassword('same password'), b = await hashPassword('same password');
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('same password', b), true);
  });

  it('refuse stored values that are not hashes, or ask for too much work', async () => {
    assert.equal(await verifyPassword('secret123', 'secret123'), false);
    assert.equal(await verifyPassword('x', ''), false);
    const stored = await hashPassword('secret123');
    assert.equal(await verifyPassword('secret123', stored.replace('$16384$', '$16385$')), false, 'N not a power of two');
    assert.equal(await verifyPassword('secret123', stored.replace('$16384$', `$${1 << 22}$`)), false, 'N too large');
  });

  it('spend one scrypt run for a real check and for the dummy check', async () => {
    const stored = await hashPassword('secret123');
    const scrypt = mock.method(crypto, 'scrypt');
    try {
      assert.equal(await verifyPassword('secret123', stored), true);
      assert.equal(scrypt.mock.callCount(), 1);
      assert.equal(await verifyAgainstDummy('secret123'), false);
      assert.equal(scrypt.mock.callCount(), 2);
      const [real, dummy] = scrypt.mock.calls.map((c) => c.arguments[3]);
      assert.deepEqual(dummy, real, 'same cost parameters');
    } finally {
      scrypt.mock.restore();
    }
  });
});
