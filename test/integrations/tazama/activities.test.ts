// The Tazama activities against the stand-in and the real PostgreSQL: idempotent submission,
// polling the report, recording the outcome, and failures typed for Temporal's retry policy.
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTazamaActivities, TAZAMA_FAILURE } from '../../../activities/tazama';
import { tazamaMessageIds } from '../../../activities/tazama/messages';
import { toTransactionRow } from '../../../db/transactionRows';
import { loadTazamaConfig } from '../../../config/tazama';
import type { Db } from '../../../db/connection';
import { tazamaOutcome } from '../../../risk/tazama';
import type { Transaction } from '../../../risk/types';
import { startTazamaSimulator, type TazamaSimulator } from '../../../simulators/tazama/server';
import { testDb, uniqueRef } from '../../helpers';
import { eventually } from '../../lifecycle/context';

const logger = pino({ level: 'silent' });
let db: Db;
let sim: TazamaSimulator;

async function newTransaction(overrides: Partial<Transaction> = {}): Promise<Transaction> {
  const t: Transaction = {
    transactionRef: uniqueRef('TZA'),
    // a customer of its own: the stand-in's velocity rule counts a customer's payments across tests
    customerId: uniqueRef('CUST'),
    accountId: '0100000754321',
    amount: '3200.00',
    currency: 'KES',
    type: 'payment',
    channel: 'mobile',
    merchantId: 'M-10021',
    merchantName: 'Kenya Power Prepaid',
    city: 'Mombasa',
    country: 'KE',
    occurredAt: '2026-11-20T09:30:00.000Z',
    ...overrides,
  };
  await db('transactions').insert({ ...toTransactionRow(t), source: 'api' });
  return t;
}

function activities(env: Record<string, string> = {}) {
  return createTazamaActivities({
    db,
    logger,
    tazama: loadTazamaConfig({ TAZAMA_TMS_URL: sim.url, TAZAMA_ADMIN_URL: sim.adminUrl, TAZAMA_REQUEST_TIMEOUT: '2s', ...env }),
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApplicationFailure) return err;
    throw err;
  }
  throw new Error('expected an ApplicationFailure, but the activity succeeded');
}

const rowOf = (ref: string) => db('tazama_evaluations').where({ transaction_ref: ref }).first();

beforeAll(async () => {
  db = testDb();
  // long enough that "not yet" is observable right after submitting, even on a busy machine
  sim = await startTazamaSimulator({ evaluationDelayMs: 1_500, evaluator: { alertDebtorIds: ['CUST-WATCHED-ACT'] } });
});
afterAll(async () => {
  await sim?.stop();
  await db?.destroy();
});

describe('submitToTazama', () => {
  it('submits both messages once, records them, and a retry sends nothing again', async () => {
    const acts = activities({ TAZAMA_TIMEOUT: '45s', TAZAMA_POLL_INTERVAL: '2s', TAZAMA_ALERT_WEIGHT: '0.25' });
    const t = await newTransaction();
    const before = sim.stats();
    const result = await acts.submitToTazama({ transaction: t });
    const ids = tazamaMessageIds(t.transactionRef);
    expect(result).toEqual({ enabled: true, msgId: ids.pacs002MsgId, endToEndId: ids.endToEndId, timeoutMs: 45_000, pollIntervalMs: 2_000, alertPoints: 2500, alertMinLevel: 'medium' });
    expect(sim.stats().pacs008 - before.pacs008).toBe(1);
    expect(sim.stats().pacs002 - before.pacs002).toBe(1);
    const row = await rowOf(t.transactionRef);
    expect(row).toMatchObject({ status: 'submitted', pacs008_msg_id: ids.pacs008MsgId, pacs002_msg_id: ids.pacs002MsgId, end_to_end_id: ids.endToEndId, submit_attempts: 1, last_error: null });
    expect(row.pacs008_accepted_at).toBeInstanceOf(Date);
    expect(row.submitted_at).toBeInstanceOf(Date);

    expect(await acts.submitToTazama({ transaction: t })).toEqual(result);
    expect(sim.stats().pacs008 - before.pacs008).toBe(1);
    expect(sim.stats().pacs002 - before.pacs002).toBe(1);
  });

  it('counts the TMS’s duplicate answer as accepted when the acceptance was never recorded', async () => {
    const acts = activities();
    const t = await newTransaction();
    await acts.submitToTazama({ transaction: t });
    // as if the worker died after the TMS accepted both, before the row said so
    await db('tazama_evaluations').where({ transaction_ref: t.transactionRef }).update({ pacs008_accepted_at: null, pacs002_accepted_at: null, status: 'pending' });
    const before = sim.stats();
    const again = await acts.submitToTazama({ transaction: t });
    expect(again.enabled).toBe(true);
    expect(sim.stats().pacs008).toBe(before.pacs008);
    expect(sim.stats().pacs002).toBe(before.pacs002);
    expect(await rowOf(t.transactionRef)).toMatchObject({ status: 'submitted', submit_attempts: 2 });
  });

  it('does nothing when Tazama is switched off', async () => {
    const acts = activities({ TAZAMA_ENABLED: 'false' });
    const t = await newTransaction();
    const before = sim.stats();
    expect(await acts.submitToTazama({ transaction: t })).toEqual({ enabled: false });
    expect(await acts.fetchTazamaResult({ transactionRef: t.transactionRef, msgId: 'x' })).toBeNull();
    expect(sim.stats()).toEqual(before);
    await acts.recordTazamaOutcome({ transactionRef: t.transactionRef, outcome: tazamaOutcome.disabled() });
    expect(await rowOf(t.transactionRef)).toMatchObject({ status: 'disabled', outcome_detail: 'Tazama is switched off' });
  });

  it('fails retryably on 5xx, records the error, and succeeds once Tazama answers again', async () => {
    const acts = activities();
    const t = await newTransaction();
    sim.setFaults({ errorRate: 1 });
    let failure: ApplicationFailure;
    try {
      failure = await failureOf(acts.submitToTazama({ transaction: t }));
    } finally {
      sim.setFaults({ errorRate: 0 });
    }
    expect(failure).toMatchObject({ type: TAZAMA_FAILURE.unavailable, nonRetryable: false });
    expect(failure.message).toContain('503');
    expect((await rowOf(t.transactionRef)).last_error).toContain('503');
    await acts.submitToTazama({ transaction: t });
    expect(await rowOf(t.transactionRef)).toMatchObject({ status: 'submitted', last_error: null });
  });

  it('fails non-retryably as tazama_rejected on 4xx, with the response body', async () => {
    const acts = activities({ TAZAMA_TMS_URL: `${sim.url}/wrong-prefix` });
    const failure = await failureOf(acts.submitToTazama({ transaction: await newTransaction() }));
    expect(failure).toMatchObject({ type: TAZAMA_FAILURE.rejected, nonRetryable: true });
    expect(failure.message).toContain('answered 404');
    expect(failure.message).toContain('Route POST:/wrong-prefix/v1/evaluate/iso20022/pacs.008.001.10 not found');
  });

  it('fails non-retryably when the auth-service refuses Kinga’s credentials, without revealing them', async () => {
    const secured = await startTazamaSimulator({ auth: { username: 'kinga', password: 'the-right-password' } });
    try {
      const acts = activities({ TAZAMA_TMS_URL: secured.url, TAZAMA_AUTH_URL: secured.url, TAZAMA_USERNAME: 'kinga', TAZAMA_PASSWORD: 'a-wrong-password' });
      const failure = await failureOf(acts.submitToTazama({ transaction: await newTransaction() }));
      expect(failure).toMatchObject({ type: TAZAMA_FAILURE.rejected, nonRetryable: true });
      expect(failure.message).not.toContain('a-wrong-password');
    } finally {
      await secured.stop();
    }
  });
});

describe('fetchTazamaResult and recordTazamaOutcome', () => {
  it('returns null until the report exists, then the evaluation, stored once', async () => {
    const acts = activities();
    const t = await newTransaction({ customerId: 'CUST-WATCHED-ACT' });
    const { msgId } = (await acts.submitToTazama({ transaction: t })) as { msgId: string };
    expect(await acts.fetchTazamaResult({ transactionRef: t.transactionRef, msgId })).toBeNull();
    const evaluation = await eventually(async () => (await acts.fetchTazamaResult({ transactionRef: t.transactionRef, msgId })) ?? undefined, 'the evaluation', 10_000);
    expect(evaluation).toMatchObject({ status: 'ALRT', msgId });
    const row = await rowOf(t.transactionRef);
    expect(row).toMatchObject({ status: 'evaluated', result_status: 'ALRT', received_via: 'poll' });
    expect(row.evaluation).toEqual(evaluation);
    // from the row from now on, even with Tazama gone
    sim.setFaults({ down: true });
    try {
      expect(await acts.fetchTazamaResult({ transactionRef: t.transactionRef, msgId })).toEqual(evaluation);
    } finally {
      sim.setFaults({ down: false });
    }
  });

  it('fails retryably while the admin-service is down', async () => {
    const acts = activities();
    sim.setFaults({ down: true });
    try {
      expect(await failureOf(acts.fetchTazamaResult({ transactionRef: uniqueRef('none'), msgId: 'nothing' }))).toMatchObject({ type: TAZAMA_FAILURE.unavailable, nonRetryable: false });
    } finally {
      sim.setFaults({ down: false });
    }
  });

  it('records what the lifecycle concluded, idempotently', async () => {
    const acts = activities();
    const t = await newTransaction();
    const { msgId } = (await acts.submitToTazama({ transaction: t })) as { msgId: string };
    await acts.recordTazamaOutcome({ transactionRef: t.transactionRef, outcome: tazamaOutcome.timedOut(30_000) });
    await acts.recordTazamaOutcome({ transactionRef: t.transactionRef, outcome: tazamaOutcome.timedOut(30_000) });
    expect(await rowOf(t.transactionRef)).toMatchObject({ status: 'timed_out', outcome_detail: 'Tazama did not answer within 30 s' });

    const t2 = await newTransaction();
    const r2 = (await acts.submitToTazama({ transaction: t2 })) as { msgId: string };
    const evaluation = await eventually(async () => (await acts.fetchTazamaResult({ transactionRef: t2.transactionRef, msgId: r2.msgId })) ?? undefined, 'the evaluation', 10_000);
    await acts.recordTazamaOutcome({ transactionRef: t2.transactionRef, outcome: tazamaOutcome.evaluated(r2.msgId, evaluation, 'push') });
    expect(await rowOf(t2.transactionRef)).toMatchObject({ status: 'evaluated', result_status: 'NALT', received_via: 'push', outcome_detail: 'NALT by push' });
    expect(msgId).not.toBe(r2.msgId);
  });
});
