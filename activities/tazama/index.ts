// Tazama activities of the transaction lifecycle. Submitting is idempotent per transaction: the
// tazama_evaluations row remembers which message the TMS has accepted, so a retried activity never
// sends it again; and if the TMS accepted a message whose acceptance was not recorded (a crash in
// between), its duplicate-MsgId answer counts as accepted. Failures are ApplicationFailures: 5xx,
// network and timeouts retryable (Temporal's retry policy backs off), 4xx 'tazama_rejected' and
// non-retryable, with the response body in the message.
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { TazamaConfig } from '../../config/tazama';
import type { Db } from '../../db/connection';
import type { Knex } from 'knex';
import { parseTazamaEvaluation, tazamaOutcome, TazamaShapeError, type TazamaEvaluation, type TazamaOutcome } from '../../risk/tazama';
import type { Transaction } from '../../risk/types';
import { createTazamaClient, TazamaError, type TazamaClient } from './client';
import { tazamaMessageIds, toPacs002, toPacs008 } from './messages';

export interface TazamaActivityDeps {
  db: Db;
  logger: Logger;
  tazama: TazamaConfig;
  /** for tests */
  fetch?: typeof fetch;
}

export type SubmitToTazamaResult =
  | { enabled: false }
  | {
      enabled: true;
      msgId: string;
      endToEndId: string;
      timeoutMs: number;
      pollIntervalMs: number;
      alertPoints: number;
      /** absent in results recorded before TAZAMA_ALERT_LEVEL existed */
      alertMinLevel?: TazamaConfig['alertMinLevel'];
    };

interface TazamaRow {
  transaction_ref: string;
  pacs008_msg_id: string;
  pacs002_msg_id: string;
  end_to_end_id: string;
  status: string;
  pacs008_accepted_at: Date | null;
  pacs002_accepted_at: Date | null;
  result_status: string | null;
  evaluation: TazamaEvaluation | null;
}

/** Failure types the workflow's retry policy and error handling rely on. */
export const TAZAMA_FAILURE = {
  /** 4xx: the message or credentials are wrong; retrying cannot help */
  rejected: 'tazama_rejected',
  /** 5xx, network, timeout: retried with back-off */
  unavailable: 'tazama_unavailable',
  /** Tazama answered with something that is not an evaluation */
  invalidResult: 'tazama_invalid_result',
} as const;

function toFailure(err: unknown): unknown {
  if (err instanceof TazamaError) {
    return ApplicationFailure.create({
      type: err.retryable ? TAZAMA_FAILURE.unavailable : TAZAMA_FAILURE.rejected,
      message: err.message,
      nonRetryable: !err.retryable,
      details: [{ kind: err.kind, status: err.status }],
    });
  }
  return err;
}

/** Whether transactions are sent to Tazama at all (switched on, and a TMS to send them to). */
export function tazamaActive(tazama: TazamaConfig): boolean {
  return tazama.enabled && Boolean(tazama.tmsUrl);
}

/**
 * Records that Tazama was switched off for this transaction, as recordTazamaOutcome does for a
 * 'disabled' outcome, inside the caller's transaction (the one-step routing of a lifecycle).
 */
export async function recordTazamaSwitchedOff(trx: Db | Knex.Transaction, transactionRef: string): Promise<void> {
  const ids = tazamaMessageIds(transactionRef);
  const outcome = tazamaOutcome.disabled();
  const detail = 'detail' in outcome ? outcome.detail : null;
  await trx('tazama_evaluations')
    .insert({
      transaction_ref: transactionRef,
      pacs008_msg_id: ids.pacs008MsgId,
      pacs002_msg_id: ids.pacs002MsgId,
      end_to_end_id: ids.endToEndId,
      status: 'disabled',
      outcome_detail: detail,
      decided_at: trx.fn.now(),
    })
    .onConflict('transaction_ref')
    .merge({ status: 'disabled', outcome_detail: detail, decided_at: trx.raw('coalesce(tazama_evaluations.decided_at, now())'), updated_at: trx.fn.now() });
}

export function createTazamaActivities(deps: TazamaActivityDeps) {
  const { db, logger, tazama } = deps;
  const log = logger.child({ integration: 'tazama' });
  const client: TazamaClient | null =
    tazamaActive(tazama) && tazama.tmsUrl
      ? createTazamaClient({
          tmsUrl: tazama.tmsUrl,
          adminUrl: tazama.adminUrl,
          authUrl: tazama.authUrl,
          username: tazama.username,
          password: tazama.password,
          requestTimeoutMs: tazama.requestTimeoutMs,
          fetch: deps.fetch,
        })
      : null;
  if (tazama.enabled && !tazama.tmsUrl) log.warn('Tazama is enabled but TAZAMA_TMS_URL is not set: transactions are decided without it');

  const rows = () => db('tazama_evaluations');

  /** Sends one message; the TMS's "duplicate MsgId" answer means it already holds it. */
  async function deliver(what: string, transactionRef: string, send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (err) {
      if (err instanceof TazamaError && err.isDuplicate) {
        log.info({ transactionRef, message: what }, 'Tazama already holds this message: counted as accepted');
        return;
      }
      throw err;
    }
  }

  async function ensureRow(transactionRef: string, status: 'pending' | 'disabled'): Promise<TazamaRow> {
    const ids = tazamaMessageIds(transactionRef);
    await rows()
      .insert({ transaction_ref: transactionRef, pacs008_msg_id: ids.pacs008MsgId, pacs002_msg_id: ids.pacs002MsgId, end_to_end_id: ids.endToEndId, status })
      .onConflict('transaction_ref')
      .ignore();
    return (await rows().where({ transaction_ref: transactionRef }).first()) as TazamaRow;
  }

  return {
    async submitToTazama({ transaction }: { transaction: Transaction }): Promise<SubmitToTazamaResult> {
      if (!client) return { enabled: false };
      const ref = transaction.transactionRef;
      const options = { memberId: tazama.memberId, creditorAgents: tazama.creditorAgents };
      let pacs008: ReturnType<typeof toPacs008>;
      let pacs002: ReturnType<typeof toPacs002>;
      try {
        pacs008 = toPacs008(transaction, options);
        pacs002 = toPacs002(transaction, options);
      } catch (err) {
        throw ApplicationFailure.create({ type: TAZAMA_FAILURE.rejected, message: `cannot express ${ref} as ISO 20022: ${(err as Error).message}`, nonRetryable: true });
      }
      const row = await ensureRow(ref, 'pending');
      const result: SubmitToTazamaResult = {
        enabled: true,
        msgId: row.pacs002_msg_id,
        endToEndId: row.end_to_end_id,
        timeoutMs: tazama.timeoutMs,
        pollIntervalMs: tazama.pollIntervalMs,
        alertPoints: tazama.alertPoints,
        alertMinLevel: tazama.alertMinLevel,
      };
      if (row.pacs008_accepted_at && row.pacs002_accepted_at) return result;

      await rows().where({ transaction_ref: ref }).update({ submit_attempts: db.raw('submit_attempts + 1'), updated_at: db.fn.now() });
      try {
        // the pacs.008 first: the TMS builds its data cache from it, and the pacs.002 needs that
        if (!row.pacs008_accepted_at) {
          await deliver('pacs.008', ref, () => client.submitPacs008(pacs008));
          await rows().where({ transaction_ref: ref }).update({ pacs008_accepted_at: db.fn.now(), updated_at: db.fn.now() });
        }
        await deliver('pacs.002', ref, () => client.submitPacs002(pacs002));
        await rows()
          .where({ transaction_ref: ref })
          .update({ pacs002_accepted_at: db.fn.now(), submitted_at: db.fn.now(), last_error: null, updated_at: db.fn.now() });
        await rows().where({ transaction_ref: ref, status: 'pending' }).update({ status: 'submitted' });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ transactionRef: ref, error: message }, 'Tazama submission failed');
        await rows()
          .where({ transaction_ref: ref })
          .update({ last_error: message.slice(0, 4000), updated_at: db.fn.now() })
          .catch(() => undefined);
        throw toFailure(err);
      }
      log.debug({ transactionRef: ref, msgId: result.msgId }, 'submitted to Tazama');
      return result;
    },

    /** The evaluation from the admin-service report, or null while Tazama has none (204) or no admin URL is set. */
    async fetchTazamaResult({ transactionRef, msgId }: { transactionRef: string; msgId: string }): Promise<TazamaEvaluation | null> {
      if (!client) return null;
      const stored = (await rows().where({ transaction_ref: transactionRef }).first()) as TazamaRow | undefined;
      if (stored?.evaluation) return stored.evaluation;
      if (!client.hasAdmin) return null;

      let lookup;
      try {
        lookup = await client.getReport(msgId);
      } catch (err) {
        throw toFailure(err);
      }
      if (!lookup.found) return null;
      let evaluation: TazamaEvaluation;
      try {
        evaluation = parseTazamaEvaluation(lookup.document);
      } catch (err) {
        if (err instanceof TazamaShapeError) {
          throw ApplicationFailure.create({ type: TAZAMA_FAILURE.invalidResult, message: `Tazama's report for ${msgId} is not an evaluation: ${err.message}`, nonRetryable: true });
        }
        throw err;
      }
      if (evaluation.msgId && evaluation.msgId !== msgId) {
        throw ApplicationFailure.create({ type: TAZAMA_FAILURE.invalidResult, message: `Tazama answered for ${evaluation.msgId} when asked for ${msgId}`, nonRetryable: true });
      }
      await rows()
        .where({ transaction_ref: transactionRef })
        .whereNull('evaluation')
        .update({ evaluation: JSON.stringify(evaluation), result_status: evaluation.status, received_via: 'poll', evaluated_at: db.fn.now(), updated_at: db.fn.now() });
      await rows().where({ transaction_ref: transactionRef }).whereIn('status', ['pending', 'submitted']).update({ status: 'evaluated' });
      return evaluation;
    },

    /** What the lifecycle concluded about Tazama for this transaction; repeating it changes nothing. */
    async recordTazamaOutcome({ transactionRef, outcome }: { transactionRef: string; outcome: TazamaOutcome }): Promise<void> {
      await ensureRow(transactionRef, outcome.kind === 'disabled' ? 'disabled' : 'pending');
      if (outcome.kind === 'evaluated') {
        const e = outcome.evaluation;
        await rows()
          .where({ transaction_ref: transactionRef })
          .update({
            status: 'evaluated',
            evaluation: JSON.stringify(e),
            result_status: e.status,
            received_via: outcome.receivedVia,
            evaluated_at: db.raw('coalesce(evaluated_at, now())'),
            outcome_detail: `${e.status} by ${outcome.receivedVia}`,
            decided_at: db.raw('coalesce(decided_at, now())'),
            updated_at: db.fn.now(),
          });
        return;
      }
      await rows()
        .where({ transaction_ref: transactionRef })
        .update({ status: outcome.kind, outcome_detail: outcome.detail, decided_at: db.raw('coalesce(decided_at, now())'), updated_at: db.fn.now() });
    },
  };
}

export type TazamaActivities = ReturnType<typeof createTazamaActivities>;
