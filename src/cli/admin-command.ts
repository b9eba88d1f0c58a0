/**
 * `quadrangle admin`: user administration on the data directory's security store, for setting
 * up a server before (or without) the admin API. The first user created becomes the primary
 * administrator.
 * @module cli/admin-command
 */
import { mkdirSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfig } from '../config/config.js';
import { PRIVILEGES, type Privilege } from '../security/privileges.js';
import type { SecurityStore } from '../security/security-store.js';
import { describeSecurityStore, openSecurityStore } from '../security/open-security-store.js';
import { createUser, ensurePrimaryAdministrator } from '../security/user-accounts.js';

interface CreateUserOptions {
  username: string;
  password?: string;
  passwordStdin?: boolean;
  fullname?: string;
  email?: string;
  role?: string;
  privilege?: Privilege;
  data?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

const audit = (store: SecurityStore, action: string, target: string, details = ''): Promise<void> =>
  store.appendAudit({ time: Date.now(), user: 'system', action, target, details });

/** Creates the user (and the role) and says what was done. */
async function createUserCommand(opts: CreateUserOptions, command: Command): Promise<void> {
  if (opts.password !== undefined && opts.passwordStdin) command.error('quadrangle: give either --password or --password-stdin, not both', { exitCode: 1 });
  if (opts.password === undefined && !opts.passwordStdin) command.error('quadrangle: give --password <pw> or --password-stdin', { exitCode: 1 });
  if (opts.privilege && !opts.role) command.error('quadrangle: --privilege needs --role', { exitCode: 1 });
  const password = opts.password ?? (await readStdin());

  const config = loadConfig({ dataDir: opts.data });
  mkdirSync(config.dataDir, { recursive: true });
  const path = describeSecurityStore(config);
  const store = await openSecurityStore(config);
  try {
    const profile = { fullname: opts.fullname, email: opts.email };
    const primary = (await store.countUsers()) === 0;
    if (primary) {
      await ensurePrimaryAdministrator(store, opts.username, password, profile);
    } else {
      await createUser(store, { username: opts.username, password, ...profile });
      await audit(store, 'addUser', `user:${opts.username}`);
    }
    let roleText = '';
    if (opts.role) {
      const rolename = opts.role;
      if (!(await store.getRole(rolename))) {
        await store.addRole({ rolename });
        await audit(store, 'addRole', `role:${rolename}`);
      }
      if (opts.privilege) {
        await store.assignPrivilege(rolename, opts.privilege);
        await audit(store, 'assignPrivilege', `role:${rolename}`, opts.privilege);
      }
      await store.addUsersToRole(rolename, [opts.username]);
      await audit(store, 'addUsersToRole', `role:${rolename}`, opts.username);
      roleText = ` in role '${rolename}' (${(await store.getRole(rolename))!.privilege})`;
    }
    process.stdout.write(`Created user '${opts.username}'${primary ? ' as the primary administrator (ADMINISTER)' : ''}${roleText} in ${path}\n`);
  } finally {
    await store.close();
  }
}

/** Adds `admin create-user` to the `quadrangle` command. */
export function adminCommand(program: Command): void {
  const admin = program.command('admin').description('manage users and roles in the data directory\'s security store');
  admin.command('create-user')
    .description('create a user (the first user becomes the primary administrator)')
    .requiredOption('--username <name>', 'user name (case-sensitive)')
    .option('--password <pw>', 'password, at least 8 characters (visible in the process list: prefer --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--fullname <text>', 'full name')
    .option('--email <address>', 'e-mail address')
    .option('--role <rolename>', 'add the user to this role, creating it when missing')
    .addOption(new Option('--privilege <privilege>', 'privilege of the role given with --role').choices([...PRIVILEGES]))
    .option('-d, --data <dir>', 'data directory (env QUADRANGLE_DATA, default ./data)')
    .action(createUserCommand);
}
