// Portfolio risk, run by a Temporal Schedule: compute the credit, liquidity and market metrics,
// record them, and for each breach record a risk event, raise or update its CISO Assistant risk
// scenario and notify management; for each earlier breach that is over, say so in its scenario
// and close it (CISO_CLOSE_ON_RECOVERY).
//
// Failure handling, on purpose:
// - database steps retry until PostgreSQL answers (bounded, then the run fails and the next
//   scheduled run starts over; every write is idempotent);
// - CISO Assistant calls retry 5xx and network errors with back-off and stop on a 4xx; if the
//   register stays unreachable the breach is still recorded and notified, with the reason, and the
//   next run (which upserts every current breach, and retries a recovery it could not write)
//   brings the register up to date;
// - notifications are delivered by a child workflow per breach, started with parent-close policy
//   ABANDON and not awaited: each channel is its own activity with its own retries and back-off,
//   a failing channel never delays the others, this run, or the next scheduled one.
import { log, ParentClosePolicy, patched, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { CisoActivities, CisoSetup, ScenarioRecovery, ScenarioResult } from '../../activities/ciso/activities';
import type { NotificationActivities } from '../../activities/notifications/activities';
import type { PortfolioActivities } from '../../activities/portfolio/activities';
import type { MetricStatus } from '../../risk/portfolio/types';
import {
  breachNotificationWorkflowId,
  type BreachNotificationInput,
  type BreachNotificationResult,
  type BreachOutcome,
  type PortfolioRiskInput,
  type PortfolioRiskSummary,
  type RecoveryOutcome,
} from './definitions';

const compute = proxyActivities<PortfolioActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

const store = proxyActivities<PortfolioActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

// One activity covers several HTTP calls (each bounded by CISO_REQUEST_TIMEOUT); a 4xx is final.
const ciso = proxyActivities<CisoActivities>({
  startToCloseTimeout: '3 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: ['ciso_rejected'] },
});

function reason(err: unknown): string {
  // an ActivityFailure wraps the activity's ApplicationFailure: the cause says what happened
  const e = err as { message?: string; cause?: { message?: string } };
  return e.cause?.message ?? e.message ?? String(err);
}

/** CISO Assistant did not answer (network, 5xx) rather than refuse: worth another try next run. */
function unavailable(err: unknown): boolean {
  return (err as { cause?: { type?: string } }).cause?.type === 'ciso_unavailable';
}

export async function portfolioRisk(input: PortfolioRiskInput = {}): Promise<PortfolioRiskSummary> {
  const info = workflowInfo();
  const runId = `${info.workflowId}/${info.runId}`;
  const asOf = input.asOf ?? new Date().toISOString();

  const computed = await compute.computePortfolioMetrics({ asOf });
  const { breaches } = await store.recordPortfolioMetrics({ runId, asOf, metrics: computed.metrics });
  const statuses: Record<MetricStatus, number> = { OK: 0, WARNING: 0, CRITICAL: 0 };
  for (const m of computed.metrics) statuses[m.status] += 1;
  const summary: PortfolioRiskSummary = { runId, asOf, asOfDate: computed.asOfDate, metrics: computed.metrics.length, statuses, breaches: [], recoveries: [], notes: computed.notes };
  // Runs recorded before recoveries were tracked had no such step; they replay without it.
  const recovered = patched('ciso-recovery') ? await store.findRecoveredBreaches({ asOf, metrics: computed.metrics }) : [];
  if (breaches.length === 0 && recovered.length === 0) return summary;

  const events = await Promise.all(breaches.map((b) => store.recordPortfolioRiskEvent({ runId, asOf, metricId: b.metricId, breach: b.metric })));

  let setup: CisoSetup;
  let setupUnavailable = false;
  try {
    setup = await ciso.ensureCisoRiskAssessment();
  } catch (err) {
    setup = { enabled: false, reason: `CISO Assistant set-up failed: ${reason(err)}` };
    setupUnavailable = unavailable(err);
    log.warn('CISO Assistant unavailable; breaches are recorded and notified without it', { reason: setup.reason });
  }

  summary.breaches = await Promise.all(
    breaches.map(async (b, i): Promise<BreachOutcome> => {
      const event = events[i]!;
      let scenario: ScenarioResult | null = null;
      let cisoNote: string | null = setup.enabled ? null : setup.reason;
      if (setup.enabled) {
        try {
          scenario = await ciso.upsertCisoRiskScenario({ register: setup.register, breach: b.metric, eventKey: event.eventKey, asOf });
        } catch (err) {
          cisoNote = `CISO Assistant risk scenario failed: ${reason(err)}`;
          log.warn('risk scenario not raised', { eventKey: event.eventKey, reason: cisoNote });
        }
      }
      const raised = await store.raisePortfolioNotification({ eventKey: event.eventKey, breach: b.metric, asOf, scenario, cisoNote });
      const pending = raised.notifications.filter((n) => !n.delivered && n.channel !== null).map((n) => n.notificationKey);
      let notificationWorkflowId: string | null = null;
      if (pending.length) {
        const workflowId = breachNotificationWorkflowId(event.eventKey, b.metric.status);
        try {
          await startChild(breachNotification, {
            workflowId,
            args: [{ notificationKeys: pending, policy: raised.policy }],
            parentClosePolicy: ParentClosePolicy.ABANDON,
          });
          notificationWorkflowId = workflowId;
        } catch (err) {
          // still delivering since an earlier run: that workflow has these rows in hand
          if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
        }
      }
      return {
        model: b.metric.model,
        metric: b.metric.metric,
        scope: b.metric.scope,
        value: b.metric.value,
        threshold: b.metric.threshold,
        status: b.metric.status,
        eventKey: event.eventKey,
        eventCreated: event.created,
        scenarioId: scenario?.scenarioId ?? null,
        scenarioCreated: scenario?.created ?? null,
        cisoNote,
        notificationsPending: pending.length,
        notificationWorkflowId,
      };
    }),
  );

  summary.recoveries = await Promise.all(
    recovered.map(async (r): Promise<RecoveryOutcome> => {
      let scenario: ScenarioRecovery | null = null;
      let cisoNote: string | null = setup.enabled ? null : setup.reason;
      let cisoRetry = !setup.enabled && setupUnavailable;
      if (setup.enabled) {
        try {
          scenario = await ciso.recordCisoScenarioRecovery({ register: setup.register, metric: r.metric, asOf });
          if (!scenario) cisoNote = 'no CISO Assistant risk scenario was raised for this breach';
        } catch (err) {
          cisoNote = `CISO Assistant risk scenario not updated: ${reason(err)}`;
          cisoRetry = unavailable(err);
          log.warn('recovery not written to the risk scenario', { eventKey: r.eventKey, reason: cisoNote });
        }
      }
      await store.recordBreachRecovery({ eventKey: r.eventKey, runId, asOf, metric: r.metric, scenario, cisoNote, cisoRetry });
      return {
        model: r.metric.model,
        metric: r.metric.metric,
        scope: r.metric.scope,
        value: r.metric.value,
        threshold: r.metric.threshold,
        eventKey: r.eventKey,
        scenarioId: scenario?.scenarioId ?? null,
        treatment: scenario?.treatment ?? null,
        closed: scenario?.closed ?? false,
        keptOpen: scenario?.keptOpen ?? null,
        cisoNote,
      };
    }),
  );
  return summary;
}

/**
 * Delivers one breach's notification rows, one activity per channel, at the same time. A channel
 * that keeps failing is retried with back-off up to the configured attempts and then left
 * undelivered (its row keeps the last error); the others are not held up by it.
 */
export async function breachNotification(input: BreachNotificationInput): Promise<BreachNotificationResult> {
  const { deliverNotification } = proxyActivities<NotificationActivities>({
    startToCloseTimeout: input.policy.attemptTimeoutMs,
    retry: {
      initialInterval: input.policy.initialIntervalMs,
      backoffCoefficient: 2,
      maximumInterval: input.policy.maximumIntervalMs,
      maximumAttempts: input.policy.maxAttempts,
      nonRetryableErrorTypes: ['notification_rejected', 'notification_missing'],
    },
  });
  const results = await Promise.allSettled(input.notificationKeys.map((notificationKey) => deliverNotification({ notificationKey })));
  const out: BreachNotificationResult = { delivered: [], failed: [] };
  results.forEach((r, i) => {
    const notificationKey = input.notificationKeys[i]!;
    if (r.status === 'fulfilled') out.delivered.push(notificationKey);
    else out.failed.push({ notificationKey, error: reason(r.reason) });
  });
  if (out.failed.length) log.warn('notifications left undelivered', { failed: out.failed.length });
  return out;
}
