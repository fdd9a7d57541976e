// One-step routing: load, score and — when Tazama is switched off — record the routing in one
// PostgreSQL transaction, as one local activity. An auto-approved lifecycle then costs Temporal one
// workflow task and no activity task (it used to be five workflow tasks and four activities).
// Every write of the step-by-step path still happens: the transaction's status and breakdown, the
// Tazama "switched off" row, the audit events; all idempotent (keyed by reference and event key).
import { applyTazama, tazamaOutcome } from '../risk/tazama';
import { routedStatus, routingEvents, type Assessment } from '../workflows/lifecycle/definitions';
import type { ActivityDeps } from './deps';
import type { createLifecycleActivities } from './lifecycle';
import { writeRouting } from './lifecycle';
import type { createScoringActivities } from './scoring';
import { recordTazamaSwitchedOff, tazamaActive } from './tazama';

export function createRoutingActivities(
  { db, config }: ActivityDeps,
  steps: { lifecycle: ReturnType<typeof createLifecycleActivities>; scoring: ReturnType<typeof createScoringActivities> },
) {
  return {
    async assessTransaction({ workflowId, transactionRef, firstSeq }: { workflowId: string; transactionRef: string; requestId: string | null; firstSeq?: number }): Promise<Assessment> {
      const loaded = await steps.lifecycle.loadTransaction({ transactionRef });
      const score = await steps.scoring.scoreTransaction({ transaction: loaded.transaction, ruleSetVersion: loaded.ruleSetVersion });
      if (tazamaActive(config.tazama)) return { ...loaded, score, routed: null };

      // Tazama is off: the breakdown says so, as it did when the workflow recorded it separately.
      const final = applyTazama(score, tazamaOutcome.disabled(), { alertPoints: loaded.casePolicy.tazamaAlertPoints ?? config.tazama.alertPoints, blockMinLevel: 'high' });
      const status = routedStatus(final.level);
      const events = routingEvents(final, new Date().toISOString(), firstSeq);
      await db.transaction(async (trx) => {
        await recordTazamaSwitchedOff(trx, transactionRef);
        await writeRouting(trx, { workflowId, transactionRef, score: final, status, events });
      });
      return { ...loaded, score: final, routed: { status, events } };
    },
  };
}
