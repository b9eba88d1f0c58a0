/**
 * A problem with the PostgreSQL database that stops Quadrangle from starting or a command from
 * running: the server cannot be reached, or its schema is newer than this node knows. The message
 * is meant for the person starting Quadrangle, who sees it without a stack trace.
 * @module db/database-error
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}
