import { buildUrl, request, type QueryValue } from './client';

export const STREAM_PATH = '/api/stream';

/** A one-minute ticket for opening the event stream (EventSource cannot send the bearer token). */
export function getStreamTicket(): Promise<{ ticket: string; expiresAt: string }> {
  return request('/api/stream/ticket', { method: 'POST' });
}

export function streamUrl(query: Record<string, QueryValue>): string {
  return buildUrl(STREAM_PATH, query);
}
