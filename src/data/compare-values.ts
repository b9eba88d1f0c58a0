/**
 * Attribute value ordering shared by in-memory sorting.
 * @module data/compare-values
 */

/** SQL ordering: NULLs first ascending, numbers numerically, strings by code point. */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a), sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
