import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { verifyPassword } from '../security/password-hash.js';
import { SqliteSecurityStore } from '../security/sqlite-security-store.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'quadrangle-admin-cli-'));
after(() => rmSync(data, { recursive: true, force: true }));

function quadrangle(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'admin', 'create-user', ...args, '-d', data], {
    cwd: repo, input, encoding: 'utf8', timeout: 120_000, env: { ...process.env, QUADRANGLE_DATA: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function withStore<T>(fn: (store: SqliteSecurityStore) => Promise<T>): Promise<T> {
  const store = new SqliteSecurityStore(join(data, 'security.sqlite'));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('quadrangle admin create-user', () => {
  it('makes the first user the primary administrator', async () => {
    const r = quadrangle(['--username', 'admin', '--password', 'admin-password', '--fullname', 'Site Admin']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Created user 'admin' as the primary administrator/);
    await withStore(async (store) => {
      const admin = await store.getUser('admin');
      assert.equal(admin?.fullname, 'Site Admin');
      assert.equal(await verifyPassword('admin-password', admin!.passwordHash), true);
      assert.equal(await store.getSetting('primaryAdministrator'), 'admin');
      assert.deepEqual((await store.rolesForUser('admin')).map((x) => [x.rolename, x.privilege]), [['administrators', 'ADMINISTER']]);
    });
  });

  it('adds later users, with a role and privilege, reading the password from stdin', async () => {
    const r = quadrangle(['--username', 'alice', '--password-stdin', '--email', 'a@example.org', '--role', 'editors', '--privilege', 'PUBLISH'], 'alice-password\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.match(r.stdout, /^Created user 'alice' in role 'editors' \(PUBLISH\)/);
    await withStore(async (store) => {
      const alice = await store.getUser('alice');
      assert.equal(alice?.email, 'a@example.org');
      assert.equal(await verifyPassword('alice-password', alice!.passwordHash), true, 'the newline is not part of the password');
      assert.deepEqual(await store.rolesForUser('alice'), [{ rolename: 'editors', description: '', privilege: 'PUBLISH' }]);
      assert.equal(await store.getSetting('primaryAdministrator'), 'admin');
      assert.deepEqual((await store.listAudit({ target: 'user:alice' })).map((e) => e.action), ['addUser']);
    });
  });

  it('fails with exit code 1 and a one-line message', async () => {
    const short = quadrangle(['--username', 'bob', '--password', '1234567']);
    assert.equal(short.code, 1);
    assert.equal(short.stderr.trim(), 'quadrangle: password must be at least 8 characters.');
    const twice = quadrangle(['--username', 'alice', '--password', 'alice-password']);
    assert.equal(twice.code, 1);
    assert.equal(twice.stderr.trim(), "quadrangle: User 'alice' already exists.");
    const none = quadrangle(['--username', 'bob']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^quadrangle: give --password/);
    assert.equal(await withStore((store) => store.getUser('bob')), null);
  });
});
