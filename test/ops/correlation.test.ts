// Log correlation across processes: a request id given to the API shows up on the API's request
// line, on the worker's workflow lines and on every activity line of that transaction (with its
// reference and workflow id), so one grep finds the whole path. A decision's own request id
// follows the decision into the activity that records it.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../api/server';
import { seedDemoUsers } from '../../api/users/service';
import { createLogger } from '../../observability/logger';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { signIn } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { transactionFactory } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';
import { interceptorBundle, killAllWorkers, startWorkerProcess, type LogLine, type WorkerProcess } from './workerProcess';

const run = randomUUID().slice(0, 8);
let stack: KingaTestStack;
let api: RunningApi;
let worker: WorkerProcess;
const apiLines: LogLine[] = [];
const tokens: Record<string, string> = {};

const json = jsonClient(() => api.url, tokens);
async function call(method: string, path: string, body: unknown, as: string | undefined, requestId?: string) {
  const answer = await json(method, path, body, as, requestId ? { 'x-request-id': requestId } : {});
  return { ...answer, requestId: answer.headers.get('x-request-id') };
}

const everyday = transactionFactory('COR');
/** An everyday purchase (LOW) with the given reference. */
const transaction = (ref: string, overrides: Record<string, unknown> = {}) => ({ ...everyday(), transactionRef: ref, ...overrides });

beforeAll(async () => {
  const [s, bundle] = await Promise.all([createTestStack({ ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' }), interceptorBundle()]);
  stack = s;
  await seedDemoUsers(stack.db);
  worker = await startWorkerProcess({
    DATABASE_URL: stack.config.database.url!,
    TEMPORAL_ADDRESS: stack.config.temporal.address!,
    TEMPORAL_NAMESPACE: stack.config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    KINGA_WORKFLOW_BUNDLE: bundle,
  });
  const logger = createLogger({ logLevel: 'info' }, 'api', { destination: { write: (line: string) => void apiLines.push(JSON.parse(line) as LogLine) } });
  api = await startApi(stack.config, { db: stack.db, temporal: stack.client, logger, port: 0, metrics: false });
  await signIn(api.url, ['amina'], tokens);
});

afterAll(async () => {
  await api?.close();
  await worker?.kill('SIGTERM');
  await killAllWorkers();
  await stack?.close();
});

describe('log correlation', () => {
  it('follows a request id from the API request into the workflow and each of its activities', async () => {
    const ref = `COR-${run}-low`;
    const requestId = `req-${run}-ingest`;
    const res = await call('POST', '/api/transactions', transaction(ref), 'amina', requestId);
    expect(res.status).toBe(202);
    expect(res.requestId).toBe(requestId);
    await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).result();
    await worker.waitForLine((l) => l.msg === 'workflow completed' && l.transactionRef === ref, 'the workflow to complete');

    // The API's line for the request carries the id under the same field name as the worker's.
    const apiLine = apiLines.find((l) => l.requestId === requestId && l.msg === 'request completed');
    expect(apiLine, JSON.stringify(apiLines.slice(-3))).toMatchObject({ component: 'api', req: { method: 'POST', url: '/api/transactions' }, res: { statusCode: 202 } });

    // One grep of the request id in the worker's output: the workflow and every activity.
    const workflowId = lifecycleWorkflowId(ref);
    const grep = worker.lines.filter((l) => JSON.stringify(l).includes(requestId));
    expect(grep.filter((l) => l.sdkComponent === 'workflow').map((l) => l.msg)).toEqual(['workflow started', 'workflow completed']);
    // every activity this workflow ran is found by the grep (whatever steps the lifecycle has)
    const ranActivities = worker.lines.filter((l) => l.msg === 'activity completed' && l.workflowId === workflowId);
    const activities = grep.filter((l) => l.msg === 'activity completed');
    expect(activities).toEqual(ranActivities);
    const types = activities.map((l) => l.activityType as string);
    // with Tazama off, loading, scoring and recording the routing are one local activity
    expect(types.filter((t) => ['loadTransaction', 'scoreTransaction', 'recordRouting', 'assessTransaction'].includes(t))).toEqual(['assessTransaction']);
    for (const line of [...activities, ...grep.filter((l) => l.sdkComponent === 'workflow')]) {
      expect(line).toMatchObject({ level: 30, component: 'worker', requestId, transactionRef: ref, workflowId });
    }
    expect(activities.find((l) => l.activityType === 'assessTransaction')).toMatchObject({ isLocal: true });
    for (const line of activities) expect(typeof line.durationMs).toBe('number');
  });

  it('carries a decision’s own request id into the activity that records it', async () => {
    const ref = `COR-${run}-medium`;
    const ingestId = `req-${run}-ingest-medium`;
    const decisionId = `req-${run}-decision`;
    // 1.5M abroad at 23:40 Nairobi time: a medium-risk case for an analyst
    expect((await call('POST', '/api/transactions', transaction(ref, { amount: '1500000.00', city: 'London', country: 'GB', occurredAt: '2026-11-20T20:40:00.000Z' }), 'amina', ingestId)).status).toBe(202);
    const caseId = await eventually(async () => {
      const res = await call('GET', `/api/transactions/${ref}`, undefined, 'amina');
      return res.status === 200 && res.body.case ? (res.body.case.id as number) : undefined;
    }, `the case of ${ref}`);
    const decided = await call('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'customer confirmed by phone' }, 'amina', decisionId);
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).result();
    await worker.waitForLine((l) => l.msg === 'workflow completed' && l.transactionRef === ref, 'the workflow to complete');

    const update = worker.lines.find((l) => l.msg === 'update received' && l.transactionRef === ref);
    expect(update).toMatchObject({ update: 'decide', requestId: decisionId, sdkComponent: 'workflow' });
    const recorded = worker.lines.filter((l) => l.msg === 'activity completed' && l.activityType === 'recordCaseChange' && l.transactionRef === ref);
    expect(recorded.map((l) => l.requestId)).toEqual([decisionId]);
    // the steps before the decision still carry the ingest request's id
    const opened = worker.lines.find((l) => l.msg === 'activity completed' && l.activityType === 'openCase' && l.transactionRef === ref);
    expect(opened).toMatchObject({ requestId: ingestId });
    expect(apiLines.some((l) => l.requestId === decisionId && l.msg === 'request completed')).toBe(true);
  });
});
