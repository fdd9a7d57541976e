// A backtest that cannot finish ends where a person sees it, quickly: a recorded input that cannot
// be re-scored (a data error) or a candidate model that does not exist fails the backtest on the
// first attempt — status `failed` with the reason in the API and in the admin trail — instead of
// being retried for ever. Real Temporal, real worker, real HTTP. A database of its own.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { generateHistory } from '../../warehouse/generator';
import { scratchDatabase, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { scoreGeneratedHistory } from '../helpers/recordedInputs';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';

let scratch: ScratchDatabase;
let stack: KingaTestStack;
let testApi: TestApi;
const tokens: Record<string, string> = {};
const api = jsonClient(() => testApi.baseUrl, tokens);
const run = randomUUID().slice(0, 8);
const PASSWORD = 'backtest-failure-password';
const users = { admin: `btf-admin-${run}`, compliance: `btf-compliance-${run}` };
const END = '2026-11-20T06:00:00.000Z';
const LIVE = 8;
let liveRefs: string[] = [];
let from = '';
const to = new Date(Date.parse(END) + 1).toISOString();

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_backtest_failures', { migrate: true });
  stack = await createTestStack({ DATABASE_URL: scratch.url, ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' });
  await stack.startWorker();
  await createUser(stack.db, { username: users.admin, displayName: 'Admin', password: PASSWORD, role: 'admin' });
  await createUser(stack.db, { username: users.compliance, displayName: 'Compliance', password: PASSWORD, role: 'compliance' });
  testApi = await startTestApi(stack, { users: Object.entries(users).map(([as, username]) => ({ username, password: PASSWORD, as })), tokens });

  const rows = generateHistory({ seed: 5, customers: 4, days: 2, endAt: END, fraudRate: 0.05, refPrefix: `BTF-${run}-` });
  ({ liveRefs, from } = await scoreGeneratedHistory(stack, rows, LIVE, 180_000));
}, 300_000);

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await scratch?.drop();
});

/** Waits until the backtest is no longer running; returns its API view. */
async function stopped(id: string) {
  return eventually(async () => {
    const res = await api('GET', `/api/admin/backtests/${id}`, undefined, 'compliance');
    expect(res.status).toBe(200);
    return res.body.backtest.status === 'running' ? undefined : res.body.backtest;
  }, `backtest ${id} stopped`, 60_000);
}

/** Every activity of the backtest's workflow ran once: nothing was retried. */
async function attemptsOf(workflowId: string): Promise<Record<string, number[]>> {
  const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, string>();
  const attempts: Record<string, number[]> = {};
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), s.activityType!.name!);
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const name = scheduled.get(String(started.scheduledEventId))!;
      (attempts[name] ??= []).push(started.attempt ?? 0);
    }
  }
  return attempts;
}

describe('backtests that cannot finish fail fast, with the reason where a person sees it', () => {
  it('a recorded input that cannot be re-scored fails the backtest on the first attempt, naming the transaction', { timeout: 120_000 }, async () => {
    // a data error: the recorded profile of one transaction is not a profile
    const broken = liveRefs[3]!;
    await stack.db('scoring_inputs').where({ transaction_ref: broken }).update({ profile: JSON.stringify({ not: 'a profile' }) });
    try {
      const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, from, to, batchSize: 2 }, 'admin');
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      const id = started.body.backtest.id;
      const backtest = await stopped(id);
      expect(backtest.status).toBe('failed');
      expect(backtest.failure).toContain(broken);
      expect(backtest.finishedAt).not.toBeNull();
      expect((await api('GET', `/api/admin/backtests/${id}/report`, undefined, 'compliance')).status).toBe(409);

      const events = await api('GET', `/api/admin/events?subjectType=backtest&subjectId=${id}`, undefined, 'compliance');
      const trail = events.body.events.reverse().map((e: any) => [e.eventType, e.actor, e.note]);
      expect(trail).toEqual([
        ['backtest_started', users.admin, null],
        ['backtest_failed', 'system:backtest', backtest.failure],
      ]);
      // the batch that met the broken row ran once (the earlier batches succeeded)
      const attempts = await attemptsOf(backtest.workflowId);
      expect(attempts.rescoreBacktestBatch!.at(-1), JSON.stringify(attempts)).toBe(1);
      await expect(stack.client.workflow.getHandle(backtest.workflowId).result()).rejects.toThrow();
    } finally {
      // put the recorded input back as the scorer wrote it: score it again
      await stack.db('scoring_inputs').where({ transaction_ref: broken }).delete();
    }
  });

  it('a candidate whose pinned anomaly model does not exist fails on the first attempt with that reason', { timeout: 120_000 }, async () => {
    expect((await api('POST', '/api/admin/backtests', { ruleSetVersion: 1, modelVersion: 4242, from, to }, 'admin')).status).toBe(404);
    // a version that pins a model which is not there (written here: the API would not take it)
    const live = (await api('GET', '/api/admin/rule-sets/live', undefined, 'admin')).body.ruleSet;
    const content = structuredClone(live.content);
    content.scoring.anomaly.enabled = true;
    content.anomalyModelVersion = 4242;
    await stack.db('rule_sets').insert({ version: 4242, status: 'draft', content: JSON.stringify(content), base_version: live.version, reason: 'pins a model that is gone', proposed_by: users.admin });
    const started = await api('POST', '/api/admin/backtests', { ruleSetVersion: 4242, from, to }, 'admin');
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const backtest = await stopped(started.body.backtest.id);
    expect(backtest).toMatchObject({ status: 'failed', failure: 'anomaly model version 4242 not found' });
    const attempts = await attemptsOf(backtest.workflowId);
    expect(attempts.prepareBacktest, JSON.stringify(attempts)).toEqual([1]);
    expect(attempts.rescoreBacktestBatch).toBeUndefined();
  });
});
