// The case's transitions, pure: no Temporal, no database. The workflow persists what they return;
// the recorded histories (replay.test.ts) prove it still issues the same commands.
import { describe, expect, it } from 'vitest';
import type { CaseView, DecisionInput } from '../../workflows/lifecycle/definitions';
import { breachSla, closeByAnalyst, escalateByAnalyst, escalateBySla, escalated, openedCase, slaAction, slaLadderDone, SLA_ACTOR } from '../../workflows/lifecycle/transitions';

const HOUR = 3_600_000;
const policy = { slaMs: { medium: 4 * HOUR, high: HOUR, escalated: 2 * HOUR }, maxEscalationLevel: 2 };
const at = new Date('2026-03-02T10:00:00.000Z');
const opened = (riskLevel: CaseView['riskLevel'] = 'medium'): CaseView => openedCase(7, riskLevel, '2026-03-02T09:00:00.000Z');
const decision = (d: DecisionInput['decision'], username = 'amina', note?: string): DecisionInput => ({ decision: d, actor: { username, role: 'analyst' }, note, requestId: 'req-1' });

describe('a case is opened', () => {
  it('assigned at level 0 to the role its risk level needs, undecided', () => {
    expect(openedCase(7, 'medium', 'due')).toEqual({
      caseId: 7, status: 'assigned', riskLevel: 'medium', requiredRole: 'analyst', escalationLevel: 0, escalatedBy: [], slaDueAt: 'due',
      decision: null, decidedBy: null, decidedAt: null, decisionNote: null,
    });
    expect(openedCase(8, 'high', 'due').requiredRole).toBe('senior_analyst');
  });
});

describe('escalation: one rule, whoever asks', () => {
  it('goes one level up, to the role that level needs, with a fresh escalated SLA from the given time', () => {
    const next = escalated(opened(), at, policy.slaMs);
    expect(next).toMatchObject({ status: 'escalated', escalationLevel: 1, requiredRole: 'senior_analyst', slaDueAt: '2026-03-02T12:00:00.000Z', escalatedBy: [] });
  });

  it('by an analyst: remembers who (four-eyes), trims the note, tells the next level', () => {
    const t = escalateByAnalyst(opened(), decision('escalate', 'amina', '  unusual payee  '), at, policy, 'TX-1');
    expect(t.next).toMatchObject({ escalationLevel: 1, escalatedBy: ['amina'], requiredRole: 'senior_analyst', slaDueAt: '2026-03-02T12:00:00.000Z' });
    expect(t.event).toEqual({ type: 'escalated', actor: 'amina', actorRole: 'analyst', note: 'unusual payee', details: { escalationLevel: 1, requestId: 'req-1' } });
    expect(t.notify).toEqual({
      kind: 'case_escalated',
      recipientRole: 'senior_analyst',
      subject: 'Case 7 escalated to level 1',
      body: 'amina escalated the medium-risk case for transaction TX-1: unusual payee',
    });
  });

  it('by the SLA: names the SLA, not a person, and records the due time it missed', () => {
    const t = escalateBySla(opened(), at, policy, 'TX-1');
    expect(t.next).toEqual(escalated(opened(), at, policy.slaMs));
    expect(t.next.escalatedBy).toEqual([]);
    expect(t.event).toEqual({ type: 'sla_escalated', actor: SLA_ACTOR, actorRole: null, note: 'not decided by 2026-03-02T09:00:00.000Z', details: { escalationLevel: 1, missedDueAt: '2026-03-02T09:00:00.000Z' } });
    expect(t.notify).toMatchObject({ kind: 'sla_escalation', recipientRole: 'senior_analyst', subject: 'SLA missed: case 7 escalated to level 1' });
  });

  it('by the SLA to the top level: the admins are told', () => {
    const level1 = escalated(opened(), at, policy.slaMs);
    const t = escalateBySla(level1, at, policy, 'TX-1');
    expect(t.next.escalationLevel).toBe(2);
    expect(t.notify?.recipientRole).toBe('admin');
  });

  it('leaves the case it was given unchanged', () => {
    const before = opened();
    const copy = structuredClone(before);
    escalateByAnalyst(before, decision('escalate'), at, policy, 'TX-1');
    escalateBySla(before, at, policy, 'TX-1');
    expect(before).toEqual(copy);
  });
});

describe('the SLA ladder', () => {
  it('escalates while a level is left, then records the breach once, then is done', () => {
    const level0 = opened();
    const top = escalated(escalated(level0, at, policy.slaMs), at, policy.slaMs);
    expect(slaAction(level0, policy, false)).toBe('escalate');
    expect(slaAction(top, policy, false)).toBe('breach');
    expect(slaAction(top, policy, true)).toBeNull();
    expect(slaLadderDone(level0, policy, true)).toBe(false);
    expect(slaLadderDone(top, policy, false)).toBe(false);
    expect(slaLadderDone(top, policy, true)).toBe(true);
  });

  it('a breach keeps the case as it is and tells the admins', () => {
    const top = escalated(escalated(opened('high'), at, policy.slaMs), at, policy.slaMs);
    const t = breachSla(top, 'TX-9');
    expect(t.next).toBe(top);
    expect(t.event).toEqual({ type: 'sla_breached', actor: SLA_ACTOR, actorRole: null, note: `still undecided at the top of the escalation ladder (due ${top.slaDueAt})`, details: { escalationLevel: 2 } });
    expect(t.notify).toEqual({
      kind: 'sla_breach',
      recipientRole: 'admin',
      subject: 'SLA breached: case 7 is still undecided',
      body: `The high-risk case for transaction TX-9 is past its last SLA (${top.slaDueAt}).`,
    });
  });
});

describe('closing with a decision', () => {
  it('approve: the case closes approved, the transaction is approved, the decider named', () => {
    const t = closeByAnalyst(opened(), decision('approve', 'baraka', ' known customer '), at);
    expect(t.outcome).toBe('approve');
    expect(t.transactionStatus).toBe('approved');
    expect(t.next).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'baraka', decidedAt: at.toISOString(), decisionNote: 'known customer' });
    expect(t.event).toEqual({ type: 'approved', actor: 'baraka', actorRole: 'analyst', note: 'known customer', details: { requestId: 'req-1' } });
    expect(t.notify).toBeUndefined();
  });

  it('block: the transaction is blocked; an empty note is recorded as none', () => {
    const t = closeByAnalyst(opened('high'), decision('block', 'baraka', '   '), at);
    expect(t.transactionStatus).toBe('blocked');
    expect(t.next).toMatchObject({ status: 'closed', decision: 'block', decisionNote: null });
    expect(t.event).toMatchObject({ type: 'blocked', note: null });
  });
});
