// The real-time answer through the real API over HTTP, a real Temporal server, the real worker and
// PostgreSQL: POST /api/transactions/realtime answers routing's decision (update-with-start),
// the same again for a retry, and a clear 202 pending when the bound passes first (after which
// the API stops waiting for the lifecycle, which still runs).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { seedDemoUsers } from '../../api/users/service';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { createTestStack, testConfig, type KingaTestStack } from './context';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../helpers/transactions';

let stack: KingaTestStack;
const apis: TestApi[] = [];
const tokens: Record<string, string> = {};
let baseUrl = '';
let unpolledUrl = '';
const run = randomUUID().slice(0, 8);
const transaction = transactionFactory(`RT-${run}`);
const api = jsonClient(() => baseUrl, tokens);
const unpolledApi = jsonClient(() => unpolledUrl, tokens);
const unpolledQueue = `unpolled-${run}`;
// The unpolled API's update-with-start calls, as its Temporal client sees them: the SDK keeps one
// call going (re-sending the request, then polling the update) until the update has an outcome.
const unpolledWaits = { inFlight: 0, ended: [] as string[] };
const countWaits: WorkflowClientInterceptor = {
  async startUpdateWithStart(input, next) {
    unpolledWaits.inFlight++;
    try {
      const output = await next(input);
      unpolledWaits.ended.push('answered');
      return output;
    } catch (err) {
      unpolledWaits.ended.push((err as Error).name);
      throw err;
    } finally {
      unpolledWaits.inFlight--;
    }
  },
};

beforeAll(async () => {
  // A bound far above any answer time on a busy machine: these tests check answers, not speed.
  stack = await createTestStack({ ANOMALY_ENABLED: 'false', REALTIME_ANSWER_BOUND: '120s' });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  apis.push(await startTestApi(stack, { users: ['amina'], tokens }));
  baseUrl = apis[0]!.baseUrl;
  // The same API on a task queue no worker polls, with a short bound: nothing can answer in time.
  const unpolledConfig = testConfig({ TEMPORAL_TASK_QUEUE: unpolledQueue, REALTIME_ANSWER_BOUND: '300ms' });
  const countingClient = new Client({ connection: stack.client.connection, namespace: unpolledConfig.temporal.namespace, interceptors: { workflow: [countWaits] } });
  apis.push(await startTestApi({ db: stack.db, client: countingClient, config: unpolledConfig }));
  unpolledUrl = apis[1]!.baseUrl;
});

afterAll(async () => {
  for (const testApi of apis) await testApi.close();
  await stack?.close();
});

describe('POST /api/transactions/realtime', () => {
  it('answers approved for a low-risk transaction, and the same again for a retry', async () => {
    const txn = transaction();
    const first = await api('POST', '/api/transactions/realtime', txn, 'amina');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ transactionRef: txn.transactionRef, workflowId: lifecycleWorkflowId(txn.transactionRef), status: 'approved', riskLevel: 'low', caseId: null, created: true });
    expect(first.body.score).toBeLessThan(0.5);
    expect(first.body.elapsedMs).toBeGreaterThanOrEqual(0);

    const again = await api('POST', '/api/transactions/realtime', txn, 'amina');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ status: 'approved', riskLevel: 'low', score: first.body.score, caseId: null, created: false });

    const row = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
    expect(row.body.status).toBe('approved');
  });

  it('answers flagged with the case reference for medium risk, held for high risk, and the same case for a retry', async () => {
    const medium = transaction(MEDIUM_RISK);
    const high = transaction(HIGH_RISK);
    const [m, h] = await Promise.all([api('POST', '/api/transactions/realtime', medium, 'amina'), api('POST', '/api/transactions/realtime', high, 'amina')]);
    expect(m.status, JSON.stringify(m.body)).toBe(200);
    expect(m.body).toMatchObject({ status: 'flagged', riskLevel: 'medium', created: true });
    expect(h.status, JSON.stringify(h.body)).toBe(200);
    expect(h.body).toMatchObject({ status: 'held', riskLevel: 'high', created: true });
    for (const [txn, answer] of [
      [medium, m],
      [high, h],
    ] as const) {
      expect(answer.body.caseId).toEqual(expect.any(Number));
      const row = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
      expect(row.body.case.id).toBe(answer.body.caseId);
      const retry = await api('POST', '/api/transactions/realtime', txn, 'amina');
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ status: answer.body.status, caseId: answer.body.caseId, score: answer.body.score, created: false });
    }
  });

  it('answers 202 pending, with the transaction recorded, when routing does not answer within the bound', async () => {
    const txn = transaction();
    const res = await unpolledApi('POST', '/api/transactions/realtime', txn, 'amina');
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ transactionRef: txn.transactionRef, status: 'pending', created: true });
    expect(res.body.message).toMatch(/not routed within 300 ms/);
    expect(res.body.elapsedMs).toBeGreaterThanOrEqual(300);
    const row = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
    expect(row.body.status).toBe('received');
    // the API stopped waiting when it answered: no update-with-start call of it goes on (left
    // alone, it would poll until a worker came, or until the connection closed under it)
    await vi.waitFor(() => expect(unpolledWaits.inFlight).toBe(0), { timeout: 30_000, interval: 50 });
    expect(unpolledWaits.ended).toEqual([expect.not.stringMatching(/^answered$/)]);
    // its lifecycle was started and waits for a worker on that queue
    const description = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).describe();
    expect(description.taskQueue).toBe(`${unpolledQueue}-interactive`);
    await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).terminate('test over');
  });

  it('refuses bad input naming the field, and different content under a known reference, recording nothing', async () => {
    const bad = transaction({ channel: 'carrier-pigeon' });
    const res = await api('POST', '/api/transactions/realtime', bad, 'amina');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/channel/);
    expect((await api('GET', `/api/transactions/${bad.transactionRef}`, undefined, 'amina')).status).toBe(404);

    const batch = await api('POST', '/api/transactions/realtime', { transactions: [transaction()] }, 'amina');
    expect(batch.status).toBe(400);

    const txn = transaction();
    expect((await api('POST', '/api/transactions/realtime', txn, 'amina')).status).toBe(200);
    const clash = await api('POST', '/api/transactions/realtime', { ...txn, amount: '9999.00' }, 'amina');
    expect(clash.status).toBe(409);
    expect(JSON.stringify(clash.body)).toMatch(/amount/);
  });
});
