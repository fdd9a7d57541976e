// The compliance "decisions by date" list: a range of whole bank days, read a page at a time
// (a busy week holds more than a thousand decisions), and the whole range as a CSV.
import { computed, ref } from 'vue';
import { describeError, downloadDecisionsCsv, getDecisions, type DecisionsReport } from '../api';
import { saveFile } from '../download';
import { bankDate, bankDayStart } from '../format';
import { announce } from './useAnnouncer';
import { useLatestRequest } from './useLatestRequest';
import { pagerBinding } from './usePagedList';

/** Decisions on one page: a screen's worth to read, not the whole range. */
export const DECISIONS_PAGE_SIZE = 50;

export function useDecisionsByDate(pageSize = DECISIONS_PAGE_SIZE) {
  const rangeFrom = ref(bankDate(-6));
  const rangeTo = ref(bankDate());
  const report = ref<DecisionsReport | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const rangeProblem = ref<string | null>(null);
  const csvWorking = ref(false);
  /** the CSV download's failure, apart from the page's: the page shown stays */
  const csvError = ref<string | null>(null);
  /** the range of the page shown: paging keeps it even while the date fields are being edited */
  let shownRange: { from: string; to: string; label: string } | null = null;
  const request = useLatestRequest();

  /** The chosen bank days as the API's instants: `to` is inclusive here, exclusive there. */
  function instantRange(): { from: string; to: string } | null {
    rangeProblem.value = null;
    if (!rangeFrom.value || !rangeTo.value) {
      rangeProblem.value = 'Choose both dates.';
      return null;
    }
    if (rangeTo.value < rangeFrom.value) {
      rangeProblem.value = 'The end date must not be before the start date.';
      return null;
    }
    return { from: bankDayStart(rangeFrom.value), to: bankDayStart(rangeTo.value, 1) };
  }

  async function loadPage(range: { from: string; to: string; label: string }, offset: number, say: (r: DecisionsReport) => string): Promise<void> {
    const signal = request.begin();
    loading.value = true;
    error.value = null;
    try {
      const result = await getDecisions({ from: range.from, to: range.to, limit: pageSize, offset }, signal);
      if (signal.aborted) return;
      report.value = result;
      shownRange = range;
      announce(say(result));
    } catch (err) {
      if (!signal.aborted) error.value = describeError(err);
    } finally {
      if (request.end(signal)) loading.value = false;
    }
  }

  /** The first page of the chosen range. */
  async function load(): Promise<void> {
    const range = instantRange();
    if (!range) return;
    const label = `from ${rangeFrom.value} to ${rangeTo.value}`;
    await loadPage({ ...range, label }, 0, (r) => `${r.total} decision${r.total === 1 ? '' : 's'} ${label}.`);
  }

  const offset = computed(() => report.value?.offset ?? 0);
  const total = computed(() => report.value?.total ?? 0);
  const rangeStart = computed(() => (report.value && report.value.count > 0 ? offset.value + 1 : 0));
  const rangeEnd = computed(() => offset.value + (report.value?.count ?? 0));
  const hasPrevious = computed(() => offset.value > 0);
  const hasNext = computed(() => report.value?.truncated === true);

  function turn(to: number): Promise<void> {
    if (!shownRange) return Promise.resolve();
    return loadPage(shownRange, Math.max(0, to), (r) => `Decisions ${r.count > 0 ? r.offset + 1 : 0}–${r.offset + r.count} of ${r.total}.`);
  }
  const nextPage = () => turn(offset.value + pageSize);
  const previousPage = () => turn(offset.value - pageSize);
  const pager = pagerBinding({ rangeStart, rangeEnd, total, hasPrevious, hasNext, loading }, { previous: previousPage, next: nextPage });

  /** The whole range (every page) as a CSV file. */
  async function downloadCsv(): Promise<void> {
    const range = instantRange();
    if (!range || csvWorking.value) return;
    csvWorking.value = true;
    csvError.value = null;
    try {
      saveFile(await downloadDecisionsCsv(range));
    } catch (err) {
      csvError.value = `The decisions could not be downloaded: ${describeError(err)}`;
    } finally {
      csvWorking.value = false;
    }
  }

  return { rangeFrom, rangeTo, report, loading, error, rangeProblem, csvWorking, csvError, load, nextPage, previousPage, downloadCsv, rangeStart, rangeEnd, total, hasPrevious, hasNext, pager };
}
