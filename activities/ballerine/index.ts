// Ballerine activities: a medium/high case becomes a Ballerine workflow run, and each decision on
// the case is sent to that run as an event. Both are idempotent: a retried activity or a replayed
// workflow finds the run it opened and treats an event the run already took as done.
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { BallerineConfig } from '../../config/ballerine';
import type { Db } from '../../db/connection';
import type { ScoreBreakdown, TazamaBreakdown, Transaction } from '../../risk/types';
import type { Decision } from '../../workflows/lifecycle/definitions';
import { BallerineError, createBallerineClient, type BallerineClient, type WorkflowRuntime } from './client';
import { DECISION_EVENTS, DECISION_STATES, FINAL_STATES, kingaReviewDefinition } from './definition';

export { BallerineError, createBallerineClient } from './client';
export type { BallerineClient, RunRequest, RunResult, WorkflowRuntime } from './client';
export { DECISION_EVENTS, DECISION_STATES, kingaReviewDefinition } from './definition';

export interface BallerineActivityDeps {
  db: Db;
  logger: Logger;
  ballerine: BallerineConfig;
  /** for tests; the global fetch otherwise */
  fetch?: typeof fetch;
}

export interface OpenBallerineCaseInput {
  caseId: number;
  transactionRef: string;
  transaction: Transaction;
  score: ScoreBreakdown;
  /** Tazama's evaluation; defaults to the one in the score breakdown */
  tazama?: TazamaBreakdown | null;
}

export type OpenBallerineCaseResult = { enabled: false } | { enabled: true; workflowRuntimeId: string };

export interface SendBallerineDecisionInput {
  caseId: number;
  transactionRef: string;
  workflowRuntimeId: string;
  decision: Decision;
  /** who decided: a Kinga username, or system:sla for an SLA escalation */
  actor: string;
  note?: string | null;
}

/**
 * The entity id (Ballerine's correlation id) of a transaction's case. Derived from the transaction
 * ref alone, so a retried /run names the same entity, whose active run Ballerine then updates
 * instead of opening a second one (the definition allows one active run per entity).
 */
export function ballerineCorrelationId(transactionRef: string): string {
  return `kinga-txn-${transactionRef}`;
}

/** Activity failures: 5xx, timeouts and network errors retry with back-off; any other answer does not. */
export function ballerineFailure(err: unknown): unknown {
  if (!(err instanceof BallerineError)) return err;
  return ApplicationFailure.create({
    type: err.retryable ? 'ballerine_unavailable' : 'ballerine_rejected',
    message: err.message,
    nonRetryable: !err.retryable,
    details: [{ status: err.status }],
  });
}

function clientFor(config: BallerineConfig, fetchImpl: typeof fetch | undefined): BallerineClient {
  if (!config.url || !config.apiKey) {
    throw ApplicationFailure.create({
      type: 'ballerine_not_configured',
      message: 'Ballerine is enabled but BALLERINE_URL / BALLERINE_API_KEY are not set (and no stand-in was started)',
      nonRetryable: true,
    });
  }
  return createBallerineClient({ baseUrl: config.url, apiKey: config.apiKey, timeoutMs: config.requestTimeoutMs, fetch: fetchImpl });
}

/**
 * Installs Kinga's workflow definition unless it exists (found by name = id). For worker start-up;
 * openBallerineCase also makes sure of it once per process, in case Ballerine was down at start.
 */
export async function setUpBallerine(deps: Omit<BallerineActivityDeps, 'db'>): Promise<{ enabled: false } | { enabled: true; definitionId: string; created: boolean }> {
  const config = deps.ballerine;
  if (!config.enabled) return { enabled: false };
  const client = clientFor(config, deps.fetch);
  const { definition, created } = await client.ensureWorkflowDefinition(kingaReviewDefinition(config.workflowDefinition, config.webhookUrl));
  deps.logger.info({ definitionId: definition.id, version: definition.version, created }, created ? 'Ballerine workflow definition created' : 'Ballerine workflow definition found');
  const subscribed = JSON.stringify(definition.config?.subscriptions ?? []);
  if (config.webhookUrl && !subscribed.includes(config.webhookUrl)) {
    // The definition is never rewritten here: changing a live definition is a Ballerine admin's call.
    deps.logger.warn({ definitionId: definition.id }, 'the Ballerine workflow definition does not subscribe BALLERINE_WEBHOOK_URL: decisions taken in Ballerine will not reach Kinga through it');
  }
  return { enabled: true, definitionId: definition.id, created };
}

export function createBallerineActivities(deps: BallerineActivityDeps) {
  const { db, logger, ballerine: config } = deps;
  let definitionReady: Promise<unknown> | null = null;

  const ensureDefinition = (): Promise<unknown> => {
    definitionReady ??= setUpBallerine(deps).catch((err: unknown) => {
      definitionReady = null; // try again on the next call
      throw err;
    });
    return definitionReady;
  };

  if (config.enabled && !config.url) logger.warn('Ballerine is enabled but BALLERINE_URL is not set: cases are not mirrored to Ballerine');

  return {
    /** Opens the case's Ballerine run (once) and stores its id on analyst_cases. */
    async openBallerineCase(input: OpenBallerineCaseInput): Promise<OpenBallerineCaseResult> {
      // Enabled without a URL: the case stays Kinga's alone (warned once at start-up).
      if (!config.enabled || !config.url) return { enabled: false };
      const row = await db('analyst_cases').where({ id: input.caseId }).first<{ transaction_ref: string; ballerine_workflow_id: string | null } | undefined>('transaction_ref', 'ballerine_workflow_id');
      if (!row) throw ApplicationFailure.create({ type: 'not_found', message: `case ${input.caseId} is not in analyst_cases`, nonRetryable: true });
      if (row.transaction_ref !== input.transactionRef) {
        throw ApplicationFailure.create({ type: 'invalid', message: `case ${input.caseId} belongs to transaction ${row.transaction_ref}, not ${input.transactionRef}`, nonRetryable: true });
      }
      if (row.ballerine_workflow_id) return { enabled: true, workflowRuntimeId: row.ballerine_workflow_id };

      const client = clientFor(config, deps.fetch);
      try {
        await ensureDefinition();
        const { transaction } = input;
        const result = await client.runWorkflow({
          workflowId: config.workflowDefinition,
          context: {
            entity: {
              type: 'individual',
              id: ballerineCorrelationId(input.transactionRef),
              // Ballerine stores firstName/lastName as NOT NULL; Kinga knows its customers by id only.
              data: { firstName: 'Customer', lastName: transaction.customerId, additionalInfo: { customerId: transaction.customerId, accountId: transaction.accountId } },
            },
            documents: [],
            customData: {
              kingaCaseId: input.caseId,
              transactionRef: input.transactionRef,
              transaction,
              scoreBreakdown: input.score,
              tazama: input.tazama ?? input.score.tazama ?? null,
            },
          },
        });
        const workflowRuntimeId = result.workflowRuntimeId;
        const updated = await db('analyst_cases').where({ id: input.caseId }).whereNull('ballerine_workflow_id').update({ ballerine_workflow_id: workflowRuntimeId });
        if (updated === 0) {
          const stored = await db('analyst_cases').where({ id: input.caseId }).first<{ ballerine_workflow_id: string | null }>('ballerine_workflow_id');
          if (stored?.ballerine_workflow_id && stored.ballerine_workflow_id !== workflowRuntimeId) {
            logger.warn({ caseId: input.caseId, stored: stored.ballerine_workflow_id, answered: workflowRuntimeId }, 'the case already has another Ballerine run; keeping the stored one');
            return { enabled: true, workflowRuntimeId: stored.ballerine_workflow_id };
          }
        }
        logger.info({ caseId: input.caseId, transactionRef: input.transactionRef, workflowRuntimeId }, 'Ballerine case opened');
        return { enabled: true, workflowRuntimeId };
      } catch (err) {
        throw ballerineFailure(err);
      }
    },

    /**
     * Sends the decision's event to the run. An event the run already took — because the decision
     * came from Ballerine, or this is a retry — is not an error; a run that took the other
     * decision is (ballerine_conflict, not retried).
     */
    async sendBallerineDecision(input: SendBallerineDecisionInput): Promise<void> {
      if (!config.enabled) return;
      const client = clientFor(config, deps.fetch);
      const name = DECISION_EVENTS[input.decision];
      const target = DECISION_STATES[input.decision];
      const log = { caseId: input.caseId, workflowRuntimeId: input.workflowRuntimeId, event: name };
      try {
        await client.sendEvent(input.workflowRuntimeId, {
          name,
          payload: { source: 'kinga', kingaCaseId: input.caseId, transactionRef: input.transactionRef, decision: input.decision, actor: input.actor, note: input.note ?? null },
        });
        logger.info(log, 'Ballerine decision sent');
        return;
      } catch (err) {
        if (!(err instanceof BallerineError) || err.status !== 400) throw ballerineFailure(err);
        // 400 is Ballerine's answer to an event the run's current state does not take: look at it.
        let run: WorkflowRuntime | null;
        try {
          run = await client.getWorkflow(input.workflowRuntimeId);
        } catch (getErr) {
          throw ballerineFailure(getErr);
        }
        if (run?.state === target) {
          logger.info({ ...log, state: run.state }, 'Ballerine run already took this decision');
          return;
        }
        if (input.decision === 'escalate' && run && (FINAL_STATES as readonly string[]).includes(run.state)) {
          // Decided in Ballerine meanwhile: that decision reaches the case through the webhook.
          logger.info({ ...log, state: run.state }, 'Ballerine run is already decided; nothing to escalate');
          return;
        }
        throw ApplicationFailure.create({
          type: 'ballerine_conflict',
          message: `Ballerine run ${input.workflowRuntimeId} is in state ${run?.state ?? '(not found)'} and refused ${name}: ${err.message}`,
          nonRetryable: true,
        });
      }
    },
  };
}

export type BallerineActivities = ReturnType<typeof createBallerineActivities>;
