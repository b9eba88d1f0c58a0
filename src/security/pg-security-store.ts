/**
 * The cluster security store: users, roles, permissions, shared settings, secrets and the audit
 * log in PostgreSQL (tables `quadrangle.security_*`, see db/migrate), so every node sees the same
 * users and signs and checks tokens with the same key: a token from one node is good on all.
 * Behaves as the SQLite store does, messages included.
 * @module security/pg-security-store
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { migrate, type Migration } from '../db/migrate.js';
import { openPool, withTransaction, type PoolLease } from '../db/pg-pool.js';
import { EVERYONE } from './access-policy.js';
import type { Privilege } from './privileges.js';
import { checkHash, checkPrivilege, noRole, noUser, pageBounds, roleExists, toRole, userExists, type RoleRow } from './security-store-rules.js';
import {
  SecurityStoreError,
  type AuditEntry, type Page, type PermissionRecord, type RoleRecord, type SecurityStore, type UserRecord, type UserSummary,
} from './security-store.js';

/** Names compare byte by byte (COLLATE "C"), as SQLite's do, so lists page alike on every database. */
export const SECURITY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'users, roles, permissions, settings, secrets and the audit log',
    sql: `
      CREATE TABLE quadrangle.security_users (
        username text COLLATE "C" PRIMARY KEY,
        fullname text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        email text NOT NULL DEFAULT '',
        disabled boolean NOT NULL DEFAULT false,
        password_hash text NOT NULL,
        password_changed_at bigint NOT NULL
      );
      CREATE TABLE quadrangle.security_roles (
        rolename text COLLATE "C" PRIMARY KEY,
        description text NOT NULL DEFAULT '',
        privilege text NOT NULL DEFAULT 'ACCESS'
      );
      CREATE TABLE quadrangle.security_role_members (
        rolename text COLLATE "C" NOT NULL REFERENCES quadrangle.security_roles ON DELETE CASCADE,
        username text COLLATE "C" NOT NULL REFERENCES quadrangle.security_users ON DELETE CASCADE,
        PRIMARY KEY (rolename, username)
      );
      CREATE INDEX security_role_members_by_user ON quadrangle.security_role_members (username);
      CREATE TABLE quadrangle.security_permissions (
        resource text COLLATE "C" NOT NULL,
        principal text COLLATE "C" NOT NULL,
        is_allowed boolean NOT NULL,
        PRIMARY KEY (resource, principal)
      );
      CREATE INDEX security_permissions_by_principal ON quadrangle.security_permissions (principal);
      CREATE TABLE quadrangle.security_settings (name text COLLATE "C" PRIMARY KEY, value text NOT NULL);
      CREATE TABLE quadrangle.security_secrets (name text COLLATE "C" PRIMARY KEY, value bytea NOT NULL);
      CREATE TABLE quadrangle.security_audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        time bigint NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        target text COLLATE "C" NOT NULL,
        details text NOT NULL DEFAULT ''
      );
      CREATE INDEX security_audit_by_target ON quadrangle.security_audit (target, time);`,
  },
];

interface UserRow {
  username: string; fullname: string; description: string; email: string; disabled: boolean;
  password_hash: string; password_changed_at: string;
}

type Queryable = pg.Pool | pg.PoolClient;


const rowCount = (r: pg.QueryResult): number => r.rowCount ?? 0;

async function hasUser(db: Queryable, username: string): Promise<boolean> {
  return rowCount(await db.query('SELECT 1 FROM quadrangle.security_users WHERE username = $1', [username])) > 0;
}

async function hasRole(db: Queryable, rolename: string, lock = false): Promise<boolean> {
  // FOR SHARE keeps the role from being removed before the transaction that checked it commits.
  return rowCount(await db.query(`SELECT 1 FROM quadrangle.security_roles WHERE rolename = $1${lock ? ' FOR SHARE' : ''}`, [rolename])) > 0;
}

export class PgSecurityStore implements SecurityStore {
  private constructor(private readonly lease: PoolLease, private readonly now: () => number) {}

  /**
   * Connects to the database at `url` (this thread's pool for it), migrating the security tables
   * when needed. `now` stamps password changes. Throws DatabaseError when the database cannot be
   * reached or is newer than this code.
   */
  static async open(url: string, options: { now?: () => number; log?: (message: string) => void } = {}): Promise<PgSecurityStore> {
    const lease = await openPool(url);
    try {
      await migrate(lease.pool, 'security', SECURITY_MIGRATIONS, { log: options.log });
    } catch (error) {
      await lease.release();
      throw error;
    }
    return new PgSecurityStore(lease, options.now ?? Date.now);
  }

  private get db(): pg.Pool { return this.lease.pool; }

  async addUser(user: Omit<UserRecord, 'disabled' | 'passwordChangedAt'> & { disabled?: boolean }): Promise<void> {
    checkHash(user.passwordHash);
    const r = await this.db.query(
      `INSERT INTO quadrangle.security_users (username, fullname, description, email, disabled, password_hash, password_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING`,
      [user.username, user.fullname ?? '', user.description ?? '', user.email ?? '', Boolean(user.disabled), user.passwordHash, this.now()]);
    if (rowCount(r) === 0) throw userExists(user.username);
  }

  async updateUser(username: string, changes: Partial<Omit<UserRecord, 'username' | 'passwordChangedAt'>>): Promise<void> {
    const sets: string[] = [];
    const values: (string | number | boolean)[] = [];
    const set = (column: string, value: string | number | boolean): void => { values.push(value); sets.push(`${column} = $${values.length}`); };
    if (changes.fullname !== undefined) set('fullname', changes.fullname);
    if (changes.description !== undefined) set('description', changes.description);
    if (changes.email !== undefined) set('email', changes.email);
    if (changes.disabled !== undefined) set('disabled', changes.disabled);
    if (changes.passwordHash !== undefined) {
      checkHash(changes.passwordHash);
      set('password_hash', changes.passwordHash);
      set('password_changed_at', this.now());
    }
    if (sets.length === 0) {
      if (!(await hasUser(this.db, username))) throw noUser(username);
      return;
    }
    values.push(username);
    const r = await this.db.query(`UPDATE quadrangle.security_users SET ${sets.join(', ')} WHERE username = $${values.length}`, values);
    if (rowCount(r) === 0) throw noUser(username);
  }

  async removeUser(username: string): Promise<void> {
    // Memberships go with the user (ON DELETE CASCADE).
    if (rowCount(await this.db.query('DELETE FROM quadrangle.security_users WHERE username = $1', [username])) === 0) throw noUser(username);
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const r = (await this.db.query<UserRow>('SELECT * FROM quadrangle.security_users WHERE username = $1', [username])).rows[0];
    return r ? {
      username: r.username, fullname: r.fullname, description: r.description, email: r.email, disabled: r.disabled,
      passwordHash: r.password_hash, passwordChangedAt: Number(r.password_changed_at),
    } : null;
  }

  async listUsers(startIndex: number, pageSize: number): Promise<Page<UserSummary>> {
    const [offset, size] = pageBounds(startIndex, pageSize);
    const rows = (await this.db.query<UserRow>(
      'SELECT username, fullname, description, email, disabled FROM quadrangle.security_users ORDER BY username LIMIT $1 OFFSET $2', [size + 1, offset])).rows;
    return {
      items: rows.slice(0, size).map((r) => ({ username: r.username, fullname: r.fullname, description: r.description, email: r.email, disabled: r.disabled })),
      hasMore: rows.length > size,
    };
  }

  async countUsers(): Promise<number> {
    return (await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM quadrangle.security_users')).rows[0]!.n;
  }

  async addRole(role: { rolename: string; description?: string }): Promise<void> {
    const r = await this.db.query(
      `INSERT INTO quadrangle.security_roles (rolename, description, privilege) VALUES ($1, $2, 'ACCESS') ON CONFLICT (rolename) DO NOTHING`,
      [role.rolename, role.description ?? '']);
    if (rowCount(r) === 0) throw roleExists(role.rolename);
  }

  async removeRole(rolename: string): Promise<void> {
    await withTransaction(this.db, async (db) => {
      // Memberships go with the role (ON DELETE CASCADE); permissions name it as a principal.
      if (rowCount(await db.query('DELETE FROM quadrangle.security_roles WHERE rolename = $1', [rolename])) === 0) throw noRole(rolename);
      await db.query('DELETE FROM quadrangle.security_permissions WHERE principal = $1', [rolename]);
    });
  }

  async getRole(rolename: string): Promise<RoleRecord | null> {
    const r = (await this.db.query<RoleRow>('SELECT rolename, description, privilege FROM quadrangle.security_roles WHERE rolename = $1', [rolename])).rows[0];
    return r ? toRole(r) : null;
  }

  async listRoles(startIndex: number, pageSize: number): Promise<Page<RoleRecord>> {
    const [offset, size] = pageBounds(startIndex, pageSize);
    const rows = (await this.db.query<RoleRow>(
      'SELECT rolename, description, privilege FROM quadrangle.security_roles ORDER BY rolename LIMIT $1 OFFSET $2', [size + 1, offset])).rows;
    return { items: rows.slice(0, size).map(toRole), hasMore: rows.length > size };
  }

  async addUsersToRole(rolename: string, usernames: string[]): Promise<void> {
    await withTransaction(this.db, async (db) => {
      if (!(await hasRole(db, rolename))) throw noRole(rolename);
      for (const u of usernames) if (!(await hasUser(db, u))) throw noUser(u);
      await db.query(
        `INSERT INTO quadrangle.security_role_members (rolename, username) SELECT $1, u FROM unnest($2::text[]) AS u ON CONFLICT DO NOTHING`,
        [rolename, usernames]);
    });
  }

  async removeUsersFromRole(rolename: string, usernames: string[]): Promise<void> {
    await withTransaction(this.db, async (db) => {
      if (!(await hasRole(db, rolename))) throw noRole(rolename);
      for (const u of usernames) if (!(await hasUser(db, u))) throw noUser(u);
      await db.query('DELETE FROM quadrangle.security_role_members WHERE rolename = $1 AND username = ANY($2::text[])', [rolename, usernames]);
    });
  }

  /** The user's roles by name; an unknown user throws "User 'x' does not exist.". */
  async rolesForUser(username: string): Promise<RoleRecord[]> {
    const rows = (await this.db.query<RoleRow>(
      `SELECT r.rolename, r.description, r.privilege FROM quadrangle.security_role_members m
       JOIN quadrangle.security_roles r ON r.rolename = m.rolename
       WHERE m.username = $1 ORDER BY r.rolename`, [username])).rows;
    if (rows.length === 0 && !(await hasUser(this.db, username))) throw noUser(username);
    return rows.map(toRole);
  }

  async assignPrivilege(rolename: string, privilege: Privilege): Promise<void> {
    checkPrivilege(privilege);
    if (rowCount(await this.db.query('UPDATE quadrangle.security_roles SET privilege = $1 WHERE rolename = $2', [privilege, rolename])) === 0) throw noRole(rolename);
  }

  async rolesByPrivilege(privilege: Privilege): Promise<string[]> {
    checkPrivilege(privilege);
    return (await this.db.query<{ rolename: string }>('SELECT rolename FROM quadrangle.security_roles WHERE privilege = $1 ORDER BY rolename', [privilege])).rows.map((r) => r.rolename);
  }

  /** esriEveryone first, then roles by name. */
  async getPermissions(resource: string): Promise<PermissionRecord[]> {
    const rows = (await this.db.query<{ principal: string; is_allowed: boolean }>(
      'SELECT principal, is_allowed FROM quadrangle.security_permissions WHERE resource = $1 ORDER BY principal <> $2, principal', [resource, EVERYONE])).rows;
    return rows.map((r) => ({ principal: r.principal, isAllowed: r.is_allowed }));
  }

  async setPermission(resource: string, principal: string, isAllowed: boolean): Promise<void> {
    await withTransaction(this.db, async (db) => {
      if (principal !== EVERYONE && !(await hasRole(db, principal, true))) throw noRole(principal);
      await db.query(
        `INSERT INTO quadrangle.security_permissions (resource, principal, is_allowed) VALUES ($1, $2, $3)
         ON CONFLICT (resource, principal) DO UPDATE SET is_allowed = excluded.is_allowed`, [resource, principal, isAllowed]);
    });
  }

  async removePermissions(resource: string): Promise<void> {
    await this.db.query('DELETE FROM quadrangle.security_permissions WHERE resource = $1', [resource]);
  }

  async getSetting(name: string): Promise<string | null> {
    return (await this.db.query<{ value: string }>('SELECT value FROM quadrangle.security_settings WHERE name = $1', [name])).rows[0]?.value ?? null;
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.db.query(
      'INSERT INTO quadrangle.security_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }

  async secret(name: string, bytes: number): Promise<Buffer> {
    // ON CONFLICT DO NOTHING: when nodes race on first use, all of them read the one that won.
    await this.db.query('INSERT INTO quadrangle.security_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(bytes)]);
    return Buffer.from((await this.db.query<{ value: Buffer }>('SELECT value FROM quadrangle.security_secrets WHERE name = $1', [name])).rows[0]!.value);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.db.query('INSERT INTO quadrangle.security_audit (time, actor, action, target, details) VALUES ($1, $2, $3, $4, $5)',
      [entry.time, entry.user, entry.action, entry.target, entry.details ?? '']);
  }

  /** Newest first; every matching entry when `limit` is not given. */
  async listAudit(options: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit === undefined || !Number.isFinite(options.limit) ? null : Math.max(0, Math.floor(options.limit));
    const where = options.target === undefined ? '' : 'WHERE target = $2';
    const params: (string | number | null)[] = options.target === undefined ? [limit] : [limit, options.target];
    const rows = (await this.db.query<{ time: string; user: string; action: string; target: string; details: string }>(
      `SELECT time, actor AS "user", action, target, details FROM quadrangle.security_audit ${where} ORDER BY time DESC, id DESC LIMIT $1`, params)).rows;
    return rows.map((r) => ({ time: Number(r.time), user: r.user, action: r.action, target: r.target, details: r.details }));
  }

  async close(): Promise<void> { await this.lease.release(); }
}
