/**
 * The embedded security store: users, roles, service permissions, shared settings, secrets and
 * the audit log in a SQLite file (`security.sqlite`). Tables are created when missing each time
 * the file is opened, so a file written by an older Quadrangle gains newer tables on first open.
 * @module security/sqlite-security-store
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { EVERYONE } from './access-policy.js';
import type { Privilege } from './privileges.js';
import { checkHash, checkPrivilege, noRole, noUser, pageBounds, roleExists, toRole, userExists, type RoleRow } from './security-store-rules.js';
import {
  SecurityStoreError,
  type AuditEntry, type Page, type PermissionRecord, type RoleRecord, type SecurityStore, type UserRecord, type UserSummary,
} from './security-store.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  username TEXT PRIMARY KEY,
  fullname TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  email TEXT NOT NULL DEFAULT '',
  disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  password_changed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS roles (
  rolename TEXT PRIMARY KEY,
  description TEXT NOT NULL DEFAULT '',
  privilege TEXT NOT NULL DEFAULT 'ACCESS'
);
CREATE TABLE IF NOT EXISTS role_members (
  rolename TEXT NOT NULL,
  username TEXT NOT NULL,
  PRIMARY KEY (rolename, username)
);
CREATE INDEX IF NOT EXISTS role_members_by_user ON role_members (username);
CREATE TABLE IF NOT EXISTS permissions (
  resource TEXT NOT NULL,
  principal TEXT NOT NULL,
  is_allowed INTEGER NOT NULL,
  PRIMARY KEY (resource, principal)
);
CREATE INDEX IF NOT EXISTS permissions_by_principal ON permissions (principal);
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  user TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_by_target ON audit (target, time);`;

interface UserRow {
  username: string; fullname: string; description: string; email: string; disabled: number;
  password_hash: string; password_changed_at: number;
}


export class SqliteSecurityStore implements SecurityStore {
  private readonly db: Database.Database;
  private readonly now: () => number;

  /** Opens (creating when needed) the store at `path`. `now` stamps password changes. */
  constructor(path: string, options: { now?: () => number } = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.now = options.now ?? Date.now;
  }

  /** Statements prepared once: the token check reads the store on every request. */
  private readonly statements = new Map<string, Database.Statement>();

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  private hasUser(username: string): boolean {
    return this.sql('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined;
  }

  private hasRole(rolename: string): boolean {
    return this.sql('SELECT 1 FROM roles WHERE rolename = ?').get(rolename) !== undefined;
  }

  async addUser(user: Omit<UserRecord, 'disabled' | 'passwordChangedAt'> & { disabled?: boolean }): Promise<void> {
    checkHash(user.passwordHash);
    const info = this.sql(`INSERT OR IGNORE INTO users (username, fullname, description, email, disabled, password_hash, password_changed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(user.username, user.fullname ?? '', user.description ?? '', user.email ?? '', user.disabled ? 1 : 0, user.passwordHash, this.now());
    if (info.changes === 0) throw userExists(user.username);
  }

  async updateUser(username: string, changes: Partial<Omit<UserRecord, 'username' | 'passwordChangedAt'>>): Promise<void> {
    const sets: string[] = [];
    const values: (string | number)[] = [];
    if (changes.fullname !== undefined) { sets.push('fullname = ?'); values.push(changes.fullname); }
    if (changes.description !== undefined) { sets.push('description = ?'); values.push(changes.description); }
    if (changes.email !== undefined) { sets.push('email = ?'); values.push(changes.email); }
    if (changes.disabled !== undefined) { sets.push('disabled = ?'); values.push(changes.disabled ? 1 : 0); }
    if (changes.passwordHash !== undefined) {
      checkHash(changes.passwordHash);
      sets.push('password_hash = ?', 'password_changed_at = ?');
      values.push(changes.passwordHash, this.now());
    }
    if (sets.length === 0) {
      if (!this.hasUser(username)) throw noUser(username);
      return;
    }
    const info = this.sql(`UPDATE users SET ${sets.join(', ')} WHERE username = ?`).run(...values, username);
    if (info.changes === 0) throw noUser(username);
  }

  async removeUser(username: string): Promise<void> {
    this.db.transaction(() => {
      if (this.sql('DELETE FROM users WHERE username = ?').run(username).changes === 0) throw noUser(username);
      this.sql('DELETE FROM role_members WHERE username = ?').run(username);
    })();
  }

  async getUser(username: string): Promise<UserRecord | null> {
    const r = this.sql('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return r ? {
      username: r.username, fullname: r.fullname, description: r.description, email: r.email, disabled: r.disabled !== 0,
      passwordHash: r.password_hash, passwordChangedAt: r.password_changed_at,
    } : null;
  }

  async listUsers(startIndex: number, pageSize: number): Promise<Page<UserSummary>> {
    const [offset, size] = pageBounds(startIndex, pageSize);
    const rows = this.sql('SELECT username, fullname, description, email, disabled FROM users ORDER BY username LIMIT ? OFFSET ?')
      .all(size + 1, offset) as UserRow[];
    return {
      items: rows.slice(0, size).map((r) => ({ username: r.username, fullname: r.fullname, description: r.description, email: r.email, disabled: r.disabled !== 0 })),
      hasMore: rows.length > size,
    };
  }

  async countUsers(): Promise<number> {
    return (this.sql('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  async addRole(role: { rolename: string; description?: string }): Promise<void> {
    const info = this.sql(`INSERT OR IGNORE INTO roles (rolename, description, privilege) VALUES (?, ?, 'ACCESS')`).run(role.rolename, role.description ?? '');
    if (info.changes === 0) throw roleExists(role.rolename);
  }

  async removeRole(rolename: string): Promise<void> {
    this.db.transaction(() => {
      if (this.sql('DELETE FROM roles WHERE rolename = ?').run(rolename).changes === 0) throw noRole(rolename);
      this.sql('DELETE FROM role_members WHERE rolename = ?').run(rolename);
      this.sql('DELETE FROM permissions WHERE principal = ?').run(rolename);
    })();
  }

  async getRole(rolename: string): Promise<RoleRecord | null> {
    const r = this.sql('SELECT rolename, description, privilege FROM roles WHERE rolename = ?').get(rolename) as RoleRow | undefined;
    return r ? toRole(r) : null;
  }

  async listRoles(startIndex: number, pageSize: number): Promise<Page<RoleRecord>> {
    const [offset, size] = pageBounds(startIndex, pageSize);
    const rows = this.sql('SELECT rolename, description, privilege FROM roles ORDER BY rolename LIMIT ? OFFSET ?').all(size + 1, offset) as RoleRow[];
    return { items: rows.slice(0, size).map(toRole), hasMore: rows.length > size };
  }

  async addUsersToRole(rolename: string, usernames: string[]): Promise<void> {
    this.db.transaction(() => {
      if (!this.hasRole(rolename)) throw noRole(rolename);
      for (const u of usernames) if (!this.hasUser(u)) throw noUser(u);
      const add = this.sql('INSERT OR IGNORE INTO role_members (rolename, username) VALUES (?, ?)');
      for (const u of usernames) add.run(rolename, u);
    })();
  }

  async removeUsersFromRole(rolename: string, usernames: string[]): Promise<void> {
    this.db.transaction(() => {
      if (!this.hasRole(rolename)) throw noRole(rolename);
      for (const u of usernames) if (!this.hasUser(u)) throw noUser(u);
      const remove = this.sql('DELETE FROM role_members WHERE rolename = ? AND username = ?');
      for (const u of usernames) remove.run(rolename, u);
    })();
  }

  /** The user's roles by name; an unknown user throws "User 'x' does not exist.". */
  async rolesForUser(username: string): Promise<RoleRecord[]> {
    const rows = this.sql(`SELECT r.rolename, r.description, r.privilege FROM role_members m JOIN roles r ON r.rolename = m.rolename
      WHERE m.username = ? ORDER BY r.rolename`).all(username) as RoleRow[];
    if (rows.length === 0 && !this.hasUser(username)) throw noUser(username);
    return rows.map(toRole);
  }

  async assignPrivilege(rolename: string, privilege: Privilege): Promise<void> {
    checkPrivilege(privilege);
    if (this.sql('UPDATE roles SET privilege = ? WHERE rolename = ?').run(privilege, rolename).changes === 0) throw noRole(rolename);
  }

  async rolesByPrivilege(privilege: Privilege): Promise<string[]> {
    checkPrivilege(privilege);
    return (this.sql('SELECT rolename FROM roles WHERE privilege = ? ORDER BY rolename').all(privilege) as { rolename: string }[]).map((r) => r.rolename);
  }

  /** esriEveryone first, then roles by name. */
  async getPermissions(resource: string): Promise<PermissionRecord[]> {
    const rows = this.sql(`SELECT principal, is_allowed FROM permissions WHERE resource = ? ORDER BY principal <> ?, principal`)
      .all(resource, EVERYONE) as { principal: string; is_allowed: number }[];
    return rows.map((r) => ({ principal: r.principal, isAllowed: r.is_allowed !== 0 }));
  }

  async setPermission(resource: string, principal: string, isAllowed: boolean): Promise<void> {
    this.db.transaction(() => {
      if (principal !== EVERYONE && !this.hasRole(principal)) throw noRole(principal);
      this.sql(`INSERT INTO permissions (resource, principal, is_allowed) VALUES (?, ?, ?)
        ON CONFLICT (resource, principal) DO UPDATE SET is_allowed = excluded.is_allowed`).run(resource, principal, isAllowed ? 1 : 0);
    })();
  }

  async removePermissions(resource: string): Promise<void> {
    this.sql('DELETE FROM permissions WHERE resource = ?').run(resource);
  }

  async getSetting(name: string): Promise<string | null> {
    const r = this.sql('SELECT value FROM settings WHERE name = ?').get(name) as { value: string } | undefined;
    return r ? r.value : null;
  }

  async setSetting(name: string, value: string): Promise<void> {
    this.sql('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }

  async secret(name: string, bytes: number): Promise<Buffer> {
    // INSERT OR IGNORE: when two processes race on first use, both read the one that won.
    this.sql('INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)').run(name, randomBytes(bytes));
    return Buffer.from((this.sql('SELECT value FROM secrets WHERE name = ?').get(name) as { value: Buffer }).value);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.sql('INSERT INTO audit (time, user, action, target, details) VALUES (?, ?, ?, ?, ?)')
      .run(entry.time, entry.user, entry.action, entry.target, entry.details ?? '');
  }

  /** Newest first; every matching entry when `limit` is not given. */
  async listAudit(options: { target?: string; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = options.limit === undefined || !Number.isFinite(options.limit) ? -1 : Math.max(0, Math.floor(options.limit));
    const where = options.target === undefined ? '' : 'WHERE target = ?';
    const params: (string | number)[] = options.target === undefined ? [limit] : [options.target, limit];
    return this.sql(`SELECT time, user, action, target, details FROM audit ${where} ORDER BY time DESC, id DESC LIMIT ?`).all(...params) as AuditEntry[];
  }

  async close(): Promise<void> { this.db.close(); }
}
