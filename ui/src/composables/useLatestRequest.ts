// One request at a time for a view or a list: starting one aborts the one before it, so a slow
// answer never overwrites a newer one; leaving the page aborts what is in flight.
import { getCurrentInstance, onBeforeUnmount } from 'vue';

export interface LatestRequest {
  /** aborts the request before this one and gives this one's signal */
  begin(): AbortSignal;
  /** this request is over: true when it was still the newest (so its "loading" may end) */
  end(signal: AbortSignal): boolean;
}

export function useLatestRequest(): LatestRequest {
  let inFlight: AbortController | null = null;
  if (getCurrentInstance()) onBeforeUnmount(() => inFlight?.abort());
  return {
    begin() {
      inFlight?.abort();
      inFlight = new AbortController();
      return inFlight.signal;
    },
    end(signal) {
      if (inFlight?.signal !== signal) return false;
      inFlight = null;
      return true;
    },
  };
}
