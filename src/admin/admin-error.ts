/**
 * Errors of administrative operations, worded as admin.md writes them (`Service 'x' does not
 * exist.`) and carrying the code the Administrator API answers with.
 * @module admin/admin-error
 */

export class AdminError extends Error {
  constructor(readonly code: 400 | 404 | 405 | 413 | 500, message: string, readonly details: string[] = []) {
    super(message);
  }
}
