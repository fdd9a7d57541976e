// No waiting behind a backlog, through the real API over HTTP, a real Temporal server, the real
// workers and PostgreSQL: a backfill of a few hundred lifecycles is queued on the backfill task
// queue of a worker with two slots of each kind, and a transaction posted to the API is answered
// while most of that backfill is still waiting, on the interactive queue; the backfill still
// finishes. (The latency figures are in `npm run bench -- --only backlog`, not asserted here.)
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionInput } from '../../api/transactions/schemas';
import { ingestTransactions } from '../../api/transactions/service';
import { seedDemoUsers } from '../../api/users/service';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { createTestStack, eventually, type KingaTestStack } from './context';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { transactionFactory } from '../helpers/transactions';

const BACKFILL_ROWS = 300;
let stack: KingaTestStack;
let testApi: TestApi | undefined;
const tokens: Record<string, string> = {};
let baseUrl = '';
const run = randomUUID().slice(0, 8);
const api = jsonClient(() => baseUrl, tokens);
const backfillTransaction = transactionFactory(`BF-${run}`);
const apiTransaction = transactionFactory(`API-${run}`);

beforeAll(async () => {
  // few slots, so the backfill really queues; a bound far above any answer time on a busy machine
  stack = await createTestStack({
    ANOMALY_ENABLED: 'false',
    REALTIME_ANSWER_BOUND: '120s',
    WORKER_WORKFLOW_TASK_SLOTS: '2',
    WORKER_ACTIVITY_SLOTS: '2',
    WORKER_LOCAL_ACTIVITY_SLOTS: '2',
  });
  await seedDemoUsers(stack.db);
  testApi = await startTestApi(stack, { users: ['amina'], tokens });
  baseUrl = testApi.baseUrl;
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
});

const backfillFinished = async (refs: string[]) => {
  const [{ n }] = (await stack.db('transactions').whereIn('transaction_ref', refs).whereNot('status', 'received').count({ n: '*' })) as [{ n: string | number }];
  return Number(n);
};

describe('an API transaction during a warehouse backfill', () => {
  it('is answered on the interactive queue while the backfill queued ahead of it still waits, and the backfill finishes', async () => {
    expect(stack.config.temporal.interactiveTaskQueue).not.toBe(stack.config.temporal.taskQueue);
    // The backfill is queued before any worker runs, as the warehouse extraction starts it: every
    // one of its lifecycles is ahead of the API transaction on the backfill queue.
    const backfill = Array.from({ length: BACKFILL_ROWS }, () => transactionInput.parse(backfillTransaction()));
    const refs = backfill.map((t) => t.transactionRef);
    for (let i = 0; i < backfill.length; i += 100) {
      await ingestTransactions({ db: stack.db, temporal: stack.client, taskQueue: stack.taskQueue, fx: stack.config.fx }, backfill.slice(i, i + 100), { batch: true, requestId: `backfill-${run}` });
    }
    await stack.startWorker();

    const txn = apiTransaction();
    const answer = await api('POST', '/api/transactions/realtime', txn, 'amina');
    const finishedAtAnswer = await backfillFinished(refs);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ transactionRef: txn.transactionRef, status: 'approved', created: true });
    // overtaken: the backfill had not finished when the API transaction was answered
    expect(finishedAtAnswer).toBeLessThan(BACKFILL_ROWS);
    const lifecycle = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).describe();
    expect(lifecycle.taskQueue).toBe(stack.config.temporal.interactiveTaskQueue);
    const backfilled = await stack.client.workflow.getHandle(lifecycleWorkflowId(refs[0]!)).describe();
    expect(backfilled.taskQueue).toBe(stack.config.temporal.taskQueue);

    // the backfill is not starved either: every lifecycle is decided
    await eventually(async () => ((await backfillFinished(refs)) === BACKFILL_ROWS ? true : undefined), 'the backfill to finish', 240_000);
  }, 300_000);
});
