// Pure: parsing Tazama's documents and joining the evaluation to the score breakdown.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scoreTransaction } from '../../../risk/score';
import { applyTazama, formatWait, parseTazamaEvaluation, tazamaOutcome, TazamaShapeError, type TazamaEvaluation } from '../../../risk/tazama';
import type { ScoreBreakdown } from '../../../risk/types';
import { context, defaultPolicy, txn } from '../../risk/helpers';

const sample = JSON.parse(fs.readFileSync(new URL('./fixtures/sample-evaluation-result.cms-alert.json', import.meta.url), 'utf8')) as Record<string, any>;
const policy = { alertPoints: 3000 };

function breakdownWith(points: number): ScoreBreakdown {
  const b = scoreTransaction(txn(), context(), defaultPolicy(), null);
  return { ...b, points, score: points / 10_000, level: points >= 8000 ? 'high' : points >= 5000 ? 'medium' : 'low' };
}

function evaluation(status: 'ALRT' | 'NALT', score = status === 'ALRT' ? 200 : 100): TazamaEvaluation {
  return {
    evaluationId: 'ev-1',
    status,
    timestamp: '2026-11-20T07:15:02.000Z',
    msgId: 'msg-1',
    networkMapId: '004@1.0.0',
    typologies: [
      {
        id: '999@1.0.0',
        processor: 'typology-processor@1.0.0',
        score,
        review: score >= 200,
        alertThreshold: 200,
        interdictionThreshold: 400,
        flowProcessor: 'EFRuP@1.0.0',
        rules: [
          { id: 'EFRuP@1.0.0', cfg: 'none', subRuleRef: 'none', weight: 0, value: null, reason: null },
          { id: '901@1.0.0', cfg: '1.0.0', subRuleRef: score >= 200 ? '.02' : '.01', weight: score, value: 3, reason: 'outgoing transactions' },
        ],
      },
    ],
  };
}

describe('parseTazamaEvaluation', () => {
  it('reads the documented evaluation (report, transaction, networkMap, DataCache)', () => {
    const e = parseTazamaEvaluation(sample);
    expect(e).toMatchObject({ evaluationId: 'd643...', status: 'ALRT', timestamp: null, msgId: 'f8b8...', networkMapId: '004@1.0.0' });
    expect(e.typologies).toEqual([
      {
        id: '999@1.0.0',
        processor: 'typology-processor@1.0.0',
        score: 200,
        review: true,
        alertThreshold: 200,
        interdictionThreshold: 400,
        flowProcessor: 'EFRuP@1.0.0',
        rules: [
          { id: 'EFRuP@1.0.0', cfg: 'none', subRuleRef: 'none', weight: 0, value: null, reason: null },
          { id: '901@1.0.0', cfg: '1.0.0', subRuleRef: '.02', weight: 200, value: null, reason: null },
        ],
      },
    ]);
  });

  it('reads the admin-service answer, the relay push and the bare report alike', () => {
    const expected = parseTazamaEvaluation(sample);
    expect(parseTazamaEvaluation({ message: 'Report was found', data: sample })).toEqual(expected);
    const push = { message: 'Successfully completed 1 typologies', report: sample.report, transaction: sample.transaction, networkMap: sample.networkMap };
    expect(parseTazamaEvaluation(push)).toEqual(expected);
    expect(parseTazamaEvaluation(sample.report)).toEqual({ ...expected, msgId: null });
  });

  it('derives review from the threshold when a processor leaves it out', () => {
    const report = structuredClone(sample.report);
    delete report.tadpResult.typologyResult[0].review;
    report.tadpResult.typologyResult[0].result = 150;
    expect(parseTazamaEvaluation({ report }).typologies[0]!.review).toBe(false);
  });

  it.each([
    ['not an object', 'nope', 'evaluation'],
    ['no report', { message: 'x' }, 'report'],
    ['an unknown status', { report: { ...sample.report, status: 'MAYBE' } }, 'report.status'],
    ['no typology results', { report: { ...sample.report, tadpResult: { id: '004@1.0.0' } } }, 'report.tadpResult.typologyResult'],
    [
      'a score that is a string',
      { report: { ...sample.report, tadpResult: { ...sample.report.tadpResult, typologyResult: [{ ...sample.report.tadpResult.typologyResult[0], result: '200' }] } } },
      'report.tadpResult.typologyResult[0].result',
    ],
    [
      'no alert threshold',
      { report: { ...sample.report, tadpResult: { ...sample.report.tadpResult, typologyResult: [{ ...sample.report.tadpResult.typologyResult[0], workflow: {} }] } } },
      'report.tadpResult.typologyResult[0].workflow.alertThreshold',
    ],
    ['no evaluation id', { report: { ...sample.report, evaluationID: undefined } }, 'report.evaluationID'],
  ])('names the bad field for %s', (_label, doc, path) => {
    let error: unknown;
    try {
      parseTazamaEvaluation(doc);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TazamaShapeError);
    expect((error as TazamaShapeError).path).toBe(path);
    expect((error as Error).message.startsWith(`${path}: `)).toBe(true);
  });
});

describe('applyTazama', () => {
  it('adds the alert points for an ALRT and recomputes score and level', () => {
    const before = breakdownWith(2500);
    const after = applyTazama(before, tazamaOutcome.evaluated('msg-1', evaluation('ALRT'), 'push'), policy);
    expect(after).not.toBe(before);
    expect(before.tazama).toBeUndefined();
    expect(after).toMatchObject({ points: 5500, score: 0.55, level: 'medium' });
    expect(after.tazama).toMatchObject({
      outcome: 'evaluated',
      status: 'ALRT',
      msgId: 'msg-1',
      receivedVia: 'push',
      evaluationId: 'ev-1',
      basePoints: 2500,
      points: 3000,
      contribution: 0.3,
    });
    expect(after.tazama!.typologies).toEqual([
      { id: '999@1.0.0', score: 200, alertThreshold: 200, interdictionThreshold: 400, alert: true, interdiction: false, ruleIds: ['EFRuP@1.0.0', '901@1.0.0'] },
    ]);
    expect(after.tazama!.rules.map((r) => r.id)).toEqual(['EFRuP@1.0.0', '901@1.0.0']);
    expect(after.tazama!.detail).toBe('Tazama raised an alert (ALRT, by push): typology 999@1.0.0 scored 200, at or above its alert threshold 200 (rules 901@1.0.0 .02); +0.3');
    // everything else in the breakdown is untouched
    expect(after.rules).toEqual(before.rules);
    expect(after.thresholds).toEqual(before.thresholds);
  });

  it('turns medium into high when the alert crosses the high threshold', () => {
    expect(applyTazama(breakdownWith(5500), tazamaOutcome.evaluated('m', evaluation('ALRT', 450), 'poll'), policy)).toMatchObject({ points: 8500, level: 'high' });
  });

  it('caps the score at 1', () => {
    const after = applyTazama(breakdownWith(9000), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'poll'), policy);
    expect(after).toMatchObject({ points: 10_000, score: 1, level: 'high' });
    expect(after.tazama).toMatchObject({ points: 1000, contribution: 0.1 });
    expect(after.tazama!.detail).toMatch(/\+0\.1 \(capped at a score of 1\)$/);
  });

  it('adds nothing for a NALT and says so', () => {
    const after = applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', evaluation('NALT'), 'poll'), policy);
    expect(after).toMatchObject({ points: 2500, level: 'low' });
    expect(after.tazama).toMatchObject({ status: 'NALT', points: 0, receivedVia: 'poll' });
    expect(after.tazama!.detail).toBe('Tazama found no alert (NALT, by poll): typology 999@1.0.0 scored 100, below its alert threshold 200 (rules 901@1.0.0 .01); adds nothing');
  });

  it('honours a configured alert weight, including 0', () => {
    expect(applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), { alertPoints: 5000 }).points).toBe(7500);
    const none = applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), { alertPoints: 0 });
    expect(none.points).toBe(2500);
    expect(none.tazama!.detail).toMatch(/the alert weight is 0: adds nothing$/);
  });

  it.each([
    [tazamaOutcome.timedOut(30_000), 'timed_out', "Tazama did not answer within 30 s: decided on Kinga's own score"],
    [tazamaOutcome.disabled(), 'disabled', "Tazama is switched off: decided on Kinga's own score"],
    [tazamaOutcome.unavailable('503 from the TMS after 5 attempts'), 'unavailable', "Tazama could not be reached (503 from the TMS after 5 attempts): decided on Kinga's own score"],
  ])('adds nothing when Tazama gave no evaluation (%#)', (outcome, kind, detail) => {
    const before = breakdownWith(6000);
    const after = applyTazama(before, outcome, policy);
    expect(after).toMatchObject({ points: 6000, score: 0.6, level: 'medium' });
    expect(after.tazama).toEqual({
      outcome: kind,
      status: null,
      msgId: null,
      receivedVia: null,
      evaluationId: null,
      typologies: [],
      rules: [],
      basePoints: 6000,
      points: 0,
      contribution: 0,
      detail,
    });
  });

  it('replaces an earlier Tazama section instead of adding twice', () => {
    const once = applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), policy);
    const twice = applyTazama(once, tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), policy);
    expect(twice.points).toBe(5500);
    expect(applyTazama(once, tazamaOutcome.timedOut(30_000), policy).points).toBe(2500);
  });

  it('words waiting times plainly', () => {
    expect(formatWait(30_000)).toBe('30 s');
    expect(formatWait(1_500)).toBe('1.5 s');
    expect(formatWait(90_000)).toBe('1.5 min');
    expect(formatWait(7_200_000)).toBe('2 h');
  });
});

// Tazama's relay also forwards the typology processor's and the event-flow rule's interdictions
// (typology-processor src/logic.service.ts, event-flow src/logic.service.ts): the transaction,
// and the one typology (or the event-flow rule result) that blocks it, without a report.
const pacs002 = { TxTp: 'pacs.002.001.12', TenantId: 'DEFAULT', FIToFIPmtSts: { GrpHdr: { MsgId: 'msg-9', CreDtTm: '2026-11-20T07:15:01.000Z' } } };
const networkMap = { active: true, cfg: '1.0.0', messages: [{ id: '004@1.0.0', cfg: '1.0.0', txTp: 'pacs.002.001.12', typologies: [] }] };
const interdictingTypology = {
  id: 'typology-processor@1.0.0',
  cfg: '999@1.0.0',
  result: 400,
  review: true,
  tenantId: 'DEFAULT',
  workflow: { alertThreshold: 200, interdictionThreshold: 400, flowProcessor: 'EFRuP@1.0.0' },
  ruleResults: [
    { id: 'EFRuP@1.0.0', cfg: 'none', subRuleRef: 'none', tenantId: 'DEFAULT' },
    { id: '901@1.0.0', cfg: '1.0.0', subRuleRef: '.03', wght: 400, indpdntVarbl: 5, reason: 'three or more transactions in the last day', tenantId: 'DEFAULT' },
  ],
};

describe('Tazama interdictions and the level an alert leaves', () => {
  const levels = { alertPoints: 3000, alertMinLevel: 'medium' as const, blockMinLevel: 'high' as const };

  it('reads the typology processor’s interdiction (no report: “report is required” no more)', () => {
    const e = parseTazamaEvaluation({ typologyResult: interdictingTypology, transaction: pacs002, networkMap, DataCache: {}, metaData: { prcgTmDP: 1 } });
    expect(e).toMatchObject({ source: 'typology_interdiction', status: 'ALRT', msgId: 'msg-9', networkMapId: '004@1.0.0', evaluationId: 'interdiction:msg-9:999@1.0.0' });
    expect(e.typologies).toHaveLength(1);
    expect(e.typologies[0]).toMatchObject({ id: '999@1.0.0', score: 400, interdictionThreshold: 400 });
  });

  it('reads the event-flow rule’s interdiction, and only a block', () => {
    const block = { id: 'EFRuP@4.0.0', cfg: 'none', subRuleRef: 'block', indpdntVarbl: 0, tenantId: 'DEFAULT' };
    const e = parseTazamaEvaluation({ ruleResult: block, transaction: pacs002, networkMap, DataCache: {} });
    expect(e).toMatchObject({ source: 'event_flow_interdiction', status: 'ALRT', msgId: 'msg-9', typologies: [], eventFlowBlock: { id: 'EFRuP@4.0.0', subRuleRef: 'block' } });
    expect(() => parseTazamaEvaluation({ ruleResult: { ...block, subRuleRef: 'override' }, transaction: pacs002 })).toThrow(/ruleResult.subRuleRef: must be "block"/);
    expect(() => parseTazamaEvaluation({ typologyResult: interdictingTypology })).toThrow(/^transaction: is required/);
  });

  it('holds a typology interdiction as a high case, with the reason', () => {
    const e = parseTazamaEvaluation({ typologyResult: interdictingTypology, transaction: pacs002, networkMap });
    const after = applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('msg-9', e, 'push'), levels);
    expect(after).toMatchObject({ points: 8000, level: 'high' });
    expect(after.tazama).toMatchObject({ blocked: true, source: 'typology_interdiction', points: 7000, status: 'ALRT' });
    expect(after.tazama!.typologies[0]).toMatchObject({ interdiction: true, alert: true });
    expect(after.tazama!.detail).toBe(
      "Tazama interdicted the transaction (the typology processor's block, by push): typology 999@1.0.0 scored 400, at or above its alert threshold 200 and its interdiction threshold 400 (rules 901@1.0.0 .03); +0.7 to reach the high threshold 0.8: a block from Tazama holds the transaction as a high case",
    );
  });

  it('holds an event-flow block as a high case and explains it by the block condition', () => {
    const block = { id: 'EFRuP@4.0.0', cfg: 'none', subRuleRef: 'block', tenantId: 'DEFAULT' };
    const e = parseTazamaEvaluation({ ruleResult: block, transaction: pacs002, networkMap });
    const after = applyTazama(breakdownWith(0), tazamaOutcome.evaluated('msg-9', e, 'push'), levels);
    expect(after).toMatchObject({ points: 8000, level: 'high' });
    expect(after.tazama!.rules.map((r) => r.id)).toEqual(['EFRuP@4.0.0']);
    expect(after.tazama!.detail).toMatch(/^Tazama blocked the transaction \(the event-flow rule's interdiction, by push\): the event-flow rule EFRuP@4.0.0 is in "block": a block condition on the debtor or creditor is in effect; \+0\.8 to reach the high threshold 0\.8/);
  });

  it('explains a report’s event-flow block at score 0 by the block, not by the score', () => {
    const blocked = evaluation('ALRT', 0);
    blocked.typologies[0]!.review = true; // the typology processor marks it whatever the score
    blocked.typologies[0]!.rules[0]!.subRuleRef = 'block';
    const after = applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', blocked, 'push'), levels);
    expect(after.tazama!.detail).not.toMatch(/scored 0, at or above/);
    expect(after.tazama!.detail).toContain('typology 999@1.0.0: the event-flow rule EFRuP@1.0.0 is in "block" (a block condition on the debtor or creditor is in effect); its score 0 is below its alert threshold 200');
    expect(after.tazama!.typologies[0]).toMatchObject({ eventFlow: 'block', interdiction: true });
    expect(after).toMatchObject({ level: 'high', points: 8000 });
    // the same document without the new policy: only the alert's points, and the right words
    const old = applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', blocked, 'push'), policy);
    expect(old).toMatchObject({ level: 'medium', points: 5500 });
    expect(old.tazama!.detail).not.toMatch(/scored 0, at or above/);
  });

  it('an event-flow override cancels the interdiction: an alert, not a block', () => {
    const overridden = evaluation('ALRT', 450);
    overridden.typologies[0]!.rules[0]!.subRuleRef = 'override';
    const after = applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('m', overridden, 'push'), levels);
    expect(after.tazama!.blocked).toBeUndefined();
    expect(after).toMatchObject({ level: 'medium', points: 5000 });
    expect(after.tazama!.detail).toContain('and its interdiction threshold 400, overridden by the event-flow rule EFRuP@1.0.0');
  });

  it('makes an ALRT alone at least a medium case by default, and says why', () => {
    const after = applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), levels);
    expect(after).toMatchObject({ points: 5000, score: 0.5, level: 'medium' });
    expect(after.tazama).toMatchObject({ points: 4000, contribution: 0.4 });
    expect(after.tazama!.detail).toMatch(/; \+0\.4 to reach the medium threshold 0\.5: an alert from Tazama is at least a medium case$/);
    // where the alert's own weight already reaches further, the weight counts
    expect(applyTazama(breakdownWith(2500), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), levels)).toMatchObject({ points: 5500, level: 'medium' });
    // configurable: high, or low (the weight alone)
    expect(applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), { ...levels, alertMinLevel: 'high' })).toMatchObject({ points: 8000, level: 'high' });
    expect(applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('m', evaluation('ALRT'), 'push'), { ...levels, alertMinLevel: 'low' })).toMatchObject({ points: 4000, level: 'low' });
    // a NALT is never lifted
    expect(applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('m', evaluation('NALT'), 'push'), levels)).toMatchObject({ points: 1000, level: 'low' });
  });

  it('keeps the old arithmetic without the policy (lifecycles recorded before it replay as they ran)', () => {
    expect(applyTazama(breakdownWith(1000), tazamaOutcome.evaluated('m', evaluation('ALRT', 450), 'push'), policy)).toMatchObject({ points: 4000, level: 'low' });
  });
});
