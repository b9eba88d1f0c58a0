/**
 * Where users, roles, service permissions, the token signing secret and the audit log are kept
 * (admin.md §14–16). The embedded default is SQLite (`security.sqlite` in the data directory);
 * a PostgreSQL store implements the same interface for clusters, so every node signs and checks
 * tokens with the same secret and sees the same users.
 * @module security/security-store
 */
import type { Privilege } from './privileges.js';

export interface UserRecord {
  username: string;
  fullname: string;
  description: string;
  email: string;
  disabled: boolean;
  /** Salted slow hash (security/password-hash.ts); never leaves the server. */
  passwordHash: string;
  /** Epoch ms of the last password change: tokens issued before it are revoked. */
  passwordChangedAt: number;
}

/** What `getUsers` lists: a user without the hash. */
export type UserSummary = Omit<UserRecord, 'passwordHash' | 'passwordChangedAt'>;

export interface RoleRecord {
  rolename: string;
  description: string;
  privilege: Privilege;
}

export interface Page<T> { items: T[]; hasMore: boolean }

/** `esriEveryone` or a role name, allowed or not, on a service (`Folder/Name.MapServer`) or folder (`Folder`). */
export interface PermissionRecord { principal: string; isAllowed: boolean }

/** One administrative change, kept for the audit log and a service's lifecycle history. */
export interface AuditEntry {
  /** Epoch ms. */
  time: number;
  /** Who made the change (`system` for the server itself). */
  user: string;
  /** e.g. `createService`, `edit`, `stop`, `addUser`. */
  action: string;
  /** What it was done to, e.g. `Topo/SampleRegion.MapServer`, `user:alice`, `role:surveyors`. */
  target: string;
  /** Short free text (never a password). */
  details: string;
}

export class SecurityStoreError extends Error {}

export interface SecurityStore {
  // Users. Names are case-sensitive. Errors (duplicate, unknown) are thrown as SecurityStoreError
  // with the admin.md §15 message, e.g. "User 'x' already exists.".
  addUser(user: Omit<UserRecord, 'disabled' | 'passwordChangedAt'> & { disabled?: boolean }): Promise<void>;
  /** Changes the given fields; a new `passwordHash` also sets `passwordChangedAt` to now. */
  updateUser(username: string, changes: Partial<Omit<UserRecord, 'username' | 'passwordChangedAt'>>): Promise<void>;
  /** Removes the user and their role memberships. */
  removeUser(username: string): Promise<void>;
  getUser(username: string): Promise<UserRecord | null>;
  listUsers(startIndex: number, pageSize: number): Promise<Page<UserSummary>>;
  countUsers(): Promise<number>;

  // Roles. A new role holds ACCESS.
  addRole(role: { rolename: string; description?: string }): Promise<void>;
  /** Removes the role, its memberships and its service and folder permissions. */
  removeRole(rolename: string): Promise<void>;
  getRole(rolename: string): Promise<RoleRecord | null>;
  listRoles(startIndex: number, pageSize: number): Promise<Page<RoleRecord>>;
  /** Unknown users throw "User 'x' does not exist."; adding a member twice is harmless. */
  addUsersToRole(rolename: string, usernames: string[]): Promise<void>;
  removeUsersFromRole(rolename: string, usernames: string[]): Promise<void>;
  rolesForUser(username: string): Promise<RoleRecord[]>;
  assignPrivilege(rolename: string, privilege: Privilege): Promise<void>;
  rolesByPrivilege(privilege: Privilege): Promise<string[]>;

  // Permissions of a resource: a service key `Folder/Name.MapServer` (or `Name.MapServer` at the
  // root) or a folder name. `principal` is a role name or `esriEveryone`.
  getPermissions(resource: string): Promise<PermissionRecord[]>;
  /** Grants or withdraws; an unknown role (other than esriEveryone) throws "Role 'x' does not exist.". */
  setPermission(resource: string, principal: string, isAllowed: boolean): Promise<void>;
  /** Forgets every permission of a resource (a deleted service). */
  removePermissions(resource: string): Promise<void>;

  /** A small named value every node shares, e.g. `primaryAdministrator`; null when unset. */
  getSetting(name: string): Promise<string | null>;
  setSetting(name: string, value: string): Promise<void>;

  /** A random secret of `bytes` bytes kept under `name`, created on first use (same on every node). */
  secret(name: string, bytes: number): Promise<Buffer>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest first; only entries whose target is `target` when given. */
  listAudit(options: { target?: string; limit?: number }): Promise<AuditEntry[]>;

  close(): Promise<void>;
}
