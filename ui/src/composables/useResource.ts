// Something read from the API for a view: its value, the error that stopped it, whether an answer
// is still coming while none is shown, and load() to (re)read it. A reload keeps the value on
// screen until the new one comes. A newer load() aborts the older one, so a slow answer never
// overwrites a newer one; leaving the page aborts what is in flight.
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import { describeError } from '../api';
import { useLatestRequest } from './useLatestRequest';

export interface Resource<T> {
  data: ShallowRef<T | null>;
  error: Ref<string | null>;
  /** true while an answer is coming and no value is shown yet (the first load, a retry after an error) */
  loading: Ref<boolean>;
  /** true while any load is in flight, a reload behind a shown value too */
  busy: Ref<boolean>;
  load: () => Promise<void>;
}

export function useResource<T>(fetch: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const data = shallowRef<T | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(true);
  const busy = ref(false);
  const request = useLatestRequest();

  async function load(): Promise<void> {
    const signal = request.begin();
    busy.value = true;
    if (data.value === null) loading.value = true;
    try {
      const value = await fetch(signal);
      if (signal.aborted) return;
      data.value = value;
      error.value = null;
    } catch (err) {
      if (signal.aborted) return;
      error.value = describeError(err);
    } finally {
      if (request.end(signal)) {
        loading.value = false;
        busy.value = false;
      }
    }
  }

  return { data, error, loading, busy, load };
}
