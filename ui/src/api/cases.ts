import { request } from './client';
import type { Assignee, BulkAssignmentResult, CaseDetail, CaseQueueFilter, CaseRecord, CustomerTransaction, Decision, DecisionAnswer, Schema } from './types';

export function listCases(filter: CaseQueueFilter = {}, signal?: AbortSignal): Promise<Schema<'CasePage'>> {
  return request<Schema<'CasePage'>>('/api/cases', {
    query: {
      status: filter.status,
      level: filter.level,
      assignee: filter.assignee,
      channel: filter.channel,
      minAgeMinutes: filter.minAgeMinutes,
      slaWithinMinutes: filter.slaWithinMinutes,
      overdue: filter.overdue === '' || filter.overdue === undefined ? undefined : String(filter.overdue),
      // the API's default order needs no parameter
      sort: filter.sort === 'priority' ? undefined : filter.sort,
      dir: filter.dir,
      limit: filter.limit,
      offset: filter.offset,
    },
    signal,
  });
}

export function getCase(id: number, signal?: AbortSignal): Promise<CaseDetail> {
  return request<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`, { signal });
}

export function decideCase(id: number, decision: Decision, note: string | undefined): Promise<DecisionAnswer> {
  return request<DecisionAnswer>(`/api/cases/${encodeURIComponent(id)}/decision`, { method: 'POST', body: { decision, ...(note ? { note } : {}) } });
}

export function takeCase(id: number): Promise<{ case: CaseRecord }> {
  return request<{ case: CaseRecord }>(`/api/cases/${encodeURIComponent(id)}/assignment`, { method: 'POST', body: {} });
}

export function releaseCase(id: number): Promise<{ case: CaseRecord }> {
  return request<{ case: CaseRecord }>(`/api/cases/${encodeURIComponent(id)}/assignment`, { method: 'DELETE' });
}

export function assignCases(caseIds: number[], assignee: string | null): Promise<BulkAssignmentResult> {
  return request<BulkAssignmentResult>('/api/cases/assignments', { method: 'POST', body: { caseIds, assignee } });
}

export function listAssignees(signal?: AbortSignal): Promise<{ items: Assignee[] }> {
  return request<{ items: Assignee[] }>('/api/cases/assignees', { signal });
}

export function customerTransactions(customerId: string, opts: { limit?: number; exclude?: string } = {}, signal?: AbortSignal): Promise<{ customerId: string; items: CustomerTransaction[] }> {
  return request(`/api/customers/${encodeURIComponent(customerId)}/transactions`, { query: { limit: opts.limit, exclude: opts.exclude }, signal });
}
