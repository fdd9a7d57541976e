import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';

export type CheckResult = { ok: true } | { ok: false; error: string };

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; temporal: CheckResult };
}

const DEFAULT_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function check(fn: () => Promise<unknown>): Promise<CheckResult> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.split('\n')[0]! };
  }
}

/** Ready when PostgreSQL answers `select 1` and Temporal answers GetSystemInfo, each within the deadline. */
export async function readiness(db: Knex, temporal: Client, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Readiness> {
  const [database, temporalCheck] = await Promise.all([
    check(() => withTimeout(db.raw('select 1'), timeoutMs, 'PostgreSQL')),
    check(() =>
      temporal.connection.withDeadline(Date.now() + timeoutMs, () => temporal.workflowService.getSystemInfo({})),
    ),
  ]);
  return { ready: database.ok && temporalCheck.ok, checks: { database, temporal: temporalCheck } };
}
