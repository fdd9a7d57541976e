// The case queue's data: filters and sort order live in the URL (so a filtered queue can be
// bookmarked and the back button works), every change reloads, and a newer request cancels an
// older one. Live changes reload quietly, keeping the rows on screen meanwhile.
import { computed, ref, watch } from 'vue';
import { useRoute, useRouter, type LocationQuery } from 'vue-router';
import {
  CASE_STATUS_FILTERS,
  CHANNELS,
  QUEUE_SORTS,
  describeError,
  listCases,
  type CaseListItem,
  type CaseQueueFilter,
  type CaseRiskLevel,
  type CaseStatusFilter,
  type Channel,
  type QueueSort,
} from '../api';
import { useLatestRequest } from './useLatestRequest';
import { pagerBinding } from './usePagedList';

export const PAGE_SIZE = 25;
const LEVELS: readonly CaseRiskLevel[] = ['medium', 'high'];
/** The queue shows open cases unless asked for all (`status=all`) or another status. */
export const DEFAULT_STATUS: CaseStatusFilter = 'open';

export interface QueueFilter {
  /** '' = every status */
  status: CaseStatusFilter | '';
  level: CaseRiskLevel | '';
  assignee: string;
  channel: Channel | '';
  minAgeMinutes: number | '';
  slaWithinMinutes: number | '';
  overdue: boolean | '';
  sort: QueueSort;
  dir: 'asc' | 'desc' | '';
  limit: number;
  offset: number;
}

function one(value: LocationQuery[string]): string {
  return typeof value === 'string' ? value : '';
}

function positive(text: string): number | '' {
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n > 0 ? n : '';
}

export function filterFromQuery(query: LocationQuery): QueueFilter {
  const status = one(query.status);
  const level = one(query.level);
  const channel = one(query.channel);
  const sort = one(query.sort);
  const dir = one(query.dir);
  const overdue = one(query.overdue);
  const offset = Number.parseInt(one(query.offset), 10);
  return {
    status: status === 'all' ? '' : (CASE_STATUS_FILTERS as readonly string[]).includes(status) ? (status as CaseStatusFilter) : DEFAULT_STATUS,
    level: (LEVELS as readonly string[]).includes(level) ? (level as CaseRiskLevel) : '',
    assignee: one(query.assignee).slice(0, 64),
    channel: (CHANNELS as readonly string[]).includes(channel) ? (channel as Channel) : '',
    minAgeMinutes: positive(one(query.minAgeMinutes)),
    slaWithinMinutes: positive(one(query.slaWithinMinutes)),
    overdue: overdue === 'true' ? true : '',
    sort: (QUEUE_SORTS as readonly string[]).includes(sort) ? (sort as QueueSort) : 'priority',
    dir: dir === 'asc' || dir === 'desc' ? dir : '',
    limit: PAGE_SIZE,
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}

function queryFromFilter(f: QueueFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.status === '') q.status = 'all';
  else if (f.status !== DEFAULT_STATUS) q.status = f.status;
  if (f.level) q.level = f.level;
  if (f.assignee) q.assignee = f.assignee;
  if (f.channel) q.channel = f.channel;
  if (f.minAgeMinutes) q.minAgeMinutes = String(f.minAgeMinutes);
  if (f.slaWithinMinutes) q.slaWithinMinutes = String(f.slaWithinMinutes);
  if (f.overdue) q.overdue = 'true';
  if (f.sort !== 'priority') q.sort = f.sort;
  if (f.dir) q.dir = f.dir;
  if (f.offset) q.offset = String(f.offset);
  return q;
}

function toApiFilter(f: QueueFilter): CaseQueueFilter {
  return { ...f };
}

export function useCaseQueue() {
  const route = useRoute();
  const router = useRouter();

  const items = ref<CaseListItem[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const loaded = ref(false);
  const request = useLatestRequest();

  const filter = computed(() => filterFromQuery(route.query));

  async function load(opts: { quiet?: boolean } = {}): Promise<void> {
    const signal = request.begin();
    if (!opts.quiet) loading.value = true;
    if (!opts.quiet) error.value = null;
    try {
      const page = await listCases(toApiFilter(filter.value), signal);
      items.value = page.items;
      total.value = page.total;
      loaded.value = true;
      error.value = null;
    } catch (err) {
      if (signal.aborted) return;
      error.value = describeError(err);
    } finally {
      if (request.end(signal)) loading.value = false;
    }
  }

  // The URL changes asynchronously: a second change made before the first navigation finished
  // builds on the filter asked for, not on the URL that still shows the older one.
  let requested: QueueFilter | null = null;

  function setFilter(change: Partial<QueueFilter>): void {
    const next = { ...(requested ?? filter.value), ...change };
    // a new filter or order starts at the first page
    if (!('offset' in change)) next.offset = 0;
    requested = next;
    void router.replace({ query: queryFromFilter(next) }).finally(() => {
      if (requested === next) requested = null;
    });
  }

  /** Sort by `sort`; asking again for the same column flips the direction. */
  function sortBy(sort: QueueSort, defaultDir: 'asc' | 'desc'): void {
    const current = requested ?? filter.value;
    const currentDir = current.dir || (current.sort === 'priority' ? 'desc' : 'asc');
    const dir = current.sort === sort ? (currentDir === 'asc' ? 'desc' : 'asc') : defaultDir;
    setFilter({ sort, dir });
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

  const pager = pagerBinding({ rangeStart, rangeEnd, total, hasPrevious, hasNext, loading }, { previous: previousPage, next: nextPage });

  watch(filter, () => void load(), { immediate: true, deep: true });

  return { items, total, loading, loaded, error, filter, setFilter, sortBy, load, rangeStart, rangeEnd, hasPrevious, hasNext, previousPage, nextPage, pager };
}
