// The admin pages' reading of a rule set (ui/src/ruleSetFields.ts) against the real content the
// server seeds from the configuration: every setting is shown, under the scoring code's rule
// labels, with a label in words (a parameter added without one fails here), and the units the
// inputs use convert back to exactly what the server stores.
import { describe, expect, it } from 'vitest';
import { contentSchemaFor } from '../../admin/ruleSets';
import { loadConfig } from '../../config';
import { RULE_LABELS, RULE_ORDER } from '../../risk/rules';
import { cloneContent, describeChange, formatSetting, fromInput, ruleSetGroups, toInput, valueAt, withBlacklistEntry } from '../../ui/src/ruleSetFields';
import type { RuleSetContentView } from '../../ui/src/api/admin';

const { defaults } = contentSchemaFor(loadConfig({}));
const content = defaults as unknown as RuleSetContentView;

/** every leaf path of the content except the blacklist (shown as its own table) */
function leaves(value: unknown, path: string, out: string[] = []): string[] {
  if (path === 'blacklist' || path.endsWith('.weights') || path.endsWith('.types') || path.endsWith('.keywords')) {
    if (path !== 'blacklist') out.push(path);
    return out;
  }
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out);
  else out.push(path);
  return out;
}

describe('a rule set as the admin pages show it', () => {
  const groups = ruleSetGroups(content);
  const fields = groups.flatMap((g) => g.fields);

  it('shows every setting once, each with a label in words', () => {
    expect(fields.map((f) => f.path).sort()).toEqual(leaves(content, '').sort());
    for (const f of fields) expect(f.label, f.path).not.toBe(f.path.split('.').at(-1));
  });

  it("groups the rules under the scoring code's labels", () => {
    for (const rule of RULE_ORDER) expect(groups.find((g) => g.id === rule)?.title).toBe(RULE_LABELS[rule]);
  });

  it('edits in the units people use and stores what the server stores', () => {
    const kindOf = (path: string) => fields.find((f) => f.path === path)!.kind;
    expect(kindOf('scoring.levels.medium')).toBe('points');
    expect(toInput('points', 5000)).toBe(0.5);
    expect(fromInput('points', '0.4')).toBe(4000);
    expect(fromInput('points', '0.1235')).toBe(1235);
    expect(kindOf('sla.mediumMs')).toBe('duration');
    expect(toInput('duration', content.sla.mediumMs)).toBe(content.sla.mediumMs / 3_600_000);
    expect(fromInput('duration', '2.5')).toBe(9_000_000);
    expect(kindOf('scoring.rules.amount.highAmount')).toBe('kes');
    expect(fromInput('kes', '')).toBeNull();
    expect(formatSetting('points', 4500)).toBe('0.45');
    expect(formatSetting('duration', 4 * 3_600_000)).toBe('4 h 0 min');
    expect(formatSetting('modelVersion', null)).toBe('the newest trained model');
    expect(valueAt(content, 'scoring.levels.high')).toBe(content.scoring.levels.high);
  });

  it("says a diff's changes in the same words and units", () => {
    expect(describeChange({ path: 'scoring.levels.medium', from: 5000, to: 4000 })).toEqual({ title: 'Risk levels', label: 'Medium risk from', from: '0.50', to: '0.40' });
    expect(describeChange({ path: 'scoring.rules.amount.highAmount', from: 10_000_000, to: 8_000_000 })).toMatchObject({ title: 'Large amount', label: 'High amount from' });
    expect(describeChange({ path: 'sla.highMs', from: 3_600_000, to: 5_400_000 })).toMatchObject({ title: 'Time to decide (SLA)', from: '1 h 0 min', to: '1 h 30 min' });
    expect(describeChange({ path: 'anomalyModelVersion', from: null, to: 7 })).toEqual({ title: 'Anomaly model', label: 'Model version', from: 'the newest trained model', to: 'version 7' });
    expect(describeChange({ path: 'blacklist.merchants[M-9]', from: null, to: { merchantId: 'M-9', merchantName: 'Evil Ltd', reason: 'scam' } })).toEqual({
      title: 'Blacklisted merchants',
      label: 'M-9',
      from: 'not listed',
      to: 'Evil Ltd: scam',
    });
  });

  it('adds a blacklist entry without touching the original', () => {
    const before = cloneContent(content);
    const next = withBlacklistEntry(content, { merchantId: ' M-1 ', merchantName: ' ', reason: ' scam ' });
    expect(next.blacklist.merchants.at(-1)).toEqual({ merchantId: 'M-1', reason: 'scam' });
    expect(content).toEqual(before);
  });
});
