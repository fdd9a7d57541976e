// The API's Prometheus endpoint after a few real transactions: the business series (transactions by
// risk level, auto-approval rate, open and overdue cases, SLA misses, decisions and their latency)
// are computed from PostgreSQL, and the HTTP series count requests by route template. The stack
// runs on a database of its own, so every number is exact.
import { randomUUID } from 'node:crypto';
import knex from 'knex';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../api/server';
import { seedDemoUsers } from '../../api/users/service';
import { loadObservabilityConfig } from '../../config/observability';
import { registerBusinessMetrics, DECISION_SECONDS_BUCKETS } from '../../observability/business';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { scratchDatabase, type ScratchDatabase } from '../helpers';
import { signIn } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { HIGH_RISK, MEDIUM_RISK, transactionFactory } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from '../lifecycle/context';
import { parsePrometheusText, type Exposition } from './promText';

const run = randomUUID().slice(0, 8);
const silent = pino({ level: 'silent' });
let scratch: ScratchDatabase;
let stack: KingaTestStack;
let api: RunningApi;
const tokens: Record<string, string> = {};

const call = jsonClient(() => api.url, tokens);

async function scrape(): Promise<Exposition> {
  const res = await fetch(`${api.metricsUrl}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await res.text());
}

const transaction = transactionFactory(`MET-${run}`);

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_ops_metrics', { migrate: true });
  stack = await createTestStack({
    DATABASE_URL: scratch.url,
    ANOMALY_ENABLED: 'false',
    TAZAMA_ENABLED: 'false',
    BALLERINE_ENABLED: 'false',
    // the high-risk case rides the whole SLA ladder in about three seconds; medium ones never do
    SLA_HIGH: '1s',
    SLA_ESCALATED: '1s',
    SLA_MEDIUM: '4h',
  });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  api = await startApi(stack.config, {
    db: stack.db,
    temporal: stack.client,
    logger: silent,
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
    // no caching: each scrape below must see the state just reached
    observability: { ...loadObservabilityConfig({}), businessCacheMs: 0 },
  });
  await signIn(api.url, ['amina', 'baraka'], tokens);
});

afterAll(async () => {
  await api?.close();
  await stack?.close();
  await scratch?.drop();
});

describe('the API metrics endpoint', () => {
  it('listens apart from the API: loopback, its own port, and /metrics is not on the API port', async () => {
    expect(api.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new URL(api.metricsUrl!).port).not.toBe(new URL(api.url).port);
    expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${api.metricsUrl}/nothing`)).status).toBe(404);
  });

  it('exposes the business metrics after a few transactions, exactly', async () => {
    const before = await scrape();
    expect(before.value('kinga_business_metrics_up')).toBe(1);
    expect(before.value('kinga_transactions_scored', { risk_level: 'low' })).toBe(0);
    expect(before.find('kinga_auto_approval_ratio')).toEqual([]); // nothing scored: no ratio at all

    const low = [transaction(), transaction(), transaction()];
    const medium = [transaction(MEDIUM_RISK), transaction(MEDIUM_RISK)];
    const high = transaction(HIGH_RISK);
    for (const t of [...low, ...medium, high]) {
      const res = await call('POST', '/api/transactions', t, 'amina');
      expect(res.status, JSON.stringify(res.body)).toBe(202);
    }

    for (const t of low) {
      const result = await stack.client.workflow.getHandle(lifecycleWorkflowId(t.transactionRef)).result();
      expect(result.status).toBe('approved');
    }
    const caseIdOf = (ref: string) =>
      eventually(async () => {
        const res = await call('GET', `/api/transactions/${ref}`, undefined, 'amina');
        return res.status === 200 && res.body.case ? (res.body.case.id as number) : undefined;
      }, `the case of ${ref}`);
    const approve = await call('POST', `/api/cases/${await caseIdOf(medium[0]!.transactionRef)}/decision`, { decision: 'approve', note: 'customer confirmed' }, 'amina');
    expect(approve.status, JSON.stringify(approve.body)).toBe(200);
    const block = await call('POST', `/api/cases/${await caseIdOf(medium[1]!.transactionRef)}/decision`, { decision: 'block', note: 'card reported stolen' }, 'amina');
    expect(block.status, JSON.stringify(block.body)).toBe(200);
    for (const t of medium) await stack.client.workflow.getHandle(lifecycleWorkflowId(t.transactionRef)).result();
    // The high-risk case stays undecided: escalated twice by its SLA, then breached.
    await eventually(async () => {
      const breached = await stack.db('case_events').where({ transaction_ref: high.transactionRef, event_type: 'sla_breached' }).first();
      return breached ? true : undefined;
    }, 'the high-risk case to breach its last SLA');

    const m = await scrape();
    expect(m.value('kinga_business_metrics_up')).toBe(1);
    expect(m.value('kinga_business_metrics_window_seconds')).toBe(24 * 3600);
    expect(m.value('kinga_transactions_scored', { risk_level: 'low' })).toBe(3);
    expect(m.value('kinga_transactions_scored', { risk_level: 'medium' })).toBe(2);
    expect(m.value('kinga_transactions_scored', { risk_level: 'high' })).toBe(1);
    expect(m.value('kinga_transactions_auto_approved')).toBe(3);
    expect(m.value('kinga_auto_approval_ratio')).toBe(0.5);
    expect(m.value('kinga_cases_open', { risk_level: 'high', status: 'escalated' })).toBe(1);
    expect(m.value('kinga_cases_open', { risk_level: 'high', status: 'assigned' })).toBe(0);
    expect(m.value('kinga_cases_open', { risk_level: 'medium', status: 'assigned' })).toBe(0);
    expect(m.value('kinga_cases_overdue', { risk_level: 'high' })).toBe(1);
    expect(m.value('kinga_cases_overdue', { risk_level: 'medium' })).toBe(0);
    expect(m.value('kinga_sla_breaches', { event: 'sla_escalated' })).toBe(2);
    expect(m.value('kinga_sla_breaches', { event: 'sla_breached' })).toBe(1);
    expect(m.value('kinga_cases_decided', { risk_level: 'medium', decision: 'approve' })).toBe(1);
    expect(m.value('kinga_cases_decided', { risk_level: 'medium', decision: 'block' })).toBe(1);
    expect(m.value('kinga_cases_decided', { risk_level: 'high', decision: 'block' })).toBe(0);

    // decision latency: a real histogram, both decisions within the first bucket (a minute)
    expect(m.types.get('kinga_case_decision_seconds')).toBe('histogram');
    expect(m.value('kinga_case_decision_seconds_count', { risk_level: 'medium' })).toBe(2);
    expect(m.value('kinga_case_decision_seconds_bucket', { risk_level: 'medium', le: String(DECISION_SECONDS_BUCKETS[0]) })).toBe(2);
    expect(m.value('kinga_case_decision_seconds_bucket', { risk_level: 'medium', le: '+Inf' })).toBe(2);
    const sum = m.value('kinga_case_decision_seconds_sum', { risk_level: 'medium' });
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(2 * 60);
    expect(m.value('kinga_case_decision_seconds_count', { risk_level: 'high' })).toBe(0);

    // HTTP series: by route template, never by raw URL
    expect(m.value('kinga_http_requests_total', { method: 'POST', route: '/api/transactions', status: '202' })).toBe(6);
    expect(m.value('kinga_http_requests_total', { method: 'POST', route: '/api/cases/:id/decision', status: '200' })).toBe(2);
    expect(m.find('kinga_http_requests_total').some((s) => s.labels.route!.includes(run))).toBe(false);
    expect(m.types.get('kinga_http_request_duration_seconds')).toBe('histogram');
    expect(m.value('kinga_http_request_duration_seconds_count', { method: 'POST', route: '/api/transactions', status: '202' })).toBe(6);
    // the process itself (prom-client's default metrics)
    expect(m.find('process_cpu_user_seconds_total')).toHaveLength(1);

    await stack.client.workflow.getHandle(lifecycleWorkflowId(high.transactionRef)).terminate('metrics test done');
  });

  it('counts errors by route and status, and refusals before a route by the router they reached', async () => {
    const unauthenticated = await call('POST', '/api/transactions', transaction());
    expect(unauthenticated.status).toBe(401);
    const missing = await call('GET', `/api/transactions/NOPE-${run}`, undefined, 'amina');
    expect(missing.status).toBe(404);
    expect((await call('GET', `/api/no-such-thing-${run}`)).status).toBe(404);

    const m = await scrape();
    expect(m.value('kinga_http_request_errors_total', { method: 'POST', route: '/api/transactions/*', status: '401' })).toBe(1);
    expect(m.value('kinga_http_request_errors_total', { method: 'GET', route: '/api/transactions/:ref', status: '404' })).toBe(1);
    expect(m.value('kinga_http_request_errors_total', { method: 'GET', route: '(unmatched)', status: '404' })).toBeGreaterThanOrEqual(1);
    // successes are requests, not errors
    expect(m.find('kinga_http_request_errors_total', { status: '202' })).toEqual([]);
  });
});

describe('business metrics from PostgreSQL', () => {
  it('share one query per scrape and reuse it while cached', async () => {
    const registry = new Registry();
    const business = registerBusinessMetrics(registry, { db: stack.db, windowMs: 3_600_000, cacheMs: 60_000 });
    const first = parsePrometheusText(await registry.metrics());
    const lowBefore = first.value('kinga_transactions_scored', { risk_level: 'low' });

    const ref = `MET-DIRECT-${run}`;
    await stack.db('transactions').insert({
      transaction_ref: ref,
      customer_id: 'MET-DIRECT',
      account_id: 'MET-DIRECT',
      amount: '10.00',
      currency: 'KES',
      txn_type: 'purchase',
      channel: 'pos',
      city: 'Nairobi',
      country: 'KE',
      occurred_at: new Date(),
      source: 'api',
      status: 'approved',
      risk_score: '0.0100',
      risk_level: 'low',
      scored_at: new Date(),
    });
    // within the cache time: the same numbers
    const cached = parsePrometheusText(await registry.metrics());
    expect(cached.value('kinga_transactions_scored', { risk_level: 'low' })).toBe(lowBefore);
    // a registry without cache sees the new row
    const fresh = new Registry();
    registerBusinessMetrics(fresh, { db: stack.db, windowMs: 3_600_000, cacheMs: 0 });
    expect(parsePrometheusText(await fresh.metrics()).value('kinga_transactions_scored', { risk_level: 'low' })).toBe(lowBefore + 1);
    expect((await business.snapshot())!.querySeconds).toBeGreaterThan(0);
  });

  it('leave the business series out and report up=0 when PostgreSQL does not answer', async () => {
    const dead = knex({ client: 'pg', connection: 'postgres://kinga:kinga@127.0.0.1:1/nothing', log: { warn() {}, error() {}, debug() {}, deprecate() {} } });
    try {
      const registry = new Registry();
      const warnings: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
      registerBusinessMetrics(registry, { db: dead, windowMs: 3_600_000, cacheMs: 0, logger });
      const m = parsePrometheusText(await registry.metrics());
      expect(m.value('kinga_business_metrics_up')).toBe(0);
      expect(m.find('kinga_transactions_scored')).toEqual([]);
      expect(m.find('kinga_cases_open')).toEqual([]);
      await registry.metrics();
      expect(warnings).toHaveLength(1); // once when it starts failing, not once per scrape
      expect(warnings[0]).toContain('business metrics: the snapshot query failed');
    } finally {
      await dead.destroy();
    }
  });
});
