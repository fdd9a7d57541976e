// A liquidity breach end to end through the API: a senior analyst starts portfolioRisk over HTTP
// (POST /api/risk/portfolio-runs) and reads it back; the in-process worker runs the real
// activities against a PostgreSQL database of its own (so counts are exact), the CISO Assistant
// stand-in and a webhook receiver. One breach → one metric breach, one risk event, one risk
// scenario, one notification; the same run again updates the scenario and notifies nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../../api/users/service';
import { seedPortfolioInputs } from '../../scripts/demo/portfolioSeed';
import { startCisoSimulator, type CisoSimulator } from '../../simulators/ciso-assistant';
import type { PortfolioRiskSummary } from '../../workflows/portfolio/definitions';
import { scratchDatabase, uniqueRef, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';
import { startWebhookReceiver, type WebhookReceiver } from './receivers';

// a Monday morning in Nairobi; the demo seed dates its inputs by the bank's day of `now`
const NOW = new Date('2031-03-17T06:30:00.000Z');
const EVENT_KEY = 'portfolio:liquidity:liquidity_coverage_ratio:book:2031-03-17';

let scratch: ScratchDatabase;
let sim: CisoSimulator;
let hook: WebhookReceiver;
let stack: KingaTestStack;
let testApi: TestApi;
const tokens: Record<string, string> = {};

const json = jsonClient(() => testApi.baseUrl, tokens);
/** Every call here is made by a named user, so `as` comes first. */
const api = (method: string, path: string, as: string, body?: unknown, headers: Record<string, string> = {}) => json(method, path, body, as, headers);

/** Starts a run as baraka (senior analyst) and waits for it through GET; returns its summary. */
async function runThroughApi(): Promise<{ workflowId: string; summary: PortfolioRiskSummary }> {
  const started = await api('POST', '/api/risk/portfolio-runs', 'baraka', { asOf: NOW.toISOString() });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const { workflowId } = started.body as { workflowId: string };
  expect(workflowId).toMatch(/^portfolio-risk-api-/);
  const done = await eventually(async () => {
    const res = await api('GET', `/api/risk/portfolio-runs/${encodeURIComponent(workflowId)}`, 'baraka');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.status === 'running') return undefined;
    return res.body;
  }, `portfolio run ${workflowId} finished`);
  expect(done).toMatchObject({ workflowId, status: 'completed', requestedBy: 'baraka', failure: null });
  expect(done.closedAt).not.toBeNull();
  return { workflowId, summary: done.summary };
}

const webhooksAbout = (eventKey: string) => hook.received.filter((r) => r.body?.data?.eventKey === eventKey);

beforeAll(async () => {
  [scratch, sim, hook] = await Promise.all([
    scratchDatabase('kinga_portfolio_api', { migrate: true }),
    startCisoSimulator({ token: 'api-e2e-ciso-token-0123456789', faults: {} }),
    startWebhookReceiver(),
  ]);
  stack = await createTestStack({
    DATABASE_URL: scratch.url,
    CISO_URL: sim.url,
    CISO_TOKEN: sim.token,
    CISO_REQUEST_TIMEOUT: '2s',
    NOTIFY_WEBHOOK_URL: hook.url,
    NOTIFY_WEBHOOK_SECRET: 'api-e2e-webhook-secret-0123456789',
    NOTIFY_TIMEOUT: '10s',
    NOTIFY_RETRY_INITIAL: '100ms',
    NOTIFY_RETRY_MAX: '1s',
  });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  await seedPortfolioInputs(stack.db, { now: NOW, liquidity: 'breach' });
  testApi = await startTestApi(stack, { users: ['baraka', 'amina', 'chebet', 'daudi'], tokens });
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await Promise.all([sim?.stop(), hook?.stop()]);
  await scratch?.drop();
});

describe('portfolio risk through the API', () => {
  it('a liquidity breach makes one CISO Assistant risk scenario and one notification; a second run updates it and notifies nobody', async () => {
    const first = await runThroughApi();
    const { summary } = first;
    expect(summary.breaches).toHaveLength(1);
    const breach = summary.breaches[0]!;
    expect(breach).toMatchObject({
      model: 'liquidity',
      metric: 'liquidity_coverage_ratio',
      scope: 'book',
      value: '0.893589',
      status: 'WARNING',
      eventKey: EVENT_KEY,
      eventCreated: true,
      scenarioCreated: true,
      cisoNote: null,
      notificationsPending: 1, // the webhook only: no SMTP configured
    });

    // exactly one breach among the run's metrics, and it is the liquidity coverage ratio
    const metrics = await stack.db('risk_metrics').where({ run_id: summary.runId });
    expect(metrics.length).toBe(summary.metrics);
    expect(metrics.filter((m) => m.status !== 'OK').map((m) => [m.model, m.metric, m.scope, m.value, m.threshold])).toEqual([
      ['liquidity', 'liquidity_coverage_ratio', 'book', '0.893589', '1.000000'],
    ]);
    // this database is the test's own: the one event is all there is
    const events = await stack.db('risk_events');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_key: EVENT_KEY, category: 'liquidity', severity: 'warning', external_ref: breach.scenarioId });
    // and the risk register's API shows the same
    const listed = await api('GET', '/api/risk/events?category=liquidity', 'baraka');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((e: any) => e.eventKey)).toEqual([EVENT_KEY]);

    const scenarios = sim.state().riskScenarios;
    expect(scenarios).toHaveLength(1);
    expect(scenarios[0]).toMatchObject({ id: breach.scenarioId, treatment: 'open' });
    expect(scenarios[0]!.description).toContain(EVENT_KEY);

    const delivered = await eventually(async () => {
      const rows = await stack.db('notifications').where('notification_key', 'like', `${EVENT_KEY}:%`);
      return rows.length === 1 && rows[0].delivered_at ? rows : undefined;
    }, 'the webhook notification delivered');
    expect(delivered.map((r) => [r.notification_key, r.channel])).toEqual([[`${EVENT_KEY}:WARNING:webhook`, 'webhook']]);
    expect(webhooksAbout(EVENT_KEY)).toHaveLength(1);
    expect(webhooksAbout(EVENT_KEY)[0]!.body).toMatchObject({ kind: 'risk_breach', data: { status: 'WARNING', ciso: { scenarioId: breach.scenarioId } } });
    expect(hook.received).toHaveLength(1);

    // the same breach again: the same scenario updated (one PATCH), no second notification
    const patchesBefore = sim.state().requests.filter((r) => r.method === 'PATCH').length;
    const second = await runThroughApi();
    expect(second.workflowId).not.toBe(first.workflowId);
    expect(second.summary.runId).not.toBe(summary.runId);
    expect(second.summary.breaches).toEqual([
      expect.objectContaining({ eventKey: EVENT_KEY, eventCreated: false, scenarioId: breach.scenarioId, scenarioCreated: false, notificationsPending: 0, notificationWorkflowId: null }),
    ]);
    expect(sim.state().riskScenarios).toHaveLength(1);
    expect(sim.state().requests.filter((r) => r.method === 'PATCH').length).toBe(patchesBefore + 1);
    expect(await stack.db('risk_events')).toEqual([expect.objectContaining({ event_key: EVENT_KEY, details: expect.objectContaining({ occurrences: 2, lastRunId: second.summary.runId }) })]);
    expect(await stack.db('notifications')).toHaveLength(1);
    expect(hook.received).toHaveLength(1);
  });

  it('refuses an analyst, names a bad asOf, and answers 404 for a run it does not know', async () => {
    const refused = await api('POST', '/api/risk/portfolio-runs', 'amina', { asOf: NOW.toISOString() });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/senior_analyst or admin/);
    // compliance reads runs but does not start them
    expect((await api('POST', '/api/risk/portfolio-runs', 'chebet')).status).toBe(403);

    const bad = await api('POST', '/api/risk/portfolio-runs', 'baraka', { asOf: 'last Friday' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('asOf');
    const unknownField = await api('POST', '/api/risk/portfolio-runs', 'baraka', { asOf: NOW.toISOString(), tag: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.field).toBe('tag');

    expect((await api('GET', '/api/risk/portfolio-runs/portfolio-risk-api-no-such-run', 'baraka')).status).toBe(404);
    // a workflow that is not a portfolio run is not shown here
    expect((await api('GET', '/api/risk/portfolio-runs/txn-anything', 'chebet')).status).toBe(404);
    expect((await api('GET', '/api/risk/portfolio-runs/portfolio-risk-api-no-such-run', 'amina')).status).toBe(403);
  });

  it('a client retrying with the same X-Request-Id gets 409, not a second run', async () => {
    const requestId = uniqueRef('portfolio-retry');
    // a day without inputs: the run has nothing to breach and ends at once
    const body = { asOf: '2030-01-01T06:00:00.000Z' };
    const first = await api('POST', '/api/risk/portfolio-runs', 'daudi', body, { 'x-request-id': requestId });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body.workflowId).toBe(`portfolio-risk-api-${requestId}`);
    const again = await api('POST', '/api/risk/portfolio-runs', 'daudi', body, { 'x-request-id': requestId });
    expect(again.status).toBe(409);
    const done = await eventually(async () => {
      const res = await api('GET', `/api/risk/portfolio-runs/${first.body.workflowId}`, 'chebet');
      return res.body.status === 'running' ? undefined : res.body;
    }, 'the retried run finished');
    expect(done).toMatchObject({ status: 'completed', requestedBy: 'daudi', summary: { asOfDate: '2030-01-01', breaches: [] } });
  });
});
