import { onMounted, ref } from 'vue';
import { describeError, getHealth, type HealthReport } from '../api';

/** The API's /healthz, checked on mount and on demand. */
export function useHealth() {
  const report = ref<HealthReport | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  const checkedAt = ref<Date | null>(null);

  async function refresh(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      report.value = await getHealth();
    } catch (err) {
      report.value = null;
      error.value = describeError(err);
    } finally {
      loading.value = false;
      checkedAt.value = new Date();
    }
  }

  onMounted(() => {
    void refresh();
  });

  return { report, error, loading, checkedAt, refresh };
}
