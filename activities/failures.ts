// How an activity's failure is retried. A PostgreSQL *data* error (SQLSTATE class 22: a value the
// database cannot take, e.g. NUL in text, a date out of range) or an integrity error (class 23,
// except 23505, the unique violation that idempotent writes may meet when a retry races its own
// first attempt) fails the same way on every attempt: retrying it for ever wedges the workflow.
// Such failures, and validation failures (zod), become non-retryable ApplicationFailures that
// carry the reason; connection and availability errors (db/availability.ts) stay retryable, typed
// database_unavailable, and are retried with back-off up to the workflow's bounded retry policy,
// after which the lifecycle puts the transaction in needs_attention for an operator.
import { ApplicationFailure } from '@temporalio/activity';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../db/availability';

export const INVALID_DATA = 'invalid_data';
export const DATABASE_UNAVAILABLE = 'database_unavailable';

interface PgError {
  code?: unknown;
  message?: unknown;
  column?: unknown;
  table?: unknown;
  constraint?: unknown;
}

function sqlState(err: unknown): string | null {
  const code = (err as PgError | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/** The failure to throw instead of `err`, or null to let Temporal retry it as it is (bounded by the caller's policy). */
export function classifyActivityFailure(err: unknown): ApplicationFailure | null {
  if (err instanceof ApplicationFailure) return null; // already decided by the activity
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return ApplicationFailure.nonRetryable(`invalid input: ${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : err.message}`, INVALID_DATA);
  }
  if (isDatabaseUnavailable(err)) {
    // retryable: it passes by itself; the type says so in Temporal Web and in needs_attention
    const message = String((err as Error)?.message ?? err).split('\n')[0];
    return ApplicationFailure.retryable(`PostgreSQL is not answering: ${message}`, DATABASE_UNAVAILABLE);
  }
  const state = sqlState(err);
  if (state && (state.startsWith('22') || (state.startsWith('23') && state !== '23505'))) {
    const e = err as PgError;
    const where = [e.table, e.column, e.constraint].filter((v) => typeof v === 'string' && v).join('.');
    const message = String(e.message ?? 'data error').split('\n')[0];
    return ApplicationFailure.nonRetryable(`PostgreSQL refused the data (SQLSTATE ${state}${where ? `, ${where}` : ''}): ${message}`, INVALID_DATA, { sqlState: state });
  }
  return null;
}

/** The same activities, each failing non-retryably on data and validation errors (above). */
export function withFailureClassification<T extends Record<string, unknown>>(activities: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (typeof fn !== 'function') {
      out[name] = fn;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        throw classifyActivityFailure(err) ?? err;
      }
    };
  }
  return out as T;
}
