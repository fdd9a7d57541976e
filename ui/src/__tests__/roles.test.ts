// The one role ranking the case views use: who decides at all, and who is senior enough.
import { describe, expect, it } from 'vitest';
import { decidesCases, meetsRole } from '../roles';

describe('role ranking', () => {
  it('analysts and senior analysts decide; compliance, admin and nobody do not', () => {
    expect([decidesCases('analyst'), decidesCases('senior_analyst'), decidesCases('compliance'), decidesCases('admin'), decidesCases(null)]).toEqual([true, true, false, false, false]);
  });

  it('a senior analyst meets an escalated case, an analyst only a medium one', () => {
    expect(meetsRole('senior_analyst', 'senior_analyst')).toBe(true);
    expect(meetsRole('senior_analyst', 'analyst')).toBe(true);
    expect(meetsRole('analyst', 'analyst')).toBe(true);
    expect(meetsRole('analyst', 'senior_analyst')).toBe(false);
    expect(meetsRole('compliance', 'analyst')).toBe(false);
    expect(meetsRole(undefined, 'analyst')).toBe(false);
  });
});
