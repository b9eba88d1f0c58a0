/**
 * A problem with the PostgreSQL database that stops Quadrangle from starting or a command from
 * running: the server cannot be reached, or its schema is newer than this node knows. The message
 * is meant for the person starting Quadrangle, who sees it without a stack trace.
 * @module db/database-error
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}

/** SQLSTATEs that mean the database, not the request, is the problem (PostgreSQL appendix A). */
const UNAVAILABLE_STATES = /^(08|57P0[1-3]|53|3D000|55000)/;
/** Socket errors of a lost connection. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an error says the database cannot be reached or cannot take work now (connection
 * refused or dropped, server shutting down, too many connections, database gone or closed to
 * connections), so the request may succeed later: answered with 503 rather than 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseError) return true;
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_STATES.test(code)) return true;
  return typeof e.message === 'string' && /^Connection terminated|timeout exceeded when trying to connect/.test(e.message);
}
