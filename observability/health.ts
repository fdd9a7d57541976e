// Readiness checks shared by the processes: each dependency answers within a deadline, or the
// process is not ready and the answer names which one failed. Liveness (/healthz) checks nothing:
// a process that answers HTTP is alive, and restarting it would not bring a database back.
import type { ConnectionLike } from '@temporalio/client';
import type { Knex } from 'knex';

export type CheckResult = { ok: true } | { ok: false; error: string };

export interface Readiness {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

/** A check resolves when its dependency is usable and throws (with a one-line reason) when not. */
export type Check = () => Promise<unknown>;

export const DEFAULT_CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** `select 1` on the pool, within the deadline. */
export function databaseCheck(db: Knex, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Check {
  return () => withTimeout(db.raw('select 1'), timeoutMs, 'PostgreSQL');
}

/** The frontend's GetSystemInfo, within the deadline. */
export function temporalCheck(connection: ConnectionLike, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Check {
  return () => connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}

export async function checkReadiness(checks: Record<string, Check>): Promise<Readiness> {
  const names = Object.keys(checks);
  const results = await Promise.all(
    names.map(async (name): Promise<CheckResult> => {
      try {
        await checks[name]!();
        return { ok: true };
      } catch (err) {
        return { ok: false, error: String((err as Error)?.message ?? err).split('\n')[0]! };
      }
    }),
  );
  const out: Record<string, CheckResult> = {};
  names.forEach((name, i) => (out[name] = results[i]!));
  return { ready: results.every((r) => r.ok), checks: out };
}

/** The JSON answer of /readyz: 200 ready, or 503 naming each dependency that failed and why. */
export function readinessBody(readiness: Readiness): { status: 200 | 503; body: Record<string, unknown> } {
  if (readiness.ready) return { status: 200, body: { status: 'ready', checks: readiness.checks } };
  const failing = Object.entries(readiness.checks).flatMap(([name, c]) => (c.ok ? [] : [`${name}: ${c.error}`]));
  return { status: 503, body: { status: 'unavailable', message: `not ready: ${failing.join('; ')}`, checks: readiness.checks } };
}
