// A change made from the admin area (approve, propose, start, stop, create…): one at a time, its
// outcome said in words — a status message on success, an alert with the API's reason on failure
// (ActionOutcome.vue shows both in live regions).
import { ref } from 'vue';
import { describeError } from '../api';

export function useAdminAction() {
  const busy = ref(false);
  const message = ref<string | null>(null);
  const error = ref<string | null>(null);

  /** Runs `what`; its answer is the message shown. Resolves true when it succeeded. */
  async function run(what: () => Promise<string>): Promise<boolean> {
    busy.value = true;
    message.value = null;
    error.value = null;
    try {
      message.value = await what();
      return true;
    } catch (err) {
      error.value = describeError(err);
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { busy, message, error, run };
}
