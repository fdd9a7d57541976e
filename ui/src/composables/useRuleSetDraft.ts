// A rule-set change being written: a copy of the live version (or of any past one, restored as a
// new draft), edited setting by setting, checked by the server before it is proposed — the same
// validation and the same diff as proposing (POST /api/admin/rule-sets/preview) — and then proposed.
// The page never judges a setting itself: each problem is the server's, shown beside its field.
import { computed, nextTick, ref, shallowRef } from 'vue';
import { ApiError, previewRuleSet, proposeRuleSet, type RuleSetChangeView, type RuleSetContentView, type RuleSetView } from '../api';
import { cloneContent, inputId } from '../ruleSetFields';

/** A problem's field as the API names it (content.scoring.levels.medium) → the draft's path. */
const draftPath = (field: string) => field.replace(/^content\./, '');

export function useRuleSetDraft() {
  const base = shallowRef<RuleSetView | null>(null);
  const draft = ref<RuleSetContentView | null>(null);
  const reason = ref('');
  /** the diff of the last check, against the live version `checkedLive` */
  const changes = ref<RuleSetChangeView[] | null>(null);
  const checkedLive = ref<number | null>(null);
  /** the server's problems by path (scoring.levels.medium, blacklist.merchants[2].reason, reason) */
  const problems = ref<Record<string, string>>({});
  /** what was checked, so an edit after the check asks for a new one before proposing */
  const checkedAs = ref<string | null>(null);

  const snapshot = () => JSON.stringify({ content: draft.value, reason: reason.value.trim() });
  const checked = computed(() => checkedAs.value !== null && checkedAs.value === snapshot() && Object.keys(problems.value).length === 0);
  const canPropose = computed(() => checked.value && (changes.value?.length ?? 0) > 0);

  /** Starts over from `from` (the live version, or a past one to restore). */
  function start(from: RuleSetView): void {
    base.value = from;
    draft.value = cloneContent(from.content);
    reason.value = from.status === 'approved' ? '' : `restore version ${from.version}: ${from.reason}`;
    changes.value = null;
    problems.value = {};
    checkedAs.value = null;
  }

  async function focusFirstProblem(): Promise<void> {
    await nextTick();
    const first = Object.keys(problems.value)[0];
    if (!first) return;
    // the field itself, else the nearest one holding it (a list's entry: the list), else the summary
    const ids: string[] = [];
    for (let path = first; path; ) {
      ids.push(path === 'reason' ? 'rs-reason' : inputId(path));
      const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
      path = cut > 0 ? path.slice(0, cut) : '';
    }
    const el = [...ids, 'rs-problems'].map((id) => document.getElementById(id)).find((e) => e !== null);
    el?.focus();
  }

  /** Asks the server what the draft would change; problems are shown beside their fields and the first one gets the focus. */
  async function check(): Promise<void> {
    if (!draft.value) return;
    const as = snapshot();
    try {
      const preview = await previewRuleSet(draft.value, reason.value.trim());
      changes.value = preview.changes;
      checkedLive.value = preview.live;
      problems.value = {};
      checkedAs.value = as;
    } catch (err) {
      if (!(err instanceof ApiError) || !err.isValidation) throw err;
      const issues = err.issues.length > 0 ? err.issues : [{ field: err.field ?? 'content', message: err.message }];
      problems.value = Object.fromEntries(issues.map((i) => [draftPath(i.field), i.message]));
      changes.value = null;
      checkedAs.value = null;
      await focusFirstProblem();
    }
  }

  /** Proposes the checked draft; its answer is the sentence the page says. */
  async function propose(): Promise<string> {
    if (!draft.value || !canPropose.value) throw new Error('check the change before proposing it');
    const proposed = await proposeRuleSet(draft.value, reason.value.trim());
    checkedAs.value = null;
    return `Version ${proposed.ruleSet.version} proposed. It takes effect when a second person approves it.`;
  }

  return { base, draft, reason, changes, checkedLive, problems, checked, canPropose, start, check, propose };
}
