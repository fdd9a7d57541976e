// The case queue's data: filters live in the URL (so a filtered queue can be bookmarked and the
// back button works), every change reloads, and a newer request cancels an older one.
import { computed, onBeforeUnmount, ref, watch } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';
import {
  CASE_STATUS_FILTERS,
  describeError,
  listCases,
  type CaseListItem,
  type CaseQueueFilter,
  type CaseRiskLevel,
  type CaseStatusFilter,
} from '../api';

export const PAGE_SIZE = 25;
const LEVELS: readonly CaseRiskLevel[] = ['medium', 'high'];

function one(value: LocationQuery[string]): string {
  return typeof value === 'string' ? value : '';
}

export function filterFromQuery(query: LocationQuery): Required<CaseQueueFilter> {
  const status = one(query.status);
  const level = one(query.level);
  const offset = Number.parseInt(one(query.offset), 10);
  return {
    status: (CASE_STATUS_FILTERS as readonly string[]).includes(status) ? (status as CaseStatusFilter) : '',
    level: (LEVELS as readonly string[]).includes(level) ? (level as CaseRiskLevel) : '',
    limit: PAGE_SIZE,
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}

export function useCaseQueue() {
  const route = useRoute();
  const router = useRouter();

  const items = ref<CaseListItem[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const loaded = ref(false);
  let inFlight: AbortController | null = null;

  const filter = computed(() => filterFromQuery(route.query));

  async function load(): Promise<void> {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    loading.value = true;
    error.value = null;
    try {
      const page = await listCases(filter.value, controller.signal);
      items.value = page.items;
      total.value = page.total;
      loaded.value = true;
    } catch (err) {
      if (controller.signal.aborted) return;
      error.value = describeError(err);
    } finally {
      if (inFlight === controller) {
        loading.value = false;
        inFlight = null;
      }
    }
  }

  // The URL changes asynchronously: a second change made before the first navigation finished
  // builds on the filter asked for, not on the URL that still shows the older one.
  let requested: Required<CaseQueueFilter> | null = null;

  function setFilter(change: Partial<CaseQueueFilter>): void {
    const next = { ...(requested ?? filter.value), ...change };
    // a new filter starts at the first page
    if (change.status !== undefined || change.level !== undefined) next.offset = 0;
    requested = next;
    void router
      .replace({
        query: {
          ...(next.status ? { status: next.status } : {}),
          ...(next.level ? { level: next.level } : {}),
          ...(next.offset ? { offset: String(next.offset) } : {}),
        },
      })
      .finally(() => {
        if (requested === next) requested = null;
      });
  }

  const rangeStart = computed(() => (total.value === 0 ? 0 : filter.value.offset + 1));
  const rangeEnd = computed(() => Math.min(filter.value.offset + items.value.length, total.value));
  const hasPrevious = computed(() => filter.value.offset > 0);
  const hasNext = computed(() => filter.value.offset + PAGE_SIZE < total.value);

  function previousPage(): void {
    setFilter({ offset: Math.max(0, filter.value.offset - PAGE_SIZE) });
  }

  function nextPage(): void {
    setFilter({ offset: filter.value.offset + PAGE_SIZE });
  }

  watch(filter, () => void load(), { immediate: true, deep: true });
  onBeforeUnmount(() => inFlight?.abort());

  return { items, total, loading, loaded, error, filter, setFilter, load, rangeStart, rangeEnd, hasPrevious, hasNext, previousPage, nextPage };
}
