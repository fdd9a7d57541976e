// How an activity's failure reads on the timeline and in needs_attention.
import { ActivityFailure, ApplicationFailure, type TemporalFailure } from '@temporalio/workflow';

/** The reason a person reads: the activity's own message rather than "activity task failed". */
export function failureText(err: unknown): string {
  return err instanceof ActivityFailure && err.cause ? err.cause.message : err instanceof Error ? err.message : String(err);
}

/** Why the activity failed for good, as its failure type (invalid_data, not_found, ...). */
export function failureTypeOf(err: TemporalFailure): string {
  const failure = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return failure instanceof ApplicationFailure ? (failure.type ?? 'ApplicationFailure') : failure.name;
}
