// The whole path through the real API over HTTP, a real Temporal server, the real worker and a
// real PostgreSQL: ingestion → scoring → routing → case → decision → closure.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, seedDemoUsers } from '../../api/users/service';
import { lifecycleWorkflowId, stateQuery, analystDecisionSignal } from '../../workflows/lifecycle/definitions';
import { createTestStack, eventually, type KingaTestStack } from './context';
import { saveHistoryFixture } from './fixtures';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../helpers/transactions';

let stack: KingaTestStack;
let testApi: TestApi;
const tokens: Record<string, string> = {};
const run = randomUUID().slice(0, 8);

const api = jsonClient(() => testApi.baseUrl, tokens);
const transaction = transactionFactory(`E2E-${run}`);

async function ingest(txn: ReturnType<typeof transaction>, as = 'amina') {
  const res = await api('POST', '/api/transactions', txn, as);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

async function caseFor(ref: string): Promise<any> {
  return eventually(async () => {
    const res = await api('GET', `/api/transactions/${ref}`, undefined, 'amina');
    return res.status === 200 && res.body.case ? res.body : undefined;
  }, `a case for ${ref}`);
}

beforeAll(async () => {
  stack = await createTestStack({ ANOMALY_ENABLED: 'false' });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  await createUser(stack.db, { username: `senior2-${run}`, displayName: 'Second Senior', password: 'second-senior-password', role: 'senior_analyst' });
  testApi = await startTestApi(stack, { users: ['amina', 'juma', 'baraka', 'chebet', { username: `senior2-${run}`, password: 'second-senior-password' }], tokens });
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
});

describe('transaction lifecycle through the API', () => {
  it('auto-approves a low-risk transaction without a case', async () => {
    const txn = transaction();
    const accepted = await ingest(txn);
    expect(accepted.transactions?.[0] ?? accepted).toMatchObject({ transactionRef: txn.transactionRef, created: true });

    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
    const result = await handle.result();
    expect(result.status).toBe('approved');
    expect(result.case).toBeNull();
    expect(result.score!.level).toBe('low');

    const row = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'chebet');
    expect(row.status).toBe(200);
    expect(row.body).toMatchObject({ status: 'approved', riskLevel: 'low' });
    const events = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).orderBy('id');
    expect(events.map((e) => e.event_type)).toEqual(['scored', 'auto_approved']);
    await saveHistoryFixture(handle, 'auto-approve');
  });

  it('turns a high-risk transaction into a case; a refused decision changes nothing; a senior analyst closes it', async () => {
    const txn = transaction(HIGH_RISK);
    await ingest(txn);
    const detail = await caseFor(txn.transactionRef);
    expect(detail.status).toBe('held');
    const caseId = detail.case.id;

    const listed = await api('GET', `/api/cases?level=high&status=assigned&limit=200`, undefined, 'amina');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((c: any) => c.transactionRef)).toContain(txn.transactionRef);

    const shown = await api('GET', `/api/cases/${caseId}`, undefined, 'amina');
    expect(shown.status).toBe(200);
    const breakdown = shown.body.transaction?.scoreBreakdown ?? shown.body.scoreBreakdown;
    expect(breakdown.rules.find((r: any) => r.rule === 'amount')).toMatchObject({ hit: true });

    // An analyst may not decide a high-risk case: 403 with the reason, and nothing changes.
    const eventsBefore = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).count<{ count: number }[]>('* as count');
    const refused = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'looks fine' }, 'amina');
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/senior_analyst/);
    const eventsAfter = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).count<{ count: number }[]>('* as count');
    expect(Number(eventsAfter[0]!.count)).toBe(Number(eventsBefore[0]!.count));
    expect((await stack.db('analyst_cases').where({ id: caseId }).first()).status).toBe('assigned');

    // Compliance reads but never decides.
    expect((await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve' }, 'chebet')).status).toBe(403);
    // Block needs a note: 4xx naming the field.
    const noNote = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'block' }, 'baraka');
    expect([400, 422]).toContain(noNote.status);
    expect(JSON.stringify(noNote.body)).toMatch(/note/);

    const decided = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'block', note: 'confirmed with the customer: not theirs' }, 'baraka');
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(decided.body.state.case).toMatchObject({ status: 'closed', decision: 'block', decidedBy: 'baraka' });

    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
    const result = await handle.result();
    expect(result.status).toBe('blocked');
    const caseRow = await stack.db('analyst_cases').where({ id: caseId }).first();
    expect(caseRow).toMatchObject({ status: 'closed', decision: 'block', decided_by: 'baraka' });
    const txnRow = await stack.db('transactions').where({ transaction_ref: txn.transactionRef }).first();
    expect(txnRow.status).toBe('blocked');
    const blockedEvent = await stack.db('case_events').where({ transaction_ref: txn.transactionRef, event_type: 'blocked' }).first();
    expect(blockedEvent).toMatchObject({ actor: 'baraka', actor_role: 'senior_analyst' });
    expect(await stack.db('risk_events').where({ transaction_ref: txn.transactionRef }).count<{ count: number }[]>('* as count')).toEqual([{ count: 1 }]);

    // A decision on a closed case is a conflict.
    const again = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'second thoughts' }, 'baraka');
    expect(again.status).toBe(409);
    await saveHistoryFixture(handle, 'block-high');
  });

  it('escalation: the analyst escalates, the escalating senior may not close it (four-eyes), another senior approves', async () => {
    const txn = transaction(MEDIUM_RISK);
    await ingest(txn);
    const detail = await caseFor(txn.transactionRef);
    expect(detail.status).toBe('flagged');
    expect(detail.case.riskLevel).toBe('medium');
    const caseId = detail.case.id;

    const escalateNoNote = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'escalate' }, 'amina');
    expect([400, 422]).toContain(escalateNoNote.status);

    const escalated = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'escalate', note: 'foreign and at night: needs a senior' }, 'amina');
    expect(escalated.status, JSON.stringify(escalated.body)).toBe(200);
    expect(escalated.body.state.case).toMatchObject({ status: 'escalated', escalationLevel: 1, requiredRole: 'senior_analyst', escalatedBy: ['amina'] });
    // Now the analyst may no longer decide it.
    expect((await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'x' }, 'juma')).status).toBe(403);

    const seniorEscalates = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'escalate', note: 'asking management' }, 'baraka');
    expect(seniorEscalates.status).toBe(200);
    const fourEyes = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'fine after all' }, 'baraka');
    expect(fourEyes.status).toBe(403);
    expect(fourEyes.body.message).toMatch(/four-eyes/);

    const approved = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'customer confirmed travel' }, `senior2-${run}`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
    const result = await handle.result();
    expect(result.status).toBe('approved');
    const events = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).orderBy('id');
    expect(events.map((e) => [e.event_type, e.actor])).toEqual([
      ['scored', 'system:lifecycle'],
      ['case_opened', 'system:lifecycle'],
      ['escalated', 'amina'],
      ['escalated', 'baraka'],
      ['approved', `senior2-${run}`],
    ]);
    await saveHistoryFixture(handle, 'escalate-then-approve');
  });

  it('a refused signalled decision is recorded, not applied; a valid one closes the case', async () => {
    const txn = transaction(MEDIUM_RISK);
    await ingest(txn);
    const detail = await caseFor(txn.transactionRef);
    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
    await handle.signal(analystDecisionSignal, { decision: 'approve', note: 'by signal', actor: { username: 'chebet', role: 'compliance' } });
    const refused = await eventually(async () => {
      const state = await handle.query(stateQuery);
      return state.events.find((e) => e.type === 'decision_refused');
    }, 'the refused signal to be recorded');
    expect(refused.details).toMatchObject({ code: 'forbidden', via: 'signal' });
    expect((await handle.query(stateQuery)).case!.status).toBe('assigned');

    await handle.signal(analystDecisionSignal, { decision: 'approve', note: 'by signal', actor: { username: 'juma', role: 'analyst' } });
    const result = await handle.result();
    expect(result.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'juma' });
    const refusedRow = await stack.db('case_events').where({ case_id: detail.case.id, event_type: 'decision_refused' }).first();
    expect(refusedRow).toMatchObject({ actor: 'chebet' });
    await saveHistoryFixture(handle, 'signal-refused-then-approve');
  });

  it('an analyst approves a medium case: the case closes with that actor', async () => {
    const txn = transaction(MEDIUM_RISK);
    await ingest(txn);
    const detail = await caseFor(txn.transactionRef);
    const approved = await api('POST', `/api/cases/${detail.case.id}/decision`, { decision: 'approve', note: 'customer is travelling, confirmed by phone' }, 'juma');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.state.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'juma' });
    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
    expect((await handle.result()).status).toBe('approved');
    const row = await api('GET', `/api/cases/${detail.case.id}`, undefined, 'chebet');
    expect(row.body.case).toMatchObject({ status: 'closed', decidedBy: 'juma', decision: 'approve' });
    await saveHistoryFixture(handle, 'approve-medium');
  });

  it('a duplicate ingestion makes no second workflow or case', async () => {
    const txn = transaction(HIGH_RISK);
    await ingest(txn);
    await caseFor(txn.transactionRef);
    const again = await ingest(txn, 'juma');
    expect(again.transactions?.[0] ?? again).toMatchObject({ created: false });
    const batch = await api('POST', '/api/transactions', { transactions: [txn, txn] }, 'amina');
    expect(batch.status).toBe(202);

    const runs = [];
    for await (const w of stack.client.workflow.list({ query: `WorkflowId = '${lifecycleWorkflowId(txn.transactionRef)}'` })) runs.push(w);
    expect(runs).toHaveLength(1);
    const cases = await stack.db('analyst_cases').where({ transaction_ref: txn.transactionRef });
    expect(cases).toHaveLength(1);
    const rows = await stack.db('transactions').where({ transaction_ref: txn.transactionRef });
    expect(rows).toHaveLength(1);
  });

  it('bad input gets a 400 naming the field and changes nothing', async () => {
    const txn = transaction({ channel: 'carrier-pigeon' });
    const res = await api('POST', '/api/transactions', txn, 'amina');
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/channel/);
    expect(await stack.db('transactions').where({ transaction_ref: txn.transactionRef }).first()).toBeUndefined();
  });
});
