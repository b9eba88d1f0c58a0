/**
 * Checks a user name and password for generateToken (admin.md §2). Every refusal looks the same
 * to the caller (null), and an unknown user name costs the same scrypt work as a wrong password,
 * so neither the answer nor its time tells whether a name exists.
 * @module security/authenticator
 */
import { LoginThrottle } from './login-throttle.js';
import { verifyAgainstDummy, verifyPassword } from './password-hash.js';
import type { SecurityStore, UserRecord } from './security-store.js';

export class Authenticator {
  constructor(private readonly store: SecurityStore, private readonly throttle: LoginThrottle = new LoginThrottle()) {}

  /**
   * The user when `password` is theirs, they are enabled, and neither the name nor `ip` is
   * blocked by the throttle; otherwise null. Failures are counted against the name and the address.
   */
  async authenticate(username: string, password: string, ip: string): Promise<UserRecord | null> {
    // A blocked attempt is refused even with the right password, and is not counted again.
    if (this.throttle.isBlocked(username, ip)) return null;
    const user = await this.store.getUser(username);
    const matches = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
    if (!user || !matches || user.disabled) {
      this.throttle.recordFailure(username, ip);
      return null;
    }
    this.throttle.recordSuccess(username, ip);
    return user;
  }
}
