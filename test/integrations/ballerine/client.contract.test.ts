// Contract tests: Kinga's Ballerine client against the stand-in, over real HTTP on loopback. The
// stand-in answers as Ballerine's workflows-service does (paths, Bearer auth, statechart events,
// validation messages); the signing test uses the vector from Ballerine's own sign() unit test.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BallerineError, createBallerineClient, type BallerineClient } from '../../../activities/ballerine/client';
import { kingaReviewDefinition } from '../../../activities/ballerine/definition';
import { signBallerineBody, verifyBallerineSignature } from '../../../api/integrations/ballerine/signature';
import { signPayload, startBallerineSimulator, type BallerineSimulator } from '../../../simulators/ballerine';
import { uniqueRef } from '../../helpers';

const API_KEY = 'contract-test-key-7f3a';
let sim: BallerineSimulator;
let client: BallerineClient;

async function failure(promise: Promise<unknown>): Promise<BallerineError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(BallerineError);
    return err as BallerineError;
  }
  throw new Error('expected the call to fail');
}

function runRequest(definition: string, correlationId: string, customData: Record<string, unknown> = {}) {
  return {
    workflowId: definition,
    context: { entity: { type: 'individual' as const, id: correlationId, data: { firstName: 'Customer', lastName: 'CUST-1' } }, documents: [], customData },
  };
}

beforeAll(async () => {
  sim = await startBallerineSimulator({ apiKey: API_KEY, webhookSecret: 'contract-webhook-secret' });
  client = createBallerineClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 2000 });
});

afterEach(() => {
  sim.setFaults({ latencyMs: 0, errorRate: 0, down: false });
});

afterAll(async () => {
  await sim?.stop();
});

describe('Ballerine client ↔ stand-in', () => {
  it('is refused with a wrong API key: 401, not retryable, and the key appears nowhere in the error', async () => {
    const wrongKey = 'wrong-key-should-not-leak-91c2';
    const intruder = createBallerineClient({ baseUrl: sim.url, apiKey: wrongKey, timeoutMs: 2000 });
    const err = await failure(intruder.runWorkflow(runRequest('kinga-transaction-review', uniqueRef('auth'))));
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/answered 401: .*Unauthorized/);
    expect(`${err.message} ${err.body} ${err.stack}`).not.toContain(wrongKey);
    const noKey = await fetch(`${sim.url}/api/v1/external/workflows/anything`);
    expect(noKey.status).toBe(401);
  });

  it('creates Kinga’s workflow definition once, even when two workers race to install it', async () => {
    const name = uniqueRef('kinga-review');
    const input = kingaReviewDefinition(name, 'http://127.0.0.1:9/hook');
    const first = await client.ensureWorkflowDefinition(input);
    expect(first.created).toBe(true);
    expect(first.definition).toMatchObject({ id: name, name, definitionType: 'statechart-json' });
    expect(first.definition.config).toMatchObject({ allowMultipleActiveWorkflows: false, subscriptions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }] });
    const again = await client.ensureWorkflowDefinition(input);
    expect(again).toMatchObject({ created: false, definition: { id: name } });

    const raced = uniqueRef('kinga-race');
    const both = await Promise.all([client.ensureWorkflowDefinition(kingaReviewDefinition(raced, undefined)), client.ensureWorkflowDefinition(kingaReviewDefinition(raced, undefined))]);
    expect(both.filter((r) => r.created)).toHaveLength(1);
    expect(sim.definitions().filter((d) => d.name === name || d.name === raced)).toHaveLength(2);
  });

  it('opens a run with the customData, and a retried run with the same correlation id is the same run', async () => {
    const name = uniqueRef('kinga-review');
    await client.ensureWorkflowDefinition(kingaReviewDefinition(name, undefined));
    const correlationId = uniqueRef('kinga-txn');
    const customData = { transactionRef: 'TXN-1', transaction: { amount: '12000000.00', currency: 'KES' }, scoreBreakdown: { score: 0.95, level: 'high' }, tazama: null };
    const run = await client.runWorkflow(runRequest(name, correlationId, customData));
    expect(run).toMatchObject({ workflowDefinitionId: name, workflowRuntimeId: expect.any(String), ballerineEntityId: expect.any(String) });

    const stored = await client.getWorkflow(run.workflowRuntimeId);
    expect(stored).toMatchObject({ id: run.workflowRuntimeId, state: 'manual_review', status: 'active', tags: ['manual_review'] });
    expect(stored!.context.customData).toEqual(customData);

    const runsBefore = sim.runs().length;
    const retried = await client.runWorkflow(runRequest(name, correlationId, customData));
    expect(retried.workflowRuntimeId).toBe(run.workflowRuntimeId);
    expect(sim.runs()).toHaveLength(runsBefore);
    expect(await client.getWorkflow('no-such-run')).toBeNull();
  });

  it('moves a run by the definition’s events and answers 400 to an event its state does not take', async () => {
    const name = uniqueRef('kinga-review');
    await client.ensureWorkflowDefinition(kingaReviewDefinition(name, undefined));
    const { workflowRuntimeId } = await client.runWorkflow(runRequest(name, uniqueRef('kinga-txn')));

    const escalated = await client.sendEvent(workflowRuntimeId, { name: 'ESCALATE', payload: { actor: 'amina' } });
    expect(escalated).toMatchObject({ state: 'escalated', status: 'active' });
    const twice = await failure(client.sendEvent(workflowRuntimeId, { name: 'ESCALATE' }));
    expect(twice).toMatchObject({ status: 400, retryable: false });
    expect(twice.message).toContain(`Event ESCALATE does not exist for workflow ${name}'s state: escalated`);

    const approved = await client.sendEvent(workflowRuntimeId, { name: 'APPROVE' });
    expect(approved).toMatchObject({ state: 'approved', status: 'completed', tags: ['approved'], resolvedAt: expect.any(String) });
    const afterFinal = await failure(client.sendEvent(workflowRuntimeId, { name: 'BLOCK' }));
    expect(afterFinal.status).toBe(400);
    expect(afterFinal.body).toContain("state: approved");
  });

  it('answers malformed runs with 400 and the reason', async () => {
    const noEntityId = await failure(client.runWorkflow({ workflowId: 'x', context: { entity: { type: 'individual', data: {} } as never, documents: [] } }));
    expect(noEntityId).toMatchObject({ status: 400, retryable: false });
    expect(noEntityId.message).toContain('Entity id is required');
    const unknown = await failure(client.runWorkflow(runRequest(uniqueRef('no-such-definition'), uniqueRef('kinga-txn'))));
    expect(unknown.message).toMatch(/Workflow Definition .* was not found/);
  });

  it('classifies 5xx, a dropped connection and a timeout as retryable', async () => {
    sim.setFaults({ errorRate: 1 });
    const unavailable = await failure(client.getWorkflowDefinition('kinga-transaction-review'));
    expect(unavailable).toMatchObject({ status: 503, retryable: true });
    expect(unavailable.message).toMatch(/answered 503: .*simulated fault/);

    sim.setFaults({ errorRate: 0, down: true });
    const down = await failure(client.getWorkflowDefinition('kinga-transaction-review'));
    expect(down).toMatchObject({ status: null, retryable: true });
    expect(down.message).toMatch(/network error/);

    sim.setFaults({ down: false, latencyMs: 400 });
    const impatient = createBallerineClient({ baseUrl: sim.url, apiKey: API_KEY, timeoutMs: 100 });
    const slow = await failure(impatient.getWorkflowDefinition('kinga-transaction-review'));
    expect(slow).toMatchObject({ status: null, retryable: true });
    expect(slow.message).toContain('no answer within 100 ms');
  });

  it('takes back-office decisions and fault settings over HTTP, as when it runs alone', async () => {
    const name = uniqueRef('kinga-review');
    await client.ensureWorkflowDefinition(kingaReviewDefinition(name, undefined));
    const { workflowRuntimeId } = await client.runWorkflow(runRequest(name, uniqueRef('kinga-txn')));
    const decide = (event: string) =>
      fetch(`${sim.url}/__backoffice/workflows/${workflowRuntimeId}/decide`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event, user: { email: 'analyst@bank.test', firstName: 'Amina', lastName: 'Wanjiru' } }),
      });
    const refused = await decide('RESUBMIT');
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toContain("Event RESUBMIT does not exist for workflow");
    const blocked = await decide('reject'); // the back office's own event name works on Kinga's definition too
    expect(blocked.status).toBe(200);
    expect(await blocked.json()).toMatchObject({ state: 'blocked', status: 'completed', assigneeId: expect.any(String) });

    const knob = await fetch(`${sim.url}/__faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 1 }) });
    expect(await knob.json()).toEqual({ latencyMs: 0, errorRate: 1, down: false });
    expect((await failure(client.getWorkflow(workflowRuntimeId))).status).toBe(503);
  });

  it('signs webhooks as Ballerine does (HMAC-SHA256 of the JSON, hex), and Kinga verifies exactly that', () => {
    // The vector from Ballerine's packages/common sign.unit.test.ts.
    expect(signPayload({ foo: 'bar' }, 'secret')).toBe('3f3ab3986b656abb17af3eb1443ed6c08ef8fff9fea83915909d1b421aec89be');
    expect(signPayload({ foo: 'bar' }, undefined)).toBe('UNSIGNED');
    const body = Buffer.from(JSON.stringify({ foo: 'bar' }));
    expect(signBallerineBody(body, 'secret')).toBe('3f3ab3986b656abb17af3eb1443ed6c08ef8fff9fea83915909d1b421aec89be');
    expect(verifyBallerineSignature(body, '3f3ab3986b656abb17af3eb1443ed6c08ef8fff9fea83915909d1b421aec89be', 'secret')).toBe(true);
    expect(verifyBallerineSignature(Buffer.from('{"foo":"baz"}'), '3f3ab3986b656abb17af3eb1443ed6c08ef8fff9fea83915909d1b421aec89be', 'secret')).toBe(false);
    expect(verifyBallerineSignature(body, signBallerineBody(body, 'other-secret'), 'secret')).toBe(false);
    expect(verifyBallerineSignature(body, 'UNSIGNED', 'secret')).toBe(false);
    expect(verifyBallerineSignature(body, undefined, 'secret')).toBe(false);
  });
});
