/**
 * The security engines a running server holds together: the store of users, roles and
 * permissions, the token service and the password check with its brute-force throttle.
 * @module security/security-services
 */
import { Authenticator } from './authenticator.js';
import type { SecurityStore } from './security-store.js';
import { openSecurityStore } from './open-security-store.js';
import { TokenService } from './token-service.js';
import { ensurePrimaryAdministrator } from './user-accounts.js';

export interface SecurityServices {
  store: SecurityStore;
  tokens: TokenService;
  authenticator: Authenticator;
  /** Token security is on once any user exists (mapserver.md §3 `authInfo`); until then every service is open. */
  enabled(): Promise<boolean>;
  close(): Promise<void>;
}

export interface SecurityOptions {
  dataDir: string;
  /** The PostgreSQL database every node shares; unset for `<data>/security.sqlite`. */
  databaseUrl?: string;
  maxTokenExpiration: number;
  /** The primary administrator to create on first start, when given. */
  admin?: { username: string; password: string };
  log?: (message: string) => void;
}

/**
 * Opens the security store (`<data>/security.sqlite`, or the PostgreSQL database with
 * `databaseUrl`) and creates the primary administrator when configured and absent.
 */
export async function openSecurity(options: SecurityOptions): Promise<SecurityServices> {
  const store = await openSecurityStore(options, { log: options.log });
  if (options.admin && (await ensurePrimaryAdministrator(store, options.admin.username, options.admin.password)) === 'created') {
    options.log?.(`Created the primary administrator '${options.admin.username}'`);
  }
  // Users are rarely added; a second's delay before security switches on is harmless.
  let known: { at: number; value: boolean } | null = null;
  return {
    store,
    tokens: new TokenService(store, { maxExpirationMinutes: options.maxTokenExpiration }),
    authenticator: new Authenticator(store),
    async enabled() {
      if (known?.value || (known && Date.now() - known.at < 1000)) return known.value;
      known = { at: Date.now(), value: (await store.countUsers()) > 0 };
      return known.value;
    },
    close: () => store.close(),
  };
}
