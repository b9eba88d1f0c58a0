/**
 * Synchronous PostgreSQL connections for the PostGIS feature source.
 *
 * Why synchronous: `FeatureSource.scan` and `count` are synchronous, like the SQLite reads
 * behind them, and every consumer (layer queries, identify, find, export, tiles, the sheet and
 * the production jobs) iterates them in plain loops on worker threads. Rather than turn all of
 * them asynchronous (and every SQLite row into a promise), a thread that uses PostGIS gets one
 * helper thread running node-postgres (postgis-client-worker.ts) and waits for each answer
 * (Atomics.wait, postgis-client-thread.ts): the calling thread blocks on PostgreSQL as it blocks on
 * SQLite, which is what the operation pool's threads are for. A native libpq binding would
 * avoid the helper, but the `libpq` addon registers its socket on the main thread's event loop
 * even when called from a worker thread, which is not safe. Rows are streamed through a
 * server-side cursor, so the round trips cost little per row, a scan that is left after one
 * page reads no further, and memory stays bounded.
 *
 * Connections are shared within a thread per connection string and closed with their last
 * source. Each gets UTC as its time zone (dates compare and convert as UTC, as in GeoPackage),
 * a connect timeout and, unless the connection string sets one, a statement timeout, with a
 * client-side timeout behind it, so no query can hold a thread forever.
 * @module data/postgis/postgis-connection
 */
import { FeatureQueryError } from '../feature-source.js';
import { callPostgresClient } from './postgis-client-thread.js';

/** Where named connections are configured: `QUADRANGLE_POSTGIS_<NAME>=postgresql://…`. */
export const CONNECTION_ENV_PREFIX = 'QUADRANGLE_POSTGIS_';
const CONNECT_TIMEOUT_MS = 10_000;
const STATEMENT_TIMEOUT_S = 300;
/** The helper gives up on a statement the server has not answered by then (a lost network). */
const CLIENT_TIMEOUT_MS = (STATEMENT_TIMEOUT_S + 30) * 1000;
/** Rows fetched per round trip by a cursor. */
export const FETCH_SIZE = 2000;

/** A cell as PostgreSQL's text format gives it. */
export type PgCell = string | null;
export type PgRow = PgCell[];

/** A connection string resolved from a source's `connection`, and how messages name it. */
export interface ResolvedConnection {
  conninfo: string;
  /** Safe to show: a connection's name, or its URL without the password. */
  label: string;
}

const isUrl = (s: string) => /^postgres(?:ql)?:\/\//i.test(s);

/** The URL without its password (or a generic label when it does not parse as a URL). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch { return 'a postgresql:// URL'; }
}

/**
 * Resolves a source's `connection`: a `postgresql://` URL as written in the service
 * definition, or the name of a connection configured in the environment
 * (`QUADRANGLE_POSTGIS_<NAME>`, the name upper-cased), so that credentials can stay out of
 * definitions. Nothing a map client sends reaches this.
 */
export function resolveConnection(connection: string, env: NodeJS.ProcessEnv = process.env): ResolvedConnection {
  if (typeof connection !== 'string' || !connection.trim()) throw new FeatureQueryError('source.connection is required for a PostGIS source');
  const text = connection.trim();
  if (isUrl(text)) return { conninfo: text, label: redact(text) };
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(text)) {
    throw new FeatureQueryError(`source.connection must be a postgresql:// URL or the name of a configured connection (letters, digits, _), got '${text.slice(0, 40)}'`);
  }
  const variable = `${CONNECTION_ENV_PREFIX}${text.toUpperCase()}`;
  const conninfo = env[variable]?.trim();
  if (!conninfo) throw new FeatureQueryError(`PostGIS connection '${text}' is not configured: set ${variable} to a postgresql:// URL`);
  return { conninfo, label: `connection '${text}'` };
}

/** An error PostgreSQL reported for a statement, with its SQLSTATE. */
export class PostgresError extends Error {
  constructor(message: string, readonly sqlState: string | null) { super(message); }

  /**
   * Errors the statement's input caused rather than the database: data exceptions (an invalid
   * cast, a value out of range: class 22) and type mismatches of a where clause (42804, 42883,
   * 42725), which SQLite would have let pass.
   */
  get causedByInput(): boolean {
    return !!this.sqlState && (this.sqlState.startsWith('22') || ['42804', '42883', '42725', '42846'].includes(this.sqlState));
  }
}

/** Text for a bound parameter: parameters travel as text (or SQL NULL), typed by the SQL. */
function paramText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    // PostgreSQL text cannot hold NUL; say so rather than pass on the server's encoding error.
    if (value.includes('\0')) throw new FeatureQueryError('a value contains a NUL character');
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FeatureQueryError(`invalid number ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  // Arrays of numbers (object IDs) as an array literal; nothing else needs quoting inside one.
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return `{${value.map((v) => paramText(v)).join(',')}}`;
  throw new TypeError(`cannot bind a ${typeof value} as a PostgreSQL parameter`);
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

const send = callPostgresClient;

let connectionCount = 0;

/** One PostgreSQL connection, shared by the sources of a thread that use the same connection string. */
export class PgConnection {
  private readonly id = ++connectionCount;
  private users = 1;
  /** Cursors still open; the read-only transaction they live in ends with the last one. */
  private openCursors = 0;
  private cursorCount = 0;
  private broken = false;

  constructor(private readonly conninfo: string, readonly label: string) {
    this.connect();
  }

  private connect(): void {
    const answer = send({ op: 'connect', id: this.id, conninfo: this.conninfo, connectTimeoutMs: CONNECT_TIMEOUT_MS, queryTimeoutMs: CLIENT_TIMEOUT_MS });
    // The client library's message names host and port, never the password.
    if ('error' in answer) throw new FeatureQueryError(`cannot connect to PostgreSQL (${this.label}): ${answer.error.message.slice(0, 200)}`);
    this.broken = false;
    try {
      this.command("SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET application_name = 'quadrangle'");
      const [[timeout]] = this.query('SHOW statement_timeout') as [[string]];
      if (timeout === '0') this.command(`SET statement_timeout = '${STATEMENT_TIMEOUT_S}s'`);
    } catch (e) {
      send({ op: 'end', id: this.id });
      throw e;
    }
  }

  /** Counts one more source using this connection. */
  retain(): void { this.users++; }

  /** Counts one source less; returns true when the connection was closed. */
  release(): boolean {
    if (--this.users > 0) return false;
    send({ op: 'end', id: this.id });
    return true;
  }

  /** Runs a statement; throws PostgresError when it fails. */
  private execute(sql: string, params?: readonly unknown[]): PgRow[] {
    if (this.broken && this.openCursors === 0) { send({ op: 'end', id: this.id }); this.connect(); }
    const answer = send({ op: 'query', id: this.id, sql, params: params?.map(paramText) });
    if (!('error' in answer)) return answer.rows;
    // Reconnect before the next statement once no cursor needs this session any more.
    if (answer.error.connection) this.broken = true;
    throw new PostgresError(answer.error.message, answer.error.sqlState);
  }

  /**
   * Runs `sql` inside a savepoint while cursors are open, so that a failing statement (a
   * where clause that cannot be evaluated) does not abort the transaction other scans read from.
   */
  private guarded<T>(run: () => T): T {
    if (this.openCursors === 0) return run();
    this.execute('SAVEPOINT quadrangle_statement');
    try {
      const out = run();
      this.execute('RELEASE SAVEPOINT quadrangle_statement');
      return out;
    } catch (e) {
      if (!this.broken) this.execute('ROLLBACK TO SAVEPOINT quadrangle_statement');
      throw e;
    }
  }

  /** Runs one statement (or, without parameters, several); cells are in PostgreSQL's text format. */
  query(sql: string, params?: readonly unknown[]): PgRow[] {
    return this.guarded(() => this.execute(sql, params));
  }

  /** Runs statements whose rows are not needed. */
  command(sql: string, params?: readonly unknown[]): void {
    this.guarded(() => this.execute(sql, params));
  }

  /**
   * Streams the rows of `sql` through a server-side cursor, `FETCH_SIZE` at a time, in a
   * read-only transaction shared by the cursors open on this connection. Leaving the loop early
   * (or an error) closes the cursor; the last one commits. Callers iterate with `for…of` or
   * spread, which close the generator; one left half-read without `return()` would keep the
   * transaction open until the connection closes.
   */
  *cursor(sql: string, params: readonly unknown[]): Generator<PgRow, void, undefined> {
    if (this.openCursors === 0) this.command('BEGIN READ ONLY');
    this.openCursors++;
    const name = quoteIdent(`quadrangle_cursor_${++this.cursorCount}`);
    let declared = false;
    try {
      this.command(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
      declared = true;
      for (;;) {
        const rows = this.query(`FETCH FORWARD ${FETCH_SIZE} FROM ${name}`);
        yield* rows;
        if (rows.length < FETCH_SIZE) break;
      }
    } finally {
      try {
        if (declared && !this.broken) this.command(`CLOSE ${name}`);
      } finally {
        if (--this.openCursors === 0 && !this.broken) this.command('COMMIT');
      }
    }
  }
}

/** Open connections of this thread by connection string. */
const shared = new Map<string, PgConnection>();

/** A connection for `resolved`, shared with the other sources of this thread that use it. */
export function openConnection(resolved: ResolvedConnection): PgConnection {
  const existing = shared.get(resolved.conninfo);
  if (existing) { existing.retain(); return existing; }
  const connection = new PgConnection(resolved.conninfo, resolved.label);
  shared.set(resolved.conninfo, connection);
  return connection;
}

/** Gives a connection back; the last user closes it. */
export function releaseConnection(connection: PgConnection): void {
  if (!connection.release()) return;
  for (const [key, c] of shared) if (c === connection) shared.delete(key);
}
