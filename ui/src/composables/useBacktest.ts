// One backtest as its page shows it: while it runs, its progress (the workflow's progress query,
// through the API) is read again every POLL_MS; once completed, its report is read once.
import { onBeforeUnmount, shallowRef } from 'vue';
import { getBacktest, getBacktestReport, type BacktestProgressView, type BacktestView, type ComparisonReport } from '../api';
import { useResource } from './useResource';

export const POLL_MS = 1_000;

export function useBacktest(id: () => string) {
  const report = shallowRef<ComparisonReport | null>(null);
  const reportError = shallowRef<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const resource = useResource<{ backtest: BacktestView; progress: BacktestProgressView | null }>(async (signal) => {
    const answer = await getBacktest(id(), signal);
    if (answer.backtest.status === 'completed' && !report.value) {
      try {
        report.value = (await getBacktestReport(id(), signal)).report;
        reportError.value = null;
      } catch (err) {
        if (signal.aborted) throw err;
        reportError.value = err instanceof Error ? err.message : String(err);
      }
    }
    return answer;
  });

  async function follow(): Promise<void> {
    clearTimeout(timer);
    await resource.load();
    // keep following while it runs (or while an error may be passing)
    const status = resource.data.value?.backtest.status;
    if (!stopped && (status === 'running' || (status === undefined && resource.error.value))) timer = setTimeout(() => void follow(), POLL_MS);
  }

  onBeforeUnmount(() => {
    stopped = true;
    clearTimeout(timer);
  });
  return { ...resource, report, reportError, follow };
}
