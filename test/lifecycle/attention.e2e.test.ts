// Issue 8: a transaction whose processing fails for good ends somewhere a person sees it. Through
// the real API, the real worker, Temporal and PostgreSQL: a poisoned transaction (recorded with a
// date PostgreSQL cannot count back from, as rows from before the input rules may be) moves to
// needs_attention with the step and the reason — transaction status, search attribute, metric, the
// operators' list — and waits. An operator's retry after fixing the data completes it; a close with
// a note ends it as closed_by_operator. Both are audited with the operator; roles are enforced.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startLifecycle } from '../../api/transactions/service';
import { seedDemoUsers } from '../../api/users/service';
import { queryBusinessSnapshot } from '../../observability/business';
import { lifecycleWorkflowId, retryAttentionUpdate, searchAttributes, type LifecycleState } from '../../workflows/lifecycle/definitions';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { createTestStack, eventually, type KingaTestStack } from './context';
import { saveHistoryFixture } from './fixtures';

let stack: KingaTestStack;
let testApi: TestApi | undefined;
let baseUrl: string;
const tokens: Record<string, string> = {};
const run = randomUUID().slice(0, 8);
const api = jsonClient(() => baseUrl, tokens);
let seq = 0;

beforeAll(async () => {
  stack = await createTestStack({ ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  testApi = await startTestApi(stack, { users: ['amina', 'baraka', 'chebet', 'daudi'], tokens });
  baseUrl = testApi.baseUrl;
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
});

/**
 * A low-risk purchase recorded (not through the API, whose input rules now refuse it) with the
 * date 0001-01-01: the customer's 90-day profile before it would begin before year 1, a data error
 * that no retry mends.
 */
async function poisonedTransaction(): Promise<string> {
  seq += 1;
  const ref = `ATTN-${run}-${seq}`;
  await stack.db('transactions').insert({
    transaction_ref: ref,
    customer_id: `CATTN-${run}-${seq}`,
    account_id: `AATTN-${run}-${seq}`,
    amount: '2500.00',
    currency: 'KES',
    txn_type: 'purchase',
    channel: 'pos',
    merchant_id: 'M-NAIVAS-001',
    merchant_name: 'Naivas Supermarket',
    city: 'Nairobi',
    country: 'KE',
    occurred_at: '0001-01-01T00:00:00Z',
    source: 'warehouse',
    status: 'received',
    workflow_id: lifecycleWorkflowId(ref),
  });
  await startLifecycle({ temporal: stack.client, taskQueue: stack.taskQueue }, { transactionRef: ref });
  return ref;
}

async function listedNeedingAttention(ref: string, minEvents = 1) {
  return eventually(async () => {
    const res = await api('GET', '/api/operations/attention?limit=200', undefined, 'baraka');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const item = res.body.items.find((i: { transactionRef: string }) => i.transactionRef === ref);
    if (!item) return undefined;
    // the workflow has taken it in too (its state says so), so an operator's action is accepted
    const state = (await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).query('state')) as LifecycleState;
    if (state.stage !== 'needs_attention') return undefined;
    const events = await stack.db('case_events').where({ transaction_ref: ref, event_type: 'needs_attention' });
    return events.length >= minEvents ? item : undefined;
  }, `${ref} in needs_attention`);
}

async function replays(ref: string): Promise<void> {
  const history = await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, JSON.parse(historyToJSON(history)), `replay-${ref}`);
}

describe('a transaction whose processing fails for good', () => {
  it('waits in needs_attention with the step and the reason; an operator retry after the fix completes it, audited', async () => {
    const ref = await poisonedTransaction();
    const item = await listedNeedingAttention(ref);
    expect(item).toMatchObject({ transactionRef: ref, workflowId: lifecycleWorkflowId(ref), step: 'scoring', amount: '2500.00', currency: 'KES' });
    expect(item.reason).toMatch(/^occurredAt "0001-01-01T00:00:00.000Z" is out of range: the customer's 90-day profile would begin before year 1/);

    const row = await stack.db('transactions').where({ transaction_ref: ref }).first();
    expect(row).toMatchObject({ status: 'needs_attention', attention_step: 'scoring' });
    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(ref));
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING'); // waiting, not Failed
    expect(description.typedSearchAttributes.get(searchAttributes.attention)).toBe('needs_attention');
    const snapshot = await queryBusinessSnapshot(stack.db, 60_000);
    expect(snapshot.needingAttention.scoring).toBeGreaterThanOrEqual(1);
    const audit = await stack.db('case_events').where({ transaction_ref: ref, event_type: 'needs_attention' }).first();
    expect(audit).toMatchObject({ actor: 'system:lifecycle', note: item.reason });
    expect(audit.payload).toMatchObject({ step: 'scoring', failureType: 'invalid_data' });

    // A retry before the cause is fixed fails the same way and comes back: nothing is lost.
    const early = await api('POST', `/api/operations/attention/${ref}/retry`, undefined, 'daudi');
    expect(early.status, JSON.stringify(early.body)).toBe(200);
    expect(early.body).toMatchObject({ action: 'retry', transactionRef: ref, status: 'received' });
    await listedNeedingAttention(ref, 2);

    // The data team corrects the date; the operator retries with a note.
    await stack.db('transactions').where({ transaction_ref: ref }).update({ occurred_at: '2026-11-20T07:15:00Z' });
    const retried = await api('POST', `/api/operations/attention/${ref}/retry`, { note: 'date corrected at the source\n(ticket DW-1234)' }, 'baraka');
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body).toMatchObject({ action: 'retry', transactionRef: ref, status: 'received' });

    const result = (await handle.result()) as LifecycleState;
    expect(result).toMatchObject({ status: 'approved', stage: 'closed', attention: null });
    expect(await stack.db('transactions').where({ transaction_ref: ref }).first()).toMatchObject({ status: 'approved', attention_step: null, attention_reason: null });
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.attention)).toBeUndefined();
    const trail = await stack.db('case_events').where({ transaction_ref: ref }).orderBy('id', 'asc');
    expect(trail.map((e) => [e.event_type, e.actor, e.actor_role])).toEqual([
      ['needs_attention', 'system:lifecycle', null],
      ['attention_retried', 'daudi', 'admin'],
      ['needs_attention', 'system:lifecycle', null],
      ['attention_retried', 'baraka', 'senior_analyst'],
      ['scored', 'system:lifecycle', null],
      ['auto_approved', 'system:lifecycle', null],
    ]);
    expect(trail[3].note).toBe('date corrected at the source\n(ticket DW-1234)');
    const listed = await api('GET', '/api/operations/attention?limit=200', undefined, 'daudi');
    expect(listed.body.items.map((i: { transactionRef: string }) => i.transactionRef)).not.toContain(ref);

    await replays(ref);
    await saveHistoryFixture(handle, 'needs-attention-retry');
  });

  it('an operator closes it with a note: it ends as closed_by_operator, audited; it cannot be acted on again', async () => {
    const ref = await poisonedTransaction();
    await listedNeedingAttention(ref);
    const handle = stack.client.workflow.getHandle(lifecycleWorkflowId(ref));

    const closed = await api('POST', `/api/operations/attention/${ref}/close`, { note: 'duplicate of a corrected transaction; nothing to pay' }, 'daudi');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ action: 'close', transactionRef: ref, status: 'closed_by_operator', stage: 'closed' });

    const result = (await handle.result()) as LifecycleState;
    expect(result).toMatchObject({ status: 'closed_by_operator', stage: 'closed', attention: { step: 'scoring' } });
    const row = await stack.db('transactions').where({ transaction_ref: ref }).first();
    expect(row).toMatchObject({ status: 'closed_by_operator', attention_step: 'scoring' });
    expect(row.closed_at).not.toBeNull();
    expect((await handle.describe()).typedSearchAttributes.get(searchAttributes.attention)).toBe('closed_by_operator');
    const audit = await stack.db('case_events').where({ transaction_ref: ref, event_type: 'attention_closed' }).first();
    expect(audit).toMatchObject({ actor: 'daudi', actor_role: 'admin', note: 'duplicate of a corrected transaction; nothing to pay' });

    const again = await api('POST', `/api/operations/attention/${ref}/retry`, {}, 'daudi');
    expect(again.status).toBe(409);
    expect(again.body.field).toBe('transactionId');

    await replays(ref);
    await saveHistoryFixture(handle, 'needs-attention-close');
  });

  it('is for operators only, and bad input is refused naming the field, changing nothing', async () => {
    const ref = await poisonedTransaction();
    await listedNeedingAttention(ref);

    expect((await api('GET', '/api/operations/attention', undefined, 'amina')).status).toBe(403);
    expect((await api('GET', '/api/operations/attention', undefined, 'chebet')).status).toBe(403);
    expect((await api('GET', '/api/operations/attention')).status).toBe(401);
    expect((await api('POST', `/api/operations/attention/${ref}/retry`, {}, 'amina')).status).toBe(403);
    expect((await api('POST', `/api/operations/attention/${ref}/close`, { note: 'not mine to close' }, 'chebet')).status).toBe(403);

    const noNote = await api('POST', `/api/operations/attention/${ref}/close`, {}, 'baraka');
    expect(noNote.status).toBe(400);
    expect(noNote.body).toMatchObject({ field: 'note', message: 'note: is required to close' });
    const blankNote = await api('POST', `/api/operations/attention/${ref}/close`, { note: '   ' }, 'baraka');
    expect(blankNote.status).toBe(400);
    expect(blankNote.body.field).toBe('note');
    const controlNote = await api('POST', `/api/operations/attention/${ref}/close`, { note: 'bad\u0000note' }, 'baraka');
    expect(controlNote.status).toBe(400);
    expect(controlNote.body.field).toBe('note');
    const retryControl = await api('POST', `/api/operations/attention/${ref}/retry`, { note: 'x\u0007' }, 'baraka');
    expect(retryControl.status).toBe(400);
    expect(retryControl.body.field).toBe('note');
    const unknownField = await api('POST', `/api/operations/attention/${ref}/retry`, { force: true }, 'baraka');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.field).toBe('force');
    const badRef = await api('POST', '/api/operations/attention/not%20a%20ref/retry', {}, 'baraka');
    expect(badRef.status).toBe(400);
    expect(badRef.body.field).toBe('transactionId');
    const unknownRef = await api('POST', `/api/operations/attention/NOPE-${run}/close`, { note: 'x' }, 'baraka');
    expect(unknownRef.status).toBe(404);
    expect(unknownRef.body.field).toBe('transactionId');
    const badLimit = await api('GET', '/api/operations/attention?limit=0', undefined, 'baraka');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.field).toBe('limit');

    // nothing changed: still waiting, no operator step in the trail
    expect(await stack.db('transactions').where({ transaction_ref: ref }).first()).toMatchObject({ status: 'needs_attention' });
    expect(await stack.db('case_events').where({ transaction_ref: ref }).whereIn('event_type', ['attention_retried', 'attention_closed'])).toEqual([]);
    const state = (await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).query('state')) as LifecycleState;
    expect(state.stage).toBe('needs_attention');

    // straight to the workflow (as another client could), an analyst is refused by its validator
    const refused = await stack.client.workflow
      .getHandle(lifecycleWorkflowId(ref))
      .executeUpdate(retryAttentionUpdate, { args: [{ actor: { username: 'amina', role: 'analyst' } }] })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((refused as WorkflowUpdateFailedError).cause).toMatchObject({ type: 'forbidden' });

    // closed at the end so that no lifecycle is left waiting
    expect((await api('POST', `/api/operations/attention/${ref}/close`, { note: 'test over' }, 'baraka')).status).toBe(200);
  });
});
