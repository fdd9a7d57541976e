// Activities of the transaction lifecycle: every write is idempotent, keyed by workflow id and the
// event's sequence number, so a retried activity or a replayed workflow never writes twice.
import { ApplicationFailure } from '@temporalio/activity';
import type { Knex } from 'knex';
import type { ScoreBreakdown, Transaction } from '../risk/types';
import type { AttentionStep, CaseEventView, CasePolicy, CaseView, TransactionStatus } from '../workflows/lifecycle/definitions';
import { MAX_ESCALATION_LEVEL } from '../workflows/lifecycle/definitions';
import { createRuleSetStore } from '../admin/ruleSets';
import type { ActivityDeps } from './deps';
import { toTransaction, type TransactionRow } from '../db/transactionRows';

export interface CaseNotification {
  kind: string;
  recipientRole: string;
  subject: string;
  body: string;
}

function eventRow(args: { workflowId: string; transactionRef: string; caseId: number | null; event: CaseEventView }) {
  const { event } = args;
  return {
    event_key: `${args.workflowId}:${event.seq}`,
    transaction_ref: args.transactionRef,
    case_id: args.caseId,
    event_type: event.type,
    actor: event.actor,
    actor_role: event.actorRole,
    note: event.note,
    payload: JSON.stringify(event.details ?? {}),
    occurred_at: event.at,
  };
}

async function insertEvent(
  trx: Knex,
  args: { workflowId: string; transactionRef: string; caseId: number | null; event: CaseEventView },
): Promise<void> {
  await trx('case_events').insert(eventRow(args)).onConflict('event_key').ignore();
}

export interface RoutingRecord {
  workflowId: string;
  transactionRef: string;
  score: ScoreBreakdown;
  status: TransactionStatus;
  events: CaseEventView[];
}

/** The routing decision: the transaction's status and score breakdown, and its audit events. */
export async function writeRouting(trx: Knex, args: RoutingRecord): Promise<void> {
  const closed = args.status === 'approved' || args.status === 'blocked';
  await trx('transactions')
    .where({ transaction_ref: args.transactionRef })
    .update({
      status: args.status,
      risk_score: args.score.score.toFixed(4),
      risk_level: args.score.level,
      score_breakdown: JSON.stringify(args.score),
      model_version: args.score.modelVersion,
      rule_set_version: args.score.ruleSetVersion ?? null,
      scored_at: args.events[0]?.at ?? trx.fn.now(),
      closed_at: closed ? args.events[args.events.length - 1]!.at : null,
    });
  // one statement for all events: fewer round trips inside the transaction
  if (args.events.length > 0) {
    await trx('case_events')
      .insert(args.events.map((event) => eventRow({ ...args, caseId: null, event })))
      .onConflict('event_key')
      .ignore();
  }
}

/** A failure's text may quote what could not be stored (a NUL): kept escaped, so it can be. */
const escapeControl = (text: string) => text.replace(/[^\P{Cc}\t\n\r]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function createLifecycleActivities({ db, config }: ActivityDeps) {
  const ruleSets = createRuleSetStore(db, config);
  return {
    /**
     * The transaction, and the live rule set resolved once for the whole lifecycle: its version goes
     * into the history here, so scoring, SLAs and Tazama's weight use that version from start to
     * end, and a replay sees the same one whatever is live by then.
     */
    async loadTransaction({ transactionRef }: { transactionRef: string }): Promise<{ transaction: Transaction; casePolicy: CasePolicy; ruleSetVersion: number }> {
      const row = await db<TransactionRow>('transactions').where({ transaction_ref: transactionRef }).first();
      if (!row) {
        throw ApplicationFailure.create({ type: 'not_found', message: `transaction ${transactionRef} is not in the transactions table`, nonRetryable: true });
      }
      const ruleSet = await ruleSets.live();
      const { sla, tazama } = ruleSet.content;
      return {
        transaction: toTransaction(row),
        casePolicy: {
          slaMs: { medium: sla.mediumMs, high: sla.highMs, escalated: sla.escalatedMs },
          maxEscalationLevel: MAX_ESCALATION_LEVEL,
          tazamaTimeoutMs: config.tazama.timeoutMs,
          tazamaAlertPoints: tazama.alertPoints,
        },
        ruleSetVersion: ruleSet.version,
      };
    },

    async recordRouting(args: {
      workflowId: string;
      transactionRef: string;
      score: ScoreBreakdown;
      status: TransactionStatus;
      events: CaseEventView[];
      requestId: string | null;
    }): Promise<void> {
      await db.transaction((trx) => writeRouting(trx, args));
    },

    async openCase(args: {
      workflowId: string;
      transactionRef: string;
      riskLevel: 'medium' | 'high';
      requiredRole: string;
      slaDueAt: string;
      event: CaseEventView;
    }): Promise<{ caseId: number }> {
      return db.transaction(async (trx) => {
        // One case per transaction, whatever happens: the unique key makes a retry find the first.
        const inserted = await trx('analyst_cases')
          .insert({
            transaction_ref: args.transactionRef,
            workflow_id: args.workflowId,
            risk_level: args.riskLevel,
            status: 'assigned',
            required_role: args.requiredRole,
            sla_due_at: args.slaDueAt,
            opened_at: args.event.at,
            updated_at: args.event.at,
          })
          .onConflict('transaction_ref')
          .ignore()
          .returning<{ id: number }[]>('id');
        const caseId = inserted[0]?.id ?? (await trx('analyst_cases').where({ transaction_ref: args.transactionRef }).first<{ id: number }>('id'))!.id;
        await insertEvent(trx, { ...args, caseId, event: args.event });
        return { caseId };
      });
    },

    /** Writes the case snapshot, the transaction status, the audit event and any notification at once. */
    async recordCaseChange(args: {
      workflowId: string;
      transactionRef: string;
      caseView: CaseView;
      transactionStatus: TransactionStatus;
      event: CaseEventView;
      notify?: CaseNotification;
    }): Promise<void> {
      const c = args.caseView;
      await db.transaction(async (trx) => {
        await trx('analyst_cases').where({ id: c.caseId }).update({
          status: c.status,
          required_role: c.requiredRole,
          escalation_level: c.escalationLevel,
          escalated_by: c.escalatedBy,
          sla_due_at: c.slaDueAt,
          decision: c.decision,
          decided_by: c.decidedBy,
          decided_at: c.decidedAt,
          decision_note: c.decisionNote,
          updated_at: args.event.at,
        });
        const closed = args.transactionStatus === 'approved' || args.transactionStatus === 'blocked';
        await trx('transactions')
          .where({ transaction_ref: args.transactionRef })
          .update({ status: args.transactionStatus, closed_at: closed ? args.event.at : null });
        await insertEvent(trx, { ...args, caseId: c.caseId, event: args.event });
        if (args.notify) {
          await trx('notifications')
            .insert({
              notification_key: `${args.workflowId}:${args.event.seq}:${args.notify.kind}`,
              kind: args.notify.kind,
              recipient_role: args.notify.recipientRole,
              subject: args.notify.subject,
              body: args.notify.body,
              transaction_ref: args.transactionRef,
              payload: JSON.stringify({ caseId: c.caseId, escalationLevel: c.escalationLevel }),
              created_at: args.event.at,
            })
            .onConflict('notification_key')
            .ignore();
        }
        if (c.decision === 'block') {
          // A blocked transaction is confirmed fraud: it becomes an operational risk event.
          await trx('risk_events')
            .insert({
              event_key: `fraud:${args.transactionRef}`,
              category: 'fraud',
              severity: c.riskLevel,
              title: `Transaction ${args.transactionRef} blocked as fraud`,
              description: `Blocked by ${c.decidedBy}: ${c.decisionNote ?? ''}`.trim(),
              transaction_ref: args.transactionRef,
              details: JSON.stringify({ caseId: c.caseId, decidedAt: c.decidedAt }),
              created_at: args.event.at,
              updated_at: args.event.at,
            })
            .onConflict('event_key')
            .ignore();
        }
      });
    },

    async appendCaseEvent(args: { workflowId: string; transactionRef: string; caseId: number | null; event: CaseEventView }): Promise<void> {
      await insertEvent(db, args);
    },

    /**
     * A step failed for good: the transaction is shown as needs_attention with the step and the
     * reason, and the audit trail records it. Idempotent (the event key; the same values again).
     */
    async recordNeedsAttention(args: { workflowId: string; transactionRef: string; caseId: number | null; step: AttentionStep; reason: string; event: CaseEventView }): Promise<void> {
      const reason = escapeControl(args.reason);
      await db.transaction(async (trx) => {
        await trx('transactions')
          .where({ transaction_ref: args.transactionRef })
          .update({ status: 'needs_attention', attention_step: args.step, attention_reason: reason, attention_since: args.event.at });
        await insertEvent(trx, { ...args, event: { ...args.event, note: args.event.note === null ? null : escapeControl(args.event.note) } });
      });
    },

    /**
     * An operator resolved it: a retry puts the status from before back (the step runs again); a
     * close ends the transaction as closed_by_operator. The operator's step goes into the audit trail.
     */
    async recordAttentionResolved(args: { workflowId: string; transactionRef: string; caseId: number | null; status: TransactionStatus; event: CaseEventView }): Promise<void> {
      const closed = args.status === 'closed_by_operator';
      await db.transaction(async (trx) => {
        await trx('transactions')
          .where({ transaction_ref: args.transactionRef })
          .update(
            closed
              ? { status: args.status, closed_at: args.event.at }
              : { status: args.status, attention_step: null, attention_reason: null, attention_since: null },
          );
        await insertEvent(trx, { ...args, event: args.event });
      });
    },
  };
}
