/**
 * The single error type of the where-clause engine.
 * @module data/where/where-clause-error
 */

const MAX_ECHO = 64;

/**
 * Raised for any where clause outside the supported grammar. The message is meant to be shown to
 * API clients as-is, so it only ever quotes short, sanitised fragments of the input (see
 * {@link WhereClauseError.quote}) and otherwise refers to positions.
 */
export class WhereClauseError extends Error {
  constructor(detail: string) {
    super(`Invalid where clause: ${detail}`);
    this.name = 'WhereClauseError';
  }

  /** Quotes user text for a message: control characters replaced, truncated to 64 characters. */
  static quote(text: string): string {
    const clean = text.replace(/[\p{Cc}\p{Cf}]/gu, '?');
    const chars = [...clean];
    return `'${chars.length > MAX_ECHO ? `${chars.slice(0, MAX_ECHO).join('')}…` : clean}'`;
  }

  /** The error both compilers raise when the feature source does not know a field. */
  static unknownField(name: string): WhereClauseError {
    return new WhereClauseError(`unknown field ${WhereClauseError.quote(name)}`);
  }
}
