// Ballerine and a real lifecycle: the real API over HTTP, a real Temporal server and worker, real
// PostgreSQL, and the Ballerine stand-in sending signed webhooks to Kinga's receiver. A decision
// taken in Ballerine's back office closes the Kinga case as the matching Kinga user; a decision
// taken in Kinga and sent to Ballerine comes back as an echo that changes nothing.
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ballerineCorrelationId, createBallerineActivities } from '../../../activities/ballerine';
import { signBallerineBody } from '../../../api/integrations/ballerine/signature';
import { createUser, seedDemoUsers } from '../../../api/users/service';
import { loadBallerineConfig, type BallerineConfig } from '../../../config/ballerine';
import { lifecycleWorkflowId, stateQuery } from '../../../workflows/lifecycle/definitions';
import { startBallerineSimulator, type BallerineSimulator, type WebhookDelivery } from '../../../simulators/ballerine';
import { uniqueRef } from '../../helpers';
import { freePort } from '../../../scripts/lib/ports';
import { startTestApi, type TestApi } from '../../helpers/api';
import { jsonClient } from '../../helpers/http';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from '../../lifecycle/context';

const API_KEY = 'lifecycle-test-key-2b8d';
const SECRET = 'lifecycle-webhook-secret-5e1f';
const run = uniqueRef('bal').slice(-8);
const SENIOR = { username: `bsenior-${run}`, email: `Wanjiku.Senior.${run}@Bank.test`, password: 'ballerine-senior-password' };
const ANALYST_BY_USERNAME = `otieno.${run}@bank.test`; // a Kinga username that is the Ballerine e-mail
const SENIOR2 = `bsenior2-${run}`;

let sim: BallerineSimulator;
let stack: KingaTestStack;
let testApi: TestApi | undefined;
let baseUrl: string;
let ballerine: BallerineConfig;
let activities: ReturnType<typeof createBallerineActivities>;
const tokens: Record<string, string> = {};

const api = jsonClient(() => baseUrl, tokens);

async function deliver(body: string, signature: string | undefined): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/api/integrations/ballerine/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hmac-signature': signature } : {}) },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A workflow.completed envelope as Ballerine sends it, for webhooks the test writes itself. */
function completedWebhook(runtimeId: string, finalState: string, email: string | null): string {
  return JSON.stringify({
    id: 'test-webhook',
    eventName: 'workflow.completed',
    apiVersion: 1,
    timestamp: new Date().toISOString(),
    // Ballerine's real webhook may carry no assignee at all
    ...(email === null ? {} : { assignee: { id: 'u-1', firstName: 'Some', lastName: 'One', email } }),
    workflowDefinitionId: ballerine.workflowDefinition,
    workflowRuntimeId: runtimeId,
    workflowStatus: 'completed',
    workflowFinalState: finalState,
    correlationId: 'x',
    environment: 'sandbox',
    data: {},
  });
}

const transaction = transactionFactory(`BAL-${run}`);

/** Ingests through the API and waits for the lifecycle to open the case and its Ballerine run. */
async function caseWithBallerineRun(txn: ReturnType<typeof transaction>): Promise<{ caseId: number; runtimeId: string }> {
  const res = await api('POST', '/api/transactions', txn, 'amina');
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  const row = await eventually(
    async () => stack.db('analyst_cases').where({ transaction_ref: txn.transactionRef }).whereNotNull('ballerine_workflow_id').first(),
    `a case with a Ballerine run for ${txn.transactionRef}`,
  );
  const state = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).query(stateQuery);
  const input = { caseId: row.id, transactionRef: txn.transactionRef, transaction: state.transaction!, score: state.score! };
  const opened = { enabled: true, workflowRuntimeId: row.ballerine_workflow_id as string };
  // Opening again (a retried activity) neither fails nor opens a second run.
  const runs = sim.runs().length;
  expect(await activities.openBallerineCase(input)).toEqual(opened);
  expect(sim.runs()).toHaveLength(runs);
  return { caseId: row.id, runtimeId: opened.workflowRuntimeId };
}

async function eventCount(transactionRef: string): Promise<number> {
  const [row] = await stack.db('case_events').where({ transaction_ref: transactionRef }).count<{ count: string }[]>('* as count');
  return Number(row!.count);
}

function deliveriesFor(runtimeId: string, eventName: string): WebhookDelivery[] {
  return sim.deliveries().filter((d) => d.workflowRuntimeId === runtimeId && d.eventName === eventName);
}

beforeAll(async () => {
  sim = await startBallerineSimulator({ apiKey: API_KEY, webhookSecret: SECRET });
  // The worker creates Kinga's definition, subscribing the API's receiver: its port is chosen first.
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const webhookUrl = `${baseUrl}/api/integrations/ballerine/webhook`;
  const env = { BALLERINE_URL: sim.url, BALLERINE_API_KEY: API_KEY, BALLERINE_WEBHOOK_SECRET: SECRET, BALLERINE_WEBHOOK_URL: webhookUrl };
  ballerine = loadBallerineConfig(env);
  stack = await createTestStack({ ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', ...env });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  await createUser(stack.db, { username: SENIOR.username, displayName: 'Wanjiku Senior', password: SENIOR.password, role: 'senior_analyst' });
  await stack.db('users').where({ username: SENIOR.username }).update({ email: SENIOR.email.toLowerCase() });
  await createUser(stack.db, { username: SENIOR2, displayName: 'Second Senior', password: SENIOR.password, role: 'senior_analyst' });
  await stack.db('users').where({ username: SENIOR2 }).update({ email: `${SENIOR2}@bank.test` });
  await createUser(stack.db, { username: ANALYST_BY_USERNAME, displayName: 'Otieno Analyst', password: 'ballerine-analyst-password', role: 'analyst' });

  const logger = pino({ level: 'silent' });
  testApi = await startTestApi({ db: stack.db, client: stack.client, config: { ...stack.config, ballerine } }, { port, users: ['amina', { username: SENIOR.username, password: SENIOR.password }], tokens });
  activities = createBallerineActivities({ db: stack.db, logger, ballerine });
});

afterAll(async () => {
  await sim?.stop();
  await testApi?.close();
  await stack?.close();
});

describe('Ballerine webhooks into the lifecycle', () => {
  it('refuses bad signatures and unknown users, then applies a back-office decision once as the matching Kinga user', async () => {
    const txn = transaction(HIGH_RISK);
    const { caseId, runtimeId } = await caseWithBallerineRun(txn);
    const ballerineRun = sim.run(runtimeId)!;
    expect(ballerineRun.context).toMatchObject({
      entity: { type: 'individual', id: ballerineCorrelationId(txn.transactionRef) },
      customData: { kingaCaseId: caseId, transactionRef: txn.transactionRef, transaction: { amount: '12000000.00', channel: 'online' }, scoreBreakdown: { level: 'high' } },
    });
    const before = await eventCount(txn.transactionRef);

    // A bad or missing signature: 401, and nothing happens.
    const approve = completedWebhook(runtimeId, 'approved', SENIOR.email);
    expect((await deliver(approve, signBallerineBody(approve, 'not-the-secret'))).status).toBe(401);
    expect((await deliver(approve, undefined)).status).toBe(401);
    const tampered = completedWebhook(runtimeId, 'approved', SENIOR.email).replace('"approved"', '"blocked"');
    expect((await deliver(tampered, signBallerineBody(approve, SECRET))).status).toBe(401);

    // Signed, but by someone Kinga does not know: 422 naming them, nothing recorded.
    const stranger = `stranger-${run}@elsewhere.test`;
    const unknown = await deliver(completedWebhook(runtimeId, 'approved', stranger), signBallerineBody(completedWebhook(runtimeId, 'approved', stranger), SECRET));
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toContain(stranger);
    // A Kinga analyst may not decide a high-risk case, from Ballerine either: the workflow refuses.
    const analystBody = completedWebhook(runtimeId, 'approved', ANALYST_BY_USERNAME);
    const analyst = await deliver(analystBody, signBallerineBody(analystBody, SECRET));
    expect(analyst.status).toBe(403);
    expect(analyst.body.message).toMatch(/senior_analyst/);

    expect(await eventCount(txn.transactionRef)).toBe(before);
    expect(await stack.db('analyst_cases').where({ id: caseId }).first()).toMatchObject({ status: 'assigned', decision: null });

    // The senior analyst approves in Ballerine's back office; Ballerine's signed webhook closes the case.
    await sim.decide(runtimeId, 'APPROVE', { email: SENIOR.email.toUpperCase(), firstName: 'Wanjiku', lastName: 'Senior' });
    await sim.flushWebhooks();
    const [completed] = deliveriesFor(runtimeId, 'workflow.completed');
    expect(completed, 'a workflow.completed webhook').toBeDefined();
    expect(completed!.status, completed!.response ?? completed!.error ?? '').toBe(200);
    expect(JSON.parse(completed!.response!)).toMatchObject({ status: 'applied', caseId, decision: 'approve', actor: SENIOR.username });
    expect(JSON.parse(deliveriesFor(runtimeId, 'workflow.state.changed')[0]!.response!)).toMatchObject({ status: 'ignored' });

    const result = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).result();
    expect(result.status).toBe('approved');
    expect(result.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: SENIOR.username });
    expect(await stack.db('analyst_cases').where({ id: caseId }).first()).toMatchObject({ status: 'closed', decision: 'approve', decided_by: SENIOR.username });
    const approved = await stack.db('case_events').where({ transaction_ref: txn.transactionRef, event_type: 'approved' });
    expect(approved).toHaveLength(1);
    expect(approved[0]).toMatchObject({ actor: SENIOR.username, actor_role: 'senior_analyst' });
    expect(approved[0].note).toContain(`Decided in Ballerine by Wanjiku Senior <${SENIOR.email.toUpperCase()}>`);

    // The same webhook again (Ballerine retried, or someone replayed it): 200, and nothing changes.
    const after = await eventCount(txn.transactionRef);
    const replay = await deliver(completed!.body, completed!.headers['x-hmac-signature']);
    expect(replay).toMatchObject({ status: 200, body: { status: 'already_applied', caseId, decision: 'approve' } });
    expect(await eventCount(txn.transactionRef)).toBe(after);
    expect(await stack.db('analyst_cases').where({ id: caseId }).first()).toMatchObject({ decided_by: SENIOR.username });
  });

  it('sends a decision taken in Kinga to the Ballerine run; its echo changes nothing, and a contrary event is a conflict', async () => {
    const txn = transaction(HIGH_RISK);
    const { caseId, runtimeId } = await caseWithBallerineRun(txn);
    const decided = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'block', note: 'customer denies the transfer' }, SENIOR.username);
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const after = await eventCount(txn.transactionRef);

    const input = { caseId, transactionRef: txn.transactionRef, workflowRuntimeId: runtimeId, decision: 'block' as const, actor: SENIOR.username, note: 'customer denies the transfer' };
    await activities.sendBallerineDecision(input);
    expect(sim.run(runtimeId)).toMatchObject({ state: 'blocked', status: 'completed' });
    await sim.flushWebhooks();
    const [echo] = deliveriesFor(runtimeId, 'workflow.completed');
    expect(echo!.status).toBe(200);
    expect(JSON.parse(echo!.response!)).toMatchObject({ status: 'already_applied', caseId, decision: 'block' });
    expect(await eventCount(txn.transactionRef)).toBe(after);

    // A retried activity finds the event taken: no error, no second webhook.
    await activities.sendBallerineDecision(input);
    await sim.flushWebhooks();
    expect(deliveriesFor(runtimeId, 'workflow.completed')).toHaveLength(1);

    // The other decision on a run that already took this one is a conflict, never retried.
    const contrary = await activities.sendBallerineDecision({ ...input, decision: 'approve' }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(contrary).toBeInstanceOf(ApplicationFailure);
    expect(contrary).toMatchObject({ type: 'ballerine_conflict', nonRetryable: true });
    expect((contrary as Error).message).toContain('state blocked');
  });

  it('escalates from Ballerine (the user matched by username), and a second senior blocks there', async () => {
    const txn = transaction(MEDIUM_RISK);
    const { caseId, runtimeId } = await caseWithBallerineRun(txn);

    await sim.decide(runtimeId, 'ESCALATE', { email: ANALYST_BY_USERNAME, firstName: 'Otieno', lastName: 'Analyst' });
    await sim.flushWebhooks();
    const [changed] = deliveriesFor(runtimeId, 'workflow.state.changed');
    expect(JSON.parse(changed!.response!)).toMatchObject({ status: 'applied', decision: 'escalate', actor: ANALYST_BY_USERNAME });
    expect(await stack.db('analyst_cases').where({ id: caseId }).first()).toMatchObject({ status: 'escalated', escalation_level: 1, escalated_by: [ANALYST_BY_USERNAME] });

    await sim.decide(runtimeId, 'BLOCK', { email: `${SENIOR2}@bank.test` });
    await sim.flushWebhooks();
    const [completed] = deliveriesFor(runtimeId, 'workflow.completed');
    expect(JSON.parse(completed!.response!)).toMatchObject({ status: 'applied', decision: 'block', actor: SENIOR2 });
    const result = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).result();
    expect(result.status).toBe('blocked');
    const events = await stack.db('case_events').where({ transaction_ref: txn.transactionRef }).orderBy('id');
    expect(events.filter((e) => ['escalated', 'blocked'].includes(e.event_type)).map((e) => [e.event_type, e.actor])).toEqual([
      ['escalated', ANALYST_BY_USERNAME],
      ['blocked', SENIOR2],
    ]);
  });

  it('a back-office decision without an assignee counts as the Kinga user who took the case; with nobody to take it, it is refused and the refusal is on the timeline', async () => {
    const txn = transaction(MEDIUM_RISK);
    const { caseId, runtimeId } = await caseWithBallerineRun(txn);
    const body = completedWebhook(runtimeId, 'approved', null);

    // nobody in Kinga has taken the case (BALLERINE_UNASSIGNED_DECISIONS=case_assignee, the default)
    const refused = await deliver(body, signBallerineBody(body, SECRET));
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'refused', caseId, decision: 'approve' });
    expect(refused.body.reason).toMatch(/^Ballerine's webhook names no assignee, and nobody in Kinga has taken the case/);
    const timeline = await eventually(async () => {
      const res = await api('GET', `/api/cases/${caseId}`, undefined, 'amina');
      const events = (res.body?.events ?? []) as any[];
      return events.some((e) => e.eventType === 'decision_refused') ? events : undefined;
    }, 'the refusal on the case timeline');
    const event = timeline.find((e) => e.eventType === 'decision_refused')!;
    expect(event).toMatchObject({ actor: 'ballerine:unassigned' });
    expect(event.note).toMatch(/^Ballerine's webhook names no assignee, and nobody in Kinga has taken the case .*\(workflow /);
    expect(await stack.db('analyst_cases').where({ id: caseId }).first()).toMatchObject({ status: 'assigned', decision: null });

    // amina takes the case in Kinga; the same decision from Ballerine is now hers
    const taken = await api('POST', `/api/cases/${caseId}/assignment`, {}, 'amina');
    expect(taken.status, JSON.stringify(taken.body)).toBeLessThan(300);
    const applied = await deliver(body, signBallerineBody(body, SECRET));
    expect(applied).toMatchObject({ status: 200, body: { status: 'applied', caseId, decision: 'approve', actor: 'amina' } });
    const result = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).result();
    expect(result.case).toMatchObject({ status: 'closed', decision: 'approve', decidedBy: 'amina' });
    const approved = await stack.db('case_events').where({ transaction_ref: txn.transactionRef, event_type: 'approved' }).first();
    expect(approved.note).toContain('Decided in Ballerine without an assignee, attributed to amina by BALLERINE_UNASSIGNED_DECISIONS');
  });
});
