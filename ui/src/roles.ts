// Who may decide a case, as the UI shows it: analyst < senior analyst; compliance and admin read
// cases but never decide them. The one copy for every view (the server's check has the last word).
import type { Role } from './api/types';

export const DECIDING_RANK: Readonly<Record<Role, number>> = { analyst: 1, senior_analyst: 2, compliance: 0, admin: 0 };

/** The role decides cases at all. */
export function decidesCases(role: Role | null | undefined): boolean {
  return !!role && DECIDING_RANK[role] > 0;
}

/** The role is senior enough for a case that needs `required`. */
export function meetsRole(role: Role | null | undefined, required: Role): boolean {
  return decidesCases(role) && DECIDING_RANK[role!] >= DECIDING_RANK[required];
}
