// Found item 6: while the worker was down, POST /api/cases/:id/decision hung until the client gave
// up and was applied later without the client ever learning the outcome. Now it waits at most
// DECISION_WAIT, answers 202 with a URL to follow, the decision is applied once when the worker is
// back (whatever the client retries), and an unreachable Temporal is a 503 with Retry-After.
// Real Temporal server, a real worker (stopped and started again), real PostgreSQL.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleWorkflowId, stateQuery, type LifecycleState } from '../../workflows/lifecycle/definitions';
import { uniqueRef } from '../helpers';
import { eventually } from '../lifecycle/context';
import { createTestApp } from '../helpers/api';
import { createApiHarness, insertCase, testApiConfig, type ApiHarness } from './helpers';

let h: ApiHarness;
let nativeConnection: NativeConnection;

beforeAll(async () => {
  h = await createApiHarness({ DECISION_WAIT: '1s' });
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
  nativeConnection = await NativeConnection.connect({ address: h.config.temporal.address });
});

afterAll(async () => {
  await h?.close();
  await nativeConnection?.close();
});

async function startWorker(): Promise<{ stop: () => Promise<void> }> {
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: h.config.temporal.namespace,
    taskQueue: h.config.temporal.taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/decisionStub.ts', import.meta.url)),
    // no sticky cache: the restarted worker replays the workflow from its history at once
    maxCachedWorkflows: 0,
  });
  const run = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await run;
    },
  };
}

describe('POST /api/cases/:id/decision with the worker down (found item 6)', () => {
  it('answers 202 within DECISION_WAIT with a URL to follow; once the worker is back the decision is applied, once, whatever the client retries', async () => {
    const token = await h.token('analyst');
    const ref = uniqueRef('WAIT');
    const workflowId = lifecycleWorkflowId(ref);
    let worker = await startWorker();
    await h.temporal.workflow.start('decisionStub', { taskQueue: h.config.temporal.taskQueue, workflowId, args: [ref] });
    h.track(workflowId);
    const { caseId } = await insertCase(h.db, { ref, workflowId });
    // the workflow has run its first task (its handlers are set) before the worker goes away
    await h.temporal.workflow.getHandle(workflowId).query(stateQuery);
    await worker.stop();

    const requestId = `req-${uniqueRef('pending')}`;
    const decide = () =>
      request(h.app).post(`/api/cases/${caseId}/decision`).set('authorization', `Bearer ${token}`).set('x-request-id', requestId).send({ decision: 'approve', note: 'customer confirmed' });
    const started = Date.now();
    const pending = await decide();
    console.log(`decision with the worker down answered ${pending.status} after ${Date.now() - started} ms (DECISION_WAIT 1 s)`);
    expect(pending.status, JSON.stringify(pending.body)).toBe(202);
    const followUrl = `/api/cases/${caseId}/decisions/${requestId}`;
    expect(pending.body).toEqual({ status: 'pending', requestId, caseId, followUrl });
    expect(pending.headers.location).toBe(followUrl);

    const follow = () => request(h.app).get(followUrl).set('authorization', `Bearer ${token}`);
    const stillPending = await follow();
    expect(stillPending.status).toBe(200);
    expect(stillPending.body).toMatchObject({ requestId, caseId, status: 'pending' });

    // the client retries while the worker is still down: the same pending decision, not a second one
    const retryWhileDown = await decide();
    expect(retryWhileDown.status).toBe(202);

    worker = await startWorker();
    try {
      const applied = await eventually(async () => {
        const res = await follow();
        return res.body.status === 'applied' ? res.body : undefined;
      }, 'the pending decision to be applied once the worker is back');
      expect(applied.state).toMatchObject({ workflowId, stage: 'closed', status: 'approved' });

      // a retry after the fact returns the first outcome
      const retry = await decide();
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ status: 'applied', requestId });
      const result = (await h.temporal.workflow.getHandle(workflowId).result()) as LifecycleState;
      expect(result.status).toBe('approved');
      expect(result.events.filter((e) => e.type === 'approve')).toHaveLength(1);
    } finally {
      await worker.stop();
    }
  });

  it('404s a request id that never reached the case', async () => {
    const ref = uniqueRef('WAIT-UNKNOWN');
    const workflowId = lifecycleWorkflowId(ref);
    await h.temporal.workflow.start('decisionStub', { taskQueue: h.config.temporal.taskQueue, workflowId, args: [ref] });
    h.track(workflowId);
    const { caseId } = await insertCase(h.db, { ref, workflowId });
    const res = await request(h.app).get(`/api/cases/${caseId}/decisions/never-sent`).set('authorization', `Bearer ${await h.token('analyst')}`);
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/no decision with request id never-sent is known for case/);
  });
});

describe('POST /api/cases/:id/decision with Temporal unreachable', () => {
  it('answers 503 with Retry-After and decides nothing', async () => {
    // a Temporal address nothing listens on
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const temporal = new Client({ connection, namespace: h.config.temporal.namespace });
    try {
      const app = createTestApp({ db: h.db, client: temporal, config: testApiConfig({ DECISION_WAIT: '1s' }) });
      const { caseId } = await insertCase(h.db);
      const token = await h.token('analyst');
      const res = await request(app).post(`/api/cases/${caseId}/decision`).set('authorization', `Bearer ${token}`).send({ decision: 'approve' });
      expect(res.status, JSON.stringify(res.body)).toBe(503);
      expect(res.body).toMatchObject({ error: 'unavailable' });
      expect(res.body.message).toMatch(/Temporal cannot be reached; nothing was decided/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      const follow = await request(app).get(`/api/cases/${caseId}/decisions/any-id`).set('authorization', `Bearer ${token}`);
      expect(follow.status).toBe(503);
      expect(follow.headers['retry-after']).toBeDefined();
    } finally {
      await connection.close();
    }
  });
});
