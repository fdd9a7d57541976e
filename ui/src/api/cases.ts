import { request } from './client';
import type { CaseListItem, CaseQueueFilter, Page } from './types';

export function listCases(filter: CaseQueueFilter = {}, signal?: AbortSignal): Promise<Page<CaseListItem>> {
  return request<Page<CaseListItem>>('/api/cases', {
    query: { status: filter.status, level: filter.level, limit: filter.limit, offset: filter.offset },
    signal,
  });
}
