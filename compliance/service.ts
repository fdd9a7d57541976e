// What the compliance CLI and API both do, built from the pieces in this folder: export a
// transaction's history, replay a history, and assemble the audit report.
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import { lifecycleWorkflowId } from '../workflows/lifecycle/definitions';
import { buildAuditReport, type AuditReport } from './auditReport';
import { loadAuditSubject, loadCaseEvents } from './auditTrail';
import { extractDecisionPath } from './decisionPath';
import { fetchHistory, fetchHistoryJsonText, HistoryError, resolveWorkflowId, WorkflowNotFoundError, type HistoryJson } from './history';
import { replayHistory, type ReplayOptions } from './replay';
import type { ReplayReport, ReplayResult } from './views';

export class TransactionNotFoundError extends Error {
  override name = 'TransactionNotFoundError';
}

export interface HistoryExport {
  workflowId: string;
  /** Temporal's JSON history, byte for byte what is written to the file / response */
  json: string;
}

/** The history of a transaction's lifecycle (or of any workflow id) as Temporal's JSON history. */
export async function exportHistory(client: Client, refOrWorkflowId: string): Promise<HistoryExport> {
  const workflowId = await resolveWorkflowId(client, refOrWorkflowId);
  return { workflowId, json: await fetchHistoryJsonText(client, workflowId) };
}

export type { ReplayReport } from './views';

/** Replays a validated history and reads its decision path: the two halves of the proof. */
export async function replayAndExplain(history: HistoryJson, source: ReplayReport['source'], options: ReplayOptions = {}): Promise<ReplayReport> {
  const decisionPath = extractDecisionPath(history);
  const replay = await replayHistory(history, options);
  return { source, replay, decisionPath };
}

export async function replayFromCluster(client: Client, refOrWorkflowId: string, options: ReplayOptions = {}): Promise<ReplayReport> {
  const workflowId = await resolveWorkflowId(client, refOrWorkflowId);
  return replayAndExplain(await fetchHistory(client, workflowId), { kind: 'cluster', workflowId }, options);
}

export interface AuditOptions {
  /** replay the history too, so the report carries the verdict (the printable page does) */
  replay?: ReplayOptions | false;
  generatedBy?: string | null;
}

/**
 * The audit report of one transaction. A history that cannot be had (workflow deleted by
 * retention, cluster unreachable for this id) still gives the database side, with the reason.
 */
export async function auditReportFor(deps: { db: Knex; client: Client }, transactionRef: string, options: AuditOptions = {}): Promise<AuditReport> {
  const [subject, caseEvents] = await Promise.all([loadAuditSubject(deps.db, transactionRef), loadCaseEvents(deps.db, transactionRef)]);
  const workflowId = subject.transaction?.workflowId ?? lifecycleWorkflowId(transactionRef);
  let history: HistoryJson | null = null;
  let historyError: string | null = null;
  try {
    history = await fetchHistory(deps.client, workflowId);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError || err instanceof HistoryError)) throw err;
    historyError = err.message;
  }
  if (!subject.transaction && caseEvents.length === 0 && !history) {
    throw new TransactionNotFoundError(`transaction ${transactionRef} is not known: no transactions row, no audit events and no workflow ${workflowId}`);
  }
  let replay: ReplayResult | null = null;
  let replayError: string | null = null;
  if (history && options.replay) {
    try {
      replay = await replayHistory(history, options.replay);
    } catch (err) {
      replayError = (err as Error).message;
    }
  }
  return buildAuditReport({
    transactionRef,
    workflowId,
    caseEvents,
    transaction: subject.transaction,
    case: subject.case,
    decisionPath: history ? extractDecisionPath(history) : null,
    historyError,
    replay,
    replayError,
    generatedBy: options.generatedBy ?? null,
  });
}
