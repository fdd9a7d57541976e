// Progressive lockout per username, kept in PostgreSQL (login_failures) so that every API process
// sees the same count. After `threshold` failures in a row the username is locked for baseMs; each
// further failure doubles that, up to maxMs. While locked, no password is even checked. A success
// forgets the failures. Unknown usernames are counted the same way, so a lockout says nothing
// about whether a user exists.
import type { Knex } from 'knex';

export interface LockoutPolicy {
  threshold: number;
  baseMs: number;
  maxMs: number;
}

interface FailureRow {
  username: string;
  failures: number;
  last_failure_at: Date;
  locked_until: Date | null;
}

/** How long the lockout after the n-th failure in a row lasts (0: not locked yet). */
export function lockoutMs(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.baseMs * 2 ** doublings, policy.maxMs);
}

/** The time until which `username` is locked, or null when it may try now. */
export async function lockedUntil(db: Knex, username: string, now = new Date()): Promise<Date | null> {
  const row = await db<FailureRow>('login_failures').where({ username }).first();
  if (!row?.locked_until) return null;
  const until = new Date(row.locked_until);
  return until > now ? until : null;
}

/**
 * Counts one more failure (atomically, whatever the number of API processes) and returns the
 * count and the lockout it starts, if any. Failures older than the longest lockout are forgotten
 * first, so a user who mistypes now and then is never locked for long.
 */
export async function recordFailure(db: Knex, username: string, policy: LockoutPolicy, now = new Date()): Promise<{ failures: number; lockedUntil: Date | null }> {
  const forgetBefore = new Date(now.getTime() - Math.max(policy.maxMs, 3_600_000));
  const { rows } = await db.raw<{ rows: { failures: number }[] }>(
    `insert into login_failures (username, failures, last_failure_at) values (?, 1, ?)
     on conflict (username) do update
       set failures = case when login_failures.last_failure_at < ? then 1 else login_failures.failures + 1 end,
           last_failure_at = excluded.last_failure_at
     returning failures`,
    [username, now, forgetBefore],
  );
  const failures = rows[0]!.failures;
  const ms = lockoutMs(failures, policy);
  const until = ms > 0 ? new Date(now.getTime() + ms) : null;
  if (until) await db('login_failures').where({ username }).update({ locked_until: until });
  return { failures, lockedUntil: until };
}

export async function clearFailures(db: Knex, username: string): Promise<void> {
  await db('login_failures').where({ username }).delete();
}
