/**
 * `/admin/security…` (admin.md §15–16): users, roles and privileges, all ADMINISTER, and the
 * audit log of administrative changes. Passwords are hashed by the security engine and never
 * answered or logged.
 * @module faces/admin/admin-security
 */
import { AdminError } from '../../admin/admin-error.js';
import { isPrivilege, type Privilege } from '../../security/privileges.js';
import { createUser, isPrimaryAdministrator, updateUserAccount } from '../../security/user-accounts.js';
import type { AdminCall, AdminRoute } from './admin-face.js';
import { SUCCESS } from './admin-respond.js';

type Handler = (call: AdminCall) => Promise<unknown>;


const text = (call: AdminCall, name: string) => call.params.get(name)?.trim();
const required = (call: AdminCall, name: string) => {
  const v = text(call, name);
  if (!v) throw new AdminError(400, `'${name}' parameter is required.`);
  return v;
};
const list = (call: AdminCall, name: string) => required(call, name).split(',').map((s) => s.trim()).filter(Boolean);
const page = (call: AdminCall) => ({ start: call.params.int('startIndex', 0, 0, 1_000_000), size: call.params.int('pageSize', 100, 1, 10_000) });

function privilegeParam(call: AdminCall): Privilege {
  const p = required(call, 'privilege').toUpperCase();
  if (!isPrivilege(p)) throw new AdminError(400, `Invalid privilege '${required(call, 'privilege').slice(0, 40)}'. Use ADMINISTER, PUBLISH or ACCESS.`);
  return p;
}

async function audit(call: AdminCall, action: string, target: string, details = ''): Promise<void> {
  await call.ctx.admin.audit(call.caller.username, action, target, details);
}

/** The primary administrator keeps the account and ADMINISTER whatever is asked (admin.md §15). */
async function protectPrimary(call: AdminCall, username: string, what: string): Promise<void> {
  if (await isPrimaryAdministrator(call.ctx.security.store, username)) throw new AdminError(400, `User '${username}' is the primary administrator and cannot be ${what}.`);
}

const USERS: Record<string, Handler> = {
  addUser: async (call) => {
    const username = required(call, 'username');
    await createUser(call.ctx.security.store, {
      username, password: call.params.required('password'), fullname: text(call, 'fullname'), description: text(call, 'description'), email: text(call, 'email'),
    });
    await audit(call, 'addUser', `user:${username}`);
    return SUCCESS;
  },
  updateUser: async (call) => {
    const username = required(call, 'username');
    const disabled = call.params.has('disabled') ? call.params.bool('disabled', false) : undefined;
    if (disabled) await protectPrimary(call, username, 'disabled');
    await updateUserAccount(call.ctx.security.store, username, {
      password: call.params.get('password'), fullname: text(call, 'fullname'), description: text(call, 'description'), email: text(call, 'email'), disabled,
    });
    await audit(call, 'updateUser', `user:${username}`, call.params.has('password') ? 'password changed' : '');
    return SUCCESS;
  },
  removeUser: async (call) => {
    const username = required(call, 'username');
    await protectPrimary(call, username, 'removed');
    await call.ctx.security.store.removeUser(username);
    await audit(call, 'removeUser', `user:${username}`);
    return SUCCESS;
  },
  getUsers: async (call) => {
    const { start, size } = page(call);
    const result = await call.ctx.security.store.listUsers(start, size);
    return { users: result.items, hasMore: result.hasMore };
  },
};

const ROLES: Record<string, Handler> = {
  addRole: async (call) => {
    const rolename = required(call, 'rolename');
    if (rolename === 'esriEveryone' || !/^[^\s/\\:,]{1,128}$/.test(rolename)) throw new AdminError(400, `Invalid role name '${rolename.slice(0, 60)}'.`);
    await call.ctx.security.store.addRole({ rolename, description: text(call, 'description') ?? '' });
    await audit(call, 'addRole', `role:${rolename}`);
    return SUCCESS;
  },
  removeRole: async (call) => {
    const rolename = required(call, 'rolename');
    await call.ctx.security.store.removeRole(rolename);
    await audit(call, 'removeRole', `role:${rolename}`);
    return SUCCESS;
  },
  getRoles: async (call) => {
    const { start, size } = page(call);
    const result = await call.ctx.security.store.listRoles(start, size);
    return { roles: result.items.map((r) => ({ rolename: r.rolename, description: r.description })), hasMore: result.hasMore };
  },
  addUsersToRole: async (call) => {
    const rolename = required(call, 'rolename');
    const users = list(call, 'users');
    await call.ctx.security.store.addUsersToRole(rolename, users);
    await audit(call, 'addUsersToRole', `role:${rolename}`, users.join(','));
    return SUCCESS;
  },
  removeUsersFromRole: async (call) => {
    const rolename = required(call, 'rolename');
    const users = list(call, 'users');
    await call.ctx.security.store.removeUsersFromRole(rolename, users);
    await audit(call, 'removeUsersFromRole', `role:${rolename}`, users.join(','));
    return SUCCESS;
  },
  getRolesForUser: async (call) => {
    const username = required(call, 'username');
    if (!(await call.ctx.security.store.getUser(username))) throw new AdminError(400, `User '${username}' does not exist.`);
    return { roles: (await call.ctx.security.store.rolesForUser(username)).map((r) => r.rolename) };
  },
  assignPrivilege: async (call) => {
    const rolename = required(call, 'rolename');
    const privilege = privilegeParam(call);
    await call.ctx.security.store.assignPrivilege(rolename, privilege);
    await audit(call, 'assignPrivilege', `role:${rolename}`, privilege);
    return SUCCESS;
  },
  getPrivilege: async (call) => {
    const rolename = required(call, 'rolename');
    const role = await call.ctx.security.store.getRole(rolename);
    if (!role) throw new AdminError(400, `Role '${rolename}' does not exist.`);
    return { privilege: role.privilege };
  },
  getRolesByPrivilege: async (call) => ({ roles: await call.ctx.security.store.rolesByPrivilege(privilegeParam(call)) }),
};

const GROUPS: Record<string, Record<string, Handler>> = { users: USERS, roles: ROLES };

/** Resolves a path below `/admin/security`. */
export function resolveSecurityRoute(path: string[]): AdminRoute | null {
  const [group, op, ...extra] = path;
  if (group === undefined) {
    return { privilege: 'ADMINISTER', page: { title: 'Security', path: 'security', children: ['users', 'roles', 'audit'] }, handle: async () => ({ resources: ['users', 'roles', 'audit'] }) };
  }
  if (group === 'audit' && op === undefined) {
    return {
      privilege: 'ADMINISTER', page: { title: 'Audit log', path: 'security/audit' },
      handle: async (call) => ({ entries: await call.ctx.security.store.listAudit({ limit: call.params.int('limit', 100, 1, 10_000) }) }),
    };
  }
  const entries = GROUPS[group];
  if (!entries || extra.length) return null;
  if (op === undefined) {
    return { privilege: 'ADMINISTER', page: { title: group, path: `security/${group}` }, handle: async () => ({ operations: Object.keys(entries) }) };
  }
  const handle = Object.hasOwn(entries, op) ? entries[op] : undefined;
  if (!handle) return null;
  // Every users and roles call is an operation: POST only, even the ones that only read (admin.md §15).
  return { privilege: 'ADMINISTER', operation: true, page: { title: op, path: `security/${group}/${op}` }, handle };
}
