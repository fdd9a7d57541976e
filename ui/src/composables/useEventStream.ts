// The live stream (GET /api/stream, server-sent events) for a view: opened on mount, closed on
// unmount. EventSource cannot send the bearer token, so each connection starts with a one-minute
// stream ticket; when the browser's own reconnect is refused (the ticket expired) a fresh ticket
// is fetched and the stream reopened from the last event seen, so nothing is missed.
import { onBeforeUnmount, onMounted, ref } from 'vue';
import { ApiError, describeError, getStreamTicket, streamUrl, type CaseChange, type TransactionChange } from '../api';

export type StreamStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'paused' | 'unsupported' | 'stopped';

export interface EventStreamOptions {
  types: ('transaction' | 'case')[];
  /** scored transactions to replay on the first connection */
  backlog?: number;
  onTransaction?: (change: TransactionChange) => void;
  onCase?: (change: CaseChange) => void;
  /** the server could not replay everything missed: reload whatever the view shows */
  onReset?: () => void;
}

const MAX_BACKOFF_MS = 30_000;

export function useEventStream(options: EventStreamOptions) {
  const status = ref<StreamStatus>('idle');
  const error = ref<string | null>(null);
  let source: EventSource | null = null;
  let lastEventId: string | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  let stopped = false;

  function handle<T>(callback: ((data: T) => void) | undefined) {
    return (event: MessageEvent<string>) => {
      if (event.lastEventId) lastEventId = event.lastEventId;
      try {
        callback?.(JSON.parse(event.data) as T);
      } catch {
        // a malformed event is skipped; the next one carries on
      }
    };
  }

  function scheduleReconnect(): void {
    if (stopped) return;
    attempts += 1;
    status.value = 'reconnecting';
    retryTimer = setTimeout(() => void connect(), Math.min(MAX_BACKOFF_MS, 500 * 2 ** Math.min(attempts, 6)));
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    if (typeof EventSource === 'undefined') {
      status.value = 'unsupported';
      return;
    }
    status.value = attempts === 0 ? 'connecting' : 'reconnecting';
    let ticket: string;
    try {
      ticket = (await getStreamTicket()).ticket;
    } catch (err) {
      // 401: the session is over and the app is already on its way to the login page
      if (err instanceof ApiError && err.isUnauthorized) {
        status.value = 'stopped';
        return;
      }
      error.value = describeError(err);
      scheduleReconnect();
      return;
    }
    if (stopped) return;
    const es = new EventSource(
      streamUrl({
        ticket,
        types: options.types.join(','),
        lastEventId: lastEventId ?? undefined,
        backlog: lastEventId === null ? options.backlog : undefined,
      }),
    );
    source = es;
    es.onopen = () => {
      attempts = 0;
      error.value = null;
      status.value = 'live';
    };
    es.addEventListener('transaction', handle(options.onTransaction) as EventListener);
    es.addEventListener('case', handle(options.onCase) as EventListener);
    es.addEventListener('reset', () => options.onReset?.());
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        // refused (an expired ticket) or failed for good: start over with a new ticket
        es.close();
        if (source === es) source = null;
        scheduleReconnect();
      } else {
        status.value = 'reconnecting'; // the browser retries by itself
      }
    };
  }

  function stop(): void {
    stopped = true;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    source?.close();
    source = null;
    status.value = 'stopped';
  }

  onMounted(() => void connect());
  onBeforeUnmount(stop);

  return { status, error, stop };
}

/** Calls `fn` at most once per `ms`, and once more after the last call (live reloads). */
export function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  return () => {
    if (timer !== undefined) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = undefined;
      last = Date.now();
      fn();
    }, wait);
  };
}
