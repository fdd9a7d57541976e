// portfolioRisk end to end on the real Temporal dev server and PostgreSQL, with the CISO Assistant
// stand-in, a webhook receiver and an SMTP server on loopback: a liquidity breach becomes one
// risk_metrics breach, one risk event, one risk scenario and one notification per channel; a
// second run updates instead of duplicating; a worse breach updates the same scenario and
// notifies again; a refusing register and a stuck channel do not hold the run up; a breach that
// is over on a later run is said so in its scenario and closed (or not, per CISO_CLOSE_ON_RECOVERY).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCisoActivities } from '../../activities/ciso';
import { createNotificationActivities } from '../../activities/notifications';
import { createPortfolioActivities } from '../../activities/portfolio';
import { loadCisoConfig } from '../../config/ciso';
import { loadNotificationConfig } from '../../config/notifications';
import { loadPortfolioConfig } from '../../config/portfolio';
import { startCisoSimulator, type CisoSimulator } from '../../simulators/ciso-assistant';
import type { BreachNotificationResult, PortfolioRiskSummary } from '../../workflows/portfolio/definitions';
import type { portfolioRisk } from '../../workflows/portfolio/workflow';
import { eventually } from '../lifecycle/context';
import { HISTORY_FIXTURES, saveHistoryFixture } from '../lifecycle/fixtures';
import { temporalTarget, testDb, uniqueRef, uniqueTaskQueue } from '../helpers';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from './receivers';

const db = testDb(5);
const logger = pino({ level: 'silent' });
let sim: CisoSimulator;
let hook: WebhookReceiver;
let smtp: SmtpReceiver;
let client: Client;
let connection: Connection;
let workflowCode: string;
const workers: { worker: Worker; running: Promise<void>; connection: NativeConnection }[] = [];

/** A worker on a task queue of its own, with activities wired to the given CISO Assistant token. */
async function startWorker(cisoToken: string, cisoEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  const taskQueue = uniqueTaskQueue('portfolio');
  const notifications = loadNotificationConfig({
    NOTIFY_WEBHOOK_URL: hook.url,
    NOTIFY_WEBHOOK_SECRET: 'e2e-webhook-secret-0123456789',
    SMTP_URL: smtp.url,
    NOTIFY_EMAIL_FROM: 'kinga@bank.example',
    NOTIFY_EMAIL_TO: 'cro@bank.example',
    NOTIFY_TIMEOUT: '20s',
    NOTIFY_RETRY_INITIAL: '100ms',
    NOTIFY_RETRY_MAX: '1s',
    NOTIFY_MAX_ATTEMPTS: '5',
  });
  const nativeConnection = await NativeConnection.connect({ address: temporalTarget().address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: temporalTarget().namespace,
    taskQueue,
    workflowBundle: { code: workflowCode },
    activities: {
      ...createPortfolioActivities({ db, portfolio: loadPortfolioConfig({}), notifications, logger }),
      ...createCisoActivities({ ciso: loadCisoConfig({ CISO_URL: sim.url, CISO_TOKEN: cisoToken, CISO_REQUEST_TIMEOUT: '2s', ...cisoEnv }), logger }),
      ...createNotificationActivities({ db, notifications, logger }),
    },
  });
  workers.push({ worker, running: worker.run(), connection: nativeConnection });
  return taskQueue;
}

/** `fixture`: with KINGA_RECORD_FIXTURES=1 the run's history is recorded for test/portfolio/replay.test.ts. */
async function runPortfolio(taskQueue: string, asOf: string, fixture?: string): Promise<PortfolioRiskSummary> {
  const handle = await client.workflow.start<typeof portfolioRisk>('portfolioRisk', { taskQueue, workflowId: uniqueRef('portfolio-risk'), args: [{ asOf }], workflowExecutionTimeout: '2 minutes' });
  if (fixture) await saveHistoryFixture(handle, fixture, path.join(HISTORY_FIXTURES, 'portfolio'));
  return handle.result();
}

async function seedLiquidity(date: string, outflows: string): Promise<void> {
  // 100,000,000 of Level 1 assets against `outflows` of run-off: LCR = 100M / outflows
  await db('hqla_holdings').insert({ as_of_date: date, asset_ref: 'CBK reserves', level: '1', market_value: '100000000.00' }).onConflict(['as_of_date', 'asset_ref']).ignore();
  await db('cash_flow_forecasts')
    .insert({ as_of_date: date, direction: 'outflow', category: 'retail deposits', balance: outflows, rate: '1' })
    .onConflict(['as_of_date', 'direction', 'category'])
    .merge(['balance']);
}

const notificationsOf = (eventKey: string) => db('notifications').where('notification_key', 'like', `${eventKey}:%`).orderBy('notification_key');

beforeAll(async () => {
  [sim, hook, smtp] = await Promise.all([startCisoSimulator({ token: 'e2e-ciso-token-0123456789', faults: {} }), startWebhookReceiver(), startSmtpReceiver()]);
  // the harness's bundle once workflows/index.ts exports these workflows; until then, our own
  const harness = inject('workflowBundlePath');
  const harnessCode = harness ? fs.readFileSync(harness, 'utf8') : '';
  workflowCode = /\bbreachNotification\b/.test(harnessCode) && /\bportfolioRisk\b/.test(harnessCode)
    ? harnessCode
    : (await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../workflows/portfolio/workflow.ts', import.meta.url)), logger: new DefaultLogger('WARN') })).code;
  connection = await Connection.connect({ address: temporalTarget().address });
  client = new Client({ connection, namespace: temporalTarget().namespace });
});

afterAll(async () => {
  for (const w of workers) if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await Promise.all(workers.map((w) => w.connection.close()));
  await connection?.close();
  await Promise.all([sim?.stop(), hook?.stop(), smtp?.stop()]);
  await db.destroy();
});

describe('portfolioRisk', () => {
  it('a liquidity breach: one metric breach, one risk event, one CISO Assistant scenario, one notification per channel; again → updated, not duplicated', async () => {
    const taskQueue = await startWorker(sim.token);
    const asOf = '2031-01-15T09:00:00.000Z';
    const eventKey = 'portfolio:liquidity:liquidity_coverage_ratio:book:2031-01-15';
    await seedLiquidity('2031-01-15', '120000000.00'); // LCR 0.833333: WARNING

    const first = await runPortfolio(taskQueue, asOf);
    expect(first.breaches).toHaveLength(1);
    expect(first.breaches[0]).toMatchObject({
      metric: 'liquidity_coverage_ratio',
      scope: 'book',
      value: '0.833333',
      status: 'WARNING',
      eventKey,
      eventCreated: true,
      scenarioCreated: true,
      cisoNote: null,
      notificationsPending: 2,
    });
    const metrics = await db('risk_metrics').where({ run_id: first.runId });
    expect(metrics.filter((m) => m.status !== 'OK').map((m) => [m.model, m.metric, m.value, m.threshold])).toEqual([['liquidity', 'liquidity_coverage_ratio', '0.833333', '1.000000']]);

    const scenarioId = first.breaches[0]!.scenarioId!;
    const scenarios = sim.state().riskScenarios;
    expect(scenarios).toHaveLength(1);
    expect(scenarios[0]).toMatchObject({ id: scenarioId, name: 'Kinga: LCR below floor (book)', treatment: 'open', current_proba: 2, current_impact: 3 });
    const assessment = sim.state().riskAssessments[0]!;
    expect(scenarios[0]!.risk_assessment).toBe(assessment.id);
    expect(assessment.name).toBe('Kinga portfolio risk register');

    const events = await db('risk_events').where({ event_key: eventKey });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ category: 'liquidity', severity: 'warning', external_ref: scenarioId, details: { ciso: { scenarioId, refId: 'R.01' } } });

    const delivered = await eventually(async () => {
      const rows = await notificationsOf(eventKey);
      return rows.length === 2 && rows.every((r) => r.delivered_at) ? rows : undefined;
    }, 'both notifications delivered');
    expect(delivered.map((r) => [r.notification_key, r.channel, r.attempts])).toEqual([
      [`${eventKey}:WARNING:email`, 'email', 1],
      [`${eventKey}:WARNING:webhook`, 'webhook', 1],
    ]);
    expect(hook.received.filter((r) => r.body.data?.eventKey === eventKey)).toHaveLength(1);
    expect(hook.received.at(-1)!.body).toMatchObject({ kind: 'risk_breach', data: { status: 'WARNING', ciso: { scenarioId } } });
    expect(smtp.messages.filter((m) => m.raw.includes(`${eventKey}:WARNING:email`))).toHaveLength(1);
    const childResult: BreachNotificationResult = await client.workflow.getHandle(first.breaches[0]!.notificationWorkflowId!).result();
    expect(childResult.failed).toEqual([]);

    // the same breach again (a later run of the same day): updated, nothing duplicated
    const patchesBefore = sim.state().requests.filter((r) => r.method === 'PATCH').length;
    const second = await runPortfolio(taskQueue, asOf);
    expect(second.breaches[0]).toMatchObject({ eventKey, eventCreated: false, scenarioId, scenarioCreated: false, notificationsPending: 0, notificationWorkflowId: null });
    expect(sim.state().riskScenarios).toHaveLength(1);
    expect(sim.state().requests.filter((r) => r.method === 'PATCH').length).toBe(patchesBefore + 1);
    const again = await db('risk_events').where({ event_key: eventKey });
    expect(again).toHaveLength(1);
    expect(again[0].details).toMatchObject({ occurrences: 2, firstRunId: first.runId, lastRunId: second.runId });
    expect(await notificationsOf(eventKey)).toHaveLength(2);
    expect(hook.received.filter((r) => r.body.data?.eventKey === eventKey)).toHaveLength(1);
    expect(await db('risk_metrics').where({ metric: 'liquidity_coverage_ratio' }).whereIn('run_id', [first.runId, second.runId])).toHaveLength(2);

    // worse the same day: the same scenario, now Very High; the event turns critical; management hears again
    await seedLiquidity('2031-01-15', '250000000.00'); // LCR 0.4
    const third = await runPortfolio(taskQueue, asOf);
    expect(third.breaches[0]).toMatchObject({ value: '0.400000', status: 'CRITICAL', eventKey, eventCreated: false, scenarioId, scenarioCreated: false, notificationsPending: 2 });
    expect(sim.state().riskScenarios).toEqual([expect.objectContaining({ id: scenarioId, current_proba: 4, current_impact: 4, treatment: 'open' })]);
    expect(await db('risk_events').where({ event_key: eventKey })).toEqual([expect.objectContaining({ severity: 'critical' })]);
    await eventually(async () => ((await notificationsOf(eventKey)).filter((r) => r.delivered_at).length === 4 ? true : undefined), 'the critical notifications delivered');
    expect(hook.received.filter((r) => r.body.data?.eventKey === eventKey).map((r) => r.body.data.status)).toEqual(['WARNING', 'CRITICAL']);
  });

  it('a register that refuses and a channel that is stuck do not hold the run up; the channel is retried until it delivers', async () => {
    const taskQueue = await startWorker('a-token-ciso-assistant-refuses');
    const asOf = '2031-02-15T09:00:00.000Z';
    const eventKey = 'portfolio:liquidity:liquidity_coverage_ratio:book:2031-02-15';
    await seedLiquidity('2031-02-15', '110000000.00');
    const received = hook.received.length;

    hook.hold(); // the webhook answers nothing until released
    try {
      const summary = await runPortfolio(taskQueue, asOf);
      // the run is over although the webhook has not answered
      expect(summary.breaches[0]).toMatchObject({ eventKey, eventCreated: true, scenarioId: null, notificationsPending: 2 });
      expect(summary.breaches[0]!.cisoNote).toMatch(/401.*Invalid token/);
      expect(summary.breaches[0]!.cisoNote).not.toContain('a-token-ciso-assistant-refuses');
      const event = await db('risk_events').where({ event_key: eventKey }).first();
      expect(event).toMatchObject({ external_ref: null, details: { ciso: { note: expect.stringMatching(/Invalid token/) } } });
      expect(sim.state().riskScenarios.filter((s) => s.description?.includes(eventKey))).toEqual([]);

      // e-mail goes out while the webhook is still stuck
      await eventually(async () => ((await db('notifications').where({ notification_key: `${eventKey}:WARNING:email` }).first())?.delivered_at ? true : undefined), 'the e-mail delivered');
      expect((await db('notifications').where({ notification_key: `${eventKey}:WARNING:webhook` }).first()).delivered_at).toBeNull();
      await eventually(async () => (hook.held() === 1 ? true : undefined), 'the webhook request waiting');

      hook.script([503]); // the stuck request fails when released; the retry succeeds
    } finally {
      hook.release();
    }
    const child: BreachNotificationResult = await client.workflow.getHandle(`portfolio-notify-${eventKey}-WARNING`).result();
    expect(child).toEqual({ delivered: [`${eventKey}:WARNING:webhook`, `${eventKey}:WARNING:email`], failed: [] });
    const webhookRow = await db('notifications').where({ notification_key: `${eventKey}:WARNING:webhook` }).first();
    expect(webhookRow).toMatchObject({ attempts: 2, last_error: null });
    expect(webhookRow.delivered_at).not.toBeNull();
    expect(hook.received.slice(received).filter((r) => r.body.data?.eventKey === eventKey)).toHaveLength(1);
  });

  it('a breach that is over on a later run: its scenario says so (value, time) and is closed; again → nothing more; back → opened again; CISO_CLOSE_ON_RECOVERY=false → left open', async () => {
    const taskQueue = await startWorker(sim.token);
    // later than the other tests' liquidity breaches: this breach is the latest of its kind
    const eventKey = 'portfolio:liquidity:liquidity_coverage_ratio:book:2033-04-10';
    const lcr = (s: PortfolioRiskSummary) => s.recoveries.filter((r) => r.metric === 'liquidity_coverage_ratio');
    await seedLiquidity('2033-04-10', '120000000.00'); // LCR 0.833333: WARNING
    const breach = await runPortfolio(taskQueue, '2033-04-10T09:00:00.000Z');
    // the first test's scenario of the same name: one scenario per breach, whatever the day
    expect(breach.breaches).toEqual([expect.objectContaining({ eventKey, status: 'WARNING', scenarioId: expect.any(String) })]);
    const scenarioId = breach.breaches[0]!.scenarioId!;
    const scenario = () => sim.state().riskScenarios.find((r) => r.id === scenarioId)!;
    expect(scenario().treatment).toBe('open');

    await seedLiquidity('2033-04-11', '50000000.00'); // LCR 2: back above the floor
    const over = await runPortfolio(taskQueue, '2033-04-11T09:00:00.000Z', 'recovery-closed');
    expect(over.breaches.filter((b) => b.metric === 'liquidity_coverage_ratio')).toEqual([]);
    expect(lcr(over)).toEqual([
      { model: 'liquidity', metric: 'liquidity_coverage_ratio', scope: 'book', value: '2.000000', threshold: '1.0', eventKey, scenarioId, treatment: 'cancelled', closed: true, keptOpen: null, cisoNote: null },
    ]);
    expect(scenario()).toMatchObject({ treatment: 'cancelled', current_proba: 2, current_impact: 3 });
    expect(scenario().description).toMatch(/\n\nRecovered as of 2033-04-11T09:00:00\.000Z: LCR below floor \(book\) is over, 2\.000000 against the floor 1\.0\.$/);
    const event = await db('risk_events').where({ event_key: eventKey }).first();
    expect(event.details.recovery).toEqual({
      asOf: '2033-04-11T09:00:00.000Z',
      runId: over.runId,
      value: '2.000000',
      threshold: '1.0',
      ciso: { scenarioId, refId: expect.stringMatching(/^R\.\d+$/), treatment: 'cancelled', closed: true, keptOpen: null, url: `${sim.url}/risk-scenarios/${scenarioId}` },
      cisoRetry: false,
    });

    // a later run the same day: the recovery is recorded, nothing is written again
    const patches = sim.state().requests.filter((r) => r.method === 'PATCH').length;
    expect(lcr(await runPortfolio(taskQueue, '2033-04-11T15:00:00.000Z'))).toEqual([]);
    expect(sim.state().requests.filter((r) => r.method === 'PATCH').length).toBe(patches);

    // the breach is back: the same scenario, open again
    await seedLiquidity('2033-04-12', '250000000.00'); // LCR 0.4
    const back = await runPortfolio(taskQueue, '2033-04-12T09:00:00.000Z');
    expect(back.breaches.find((b) => b.metric === 'liquidity_coverage_ratio')).toMatchObject({ scenarioId, scenarioCreated: false, status: 'CRITICAL' });
    expect(scenario()).toMatchObject({ treatment: 'open', current_proba: 4, current_impact: 4 });

    // the bank's policy keeps recovered scenarios open for a person to close
    const keepOpen = await startWorker(sim.token, { CISO_CLOSE_ON_RECOVERY: 'false' });
    await seedLiquidity('2033-04-13', '50000000.00');
    const overAgain = await runPortfolio(keepOpen, '2033-04-13T09:00:00.000Z');
    expect(lcr(overAgain)).toEqual([expect.objectContaining({ eventKey: 'portfolio:liquidity:liquidity_coverage_ratio:book:2033-04-12', scenarioId, treatment: 'open', closed: false, keptOpen: 'CISO_CLOSE_ON_RECOVERY=false' })]);
    expect(scenario().treatment).toBe('open');
    expect(scenario().description).toMatch(/Recovered as of 2033-04-13T09:00:00\.000Z: .* 2\.000000 against the floor/);
  });

  it('a recovery CISO Assistant refuses is recorded with the reason, and not sent again', async () => {
    const taskQueue = await startWorker(sim.token);
    const eventKey = 'portfolio:liquidity:liquidity_coverage_ratio:book:2033-05-10';
    await seedLiquidity('2033-05-10', '110000000.00');
    const breach = await runPortfolio(taskQueue, '2033-05-10T09:00:00.000Z');
    const scenarioId = breach.breaches.find((b) => b.eventKey === eventKey)!.scenarioId!;

    await seedLiquidity('2033-05-11', '50000000.00');
    const refusing = await startWorker('a-token-ciso-assistant-refuses');
    const refused = (await runPortfolio(refusing, '2033-05-11T09:00:00.000Z')).recoveries.find((r) => r.eventKey === eventKey)!;
    expect(refused).toMatchObject({ scenarioId: null, treatment: null, closed: false });
    expect(refused.cisoNote).toMatch(/set-up failed.*401.*Invalid token/);
    expect(refused.cisoNote).not.toContain('a-token-ciso-assistant-refuses');
    expect((await db('risk_events').where({ event_key: eventKey }).first()).details.recovery).toMatchObject({
      asOf: '2033-05-11T09:00:00.000Z',
      cisoRetry: false,
      ciso: { note: expect.stringMatching(/Invalid token/) },
    });
    // a refusal (4xx) is final: the next run does not try again (an unreachable register would be; test/portfolio/activities.test.ts)
    expect((await runPortfolio(taskQueue, '2033-05-11T10:00:00.000Z')).recoveries.filter((r) => r.eventKey === eventKey)).toEqual([]);
    expect(sim.state().riskScenarios.find((r) => r.id === scenarioId)!.treatment).toBe('open');
  });
});
