// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ScoreBreakdown as Breakdown } from '../../api';
import ScoreBreakdown from '../ScoreBreakdown.vue';

function breakdown(overrides: Partial<Breakdown> = {}): Breakdown {
  const rule = (name: string, label: string, points: number, detail: string) => ({ rule: name, label, hit: points > 0, points, contribution: points / 10_000, detail });
  return {
    score: 0.55,
    points: 5500,
    level: 'medium',
    rules: [
      rule('amount', 'Large amount', 2000, '1,500,000 KES is above 1,000,000'),
      rule('blacklist', 'Blacklisted merchant', 0, 'no merchant'),
      rule('location', 'Unusual location', 2500, 'London, GB is abroad'),
      rule('offHours', 'Off-hours', 1000, '23:40 in Nairobi'),
    ],
    anomaly: { enabled: true, modelVersion: 3, score: 0.48, points: 0, contribution: 0, detail: 'below the threshold 0.55' },
    thresholds: { medium: 5000, high: 8000 },
    modelVersion: 'rules-1+iforest-3',
    ...overrides,
  };
}

describe('ScoreBreakdown', () => {
  it('lists the rules that fired first, largest contribution first, each with its number and a bar of that width', () => {
    const w = mount(ScoreBreakdown, { props: { breakdown: breakdown() } });
    expect(w.get('[data-testid="score-total"]').text()).toBe('Score 0.55');
    expect(w.get('.risk-badge').text()).toBe('Medium');
    const rows = w.findAll('tbody tr[data-rule]');
    expect(rows.map((r) => r.attributes('data-rule'))).toEqual(['location', 'amount', 'offHours', 'blacklist', 'anomaly']);
    expect(rows[0]!.get('[data-testid="rule-contribution"]').text()).toBe('+0.25');
    expect(rows[0]!.get('.bar-fill').attributes('style')).toContain('width: 25.0%');
    expect(rows[1]!.get('.bar-fill').attributes('style')).toContain('width: 20.0%');
    expect(rows[0]!.text()).toContain('London, GB is abroad');
    // a rule that did not fire has no bar and says so to screen readers
    expect(rows[3]!.classes()).toContain('rule-miss');
    expect(rows[3]!.find('.bar-fill').exists()).toBe(false);
    expect(rows[3]!.text()).toContain('(did not fire)');
    expect(w.text()).toContain('3 of 4 rules fired');
    expect(w.text()).toContain('Medium from 0.50, high from 0.80');
  });

  it('draws the anomaly score as a bar, and says when the model is off or untrained', () => {
    const w = mount(ScoreBreakdown, { props: { breakdown: breakdown() } });
    const anomaly = w.get('tr[data-rule="anomaly"]');
    expect(anomaly.get('.bar-fill').attributes('style')).toContain('width: 48.0%');
    expect(anomaly.get('[data-testid="anomaly-detail"]').text()).toContain('Anomaly score 0.480 (model v3)');
    expect(anomaly.get('[data-testid="anomaly-contribution"]').text()).toBe('—');

    const off = mount(ScoreBreakdown, { props: { breakdown: breakdown({ anomaly: { enabled: false, modelVersion: null, score: null, points: 0, contribution: 0, detail: '' } }) } });
    expect(off.get('[data-testid="anomaly-detail"]').text()).toBe('Switched off.');
    expect(off.get('tr[data-rule="anomaly"]').find('.bar-fill').exists()).toBe(false);

    const contributing = mount(ScoreBreakdown, { props: { breakdown: breakdown({ anomaly: { enabled: true, modelVersion: 4, score: 0.7, points: 3000, contribution: 0.3, detail: 'strong outlier' } }) } });
    expect(contributing.get('[data-testid="anomaly-contribution"]').text()).toBe('+0.30');
  });

  it('shows the Tazama result only when it is present, with its contribution as a bar', () => {
    expect(mount(ScoreBreakdown, { props: { breakdown: breakdown() } }).find('[data-testid="tazama"]').exists()).toBe(false);
    const w = mount(ScoreBreakdown, {
      props: {
        breakdown: breakdown({
          tazama: {
            outcome: 'evaluated',
            status: 'ALRT',
            msgId: 'msg-7',
            receivedVia: 'push',
            evaluationId: 'eval-42',
            typologies: [{ id: '999@1.0.0', score: 500, alertThreshold: 400, interdictionThreshold: null, alert: true, interdiction: false, ruleIds: ['901@1.0.0', '902@1.0.0'] }],
            rules: [],
            basePoints: 2000,
            points: 1500,
            contribution: 0.15,
            detail: 'typology 999@1.0.0 alerted',
          },
        }),
      },
    });
    const t = w.get('[data-testid="tazama"]');
    expect(t.get('[data-testid="tazama-status"]').text()).toBe('ALRT');
    expect(t.get('tbody tr').text()).toContain('999@1.0.0');
    expect(t.get('tbody tr').text()).toContain('Alert');
    expect(t.get('tbody tr').text()).toContain('901@1.0.0, 902@1.0.0');
    expect(t.text()).toContain('Evaluation eval-42');
    const row = w.get('tr[data-rule="tazama"]');
    expect(row.get('[data-testid="tazama-contribution"]').text()).toBe('+0.15');
    expect(row.get('.bar-fill').attributes('style')).toContain('width: 15.0%');

    const down = mount(ScoreBreakdown, {
      props: { breakdown: breakdown({ tazama: { outcome: 'timed_out', status: null, msgId: null, receivedVia: null, evaluationId: null, typologies: [], rules: [], basePoints: 2000, points: 0, contribution: 0, detail: 'no answer' } }) },
    });
    expect(down.get('[data-testid="tazama"]').text()).toContain('did not answer in time');
    expect(down.get('[data-testid="tazama"]').text()).toContain('No typology results.');
  });

  it('says so when the transaction has not been scored', () => {
    const w = mount(ScoreBreakdown, { props: { breakdown: null } });
    expect(w.get('[role="status"]').text()).toBe('This transaction has not been scored yet.');
  });
});
