import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from './login-throttle.js';

const MINUTE = 60_000;

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t };
  return c;
}

describe('LoginThrottle', () => {
  it('blocks a user name after 10 failures within 15 minutes, for 15 minutes', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 9; i++) {
      throttle.recordFailure('alice', `10.0.0.${i}`);
      c.t += MINUTE;
    }
    assert.equal(throttle.isBlocked('alice', '10.0.1.1'), false, 'nine failures are allowed');
    throttle.recordFailure('alice', '10.0.0.99');
    assert.equal(throttle.isBlocked('alice', '10.0.1.1'), true, 'the name is blocked from any address');
    assert.equal(throttle.isBlocked('bob', '10.0.1.1'), false);
    throttle.recordSuccess('alice', '10.0.1.1');
    assert.equal(throttle.isBlocked('alice', '10.0.1.1'), true, 'a success does not lift a block');
    c.t += 15 * MINUTE - 1;
    assert.equal(throttle.isBlocked('alice', '10.0.1.1'), true);
    c.t += 1;
    assert.equal(throttle.isBlocked('alice', '10.0.1.1'), false, 'the block ends after 15 minutes');
    throttle.recordFailure('alice', '10.0.2.1');
    assert.equal(throttle.isBlocked('alice', '10.0.1.1'), false, 'counting starts again');
  });

  it('forgets failures older than the window', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 9; i++) throttle.recordFailure('alice', `10.0.0.${i}`);
    c.t += 15 * MINUTE + 1;
    throttle.recordFailure('alice', '10.0.0.50');
    assert.equal(throttle.isBlocked('alice', '10.0.0.51'), false);
  });

  it('blocks an address that tries many user names, and only that address', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 10; i++) throttle.recordFailure(`user${i}`, '::ffff:192.0.2.7');
    assert.equal(throttle.isBlocked('somebody', '192.0.2.7'), true, 'IPv4-mapped and plain IPv4 are one address');
    assert.equal(throttle.isBlocked('somebody', '192.0.2.8'), false);
    assert.equal(throttle.isBlocked('user1', '192.0.2.8'), false);
  });

  it('a success clears the name but not the address', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now });
    for (let i = 0; i < 9; i++) throttle.recordFailure('alice', '192.0.2.1');
    throttle.recordSuccess('alice', '192.0.2.1');
    throttle.recordFailure('alice', '192.0.2.2');
    assert.equal(throttle.isBlocked('alice', '192.0.2.3'), false, 'the name starts afresh');
    throttle.recordFailure('mallory', '192.0.2.1');
    assert.equal(throttle.isBlocked('mallory', '192.0.2.1'), true, 'the address kept its nine failures');
  });

  it('keeps its memory bounded', () => {
    const c = clock();
    const throttle = new LoginThrottle({ now: c.now, maxEntries: 100 });
    for (let i = 0; i < 1000; i++) throttle.recordFailure(`user${i}`, `10.0.${i >> 8}.${i & 255}`);
    assert.ok(throttle.size <= 100, `${throttle.size} entries`);
    c.t += 16 * MINUTE;
    throttle.recordFailure('late', '10.9.9.9');
    assert.equal(throttle.size, 2, 'stale entries are swept');
  });
});
