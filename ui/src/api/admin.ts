// The admin area's calls: users, rule sets (live, drafts and their diffs, propose, approve,
// reject) and backtests with their reports.
import { request, requestFile, type ApiFile } from './client';

export interface AdminUser {
  username: string;
  displayName: string;
  role: string;
  active: boolean;
}

export interface BlacklistEntry {
  merchantId: string;
  merchantName?: string;
  reason: string;
}

export interface RuleSetContentView {
  scoring: { levels: { medium: number; high: number } } & Record<string, unknown>;
  blacklist: { merchants: BlacklistEntry[] };
  [key: string]: unknown;
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

export interface RuleSetChangeView {
  path: string;
  from: unknown;
  to: unknown;
}

export interface BacktestView {
  id: string;
  status: 'running' | 'completed' | 'cancelled' | 'failed';
  candidateRuleSetVersion: number | null;
  candidateModelVersion: number | null;
  from: string;
  to: string;
  requestedBy: string;
  requestedAt: string;
  total: number | null;
  processed: number;
  failure: string | null;
}

export function listAdminUsers(signal?: AbortSignal): Promise<{ users: AdminUser[] }> {
  return request('/api/admin/users', { signal });
}

export function listRuleSets(signal?: AbortSignal): Promise<{ live: number; ruleSets: RuleSetView[] }> {
  return request('/api/admin/rule-sets', { signal });
}

export function getRuleSet(version: number, signal?: AbortSignal): Promise<{ ruleSet: RuleSetView; live: number; changes: RuleSetChangeView[] }> {
  return request(`/api/admin/rule-sets/${version}`, { signal });
}

export function proposeRuleSet(content: RuleSetContentView, reason: string): Promise<{ ruleSet: RuleSetView; changes: RuleSetChangeView[] }> {
  return request('/api/admin/rule-sets', { method: 'POST', body: { content, reason } });
}

export function approveRuleSet(version: number): Promise<{ ruleSet: RuleSetView }> {
  return request(`/api/admin/rule-sets/${version}/approve`, { method: 'POST', body: {} });
}

export function rejectRuleSet(version: number, reason: string): Promise<{ ruleSet: RuleSetView }> {
  return request(`/api/admin/rule-sets/${version}/reject`, { method: 'POST', body: { reason } });
}

export function listBacktests(signal?: AbortSignal): Promise<{ backtests: BacktestView[] }> {
  return request('/api/admin/backtests', { signal });
}

export function downloadBacktestReport(id: string, format: 'csv' | 'html'): Promise<ApiFile> {
  return requestFile(`/api/admin/backtests/${id}/report.${format}`, `backtest-${id}.${format}`, { accept: format === 'csv' ? 'text/csv' : 'text/html' });
}
