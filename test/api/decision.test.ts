// POST /api/cases/:id/decision: the API's own role check and validation, and how it maps what the
// workflow answers (a refused Update, a finished or unknown workflow) to HTTP. The decision rules
// themselves are the real workflow's, tested through a running worker in test/lifecycle/.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { uniqueRef } from '../helpers';
import { createApiHarness, insertCase, type ApiHarness } from './helpers';

let h: ApiHarness;
let worker: Worker;
let workerRun: Promise<void>;
let nativeConnection: NativeConnection;

beforeAll(async () => {
  h = await createApiHarness();
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
  nativeConnection = await NativeConnection.connect({ address: h.config.temporal.address });
  worker = await Worker.create({
    connection: nativeConnection,
    namespace: h.config.temporal.namespace,
    taskQueue: h.config.temporal.taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/decisionStub.ts', import.meta.url)),
  });
  workerRun = worker.run();
});

afterAll(async () => {
  await h?.close(); // terminates the stub workflows first, so the worker has nothing in flight
  if (worker) {
    worker.shutdown();
    await workerRun;
  }
  await nativeConnection?.close();
});

async function decide(caseId: number, body: unknown, role: Parameters<ApiHarness['token']>[0] = 'analyst', requestId?: string) {
  const req = request(h.app).post(`/api/cases/${caseId}/decision`).set('authorization', `Bearer ${await h.token(role)}`);
  if (requestId) req.set('x-request-id', requestId);
  return req.send(body as object);
}

/** A case row whose workflow is the stub, running on this file's task queue. */
async function stubCase(): Promise<{ caseId: number; ref: string; workflowId: string }> {
  const ref = uniqueRef('DECIDE');
  const workflowId = lifecycleWorkflowId(ref);
  await h.temporal.workflow.start('decisionStub', { taskQueue: h.config.temporal.taskQueue, workflowId, args: [ref] });
  h.track(workflowId);
  return insertCase(h.db, { ref, workflowId });
}

describe('the API refuses before asking the workflow', () => {
  it('requires a token', async () => {
    const res = await request(h.app).post('/api/cases/1/decision').send({ decision: 'approve' });
    expect(res.status).toBe(401);
  });

  it('403s compliance and admin: they never decide', async () => {
    const { caseId } = await insertCase(h.db);
    for (const role of ['compliance', 'admin'] as const) {
      const res = await decide(caseId, { decision: 'approve', note: 'fine' }, role);
      expect(res.status, role).toBe(403);
      expect(res.body).toMatchObject({ error: 'forbidden' });
      expect(res.body.message).toContain(role);
    }
  });

  it.each([
    ['an unknown decision', { decision: 'maybe' }, 'decision', /must be one of approve, block, escalate/],
    ['no decision', {}, 'decision', /is required/],
    ['a block without a note', { decision: 'block' }, 'note', /is required to block/],
    ['an escalation with a blank note', { decision: 'escalate', note: '   ' }, 'note', /is required to escalate/],
    ['a note over 2000 characters', { decision: 'approve', note: 'x'.repeat(2001) }, 'note', /at most 2000/],
    ['an actor in the body', { decision: 'approve', actor: 'someone-else' }, 'actor', /Unrecognized key/],
  ])('400s %s, naming the field', async (_what, body, field, message) => {
    const { caseId } = await insertCase(h.db);
    const res = await decide(caseId, body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(res.body.message).toMatch(message);
  });

  it('404s an unknown case', async () => {
    const res = await decide(987654321, { decision: 'approve' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('case 987654321 not found');
  });
});

describe('when the workflow is gone', () => {
  it('409s a case whose workflow has finished: the case is closed', async () => {
    const { caseId, workflowId } = await stubCase();
    await h.temporal.workflow.getHandle(workflowId).terminate('test: finished');
    const res = await decide(caseId, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'conflict', message: `case ${caseId} is closed` });
  });

  it('409s a closed case whose workflow history is no longer kept', async () => {
    const { caseId } = await insertCase(h.db, { status: 'closed', decision: 'approve', decidedBy: 'amina', workflowId: `txn-${uniqueRef('expired')}` });
    const res = await decide(caseId, { decision: 'approve' });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe(`case ${caseId} is closed (approve by amina)`);
  });

  it('404s an open case whose workflow Temporal does not know', async () => {
    const { caseId, workflowId } = await insertCase(h.db);
    const res = await decide(caseId, { decision: 'approve' });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe(`the workflow ${workflowId} of case ${caseId} was not found`);
  });
});

describe("the workflow's answer", () => {
  it('200s with the new state; the actor comes from the token and the request id follows the decision', async () => {
    const { caseId, workflowId } = await stubCase();
    const requestId = `req-${uniqueRef('decision')}`;
    const res = await decide(caseId, { decision: 'approve', note: 'customer confirmed' }, 'analyst', requestId);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(res.body.state).toMatchObject({ workflowId, stage: 'closed', status: 'approved' });
    expect(res.body.state.events).toEqual([
      expect.objectContaining({ type: 'approve', actor: h.users.analyst, actorRole: 'analyst', note: 'customer confirmed', details: { requestId } }),
    ]);
    const result = await h.temporal.workflow.getHandle(workflowId).result();
    expect(result.status).toBe('approved');
  });

  it('maps each refusal of the validator to its status, with the reason as the message', async () => {
    const { caseId, workflowId } = await stubCase();
    const expected: [string, number, string][] = [
      ['forbidden', 403, 'forbidden'],
      ['conflict', 409, 'conflict'],
      ['invalid', 422, 'unprocessable'],
      ['not_found', 404, 'not_found'],
    ];
    for (const [type, status, error] of expected) {
      const reason = `the stub refuses (${type})`;
      const res = await decide(caseId, { decision: 'approve', note: `refuse:${type}:${reason}` }, 'senior_analyst');
      expect(res.status, type).toBe(status);
      expect(res.body).toMatchObject({ error, message: reason });
    }
    // Refusals changed nothing: the workflow still waits, and a valid decision is then accepted.
    const { stage } = (await h.temporal.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING' ? { stage: 'running' } : { stage: 'not running' };
    expect(stage).toBe('running');
    const escalated = await decide(caseId, { decision: 'escalate', note: 'needs a senior' });
    expect(escalated.status).toBe(200);
    expect(escalated.body.state.stage).toBe('awaiting_decision');
  });

  it('answers a failure of the decision itself (not a refusal) with a 500 that says so', async () => {
    const { caseId } = await stubCase();
    const res = await decide(caseId, { decision: 'approve', note: 'fail:the database was unreachable' });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: 'decision_failed' });
    expect(res.body.message).toContain('the database was unreachable');
  });

  it('a retry with the same X-Request-Id returns the first outcome instead of deciding twice', async () => {
    const { caseId } = await stubCase();
    const requestId = `req-${uniqueRef('retry')}`;
    const first = await decide(caseId, { decision: 'escalate', note: 'once' }, 'analyst', requestId);
    const retry = await decide(caseId, { decision: 'escalate', note: 'once' }, 'analyst', requestId);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.state.events).toHaveLength(1);
  });
});
