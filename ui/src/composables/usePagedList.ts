// A list the API answers a page at a time ({ items, total } for limit + offset): the page shown,
// where it is in the whole, and turning pages. A newer load aborts an older one; leaving the page
// aborts what is in flight. A page beyond the end (rows went away meanwhile) steps back to the last.
import { computed, getCurrentInstance, onBeforeUnmount, ref, shallowRef } from 'vue';
import { describeError } from '../api';
import { announce } from './useAnnouncer';

export interface Page<T> {
  items: T[];
  total: number;
}

export const LIST_PAGE_SIZE = 50;

export function usePagedList<T>(fetchPage: (page: { limit: number; offset: number }, signal: AbortSignal) => Promise<Page<T>>, opts: { pageSize?: number; noun?: string } = {}) {
  const pageSize = opts.pageSize ?? LIST_PAGE_SIZE;
  const items = shallowRef<T[] | null>(null);
  const total = ref(0);
  const offset = ref(0);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let inFlight: AbortController | null = null;

  const rangeStart = computed(() => (total.value === 0 || !items.value?.length ? 0 : offset.value + 1));
  const rangeEnd = computed(() => offset.value + (items.value?.length ?? 0));
  const hasPrevious = computed(() => offset.value > 0);
  const hasNext = computed(() => rangeEnd.value < total.value);
  /** more than one page: the pager is worth showing */
  const paged = computed(() => total.value > pageSize || offset.value > 0);

  async function load(): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    loading.value = true;
    try {
      let page = await fetchPage({ limit: pageSize, offset: offset.value }, controller.signal);
      if (page.items.length === 0 && offset.value > 0 && page.total > 0) {
        offset.value = Math.floor((page.total - 1) / pageSize) * pageSize;
        page = await fetchPage({ limit: pageSize, offset: offset.value }, controller.signal);
      }
      if (controller.signal.aborted) return;
      items.value = page.items;
      total.value = page.total;
      error.value = null;
    } catch (err) {
      if (!controller.signal.aborted) error.value = describeError(err);
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        loading.value = false;
      }
    }
  }

  async function turn(delta: number): Promise<void> {
    offset.value = Math.max(0, offset.value + delta * pageSize);
    await load();
    if (!error.value && opts.noun) announce(`${opts.noun} ${rangeStart.value} to ${rangeEnd.value} of ${total.value}.`);
  }
  /** back to the first page (a filter changed) */
  function first(): Promise<void> {
    offset.value = 0;
    return load();
  }

  if (getCurrentInstance()) onBeforeUnmount(() => inFlight?.abort());
  return { items, total, offset, error, loading, load, first, next: () => turn(1), previous: () => turn(-1), rangeStart, rangeEnd, hasPrevious, hasNext, paged, pageSize };
}
