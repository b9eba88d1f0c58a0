/**
 * What every SecurityStore implementation enforces alike: the admin.md §15 error wording,
 * privilege names, salted hashes only, paging bounds, and role rows as records.
 * @module security/security-store-rules
 */
import { isPrivilege, type Privilege } from './privileges.js';
import { SecurityStoreError, type RoleRecord } from './security-store.js';

/** A role as stored: the privilege column is checked text. */
export interface RoleRow { rolename: string; description: string; privilege: string }

export const userExists = (name: string) => new SecurityStoreError(`User '${name}' already exists.`);
export const noUser = (name: string) => new SecurityStoreError(`User '${name}' does not exist.`);
export const roleExists = (name: string) => new SecurityStoreError(`Role '${name}' already exists.`);
export const noRole = (name: string) => new SecurityStoreError(`Role '${name}' does not exist.`);

export function checkPrivilege(privilege: string): asserts privilege is Privilege {
  if (!isPrivilege(privilege)) throw new SecurityStoreError(`Invalid privilege '${privilege}'. Use ADMINISTER, PUBLISH or ACCESS.`);
}

/** A clear-text password must never reach the table, whoever calls the store. */
export function checkHash(hash: string): void {
  if (!/^scrypt\$/.test(hash)) throw new SecurityStoreError('passwordHash must be a salted hash (security/password-hash), never a password.');
}

/** `startIndex` and `pageSize` as a non-negative offset and limit. */
export function pageBounds(startIndex: number, pageSize: number): [offset: number, limit: number] {
  const offset = Number.isFinite(startIndex) ? Math.max(0, Math.floor(startIndex)) : 0;
  const size = Number.isFinite(pageSize) ? Math.max(0, Math.floor(pageSize)) : 0;
  return [offset, size];
}

export const toRole = (r: RoleRow): RoleRecord => ({ rolename: r.rolename, description: r.description, privilege: r.privilege as Privilege });
