// The what-if re-score: the same answer as the live path (rules, anomaly, Tazama's least levels)
// for the live rule set, the candidate's own weights and windows otherwise, and the report's figures.
import { describe, expect, it } from 'vitest';
import { BacktestTally, prepareCandidate, profileFor, recordedTazama, rescore, type BacktestResult } from '../../risk/backtest';
import type { RuleSetContent } from '../../risk/ruleSet';
import { scoreTransaction } from '../../risk/score';
import { applyTazama, tazamaOutcome, type TazamaEvaluation } from '../../risk/tazama';
import { defaultPolicy, profile, txn } from './helpers';

const content = (): RuleSetContent => ({
  scoring: defaultPolicy(),
  blacklist: { merchants: [{ merchantId: 'M-EVIL', reason: 'scam' }] },
  anomalyModelVersion: null,
  tazama: { alertPoints: 3000 },
  sla: { mediumMs: 1, highMs: 1, escalatedMs: 1 },
});
const alert: TazamaEvaluation = { evaluationId: 'E-1', status: 'ALRT', timestamp: null, msgId: 'M-1', networkMapId: null, typologies: [] };

describe('rescore', () => {
  it('gives the live score for the live content, with Tazama weighed as the lifecycle weighs it', () => {
    const c = content();
    const candidate = prepareCandidate(1, c, 'medium');
    const t = txn({ merchantId: 'M-EVIL' });
    const p = profile();
    const base = scoreTransaction(t, { blacklistedMerchant: { merchantId: 'M-EVIL', reason: 'scam' }, customer: p }, c.scoring, null, 1);
    for (const outcome of [tazamaOutcome.disabled(), tazamaOutcome.evaluated('M-1', alert, 'push'), tazamaOutcome.evaluated('M-1', { ...alert, status: 'NALT' }, 'poll')]) {
      const live = applyTazama(base, outcome, { alertPoints: 3000, alertMinLevel: 'medium', blockMinLevel: 'high' });
      const again = rescore({ transaction: t, profile: p }, candidate, null, recordedTazama(live));
      expect(again.points).toBe(live.points);
      expect(again.level).toBe(live.level);
    }
  });

  it("uses the candidate's blacklist, thresholds and Tazama weight", () => {
    const c = content();
    c.blacklist.merchants = [];
    c.tazama.alertPoints = 0;
    const t = txn({ merchantId: 'M-EVIL' });
    const plain = rescore({ transaction: t, profile: profile() }, prepareCandidate(2, c, 'low'), null, { status: 'ALRT', blocked: false });
    expect(plain.hits).toEqual([]);
    expect(plain.level).toBe('low');
    // a block still holds the transaction as high, whatever the weight
    expect(rescore({ transaction: t, profile: profile() }, prepareCandidate(2, c, 'low'), null, { status: 'ALRT', blocked: true }).level).toBe('high');
  });

  it("counts the candidate's velocity window from the recorded times of the last 24 hours", () => {
    const at = '2026-03-02T09:00:00Z';
    const now = Date.parse(at);
    const p = profile({ recentCount: 1, recentAt: [now - 30 * 60_000, now - 90 * 60_000, now - 5 * 3_600_000] });
    expect(profileFor(p, at, 60).recentCount).toBe(1);
    expect(profileFor(p, at, 120).recentCount).toBe(2);
    expect(profileFor(p, at, 24 * 60).recentCount).toBe(3);
  });
});

describe('the report', () => {
  const result = (ref: string, live: BacktestResult['liveLevel'], candidate: BacktestResult['candidateLevel'], label: BacktestResult['label'], day = '2026-03-02'): BacktestResult => ({
    transactionRef: ref,
    day,
    liveLevel: live,
    candidateLevel: candidate,
    livePoints: 0,
    candidatePoints: 0,
    label,
    liveHits: live === 'low' ? [] : ['amount'],
    candidateHits: candidate === 'low' ? [] : ['amount'],
  });

  it('counts the matrix, fraud caught and missed, false positives, cases per day and rule shifts', () => {
    const tally = new BacktestTally();
    tally.add(result('A', 'low', 'medium', 'fraud'));
    tally.add(result('B', 'low', 'medium', 'legitimate', '2026-03-03'));
    tally.add(result('C', 'low', 'low', 'legitimate'));
    tally.add(result('D', 'high', 'high', 'fraud'));
    tally.add(result('E', 'medium', 'low', null));
    const r = tally.report();
    expect(r.matrix).toEqual({ low: { low: 1, medium: 2, high: 0 }, medium: { low: 1, medium: 0, high: 0 }, high: { low: 0, medium: 0, high: 1 } });
    expect(r.changed).toBe(3);
    expect(r.cells).toEqual([
      { live: 'low', candidate: 'medium', count: 2, transactionRefs: ['A', 'B'] },
      { live: 'medium', candidate: 'low', count: 1, transactionRefs: ['E'] },
    ]);
    expect(r.labelled).toEqual({ fraud: 2, legitimate: 2 });
    expect(r.live).toEqual({ fraudCaught: 1, fraudMissed: 1, falsePositives: 0, falsePositiveRate: 0, cases: 2 });
    expect(r.candidate).toEqual({ fraudCaught: 2, fraudMissed: 0, falsePositives: 1, falsePositiveRate: 0.5, cases: 3 });
    expect(r.casesPerDay).toEqual([
      { day: '2026-03-02', live: 2, candidate: 2 },
      { day: '2026-03-03', live: 0, candidate: 1 },
    ]);
    expect(r.ruleShifts).toEqual([{ rule: 'amount', liveHits: 2, candidateHits: 3, liveRate: 0.4, candidateRate: 0.6, change: 0.2 }]);
  });
});
