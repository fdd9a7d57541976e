// The rule sets the admin pages show: every version, the live one, the drafts waiting for a second
// person (each with its diff against the live version), and the candidates a backtest or shadow run
// may try (drafts and past versions).
import { computed } from 'vue';
import { getRuleSet, listRuleSets, type RuleSetChangeView, type RuleSetView } from '../api';
import { useResource } from './useResource';

export function useRuleSets(options: { withDiffs?: boolean } = {}) {
  const resource = useResource(async (signal) => {
    const { ruleSets } = await listRuleSets(signal);
    const diffs: Record<number, RuleSetChangeView[]> = {};
    if (options.withDiffs) {
      const shown = await Promise.all(ruleSets.filter((r) => r.status === 'draft').map((r) => getRuleSet(r.version, signal)));
      for (const s of shown) diffs[s.ruleSet.version] = s.changes;
    }
    return { ruleSets, diffs };
  });
  const all = computed<RuleSetView[]>(() => resource.data.value?.ruleSets ?? []);
  const live = computed(() => all.value.find((r) => r.status === 'approved') ?? null);
  const drafts = computed(() => all.value.filter((r) => r.status === 'draft'));
  const diffs = computed(() => resource.data.value?.diffs ?? {});
  /** anything but the live version: a draft, or a superseded or rejected one */
  const candidates = computed(() => all.value.filter((r) => r.status !== 'approved').sort((a, b) => b.version - a.version));
  return { ...resource, all, live, drafts, diffs, candidates };
}

/** "version 7 (draft, proposed by daudi)" */
export function describeVersion(r: RuleSetView): string {
  return `version ${r.version} (${r.status}, proposed by ${r.proposedBy})`;
}
