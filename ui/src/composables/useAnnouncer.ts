// One polite live region for the whole app (rendered by App.vue): page changes, result counts and
// the outcome of actions that have no message of their own are said here. Each message is a new
// node, so two in a row (the page, then its count) are both read, and the same text twice is too.
import { readonly, ref } from 'vue';

interface Announcement {
  id: number;
  text: string;
}

const messages = ref<Announcement[]>([]);
let next = 0;
/** long enough for a screen reader to pick a message up; the region never grows without bound */
const KEEP_MS = 10_000;

export function announce(text: string): void {
  const message = { id: (next += 1), text };
  messages.value = [...messages.value, message].slice(-3);
  setTimeout(() => {
    messages.value = messages.value.filter((m) => m !== message);
  }, KEEP_MS);
}

export function useAnnouncer() {
  return { messages: readonly(messages), announce };
}
