// Compliance: a transaction's decision path read from its workflow history, the history export,
// replay against the current workflow code, and the audit reports. All of it needs the compliance
// role. The answers' types are the contract's generated schemas (compliance/views.ts on the server).
import { buildUrl, request, requestFile, type ApiFile } from './client';
import type { Schema } from './types';

/** One step of a decision path, read from the workflow history. */
export type DecisionStep = Schema<'DecisionStep'>;
export type DecisionStepKind = DecisionStep['kind'];
export type DecisionOutcome = Schema<'DecisionOutcome'>;
/** What happened to one transaction, read from its workflow history alone. */
export type DecisionPath = Schema<'DecisionPath'>;
export type ReplayDivergence = Schema<'ReplayDivergence'>;
export type ReplayResult = Schema<'ReplayResult'>;
export type ReplayReport = Schema<'ReplayReport'>;
/** One decision of GET /api/compliance/decisions. */
export type DecisionRecord = Schema<'DecisionRecord'>;
/** A page of a period's decisions (GET /api/compliance/decisions). */
export type DecisionsReport = Schema<'DecisionsReport'>;

/** Instants the API accepts (ISO 8601 with offset): `from` inclusive, `to` exclusive. */
export interface InstantRange {
  from: string;
  to: string;
}

const transactionPath = (ref: string) => `/api/compliance/transactions/${encodeURIComponent(ref)}`;

export function getDecisionPath(transactionRef: string, signal?: AbortSignal): Promise<DecisionPath> {
  return request<DecisionPath>(`${transactionPath(transactionRef)}/decision-path`, { signal });
}

/** Replays the transaction's recorded history (fetched from the cluster) against the current code. */
export function replayTransaction(transactionRef: string): Promise<ReplayReport> {
  return request<ReplayReport>('/api/compliance/replay', { method: 'POST', body: { transactionRef } });
}

/** Replays a history file; its raw text goes as is, so a corrupt file gets the parser's own complaint. */
export function replayHistoryFile(historyText: string, name: string): Promise<ReplayReport> {
  return request<ReplayReport>('/api/compliance/replay', { method: 'POST', body: { historyText, name } });
}

/** Temporal's JSON history of the transaction's workflow. */
export function downloadHistory(transactionRef: string): Promise<ApiFile> {
  return requestFile(`${transactionPath(transactionRef)}/history`, `txn-${transactionRef}.history.json`, { accept: 'application/json' });
}

export function downloadAuditCsv(transactionRef: string): Promise<ApiFile> {
  return requestFile(`${transactionPath(transactionRef)}/audit.csv`, `audit-${transactionRef}.csv`, { accept: 'text/csv' });
}

/** The printable audit page (with the replay verdict); self-contained HTML. */
export function getAuditPage(transactionRef: string): Promise<ApiFile> {
  return requestFile(`${transactionPath(transactionRef)}/audit.html`, `audit-${transactionRef}.html`, { accept: 'text/html' });
}

/** One page of a range's decisions, oldest first (without limit: the API's default, a whole report). */
export function getDecisions(range: InstantRange & { limit?: number; offset?: number }, signal?: AbortSignal): Promise<DecisionsReport> {
  return request<DecisionsReport>('/api/compliance/decisions', { query: { from: range.from, to: range.to, limit: range.limit, offset: range.offset }, signal });
}

export function downloadDecisionsCsv(range: InstantRange): Promise<ApiFile> {
  return requestFile(buildUrl('/api/compliance/decisions', { from: range.from, to: range.to, format: 'csv' }), 'decisions.csv', { accept: 'text/csv' });
}
