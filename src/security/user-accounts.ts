/**
 * Creating and changing user accounts, shared by the `quadrangle admin` command and the admin
 * API: names and passwords are checked here, passwords hashed here, and the primary
 * administrator (admin.md §15) is set up here. Callers write their own audit entries.
 * @module security/user-accounts
 */
import { hashPassword } from './password-hash.js';
import { SecurityStoreError, type SecurityStore, type UserRecord } from './security-store.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_USERNAME_LENGTH = 128;
/** The role that gives the primary administrator ADMINISTER. */
export const ADMINISTRATORS_ROLE = 'administrators';
const PRIMARY_SETTING = 'primaryAdministrator';

export interface NewUser {
  username: string;
  password: string;
  fullname?: string;
  description?: string;
  email?: string;
}

export interface UserAccountChanges {
  password?: string;
  fullname?: string;
  description?: string;
  email?: string;
  disabled?: boolean;
}

/**
 * 1–128 characters, no white space or control characters, and none of `/ \ :` (they separate
 * parts of URLs and of audit targets such as `user:alice`).
 */
export function checkUsername(username: string): void {
  const length = [...username].length;
  if (length < 1 || length > MAX_USERNAME_LENGTH || /[\s\p{Cc}/\\:]/u.test(username)) {
    throw new SecurityStoreError(`username must be 1 to ${MAX_USERNAME_LENGTH} characters without spaces, control characters, '/', '\\' or ':'.`);
  }
}

export function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw new SecurityStoreError(`password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
}

/** Adds a user; throws SecurityStoreError for a bad name or password or an existing user. */
export async function createUser(store: SecurityStore, user: NewUser): Promise<void> {
  checkUsername(user.username);
  checkPassword(user.password);
  // Checked before hashing so a duplicate is answered without the scrypt work.
  if (await store.getUser(user.username)) throw new SecurityStoreError(`User '${user.username}' already exists.`);
  await store.addUser({
    username: user.username, passwordHash: await hashPassword(user.password),
    fullname: user.fullname ?? '', description: user.description ?? '', email: user.email ?? '',
  });
}

/**
 * Changes the given fields; a new password is checked, hashed and revokes the user's older
 * tokens. The primary administrator cannot be disabled (that would lock everyone out).
 */
export async function updateUserAccount(store: SecurityStore, username: string, changes: UserAccountChanges): Promise<void> {
  if (changes.password !== undefined) checkPassword(changes.password);
  if (changes.disabled === true && await isPrimaryAdministrator(store, username)) {
    throw new SecurityStoreError(`User '${username}' is the primary administrator and cannot be disabled.`);
  }
  const update: Partial<Omit<UserRecord, 'username' | 'passwordChangedAt'>> = {};
  if (changes.fullname !== undefined) update.fullname = changes.fullname;
  if (changes.description !== undefined) update.description = changes.description;
  if (changes.email !== undefined) update.email = changes.email;
  if (changes.disabled !== undefined) update.disabled = changes.disabled;
  if (changes.password !== undefined) {
    if (!(await store.getUser(username))) throw new SecurityStoreError(`User '${username}' does not exist.`);
    update.passwordHash = await hashPassword(changes.password);
  }
  await store.updateUser(username, update);
}

/**
 * Makes `username` the primary administrator: creates the user with `password` and `profile`
 * when absent (an existing user keeps their password), puts them in the `administrators` role
 * holding ADMINISTER, and records their name as the `primaryAdministrator` setting.
 */
export async function ensurePrimaryAdministrator(
  store: SecurityStore, username: string, password: string, profile: Pick<NewUser, 'fullname' | 'description' | 'email'> = {},
): Promise<'created' | 'exists'> {
  let outcome: 'created' | 'exists' = 'exists';
  if (!(await store.getUser(username))) {
    await createUser(store, { description: 'Primary administrator', ...profile, username, password });
    outcome = 'created';
  }
  if (!(await store.getRole(ADMINISTRATORS_ROLE))) {
    try {
      await store.addRole({ rolename: ADMINISTRATORS_ROLE, description: 'Administrators' });
    } catch (e) {
      if (!(e instanceof SecurityStoreError) || !(await store.getRole(ADMINISTRATORS_ROLE))) throw e; // another node made it first
    }
  }
  await store.assignPrivilege(ADMINISTRATORS_ROLE, 'ADMINISTER');
  await store.addUsersToRole(ADMINISTRATORS_ROLE, [username]);
  await store.setSetting(PRIMARY_SETTING, username);
  if (outcome === 'created') {
    await store.appendAudit({ time: Date.now(), user: 'system', action: 'createPrimaryAdministrator', target: `user:${username}`, details: '' });
  }
  return outcome;
}

/** Whether `username` is the primary administrator, who cannot be removed or disabled. */
export async function isPrimaryAdministrator(store: SecurityStore, username: string): Promise<boolean> {
  return (await store.getSetting(PRIMARY_SETTING)) === username;
}
