// The lifecycle with its services: Tazama evaluates (pushed through the relay route or polled),
// Ballerine mirrors the case and hears the decision — and when either fails, slows down or goes
// away, no transaction is lost or decided twice.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionInput } from '../../api/transactions/schemas';
import { seedDemoUsers } from '../../api/users/service';
import { lifecycleWorkflowId, stateQuery } from '../../workflows/lifecycle/definitions';
import type { transactionLifecycle } from '../../workflows/lifecycle/workflow';
import { startTazamaSimulator, type TazamaSimulator } from '../../simulators/tazama/server';
import { startBallerineSimulator, type BallerineSimulator } from '../../simulators/ballerine';
import { freePort } from '../../scripts/lib/ports';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';
import { saveHistoryFixture } from '../lifecycle/fixtures';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { MEDIUM_RISK, receivedRow, transactionFactory } from '../helpers/transactions';

let stack: KingaTestStack;
let tazama: TazamaSimulator;
let ballerine: BallerineSimulator;
let testApi: TestApi | undefined;
let baseUrl: string;
const tokens: Record<string, string> = {};
const run = randomUUID().slice(0, 8);
const api = jsonClient(() => baseUrl, tokens);
const transaction = transactionFactory(`INT-${run}`);
// debtors on the stand-in's lists: watch list (an ALRT), sanctions list (an interdiction), block condition (event flow)
const WATCHED = `CWATCH-${run}`;
const SANCTIONED = `CSANCT-${run}`;
const BLOCKED = `CBLOCK-${run}`;

async function ingest(txn: ReturnType<typeof transaction>) {
  const res = await api('POST', '/api/transactions', txn, 'amina');
  expect(res.status, JSON.stringify(res.body)).toBe(202);
}

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const relayToken = randomBytes(16).toString('hex');
  const apiKey = randomBytes(8).toString('hex');
  const webhookSecret = randomBytes(16).toString('hex');
  // the relay as Tazama runs it by default: protobuf, interdictions relayed before the report
  tazama = await startTazamaSimulator({
    evaluationDelayMs: 200,
    relay: { url: `${baseUrl}/api/integrations/tazama/relay`, token: relayToken },
    evaluator: { alertDebtorIds: [WATCHED], interdictDebtorIds: [SANCTIONED], blockDebtorIds: [BLOCKED] },
  });
  ballerine = await startBallerineSimulator({ apiKey, webhookSecret });
  stack = await createTestStack({
    ANOMALY_ENABLED: 'false',
    TAZAMA_TMS_URL: tazama.url,
    TAZAMA_ADMIN_URL: tazama.adminUrl,
    TAZAMA_RELAY_TOKEN: relayToken,
    TAZAMA_TIMEOUT: '4s',
    TAZAMA_POLL_INTERVAL: '1s',
    TAZAMA_REQUEST_TIMEOUT: '2s',
    BALLERINE_URL: ballerine.url,
    BALLERINE_API_KEY: apiKey,
    BALLERINE_WEBHOOK_SECRET: webhookSecret,
    BALLERINE_WEBHOOK_URL: `${baseUrl}/api/integrations/ballerine/webhook`,
  });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  testApi = await startTestApi(stack, { port, users: ['amina', 'baraka'], tokens });
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await tazama?.stop();
  await ballerine?.stop();
});

describe('the lifecycle with Tazama and Ballerine', () => {
  it('an ALRT raises a medium transaction to high: its case shows the typologies, Ballerine gets the case and then the decision', async () => {
    const txn = transaction({ ...MEDIUM_RISK, customerId: WATCHED });
    await ingest(txn);
    const row = await eventually(async () => {
      const res = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'baraka');
      return res.body?.case?.ballerineWorkflowId ? res.body : undefined;
    }, 'a case with its Ballerine run');
    const tz = row.scoreBreakdown.tazama;
    expect(tz.status).toBe('ALRT');
    expect(tz.typologies.length).toBeGreaterThan(0);
    expect(tz.typologies[0]).toMatchObject({ id: expect.any(String), score: expect.any(Number) });
    expect(tz.rules.length).toBeGreaterThan(0);
    expect(tz.receivedVia).toBe('push');
    expect(row.scoreBreakdown.level).toBe('high');
    // the medium recipe's 0.75 plus the alert's weight, capped at 1.0
    expect(row.scoreBreakdown.points).toBe(Math.min(10_000, 7500 + tz.points));
    expect(row.status).toBe('held');

    const runtimeId = row.case.ballerineWorkflowId as string;
    expect(ballerine.run(runtimeId)!.context).toMatchObject({
      customData: { transactionRef: txn.transactionRef, scoreBreakdown: { level: 'high', tazama: { status: 'ALRT' } } },
    });

    const decided = await api('POST', `/api/cases/${row.case.id}/decision`, { decision: 'block', note: 'Tazama typology confirmed by phone call' }, 'baraka');
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const result = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(txn.transactionRef)).result();
    expect(result.status).toBe('blocked');
    expect(ballerine.run(runtimeId)!.state).toBe('blocked');
    // Ballerine's webhook about that decision is the echo: it changes nothing.
    await ballerine.flushWebhooks();
    const decisions = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).whereIn('event_type', ['approved', 'blocked']);
    expect(decisions).toHaveLength(1);
    await saveHistoryFixture(stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)), 'tazama-alert-ballerine-block');
  });

  it('an ALRT alone makes a low transaction a medium case, and the breakdown says why', async () => {
    const txn = transaction({ customerId: WATCHED });
    await ingest(txn);
    const row = await eventually(async () => {
      const res = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
      return res.body?.case ? res.body : undefined;
    }, 'a case');
    const b = row.scoreBreakdown;
    expect(b.tazama).toMatchObject({ status: 'ALRT', receivedVia: 'push', basePoints: 0 });
    expect(b).toMatchObject({ level: 'medium', points: 5000 });
    expect(b.tazama.detail).toMatch(/typology sim-203@1\.0\.0 scored 200, at or above its alert threshold 200 .*an alert from Tazama is at least a medium case$/);
    expect(row.status).toBe('flagged');
    expect(row.case.riskLevel).toBe('medium');
    const decided = await api('POST', `/api/cases/${row.case.id}/decision`, { decision: 'approve', note: 'known customer, watch-list match cleared' }, 'amina');
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  });

  it.each([
    // the interdiction arrives first; on a busy machine the report may be taken in with it, and it names the same block
    ['a typology interdiction (sanctions list)', () => SANCTIONED, /^Tazama (interdicted the transaction \(the typology processor's block|raised an alert with a block \(ALRT), by push\): .*typology sim-203@1\.0\.0 scored 400, at or above its alert threshold 200 and its interdiction threshold 400/],
    ['an event-flow block condition', () => BLOCKED, /^Tazama (blocked the transaction \(the event-flow rule's interdiction|raised an alert with a block \(ALRT), by push\): .*the event-flow rule EFRuP@4\.0\.0 is in "block"/],
  ])('%s holds an everyday transaction as a high case, with Tazama’s reason', async (_label, customer, reason) => {
    const txn = transaction({ customerId: customer() });
    await ingest(txn);
    const row = await eventually(async () => {
      const res = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'baraka');
      return res.body?.case ? res.body : undefined;
    }, 'a case');
    expect(row.status).toBe('held');
    expect(row.case.riskLevel).toBe('high');
    expect(row.scoreBreakdown).toMatchObject({ level: 'high', points: 8000 });
    expect(row.scoreBreakdown.tazama).toMatchObject({ blocked: true, status: 'ALRT' });
    expect(row.scoreBreakdown.tazama.detail).toMatch(reason);
    expect(row.scoreBreakdown.tazama.detail).toMatch(/a block from Tazama holds the transaction as a high case$/);
    const decided = await api('POST', `/api/cases/${row.case.id}/decision`, { decision: 'block', note: 'Tazama block confirmed' }, 'baraka');
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  });

  it('a NALT changes nothing but is shown; the result also arrives by polling when the relay cannot push', async () => {
    const pushed = transaction();
    await ingest(pushed);
    const first = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(pushed.transactionRef)).result();
    expect(first.score!.tazama).toMatchObject({ status: 'NALT', outcome: 'evaluated', points: 0 });
    expect(first.score!.level).toBe('low');

    // The API (the relay's target) is away: the workflow polls Tazama's admin report instead.
    await testApi!.close();
    try {
      const polled = transaction();
      await stack.db('transactions').insert(receivedRow(transactionInput.parse(polled)));
      const result = await stack.client.workflow.execute<typeof transactionLifecycle>('transactionLifecycle', {
        workflowId: lifecycleWorkflowId(polled.transactionRef),
        taskQueue: stack.taskQueue,
        args: [{ transactionRef: polled.transactionRef }],
      });
      expect(result.score!.tazama).toMatchObject({ status: 'NALT', receivedVia: 'poll' });
    } finally {
      // back on the same port (the relay's target), the tokens still valid
      testApi = await startTestApi(stack, { port: Number(new URL(baseUrl).port), tokens });
    }
  });

  it('with Tazama down, the transaction is decided on Kinga’s own score and the breakdown says so', async () => {
    tazama.setFaults({ down: true });
    try {
      const txn = transaction();
      await ingest(txn);
      const result = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(txn.transactionRef)).result();
      expect(result.status).toBe('approved');
      expect(result.score!.tazama!.detail).toMatch(/Kinga's own score/);
      expect(result.score!.tazama!.status).not.toBe('ALRT');
    } finally {
      tazama.setFaults({ down: false });
    }
  }, 180_000);

  it('with Tazama too slow, the timeout decides', async () => {
    tazama.setFaults({ latencyMs: 6_000 });
    try {
      const txn = transaction();
      await ingest(txn);
      const result = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(txn.transactionRef)).result();
      expect(result.status).toBe('approved');
      expect(result.score!.tazama!.detail).toMatch(/did not answer within 4 s|could not be reached/);
    } finally {
      tazama.setFaults({ latencyMs: 0 });
    }
  }, 180_000);

  it('with Ballerine down for a while, the analyst still decides at once; the workflow ends when Ballerine returns, with one run and one decision', async () => {
    ballerine.setFaults({ down: true });
    const txn = transaction(MEDIUM_RISK);
    let caseId: number;
    try {
      await ingest(txn);
      const row = await eventually(async () => {
        const res = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'baraka');
        return res.body?.case ? res.body : undefined;
      }, 'the case');
      caseId = row.case.id;
      const decided = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'verified with the customer' }, 'baraka');
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
      expect((await handle.query(stateQuery)).case!.status).toBe('closed');
      expect((await handle.describe()).status.name).toBe('RUNNING'); // still owes Ballerine the outcome
    } finally {
      ballerine.setFaults({ down: false });
    }
    const result = await stack.client.workflow.getHandle<typeof transactionLifecycle>(lifecycleWorkflowId(txn.transactionRef)).result();
    expect(result.status).toBe('approved');
    const runs = ballerine.runs().filter((r) => (r.context as any).customData?.transactionRef === txn.transactionRef);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.state).toBe('approved');
    expect(await stack.db('analyst_cases').where({ id: caseId! }).first()).toMatchObject({ ballerine_workflow_id: runs[0]!.id, decision: 'approve' });
    const decisions = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).whereIn('event_type', ['approved', 'blocked']);
    expect(decisions).toHaveLength(1);
  }, 180_000);
});
