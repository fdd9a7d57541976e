// What needs an operator (senior analysts and admins): transactions in needs_attention, with the
// retry and close actions, and the warehouse rows the input rules quarantined.
import { request } from './client';
import type { Schema } from './types';

/** A transaction in needs_attention (GET /api/operations/attention). */
export type AttentionItem = Schema<'AttentionList'>['items'][number];

export type AttentionResolution = Schema<'AttentionResolution'>;

/** A warehouse row the input rules quarantined (GET /api/operations/quarantine). */
export type QuarantinedRow = Schema<'QuarantineList'>['items'][number];

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
