import { requestRaw } from './client';
import type { HealthReport } from './types';

/** The API's liveness endpoint, for links and status displays. */
export const HEALTH_PATH = '/healthz';

/** Asks /healthz; an unhealthy answer is a report, not an exception. Network failures throw. */
export async function getHealth(signal?: AbortSignal): Promise<HealthReport> {
  const result = await requestRaw(HEALTH_PATH, { auth: false, signal });
  const details =
    typeof result.body === 'object' && result.body !== null && !Array.isArray(result.body)
      ? (result.body as Record<string, unknown>)
      : result.body === null
        ? {}
        : { response: result.body };
  return { ok: result.ok, httpStatus: result.status, details };
}

/** Temporal Web, when the build was told where operators find it. */
export function temporalWebUrl(): string | null {
  const url = import.meta.env.VITE_TEMPORAL_UI_URL;
  return url ? url : null;
}
