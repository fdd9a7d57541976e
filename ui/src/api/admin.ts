// The admin area's calls: users (create, reset a password, change a role, disable), rule sets (live,
// drafts and their diffs, propose, approve, reject, promote), backtests (start, progress, cancel,
// report, the transactions behind a cell) and shadow runs (start, stop, live vs shadow). The answers'
// types are the API contract's (generated.ts) where it names them.
import type { paths } from './generated';
import type { RiskLevel, Role, Schema } from './types';
import { buildUrl, request, requestFile, type ApiFile } from './client';

export type AdminUser = Schema<'AdminUser'>;

export interface NewUser {
  username: string;
  displayName: string;
  password: string;
  role: Role;
  email?: string;
}

export interface UserChange {
  role?: Role;
  active?: boolean;
  displayName?: string;
}

export interface BlacklistEntry {
  merchantId: string;
  merchantName?: string;
  reason: string;
}

/** A rule set's content (risk/ruleSet.ts RuleSetContent); rules are read generically, by their parameters. */
export interface RuleSetContentView {
  scoring: {
    rules: Record<string, Record<string, unknown>>;
    anomaly: Record<string, unknown>;
    levels: { medium: number; high: number };
  };
  blacklist: { merchants: BlacklistEntry[] };
  anomalyModelVersion: number | null;
  tazama: { alertPoints: number } & Record<string, unknown>;
  sla: { mediumMs: number; highMs: number; escalatedMs: number } & Record<string, unknown>;
}

export interface RuleSetView {
  version: number;
  status: 'draft' | 'approved' | 'superseded' | 'rejected';
  content: RuleSetContentView;
  baseVersion: number | null;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  approvedBy: string | null;
  effectiveAt: string | null;
}

export type RuleSetChangeView = Schema<'RuleSetChange'>;

export type RuleSetPreview = Schema<'RuleSetPreview'>;

export type BacktestStatus = BacktestView['status'];

export type BacktestView = Schema<'Backtest'>;

export interface BacktestProgressView {
  stage: 'preparing' | 'rescoring' | 'reporting' | 'completed' | 'cancelled';
  total: number;
  processed: number;
  batches: number;
}

export interface NewBacktest {
  ruleSetVersion?: number;
  modelVersion?: number;
  from: string;
  to: string;
  note?: string;
}

export type LevelMatrix = Record<RiskLevel, Record<RiskLevel, number>>;

export interface DetectionFigures {
  fraudCaught: number;
  fraudMissed: number;
  falsePositives: number;
  falsePositiveRate: number | null;
  cases: number;
}

/** The same shape for a backtest (live vs candidate) and a shadow run (live vs shadow). */
export type ComparisonReport = Schema<'BacktestReport'>;

/** A transaction behind a cell of the level-change matrix: a backtest's re-score or a shadow run's shadow score beside the live one. */
export type BacktestResultView = Schema<'CellTransaction'>;

/** One step of the administration audit trail. */
export type AdminEvent = Schema<'AdminEvent'>;
type AdminEventsQuery = NonNullable<paths['/api/admin/events']['get']['parameters']['query']>;
export type AdminEventType = NonNullable<AdminEventsQuery['eventType']>;
export type AdminSubjectType = NonNullable<AdminEventsQuery['subjectType']>;

/** What the audit trail is filtered by: a kind of step, who took it, when (instants; `to` excluded). */
export interface AdminEventFilter {
  eventType?: AdminEventType;
  actor?: string;
  from?: string;
  to?: string;
}

export type ShadowRunView = Schema<'ShadowRun'>;

export interface ShadowDifference {
  transactionRef: string;
  occurredAt: string;
  liveLevel: RiskLevel;
  shadowLevel: RiskLevel;
  livePoints: number;
  shadowPoints: number;
  label: 'fraud' | 'legitimate' | null;
}

// ---- users

export function listAdminUsers(signal?: AbortSignal): Promise<{ users: AdminUser[] }> {
  return request('/api/admin/users', { signal });
}

export function createUser(user: NewUser): Promise<{ user: AdminUser }> {
  return request('/api/admin/users', { method: 'POST', body: user });
}

export function updateUser(username: string, change: UserChange): Promise<{ user: AdminUser }> {
  return request(`/api/admin/users/${encodeURIComponent(username)}`, { method: 'PATCH', body: change });
}

export function resetUserPassword(username: string, password: string): Promise<{ user: AdminUser }> {
  return request(`/api/admin/users/${encodeURIComponent(username)}/password`, { method: 'POST', body: { password } });
}

// ---- the audit trail

export function listAdminEvents(filter: AdminEventFilter & { limit: number; offset: number }, signal?: AbortSignal): Promise<{ events: AdminEvent[]; total: number; offset: number; limit: number }> {
  return request('/api/admin/events', { query: { ...filter }, signal });
}

/** The whole selection (every page) as CSV. */
export function downloadAdminEventsCsv(filter: AdminEventFilter): Promise<ApiFile> {
  return requestFile(buildUrl('/api/admin/events.csv', { ...filter }), 'admin-events.csv', { accept: 'text/csv' });
}

// ---- rule sets

export function listRuleSets(signal?: AbortSignal): Promise<{ live: number; ruleSets: RuleSetView[] }> {
  return request('/api/admin/rule-sets', { signal });
}

export function getRuleSet(version: number, signal?: AbortSignal): Promise<{ ruleSet: RuleSetView; live: number; changes: RuleSetChangeView[] }> {
  return request(`/api/admin/rule-sets/${version}`, { signal });
}

export function proposeRuleSet(content: RuleSetContentView, reason: string): Promise<{ ruleSet: RuleSetView; changes: RuleSetChangeView[] }> {
  return request('/api/admin/rule-sets', { method: 'POST', body: { content, reason } });
}

/** The diff a proposal would have, or an ApiError naming each field that does not fit; nothing is stored. */
export function previewRuleSet(content: RuleSetContentView, reason: string, signal?: AbortSignal): Promise<RuleSetPreview> {
  return request('/api/admin/rule-sets/preview', { method: 'POST', body: { content, reason }, signal });
}

export function approveRuleSet(version: number): Promise<{ ruleSet: RuleSetView }> {
  return request(`/api/admin/rule-sets/${version}/approve`, { method: 'POST', body: {} });
}

export function rejectRuleSet(version: number, reason: string): Promise<{ ruleSet: RuleSetView }> {
  return request(`/api/admin/rule-sets/${version}/reject`, { method: 'POST', body: { reason } });
}

/** A backtested or shadowed candidate proposed again against the live version (a second person approves). */
export function promoteRuleSet(version: number, reason: string): Promise<{ ruleSet: RuleSetView; changes: RuleSetChangeView[] }> {
  return request(`/api/admin/rule-sets/${version}/promote`, { method: 'POST', body: { reason } });
}

// ---- backtests

export function listBacktests(signal?: AbortSignal): Promise<{ backtests: BacktestView[] }> {
  return request('/api/admin/backtests', { signal });
}

export function startBacktest(body: NewBacktest): Promise<{ backtest: BacktestView }> {
  return request('/api/admin/backtests', { method: 'POST', body });
}

export function getBacktest(id: string, signal?: AbortSignal): Promise<{ backtest: BacktestView; progress: BacktestProgressView | null }> {
  return request(`/api/admin/backtests/${encodeURIComponent(id)}`, { signal });
}

export function cancelBacktest(id: string): Promise<{ backtest: BacktestView }> {
  return request(`/api/admin/backtests/${encodeURIComponent(id)}/cancel`, { method: 'POST', body: {} });
}

export function getBacktestReport(id: string, signal?: AbortSignal): Promise<{ backtest: BacktestView; report: ComparisonReport }> {
  return request(`/api/admin/backtests/${encodeURIComponent(id)}/report`, { signal });
}

export function backtestTransactions(
  id: string,
  cell: { live: RiskLevel; candidate: RiskLevel; limit?: number },
  signal?: AbortSignal,
): Promise<{ total: number; transactions: BacktestResultView[] }> {
  return request(`/api/admin/backtests/${encodeURIComponent(id)}/transactions`, { query: { live: cell.live, candidate: cell.candidate, limit: cell.limit ?? 200 }, signal });
}

export function downloadBacktestReport(id: string, format: 'csv' | 'html'): Promise<ApiFile> {
  return requestFile(`/api/admin/backtests/${encodeURIComponent(id)}/report.${format}`, `backtest-${id}.${format}`, { accept: format === 'csv' ? 'text/csv' : 'text/html' });
}

// ---- shadow runs

export function listShadowRuns(signal?: AbortSignal): Promise<{ shadowRuns: ShadowRunView[] }> {
  return request('/api/admin/shadow-runs', { signal });
}

export function startShadowRun(body: { ruleSetVersion: number; endsAt?: string; note?: string }): Promise<{ shadowRun: ShadowRunView }> {
  return request('/api/admin/shadow-runs', { method: 'POST', body });
}

export function stopShadowRun(id: string): Promise<{ shadowRun: ShadowRunView }> {
  return request(`/api/admin/shadow-runs/${encodeURIComponent(id)}/stop`, { method: 'POST', body: {} });
}

export function shadowRunTransactions(
  id: string,
  cell: { live: RiskLevel; candidate: RiskLevel; limit?: number },
  signal?: AbortSignal,
): Promise<{ total: number; transactions: BacktestResultView[] }> {
  return request(`/api/admin/shadow-runs/${encodeURIComponent(id)}/transactions`, { query: { live: cell.live, candidate: cell.candidate, limit: cell.limit ?? 200 }, signal });
}

export function getShadowComparison(id: string, signal?: AbortSignal): Promise<{ shadowRun: ShadowRunView; report: ComparisonReport; differing: ShadowDifference[] }> {
  return request(`/api/admin/shadow-runs/${encodeURIComponent(id)}/comparison`, { signal });
}
