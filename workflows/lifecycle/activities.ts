// The lifecycle's activities, as types only, each group with its timeouts and the reason for its
// retry policy. Creating a proxy adds nothing to the history; the modules of the lifecycle share these.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { KingaActivities } from '../../activities';

// Database writes ride out a PostgreSQL restart or outage with back-off, about 25 minutes in all
// (30 attempts, at most a minute apart); past that, or at once for data the database refuses,
// the step fails for good and the transaction waits in needs_attention for an operator.
export const db = proxyActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30, nonRetryableErrorTypes: ['not_found', 'invalid'] },
});

// Scoring is pure and fast apart from a few reads, so it runs as a local activity (bounded alike).
export const scoring = proxyLocalActivities<KingaActivities>({
  startToCloseTimeout: '20 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 40 },
});

// Recording needs_attention (and an operator's retry or close) is the last resort of a failed step:
// it retries for a day; PostgreSQL down that long fails the run, visibly, in Temporal Web.
export const attentionRecorder = proxyActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

// Load, score and (Tazama off) record the routing: a few reads and one PostgreSQL transaction,
// idempotent, so it runs as a local activity in the lifecycle's first workflow task. Retried like
// the database writes (bounded alike; then needs_attention): an accepted transaction is never dropped.
export const routing = proxyLocalActivities<KingaActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 30, nonRetryableErrorTypes: ['not_found', 'invalid'] },
});

// Tazama: a bounded wait. If it is down, the transaction is decided on Kinga's own score.
export const tazamaSubmitter = (budgetMs: number) =>
  proxyActivities<KingaActivities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: budgetMs,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', nonRetryableErrorTypes: ['tazama_rejected', 'tazama_invalid_result'] },
  });
export const tazamaPoll = proxyActivities<KingaActivities>({ startToCloseTimeout: '20 seconds', retry: { maximumAttempts: 1 } });

// Ballerine mirrors the case for the analysts' case tool. It never holds up a Kinga decision, but
// the workflow waits (up to an hour of retries) for it to hear the outcome before it ends.
export const ballerine = proxyActivities<KingaActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '1 hour',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes: ['ballerine_rejected', 'ballerine_conflict', 'ballerine_not_configured', 'not_found', 'invalid'],
  },
});
