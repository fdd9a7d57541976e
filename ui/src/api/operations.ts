// What needs an operator (senior analysts and admins): transactions in needs_attention, with the
// retry and close actions, and the warehouse rows the input rules quarantined.
import { request } from './client';

export interface AttentionItem {
  transactionRef: string;
  workflowId: string | null;
  /** the step that failed for good: loading, scoring, tazama, routing, case_opening */
  step: string;
  reason: string;
  since: string;
  customerId: string;
  amount: string;
  currency: string;
  channel: string;
  occurredAt: string;
  temporalUiUrl: string | null;
}

export interface AttentionResolution {
  action: 'retry' | 'close';
  requestId: string;
  transactionRef: string;
  status: string;
  stage: string;
}

export interface QuarantinedRow {
  id: number;
  source: string;
  cursor: string;
  transactionRef: string | null;
  field: string;
  reason: string;
  row: Record<string, unknown>;
  extractionRunId: string | null;
  quarantinedAt: string;
}

export function listNeedingAttention(opts: { limit?: number; offset?: number } = {}, signal?: AbortSignal): Promise<{ total: number; items: AttentionItem[] }> {
  return request('/api/operations/attention', { query: { limit: opts.limit, offset: opts.offset }, signal });
}

export function retryAttention(transactionRef: string, note?: string): Promise<AttentionResolution> {
  return request(`/api/operations/attention/${encodeURIComponent(transactionRef)}/retry`, { method: 'POST', body: note ? { note } : {} });
}

export function closeAttention(transactionRef: string, note: string): Promise<AttentionResolution> {
  return request(`/api/operations/attention/${encodeURIComponent(transactionRef)}/close`, { method: 'POST', body: { note } });
}

export function listQuarantine(opts: { limit?: number; offset?: number } = {}, signal?: AbortSignal): Promise<{ total: number; items: QuarantinedRow[] }> {
  return request('/api/operations/quarantine', { query: { limit: opts.limit, offset: opts.offset }, signal });
}
