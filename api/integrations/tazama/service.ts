// The relay push, received: find the transaction Tazama evaluated (by the pacs.002 MsgId Kinga
// sent) and hand the evaluation to its lifecycle workflow as the 'tazamaResult' signal.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TazamaEvaluation } from '../../../risk/tazama';
import { lifecycleWorkflowId, tazamaResultSignal } from '../../../workflows/lifecycle/definitions';
import type { ApiDeps } from '../../context';
import { NotFoundError, ServiceUnavailableError } from '../../errors';

/** The signal's name and payload; the lead's definitions.ts declares it as tazamaResultSignal. */
export const TAZAMA_RESULT_SIGNAL = tazamaResultSignal.name;
export interface TazamaResultPayload {
  msgId: string;
  evaluation: TazamaEvaluation;
}

export interface RelayDelivery {
  transactionRef: string;
  msgId: string;
  status: TazamaEvaluation['status'];
  /** false when the lifecycle had already finished: the evaluation is kept, but decides nothing */
  signalled: boolean;
  detail: string;
}

export async function deliverEvaluation(deps: Pick<ApiDeps, 'db' | 'temporal'>, msgId: string, evaluation: TazamaEvaluation): Promise<RelayDelivery> {
  const row = await deps.db('tazama_evaluations').where({ pacs002_msg_id: msgId }).first<{ transaction_ref: string } | undefined>('transaction_ref');
  if (!row) throw new NotFoundError(`no transaction was submitted to Tazama with pacs.002 MsgId ${msgId}`);
  const ref = row.transaction_ref;
  const payload: TazamaResultPayload = { msgId, evaluation };
  try {
    await deps.temporal.workflow.getHandle(lifecycleWorkflowId(ref)).signal(tazamaResultSignal, payload);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) {
      throw new ServiceUnavailableError(`could not signal the lifecycle of ${ref}: ${(err as Error).message}`);
    }
    // Late (the lifecycle already decided without Tazama): keep the answer for the record.
    await deps.db('tazama_evaluations')
      .where({ transaction_ref: ref })
      .whereNull('evaluation')
      .update({ evaluation: JSON.stringify(evaluation), result_status: evaluation.status, received_via: 'push', evaluated_at: deps.db.fn.now(), updated_at: deps.db.fn.now() });
    return { transactionRef: ref, msgId, status: evaluation.status, signalled: false, detail: `the lifecycle of ${ref} has already finished: the evaluation is recorded but decides nothing` };
  }
  return { transactionRef: ref, msgId, status: evaluation.status, signalled: true, detail: `delivered to the lifecycle of ${ref}` };
}
