// Compliance: a transaction's decision path read from its workflow history, the history export,
// replay against the current workflow code, and the audit reports. All of it needs the compliance
// role. The shapes mirror compliance/decisionPath.ts, compliance/replay.ts and
// compliance/auditTrail.ts on the server (the UI never imports server code).
import { buildUrl, request, requestFile, type ApiFile } from './client';

export type DecisionStepKind =
  | 'workflow_started'
  | 'transaction_loaded'
  | 'scored'
  | 'tazama'
  | 'routed'
  | 'case_opened'
  | 'decision_update'
  | 'signal'
  | 'timer_fired'
  | 'case_change'
  | 'case_event'
  | 'activity'
  | 'activity_failed'
  | 'code_version'
  | 'workflow_closed';

export interface DecisionStep {
  /** the history event the step is read from */
  eventId: number;
  eventType: string;
  /** ISO 8601 */
  at: string;
  /** known kinds above; a newer server may send others */
  kind: DecisionStepKind | (string & {});
  title: string;
  lines: string[];
  /** the decoded inputs and results behind the step */
  data: Record<string, unknown>;
}

export interface DecisionOutcome {
  status: string | null;
  stage: string | null;
  caseId: number | null;
  decision: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}

export interface DecisionPath {
  workflowId: string | null;
  runId: string | null;
  workflowType: string | null;
  transactionRef: string | null;
  taskQueue: string | null;
  startedAt: string | null;
  /** null while the workflow is still running */
  closedAt: string | null;
  /** the history ends with the workflow's close */
  complete: boolean;
  eventCount: number;
  score: { score: number; level: string; modelVersion: string } | null;
  outcome: DecisionOutcome | null;
  steps: DecisionStep[];
}

export interface ReplayDivergence {
  eventId: number;
  eventType: string;
  at: string | null;
  summary: string;
  workflowTask: { fromEventId: number; toEventId: number } | null;
  locatedBy: 'sdk_message' | 'prefix_replay';
}

interface ReplayFacts {
  workflowId: string | null;
  runId: string | null;
  workflowType: string | null;
  eventCount: number;
  durationMs: number;
}

export type ReplayResult =
  | (ReplayFacts & { verdict: 'deterministic' })
  | (ReplayFacts & { verdict: 'diverged'; errorName: string; message: string; sdkMessage: string; divergence: ReplayDivergence | null });

export interface ReplayReport {
  source: { kind: 'cluster'; workflowId: string } | { kind: 'file'; name: string | null };
  replay: ReplayResult;
  decisionPath: DecisionPath;
}

/** One decision of GET /api/compliance/decisions. */
export interface DecisionRecord {
  eventId: number;
  occurredAt: string;
  transactionRef: string;
  caseId: number | null;
  /** auto_approve, approve, block, escalate, or refused */
  decision: string;
  eventType: string;
  actor: string;
  actorRole: string | null;
  note: string | null;
  requested: string | null;
  reason: string | null;
  amount: string | null;
  currency: string | null;
  riskLevel: string | null;
  riskScore: string | null;
  escalationLevel: number | null;
  transactionStatus: string | null;
  workflowId: string | null;
}

export interface DecisionsReport {
  from: string;
  to: string;
  count: number;
  /** more decisions fell in the range than the API returns at once (there is a next page) */
  truncated: boolean;
  /** decisions before this page */
  offset: number;
  /** the range's decisions over every page */
  total: number;
  decisions: DecisionRecord[];
}

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
