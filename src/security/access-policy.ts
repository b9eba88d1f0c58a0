/**
 * Who may use a service (admin.md §14, §16). Permissions are kept per service
 * (`Folder/Name.MapServer`, or `Name.MapServer` at the root) and per folder (`Folder`); a service
 * with none of its own takes its folder's. A service with no permissions at either level is
 * public, as is one that allows `esriEveryone`.
 * @module security/access-policy
 */
import { hasPrivilege, type Caller } from './privileges.js';
import type { PermissionRecord, SecurityStore } from './security-store.js';

/** The principal meaning anyone, with or without a token. */
export const EVERYONE = 'esriEveryone';

export type ServiceAccess = 'allowed' | 'token-required' | 'forbidden';

/** Resource keys: service `Folder/Name.MapServer` (or `Name.MapServer`), folder `Folder`. */
export function serviceResourceKey(folder: string, name: string, type: string = 'MapServer'): string {
  return folder ? `${folder}/${name}.${type}` : `${name}.${type}`;
}

/** The service's own permissions, else its folder's, else none. */
export async function effectivePermissions(store: SecurityStore, folder: string, name: string, type: string = 'MapServer'): Promise<PermissionRecord[]> {
  const own = await store.getPermissions(serviceResourceKey(folder, name, type));
  if (own.length > 0 || !folder) return own;
  return store.getPermissions(folder);
}

const public_ = (permissions: PermissionRecord[]): boolean =>
  permissions.length === 0 || permissions.some((p) => p.principal === EVERYONE && p.isAllowed);

/** False when no permissions apply (public by default) or `esriEveryone` is allowed. */
export async function isSecured(store: SecurityStore, folder: string, name: string, type: string = 'MapServer'): Promise<boolean> {
  return !public_(await effectivePermissions(store, folder, name, type));
}

/**
 * Whether `caller` (null: no token) may use the service. A secured service needs a token: of a
 * PUBLISH or ADMINISTER user, or of a user in a role allowed on it.
 */
export async function serviceAccess(store: SecurityStore, caller: Caller | null, folder: string, name: string, type: string = 'MapServer'): Promise<ServiceAccess> {
  const permissions = await effectivePermissions(store, folder, name, type);
  if (public_(permissions)) return 'allowed';
  if (!caller) return 'token-required';
  if (hasPrivilege(caller.privilege, 'PUBLISH')) return 'allowed';
  const allowed = new Set(permissions.filter((p) => p.isAllowed).map((p) => p.principal));
  return caller.roles.some((r) => allowed.has(r)) ? 'allowed' : 'forbidden';
}
