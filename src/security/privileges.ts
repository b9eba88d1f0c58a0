/**
 * The three privileges of admin.md §16 and who a request comes from. A role holds one
 * privilege; a user's privilege is the highest among their roles, ACCESS when they have none.
 * @module security/privileges
 */

export type Privilege = 'ACCESS' | 'PUBLISH' | 'ADMINISTER';

/** Highest first. */
export const PRIVILEGES: readonly Privilege[] = ['ADMINISTER', 'PUBLISH', 'ACCESS'];

const RANK: Record<Privilege, number> = { ACCESS: 0, PUBLISH: 1, ADMINISTER: 2 };

/** The highest of `privileges`; ACCESS for none. */
export function highestPrivilege(privileges: Iterable<Privilege>): Privilege {
  let best: Privilege = 'ACCESS';
  for (const p of privileges) if (RANK[p] > RANK[best]) best = p;
  return best;
}

/** Whether `held` includes what `needed` allows (ADMINISTER ⊃ PUBLISH ⊃ ACCESS). */
export function hasPrivilege(held: Privilege, needed: Privilege): boolean {
  return RANK[held] >= RANK[needed];
}

export function isPrivilege(value: string): value is Privilege {
  return (PRIVILEGES as readonly string[]).includes(value);
}

/** The user a valid token speaks for. Anonymous requests have no Caller (null). */
export interface Caller {
  username: string;
  privilege: Privilege;
  roles: string[];
}
