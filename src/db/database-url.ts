/**
 * Database URLs as users give them (`QUADRANGLE_DATABASE_URL`): checked, and shown without their
 * password. Free of the `pg` driver so the configuration can use it.
 * @module db/database-url
 */

/** Why `url` is not a PostgreSQL URL, or null when it is one. The message never repeats a password. */
export function databaseUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL (expected postgresql://user:password@host:5432/database)';
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    return `must start with postgres:// or postgresql://, not ${parsed.protocol}//`;
  }
  return null;
}

/** `url` with its password replaced by `***`, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** `host:port/database` — what a person needs to find the server a message is about. */
export function databaseLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const host = parsed.hostname || parsed.searchParams.get('host') || 'the local socket';
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.searchParams.get('dbname') || decodeURIComponent(parsed.username);
    return `${host}${parsed.port ? `:${parsed.port}` : ''}/${database}`;
  } catch {
    return '(unparseable URL)';
  }
}
