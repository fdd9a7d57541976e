// The permissions every case answer carries (api/cases/permissions.ts): computed from the rules the
// workflow's Update validator applies, so the UI shows exactly the buttons the server will honour.
import { describe, expect, it } from 'vitest';
import { casePermissions, takeRefusal } from '../../api/cases/permissions';
import type { CaseRecord } from '../../api/cases/views';

function caseRow(over: Partial<CaseRecord> = {}): CaseRecord {
  const at = new Date('2026-11-20T08:00:00Z');
  return {
    id: 41,
    transaction_ref: 'TX-41',
    workflow_id: 'txn-TX-41',
    risk_level: 'medium',
    status: 'assigned',
    required_role: 'analyst',
    assignee: null,
    escalation_level: 0,
    escalated_by: [],
    sla_due_at: at,
    decision: null,
    decided_by: null,
    decision_note: null,
    decided_at: null,
    opened_at: at,
    updated_at: at,
    ...over,
  };
}

const amina = { username: 'amina', role: 'analyst' } as const;
const baraka = { username: 'baraka', role: 'senior_analyst' } as const;
const chebet = { username: 'chebet', role: 'compliance' } as const;
const daudi = { username: 'daudi', role: 'admin' } as const;

describe('case permissions', () => {
  it('an analyst may decide and take an open, unassigned medium case', () => {
    expect(casePermissions(caseRow(), amina)).toEqual({ maySendDecision: true, mayDecide: true, whyNotDecide: null, mayTake: true, whyNotTake: null, mayRelease: false });
  });

  it('a high case needs a senior analyst: the analyst may send a decision (the workflow refuses it) but not decide or take it', () => {
    const high = caseRow({ risk_level: 'high', required_role: 'senior_analyst' });
    expect(casePermissions(high, amina)).toEqual({
      maySendDecision: true,
      mayDecide: false,
      whyNotDecide: 'role analyst may not decide this case: it needs senior_analyst (risk high, escalation level 0)',
      mayTake: false,
      whyNotTake: 'role analyst may not take case 41: it needs senior_analyst',
      mayRelease: false,
    });
    expect(casePermissions(high, baraka)).toMatchObject({ mayDecide: true, mayTake: true });
  });

  it('compliance and admin read cases but never decide or take them', () => {
    for (const reader of [chebet, daudi]) {
      expect(casePermissions(caseRow(), reader)).toEqual({
        maySendDecision: false,
        mayDecide: false,
        whyNotDecide: `role ${reader.role} reads cases but does not decide them`,
        mayTake: false,
        whyNotTake: `role ${reader.role} does not work cases`,
        mayRelease: false,
      });
    }
  });

  it('a closed case offers nothing, with the reason', () => {
    const closed = caseRow({ status: 'closed', decision: 'approve', decided_by: 'amina' });
    expect(casePermissions(closed, baraka)).toEqual({
      maySendDecision: false,
      mayDecide: false,
      whyNotDecide: 'case 41 is already closed (approve by amina)',
      mayTake: false,
      whyNotTake: 'case 41 is closed',
      mayRelease: false,
    });
  });

  it('four-eyes: whoever escalated may still escalate, and once at the top level may decide nothing', () => {
    const escalated = caseRow({ status: 'escalated', risk_level: 'medium', required_role: 'senior_analyst', escalation_level: 1, escalated_by: ['baraka'] });
    expect(casePermissions(escalated, baraka)).toMatchObject({ mayDecide: true, whyNotDecide: null });
    const top = caseRow({ status: 'escalated', required_role: 'senior_analyst', escalation_level: 2, escalated_by: ['amina', 'baraka'] });
    expect(casePermissions(top, baraka)).toMatchObject({ mayDecide: false, whyNotDecide: 'four-eyes: baraka escalated case 41 and may not close it' });
    expect(casePermissions(top, { username: 'wanjiru', role: 'senior_analyst' })).toMatchObject({ mayDecide: true, whyNotDecide: null });
  });

  it('a held case: its holder or a senior analyst may release it; nobody else may take it', () => {
    const held = caseRow({ assignee: 'amina' });
    expect(casePermissions(held, amina)).toMatchObject({ mayTake: false, whyNotTake: 'you hold case 41 already', mayRelease: true });
    expect(casePermissions(held, { username: 'juma', role: 'analyst' })).toMatchObject({ mayTake: false, whyNotTake: 'case 41 is already taken by amina', mayRelease: false });
    expect(casePermissions(held, baraka)).toMatchObject({ mayTake: false, mayRelease: true });
  });

  it('taking refuses a closed case and a role too junior, as POST /api/cases/:id/assignment does', () => {
    expect(takeRefusal(caseRow({ status: 'closed' }), amina)).toEqual({ code: 'conflict', reason: 'case 41 is closed' });
    expect(takeRefusal(caseRow({ required_role: 'senior_analyst' }), amina)).toEqual({ code: 'forbidden', reason: 'role analyst may not take case 41: it needs senior_analyst' });
    expect(takeRefusal(caseRow(), amina)).toBeNull();
  });
});
