// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../api';
import ReplayVerdict from '../ReplayVerdict.vue';

const facts = { workflowId: 'txn-TX-1', runId: 'run-1', workflowType: 'transactionLifecycle', eventCount: 42, durationMs: 180 };

describe('ReplayVerdict', () => {
  it('shows a deterministic replay in green, as a status, with the number of events reproduced', () => {
    const w = mount(ReplayVerdict, { props: { result: { ...facts, verdict: 'deterministic' } satisfies ReplayResult, source: { kind: 'cluster', workflowId: 'txn-TX-1' } } });
    const verdict = w.get('[data-testid="replay-verdict"]');
    expect(verdict.attributes('data-verdict')).toBe('deterministic');
    expect(verdict.classes()).toContain('verdict-ok');
    expect(verdict.attributes('role')).toBe('status');
    expect(verdict.text()).toContain('Verdict: deterministic');
    expect(verdict.text()).toContain('reproduces all 42 events of workflow txn-TX-1');
    expect(w.find('[data-testid="divergence-event"]').exists()).toBe(false);
  });

  it('shows a divergence in red, as an alert, naming the event, its type and the SDK message', () => {
    const result: ReplayResult = {
      ...facts,
      verdict: 'diverged',
      errorName: 'DeterminismViolationError',
      message: 'Replay failed with a nondeterminism error. [TMPRL1100] Nondeterminism error: Activity type of scheduled event \'openCase\' does not match \'closeCase\'',
      sdkMessage: "[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'openCase' does not match 'closeCase'",
      divergence: {
        eventId: 17,
        eventType: 'ActivityTaskScheduled',
        at: '2026-11-25T10:00:00.000Z',
        summary: 'ActivityTaskScheduled openCase',
        workflowTask: { fromEventId: 13, toEventId: 17 },
        locatedBy: 'sdk_message',
      },
    };
    const w = mount(ReplayVerdict, { props: { result, source: { kind: 'file', name: 'tampered.json' } } });
    const verdict = w.get('[data-testid="replay-verdict"]');
    expect(verdict.attributes('data-verdict')).toBe('diverged');
    expect(verdict.classes()).toContain('verdict-bad');
    expect(verdict.attributes('role')).toBe('alert');
    expect(verdict.text()).toContain('Verdict: diverged');
    expect(w.get('[data-testid="divergence-event"]').text()).toContain('the history file tampered.json from event #17 ActivityTaskScheduled (ActivityTaskScheduled openCase)');
    expect(w.get('[data-testid="divergence-event"]').text()).toContain('events #13–#17');
    expect(w.get('[data-testid="divergence-message"]').text()).toBe(result.sdkMessage);
    expect(w.get('details').text()).toContain('DeterminismViolationError');
  });

  it('says so when the SDK failed the replay without a locatable event', () => {
    const result: ReplayResult = { ...facts, verdict: 'diverged', errorName: 'ReplayError', message: 'workflow task failed', sdkMessage: '', divergence: null };
    const w = mount(ReplayVerdict, { props: { result } });
    expect(w.get('[data-testid="divergence-event"]').text()).toContain('the first differing event could not be located');
    expect(w.get('[data-testid="divergence-message"]').text()).toBe('workflow task failed');
  });
});
