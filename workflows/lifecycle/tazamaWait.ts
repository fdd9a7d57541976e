// Tazama's evaluation, workflow side: submit the pacs.008/pacs.002 pair, then wait a bounded time
// for the result — pushed by a signal or polled — and fold it into Kinga's score. Tazama down or
// slow is an explicit outcome (unavailable, timed out): the transaction is decided on Kinga's score.
import { condition, log, patched } from '@temporalio/workflow';
import { applyTazama, tazamaOutcome, type TazamaOutcome } from '../../risk/tazama';
import type { RiskLevel, ScoreBreakdown, Transaction } from '../../risk/types';
import { db, tazamaPoll, tazamaSubmitter } from './activities';
import type { CasePolicy, TazamaResultInput } from './definitions';
import { failureText } from './failures';

export interface TazamaWait {
  policy: Pick<CasePolicy, 'tazamaTimeoutMs' | 'tazamaAlertPoints'>;
  /** the last result Tazama pushed (tazamaResult signal), read afresh at each wake-up */
  pushed: () => TazamaResultInput | null;
}

/** Kinga's score with Tazama's evaluation applied; the outcome is recorded whatever it was. */
export async function evaluateWithTazama(transaction: Transaction, score: ScoreBreakdown, { policy, pushed }: TazamaWait): Promise<ScoreBreakdown> {
  let outcome: TazamaOutcome;
  let alertPoints = 0;
  let alertMinLevel: RiskLevel = 'medium';
  try {
    const submitted = await tazamaSubmitter(policy.tazamaTimeoutMs ?? 30_000).submitToTazama({ transaction });
    if (!submitted.enabled) {
      outcome = tazamaOutcome.disabled();
    } else {
      // the rule set's weight; histories from before rule sets carry only the configured one
      alertPoints = policy.tazamaAlertPoints ?? submitted.alertPoints;
      alertMinLevel = submitted.alertMinLevel ?? 'medium';
      outcome = await awaitEvaluation(transaction.transactionRef, submitted.msgId, submitted.timeoutMs, submitted.pollIntervalMs, pushed);
    }
  } catch (err) {
    outcome = tazamaOutcome.unavailable(failureText(err));
  }
  await db.recordTazamaOutcome({ transactionRef: transaction.transactionRef, outcome });
  // Versioned change: an ALRT is at least a medium case (TAZAMA_ALERT_LEVEL) and a block from
  // Tazama holds the transaction as a high case. Histories recorded before replay with the
  // alert's points alone, as they ran.
  if (patched('tazama-alert-levels')) return applyTazama(score, outcome, { alertPoints, alertMinLevel, blockMinLevel: 'high' });
  return applyTazama(score, outcome, { alertPoints });
}

/** Waits for the evaluation of `msgId`: a push wins at once; between pushes, a poll each interval, until the deadline. */
async function awaitEvaluation(transactionRef: string, msgId: string, timeoutMs: number, pollIntervalMs: number, pushed: () => TazamaResultInput | null): Promise<TazamaOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = pushed();
    if (result?.msgId === msgId) return tazamaOutcome.evaluated(msgId, result.evaluation, 'push');
    const remaining = deadline - Date.now();
    if (remaining <= 0) return tazamaOutcome.timedOut(timeoutMs);
    if (await condition(() => pushed()?.msgId === msgId, Math.min(pollIntervalMs, remaining))) continue;
    try {
      const polled = await tazamaPoll.fetchTazamaResult({ transactionRef, msgId });
      if (polled) return tazamaOutcome.evaluated(msgId, polled, 'poll');
    } catch (err) {
      log.warn('polling Tazama failed; still waiting', { error: failureText(err) });
    }
  }
}
