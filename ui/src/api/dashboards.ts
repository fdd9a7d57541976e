import { request } from './client';
import type { Analytics, Overview, RiskEvent, RiskMetric, RiskMetricHistory, SystemInfo } from './types';

export function getOverview(signal?: AbortSignal): Promise<Overview> {
  return request<Overview>('/api/overview', { signal });
}

/** `from` and `to` are dates (YYYY-MM-DD), whole days in the bank's time zone, `to` inclusive. */
export function getAnalytics(range: { from?: string; to?: string }, signal?: AbortSignal): Promise<Analytics> {
  return request<Analytics>('/api/analytics', { query: { from: range.from, to: range.to }, signal });
}

export function getRiskMetrics(signal?: AbortSignal): Promise<{ items: RiskMetric[] }> {
  return request('/api/risk/metrics', { signal });
}

/** The portfolio metrics' values over the last `days` days (1–366), for their trend against the threshold. */
export function getRiskMetricHistory(opts: { days?: number; model?: string } = {}, signal?: AbortSignal): Promise<RiskMetricHistory> {
  return request<RiskMetricHistory>('/api/risk/metrics/history', { query: { days: opts.days, model: opts.model }, signal });
}

export function getRiskEvents(opts: { category?: string; limit?: number; offset?: number } = {}, signal?: AbortSignal): Promise<{ items: RiskEvent[]; total: number }> {
  return request('/api/risk/events', { query: { category: opts.category, limit: opts.limit, offset: opts.offset }, signal });
}

export function getSystemInfo(signal?: AbortSignal): Promise<SystemInfo> {
  return request<SystemInfo>('/api/system', { signal });
}
