/**
 * The requests and answers between a thread's synchronous PostgreSQL connections
 * (postgis-connection.ts) and their helper thread (postgis-client-worker.ts). Plain data: it
 * crosses threads by structured clone.
 * @module data/postgis/postgis-client-protocol
 */

export type ClientRequest =
  /** Opens client `id`. */
  | { op: 'connect'; id: number; conninfo: string; connectTimeoutMs: number; queryTimeoutMs: number }
  /** Runs `sql` on client `id`; without `params`, `sql` may hold several statements. */
  | { op: 'query'; id: number; sql: string; params?: (string | null)[] }
  | { op: 'end'; id: number };

export interface ClientError {
  /** The server's (or the client library's) message, first line. */
  message: string;
  /** PostgreSQL's SQLSTATE; null when the failure was not the server's answer. */
  sqlState: string | null;
  /** The connection itself failed (refused, lost, timed out). */
  connection: boolean;
}

/** Rows of text cells (SQL NULL as null), or the error. */
export type ClientResponse = { rows: (string | null)[][] } | { error: ClientError };
