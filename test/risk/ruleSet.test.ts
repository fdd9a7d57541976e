// The diff an approver reads: only what changes, whatever order an object's keys come in (a
// version read back from PostgreSQL's jsonb has its own order; a proposal parsed from a request
// has the schema's).
import { describe, expect, it } from 'vitest';
import { contentSchemaFor } from '../../admin/ruleSets';
import { loadConfig } from '../../config';
import { diffRuleSets, type RuleSetContent } from '../../risk/ruleSet';

const { defaults } = contentSchemaFor(loadConfig({}));
const entry = { merchantId: 'M-90001', merchantName: 'Pesa Mingi Investment Club', reason: 'pyramid scheme reported' };

/** Every object's keys in reverse order, as a different serializer might give them. */
function reordered<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reordered) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reordered(v)])) as T;
  return value;
}

describe('diffRuleSets', () => {
  const live: RuleSetContent = { ...structuredClone(defaults), blacklist: { merchants: [entry] } };

  it('finds no change between a version and the same content with its keys in another order', () => {
    expect(diffRuleSets(live, reordered(live))).toEqual([]);
  });

  it('names the one setting changed, not every blacklist entry', () => {
    const proposal = reordered(live);
    proposal.scoring.levels.medium = live.scoring.levels.medium - 500;
    expect(diffRuleSets(live, proposal)).toEqual([{ path: 'scoring.levels.medium', from: live.scoring.levels.medium, to: live.scoring.levels.medium - 500 }]);
  });

  it('names a blacklist entry added, changed and removed by its merchant id', () => {
    const added = { merchantId: 'M-90007', reason: 'card testing' };
    const proposal = reordered(live);
    proposal.blacklist.merchants = [{ ...entry, reason: 'pyramid scheme, confirmed' }, added];
    expect(diffRuleSets(live, proposal)).toEqual([
      { path: 'blacklist.merchants[M-90001]', from: entry, to: { ...entry, reason: 'pyramid scheme, confirmed' } },
      { path: 'blacklist.merchants[M-90007]', from: null, to: added },
    ]);
    expect(diffRuleSets(live, { ...live, blacklist: { merchants: [] } })).toEqual([{ path: 'blacklist.merchants[M-90001]', from: entry, to: null }]);
  });
});
