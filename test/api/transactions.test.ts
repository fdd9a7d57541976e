import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { apiTransaction, createApiHarness, insertCase, type ApiHarness } from './helpers';

let h: ApiHarness;
let analyst: string;

beforeAll(async () => {
  h = await createApiHarness();
  analyst = await h.token('analyst');
});
afterAll(async () => {
  await h?.close();
});

function post(body: unknown, token = analyst, requestId?: string) {
  const req = request(h.app).post('/api/transactions').set('authorization', `Bearer ${token}`);
  if (requestId) req.set('x-request-id', requestId);
  return req.send(body as object);
}

async function rowsFor(refs: string[]) {
  return h.db('transactions').whereIn('transaction_ref', refs);
}

describe('POST /api/transactions — ingestion', () => {
  it('records one transaction and starts its lifecycle workflow with the request id', async () => {
    const txn = apiTransaction();
    const requestId = `req-${txn.transactionRef}`;
    const res = await post(txn, analyst, requestId);
    h.track(lifecycleWorkflowId(txn.transactionRef));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.headers['x-request-id']).toBe(requestId);
    expect(res.body).toEqual({ transactionRef: txn.transactionRef, workflowId: `txn-${txn.transactionRef}`, created: true });

    const [row] = await rowsFor([txn.transactionRef]);
    expect(row).toMatchObject({
      customer_id: txn.customerId,
      amount: '2500.50',
      currency: 'KES',
      txn_type: 'purchase',
      channel: 'pos',
      country: 'KE',
      source: 'api',
      status: 'received',
      workflow_id: `txn-${txn.transactionRef}`,
      request_id: requestId,
    });
    expect(new Date(row.occurred_at).toISOString()).toBe('2026-11-20T07:15:00.000Z');

    const description = await h.temporal.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).describe();
    expect(description.type).toBe('transactionLifecycle');
    // API-submitted transactions run on the interactive queue, ahead of any warehouse backfill.
    expect(description.taskQueue).toBe(h.config.temporal.interactiveTaskQueue);
    expect(description.status.name).toBe('RUNNING');
  });

  it('is idempotent: the same transaction twice is one row, one workflow, and created:false the second time', async () => {
    const txn = apiTransaction({ amount: 1200 });
    const first = await post(txn);
    h.track(lifecycleWorkflowId(txn.transactionRef));
    expect(first.status).toBe(202);
    expect(first.body.created).toBe(true);
    const handle = h.temporal.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef));
    const runId = (await handle.describe()).runId;

    // The same content, written differently (amount as a string, another offset): still the same.
    const second = await post({ ...txn, amount: '1200.00', occurredAt: '2026-11-20T07:15:00Z' });
    expect(second.status, JSON.stringify(second.body)).toBe(202);
    expect(second.body).toEqual({ transactionRef: txn.transactionRef, workflowId: `txn-${txn.transactionRef}`, created: false });

    expect(await rowsFor([txn.transactionRef])).toHaveLength(1);
    expect((await handle.describe()).runId).toBe(runId);
    const runs = [];
    for await (const w of h.temporal.workflow.list({ query: `WorkflowId = '${lifecycleWorkflowId(txn.transactionRef)}'` })) runs.push(w);
    expect(runs.length).toBeLessThanOrEqual(1); // visibility may lag, but never shows a second run
  });

  it('answers a duplicate of a finished lifecycle as already started, not as an error', async () => {
    const txn = apiTransaction();
    expect((await post(txn)).status).toBe(202);
    await h.temporal.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).terminate('test: pretend it finished');
    const again = await post(txn);
    expect(again.status).toBe(202);
    expect(again.body.created).toBe(false);
    const description = await h.temporal.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).describe();
    expect(description.status.name).toBe('TERMINATED'); // REJECT_DUPLICATE: no second run
  });

  it('refuses the same reference with different content (409 naming the ref) and changes nothing', async () => {
    const txn = apiTransaction();
    expect((await post(txn)).status).toBe(202);
    h.track(lifecycleWorkflowId(txn.transactionRef));
    const res = await post({ ...txn, amount: '9999.00', channel: 'atm' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'conflict', field: 'transactionRef' });
    expect(res.body.message).toContain(txn.transactionRef);
    expect(res.body.message).toContain('amount, channel');
    const [row] = await rowsFor([txn.transactionRef]);
    expect(row).toMatchObject({ amount: '2500.50', channel: 'pos' });
  });

  it('normalises amounts to two decimals and defaults the currency', async () => {
    const a = apiTransaction({ amount: 1500.5, currency: undefined });
    const b = apiTransaction({ amount: ' 007 ' });
    const res = await post({ transactions: [a, b] });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    h.track(lifecycleWorkflowId(a.transactionRef));
    h.track(lifecycleWorkflowId(b.transactionRef));
    const rows = await rowsFor([a.transactionRef, b.transactionRef]);
    const byRef = Object.fromEntries(rows.map((r) => [r.transaction_ref, r]));
    expect(byRef[a.transactionRef]).toMatchObject({ amount: '1500.50', currency: 'KES' });
    expect(byRef[b.transactionRef]).toMatchObject({ amount: '7.00' });
  });

  it('ingests a batch and answers per transaction', async () => {
    const txns = [apiTransaction(), apiTransaction({ channel: 'mobile', merchantId: null, merchantName: null }), apiTransaction({ type: 'withdrawal', channel: 'atm' })];
    const res = await post({ transactions: txns });
    txns.forEach((t) => h.track(lifecycleWorkflowId(t.transactionRef)));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({
      transactions: txns.map((t) => ({ transactionRef: t.transactionRef, workflowId: `txn-${t.transactionRef}`, created: true })),
    });
    expect(await rowsFor(txns.map((t) => t.transactionRef))).toHaveLength(3);
    for (const t of txns) expect(await h.workflowExists(t.transactionRef)).toBe(true);

    // Sent again together with a new one: only the new one is created.
    const extra = apiTransaction();
    const again = await post({ transactions: [...txns, extra, txns[0]] });
    h.track(lifecycleWorkflowId(extra.transactionRef));
    expect(again.status).toBe(202);
    expect(again.body.transactions.map((r: { created: boolean }) => r.created)).toEqual([false, false, false, true, false]);
  });

  it('a repeated reference within one batch is created once', async () => {
    const txn = apiTransaction();
    const res = await post({ transactions: [txn, txn] });
    h.track(lifecycleWorkflowId(txn.transactionRef));
    expect(res.status).toBe(202);
    expect(res.body.transactions.map((r: { created: boolean }) => r.created)).toEqual([true, false]);
    expect(await rowsFor([txn.transactionRef])).toHaveLength(1);
  });

  it('refuses a whole batch when one reference conflicts: nothing of it is recorded or started', async () => {
    const existing = apiTransaction();
    expect((await post(existing)).status).toBe(202);
    h.track(lifecycleWorkflowId(existing.transactionRef));
    const fresh = apiTransaction();
    const res = await post({ transactions: [fresh, { ...existing, city: 'Kisumu' }] });
    expect(res.status).toBe(409);
    expect(res.body.field).toBe('transactions[1].transactionRef');
    expect(res.body.message).toContain('city');
    expect(await rowsFor([fresh.transactionRef])).toHaveLength(0);
    expect(await h.workflowExists(fresh.transactionRef)).toBe(false);
  });
});

describe('POST /api/transactions — validation', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['a channel not in the list', { channel: 'carrier-pigeon' }, 'channel', /must be one of mobile, online/],
    ['an amount with three decimals', { amount: '10.123' }, 'amount', /must be a decimal string with at most 2 decimals/],
    ['a negative amount', { amount: -5 }, 'amount', /decimal string/],
    ['a zero amount', { amount: '0.00' }, 'amount', /greater than 0/],
    ['an amount above the ceiling (INPUT_AMOUNT_MAX, 1e9)', { amount: '1000000000.01' }, 'amount', /at most 1000000000$/],
    ['a float that is not a 2-decimal amount', { amount: 0.1 + 0.2 }, 'amount', /at most 2 decimals/],
    ['a lower-case country', { country: 'ke' }, 'country', /2-letter uppercase/],
    ['a date without an offset', { occurredAt: '2026-11-20T10:15:00' }, 'occurredAt', /UTC offset/],
    ['a bad transaction reference', { transactionRef: 'has space' }, 'transactionRef', /A-Z a-z 0-9/],
    ['a missing customer', { customerId: undefined }, 'customerId', /is required/],
    ['a missing channel', { channel: undefined }, 'channel', /is required/],
    ['a missing amount', { amount: undefined }, 'amount', /is required/],
    ['an unknown type', { type: 'gift' }, 'type', /must be one of transfer/],
    ['an unknown field', { amout: '5' }, 'amout', /Unrecognized key/],
    ['a 4-letter currency', { currency: 'KESH' }, 'currency', /3-letter/],
  ];

  it.each(cases)('refuses %s with 400 naming the field, and records nothing', async (_what, override, field, message) => {
    const txn = apiTransaction(override);
    const res = await post(txn);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.field).toBe(field);
    expect(res.body.message).toMatch(new RegExp(`^${field}: `));
    expect(res.body.message).toMatch(message);
    if (typeof txn.transactionRef === 'string') expect(await rowsFor([txn.transactionRef])).toHaveLength(0);
  });

  it('names the item of a batch, and records and starts none of it', async () => {
    const txns = [apiTransaction(), apiTransaction(), apiTransaction(), apiTransaction({ channel: 'telegraph' })];
    const res = await post({ transactions: txns });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('transactions[3].channel');
    expect(res.body.message).toMatch(/^transactions\[3\]\.channel: must be one of/);
    expect(await rowsFor(txns.map((t) => t.transactionRef))).toHaveLength(0);
    for (const t of txns) expect(await h.workflowExists(t.transactionRef)).toBe(false);
  });

  it('lists every bad field of a request', async () => {
    const res = await post({ transactions: [apiTransaction({ amount: 'ten' }), apiTransaction({ country: 'Kenya' })] });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { field: string }) => i.field)).toEqual(['transactions[0].amount', 'transactions[1].country']);
  });

  it('limits a batch to 500 and refuses an empty one', async () => {
    const big = Array.from({ length: 501 }, () => apiTransaction());
    const tooMany = await post({ transactions: big });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ field: 'transactions', message: 'transactions: must hold at most 500 transactions' });
    const empty = await post({ transactions: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.field).toBe('transactions');
    expect(await rowsFor(big.slice(0, 5).map((t) => t.transactionRef))).toHaveLength(0);
  });

  it('refuses a body that is not a transaction at all', async () => {
    const res = await post([apiTransaction()]);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('body');
  });
});

describe('POST /api/transactions — roles', () => {
  it('requires a token', async () => {
    const res = await request(h.app).post('/api/transactions').send(apiTransaction());
    expect(res.status).toBe(401);
  });

  it('lets analysts, senior analysts and admins ingest, but not compliance', async () => {
    const refused = await post(apiTransaction(), await h.token('compliance'));
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/compliance/);
    for (const role of ['senior_analyst', 'admin'] as const) {
      const txn = apiTransaction();
      const res = await post(txn, await h.token(role));
      h.track(lifecycleWorkflowId(txn.transactionRef));
      expect(res.status, role).toBe(202);
    }
  });
});

describe('GET /api/transactions/:ref', () => {
  it('404s an unknown reference', async () => {
    const res = await request(h.app).get('/api/transactions/NOPE-does-not-exist').set('authorization', `Bearer ${analyst}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_found', message: 'transaction NOPE-does-not-exist not found' });
  });

  it('400s a malformed reference', async () => {
    const res = await request(h.app).get('/api/transactions/has%20space').set('authorization', `Bearer ${analyst}`);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('ref');
  });

  it('returns the transaction with its score breakdown and case; compliance may read', async () => {
    const { ref, caseId } = await insertCase(h.db, { riskLevel: 'high', amount: '12000000.00' });
    const res = await request(h.app).get(`/api/transactions/${ref}`).set('authorization', `Bearer ${await h.token('compliance')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      transactionRef: ref,
      amount: '12000000.00',
      riskScore: '0.8500',
      riskLevel: 'high',
      status: 'held',
      scoreBreakdown: { level: 'high' },
      case: { id: caseId, status: 'assigned', riskLevel: 'high' },
    });
  });

  it('returns case null for a transaction without a case', async () => {
    const txn = apiTransaction();
    await post(txn);
    h.track(lifecycleWorkflowId(txn.transactionRef));
    const res = await request(h.app).get(`/api/transactions/${txn.transactionRef}`).set('authorization', `Bearer ${analyst}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ transactionRef: txn.transactionRef, amount: '2500.50', status: 'received', case: null, scoreBreakdown: null });
  });

  it('requires a token', async () => {
    expect((await request(h.app).get('/api/transactions/anything')).status).toBe(401);
  });
});
