// One transaction for compliance: its decision path read from the workflow history, the history and
// the audit report to take away, and the replay against the current code. A newer reference aborts
// the older one's read; answers for a reference no longer shown are dropped.
import { computed, ref } from 'vue';
import { ApiError, describeError, downloadAuditCsv, downloadHistory, getAuditPage, getDecisionPath, replayTransaction, type ApiFile, type DecisionPath, type ReplayReport } from '../api';
import { openPendingTab, saveFile, showFile } from '../download';
import { useLatestRequest } from './useLatestRequest';

export function useTransactionProof() {
  /** the reference whose path is shown (or loading) */
  const currentRef = ref<string | null>(null);
  const path = ref<DecisionPath | null>(null);
  const loading = ref(false);
  const loadError = ref<string | null>(null);
  const notFound = ref(false);
  const replay = ref<ReplayReport | null>(null);
  const replaying = ref(false);
  const replayError = ref<string | null>(null);
  /** which download is running, so its button says so and none starts twice */
  const working = ref<'history' | 'csv' | 'print' | null>(null);
  const actionError = ref<string | null>(null);
  const request = useLatestRequest();

  async function load(txnRef: string): Promise<void> {
    const signal = request.begin();
    currentRef.value = txnRef;
    path.value = null;
    replay.value = null;
    replayError.value = null;
    actionError.value = null;
    loadError.value = null;
    notFound.value = false;
    loading.value = true;
    try {
      const result = await getDecisionPath(txnRef, signal);
      if (signal.aborted) return;
      path.value = result;
    } catch (err) {
      if (signal.aborted) return;
      notFound.value = err instanceof ApiError && err.status === 404;
      loadError.value = describeError(err);
    } finally {
      if (request.end(signal)) loading.value = false;
    }
  }

  async function runReplay(): Promise<void> {
    if (!currentRef.value || replaying.value) return;
    const txnRef = currentRef.value;
    replaying.value = true;
    replayError.value = null;
    replay.value = null;
    try {
      const report = await replayTransaction(txnRef);
      if (currentRef.value === txnRef) replay.value = report;
    } catch (err) {
      if (currentRef.value === txnRef) replayError.value = describeError(err);
    } finally {
      replaying.value = false;
    }
  }

  async function download(kind: 'history' | 'csv'): Promise<void> {
    if (!currentRef.value || working.value) return;
    working.value = kind;
    actionError.value = null;
    try {
      saveFile(kind === 'history' ? await downloadHistory(currentRef.value) : await downloadAuditCsv(currentRef.value));
    } catch (err) {
      actionError.value = `The ${kind === 'history' ? 'history' : 'audit report'} could not be downloaded: ${describeError(err)}`;
    } finally {
      working.value = null;
    }
  }

  async function openPrintable(): Promise<void> {
    if (!currentRef.value || working.value) return;
    working.value = 'print';
    actionError.value = null;
    const tab = openPendingTab();
    let file: ApiFile;
    try {
      file = await getAuditPage(currentRef.value);
    } catch (err) {
      tab?.close();
      actionError.value = `The printable audit report could not be opened: ${describeError(err)}`;
      return;
    } finally {
      working.value = null;
    }
    showFile(tab, file);
  }

  const outcome = computed(() => path.value?.outcome ?? null);

  return { currentRef, path, loading, loadError, notFound, replay, replaying, replayError, working, actionError, outcome, load, runReplay, download, openPrintable };
}
