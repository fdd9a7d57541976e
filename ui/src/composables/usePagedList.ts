// A list the API answers a page at a time ({ items, total } for limit + offset): the page shown,
// where it is in the whole, and turning pages. A newer load aborts an older one; leaving the page
// aborts what is in flight. A page beyond the end (rows went away meanwhile) steps back to the last.
import { computed, ref, shallowRef, type ComputedRef, type Ref } from 'vue';
import { describeError } from '../api';
import { announce } from './useAnnouncer';
import { useLatestRequest } from './useLatestRequest';

export interface Page<T> {
  items: T[];
  total: number;
}

export const LIST_PAGE_SIZE = 50;

/** ListPager's props and listeners for one list: `<ListPager label="…" v-bind="pager" />`. */
export interface PagerBinding {
  start: number;
  end: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
  busy: boolean;
  onPrevious: () => void;
  onNext: () => void;
}

/** Where a paged list stands, as ListPager shows it; every paged list (queue, decisions, lists) binds its pager through this. */
export function pagerBinding(
  list: { rangeStart: Ref<number>; rangeEnd: Ref<number>; total: Ref<number>; hasPrevious: Ref<boolean>; hasNext: Ref<boolean>; loading: Ref<boolean> },
  turn: { previous: () => unknown; next: () => unknown },
): ComputedRef<PagerBinding> {
  return computed(() => ({
    start: list.rangeStart.value,
    end: list.rangeEnd.value,
    total: list.total.value,
    hasPrevious: list.hasPrevious.value,
    hasNext: list.hasNext.value,
    busy: list.loading.value,
    onPrevious: () => void turn.previous(),
    onNext: () => void turn.next(),
  }));
}

export function usePagedList<T>(fetchPage: (page: { limit: number; offset: number }, signal: AbortSignal) => Promise<Page<T>>, opts: { pageSize?: number; noun?: string } = {}) {
  const pageSize = opts.pageSize ?? LIST_PAGE_SIZE;
  const items = shallowRef<T[] | null>(null);
  const total = ref(0);
  const offset = ref(0);
  const error = ref<string | null>(null);
  const loading = ref(false);
  const request = useLatestRequest();

  const rangeStart = computed(() => (total.value === 0 || !items.value?.length ? 0 : offset.value + 1));
  const rangeEnd = computed(() => offset.value + (items.value?.length ?? 0));
  const hasPrevious = computed(() => offset.value > 0);
  const hasNext = computed(() => rangeEnd.value < total.value);
  /** more than one page: the pager is worth showing */
  const paged = computed(() => total.value > pageSize || offset.value > 0);

  async function load(): Promise<void> {
    const signal = request.begin();
    loading.value = true;
    try {
      let page = await fetchPage({ limit: pageSize, offset: offset.value }, signal);
      if (page.items.length === 0 && offset.value > 0 && page.total > 0) {
        offset.value = Math.floor((page.total - 1) / pageSize) * pageSize;
        page = await fetchPage({ limit: pageSize, offset: offset.value }, signal);
      }
      if (signal.aborted) return;
      items.value = page.items;
      total.value = page.total;
      error.value = null;
    } catch (err) {
      if (!signal.aborted) error.value = describeError(err);
    } finally {
      if (request.end(signal)) loading.value = false;
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

  const next = () => turn(1);
  const previous = () => turn(-1);
  const pager = pagerBinding({ rangeStart, rangeEnd, total, hasPrevious, hasNext, loading }, { previous, next });

  return { items, total, offset, error, loading, load, first, next, previous, rangeStart, rangeEnd, hasPrevious, hasNext, paged, pageSize, pager };
}
