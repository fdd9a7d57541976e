// Issue 8, found item 2: one NUL byte in a decision note used to lock a case for ever (the closing
// activity failed on every retry while holding the in-workflow lock, and every later decision got
// 409). Through the real API, the real worker, Temporal and PostgreSQL: a decision that cannot be
// recorded is refused with a clear reason, and the case stays decidable. Also: a PostgreSQL data
// error fails an activity at once (non-retryable), instead of retrying without end.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { classifyActivityFailure } from '../../activities/failures';
import { seedDemoUsers } from '../../api/users/service';
import { analystDecisionSignal, decideUpdate, lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { MEDIUM_RISK, transactionFactory } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from './context';

let stack: KingaTestStack;
let testApi: TestApi | undefined;
let baseUrl: string;
const tokens: Record<string, string> = {};
const run = randomUUID().slice(0, 8);
const api = jsonClient(() => baseUrl, tokens);
const transaction = transactionFactory(`POISON-${run}`);

beforeAll(async () => {
  stack = await createTestStack({ ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  testApi = await startTestApi(stack, { users: ['amina'], tokens });
  baseUrl = testApi.baseUrl;
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
});

async function openMediumCase(): Promise<{ ref: string; caseId: number }> {
  const txn = transaction(MEDIUM_RISK);
  expect((await api('POST', '/api/transactions', txn, 'amina')).status).toBe(202);
  const detail = await eventually(async () => {
    const res = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
    return res.status === 200 && res.body.case ? res.body : undefined;
  }, `a case for ${txn.transactionRef}`);
  // the workflow has taken the case in once its state shows it
  await eventually(async () => {
    const state = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).query('state');
    return (state as { stage: string }).stage === 'awaiting_decision' ? true : undefined;
  }, 'the workflow awaiting a decision');
  return { ref: txn.transactionRef, caseId: detail.case.id };
}

describe('item 2: a decision note with a NUL character', () => {
  it('through the API: refused with 400 naming the note; a valid decision on the same case then succeeds', async () => {
    const { ref, caseId } = await openMediumCase();
    const bad = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'block', note: 'card skimmed\u0000' }, 'amina');
    expect(bad.status, JSON.stringify(bad.body)).toBe(400);
    expect(bad.body.field).toBe('note');
    const good = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'approve', note: 'called the customer:\n\tgenuine' }, 'amina');
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body.state.case).toMatchObject({ status: 'closed', decision: 'approve', decisionNote: 'called the customer:\n\tgenuine' });
    expect((await stack.db('transactions').where({ transaction_ref: ref }).first()).status).toBe('approved');
  });

  it('straight to the workflow (Update and signal, as other clients could): refused with the reason, the lock released, the case decidable', async () => {
    const { ref, caseId } = await openMediumCase();
    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(ref));
    const actor = { username: 'amina', role: 'analyst' as const };

    const update = handle.executeUpdate(decideUpdate, { args: [{ decision: 'block', note: 'bad\u0000', actor }] });
    await expect(update).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const failure = (await update.catch((err: WorkflowUpdateFailedError) => err.cause)) as ApplicationFailure;
    expect(failure.message).toBe('note must not contain control characters other than line breaks and tabs');

    await handle.signal(analystDecisionSignal, { decision: 'block', note: 'bad\u0000signal', actor });
    const refused = await eventually(
      async () => (await stack.db('case_events').where({ transaction_ref: ref, event_type: 'decision_refused' }).first()) ?? undefined,
      'the refused signal recorded',
    );
    expect(refused.note).toBe('bad\\u0000signal'); // stored escaped: the NUL itself cannot be stored

    // Past the validator, the database refuses it (a NUL in the actor's name): the closing activity
    // fails at once, the decision is refused with the reason, and the lock is released.
    const unrecordable = handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', note: 'ok', actor: { username: 'ami\u0000na', role: 'analyst' } }] });
    const notRecorded = (await unrecordable.then(
      () => null,
      (err: WorkflowUpdateFailedError) => err.cause,
    )) as ApplicationFailure;
    expect(notRecorded.type).toBe('decision_not_recorded');
    expect(notRecorded.message).toMatch(/^the decision could not be recorded: PostgreSQL refused the data \(SQLSTATE 22021/);
    expect((await handle.query('state')) as { case: { status: string } }).toMatchObject({ stage: 'awaiting_decision', case: { status: 'assigned' } });

    // The same through the signal: recorded as refused (escaped), not applied, nothing wedged.
    await handle.signal(analystDecisionSignal, { decision: 'approve', note: 'ok', actor: { username: 'ami\u0000na', role: 'analyst' } });
    await eventually(
      async () => (await stack.db('case_events').where({ transaction_ref: ref, event_type: 'decision_refused', actor: 'ami\\u0000na' }).first()) ?? undefined,
      'the unrecordable signal recorded as refused',
    );

    const good = await api('POST', `/api/cases/${caseId}/decision`, { decision: 'block', note: 'confirmed fraud' }, 'amina');
    expect(good.status, JSON.stringify(good.body)).toBe(200);
    expect(good.body.state.case).toMatchObject({ status: 'closed', decision: 'block' });
    expect((await handle.result()).status).toBe('blocked');
  });
});

describe('activity failures are classified', () => {
  it('a PostgreSQL data error (NUL in text, SQLSTATE 22021) fails the activity at once, non-retryable, with the reason', async () => {
    const activities = createActivities({ db: stack.db, config: stack.config, logger: pino({ level: 'silent' }), temporal: stack.client });
    const event = { seq: 1, type: 'note', actor: 'amina', actorRole: 'analyst', note: 'x\u0000y', at: new Date().toISOString() };
    const attempt = new MockActivityEnvironment().run(activities.appendCaseEvent, { workflowId: `txn-poison-${run}`, transactionRef: `poison-${run}`, caseId: null, event });
    const err = await attempt.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'invalid_data', nonRetryable: true });
    expect((err as Error).message).toMatch(/^PostgreSQL refused the data \(SQLSTATE 22021/);
  });

  it('class 23 other than the unique violation is non-retryable; availability errors (typed database_unavailable) and 23505 are retried', () => {
    expect(classifyActivityFailure(Object.assign(new Error('null value in column "city"'), { code: '23502', table: 'transactions', column: 'city' }))).toMatchObject({
      type: 'invalid_data',
      nonRetryable: true,
      message: 'PostgreSQL refused the data (SQLSTATE 23502, transactions.city): null value in column "city"',
    });
    expect(classifyActivityFailure(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
    // availability: retried (with the workflow's bounded back-off), typed so that it shows as such
    expect(classifyActivityFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ type: 'database_unavailable', nonRetryable: false });
    expect(classifyActivityFailure(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toMatchObject({ type: 'database_unavailable', nonRetryable: false });
    expect(classifyActivityFailure(new Error('something else'))).toBeNull();
    expect(classifyActivityFailure(Object.assign(new Error('date/time field value out of range'), { code: '22008' }))?.nonRetryable).toBe(true);
  });
});
