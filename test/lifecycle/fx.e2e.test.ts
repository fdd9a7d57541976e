// Amounts in another currency, end to end: through the real API, Temporal, the worker and
// PostgreSQL, a USD transaction is scored in KES at the bank's stored rate (shown in the
// breakdown); a currency without a rate is refused at the API (422 naming the field) and by
// warehouse extraction (with the reason), never scored with a guess. On a database of its own,
// so its rates cannot change other tests' portfolio figures.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../../api/users/service';
import { createExtractionActivities, type ExtractBatchResult } from '../../activities/extraction';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { scratchDatabase, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { transactionFactory } from '../helpers/transactions';
import { createTestStack, eventually, type KingaTestStack } from './context';

let scratch: ScratchDatabase;
let stack: KingaTestStack;
let testApi: TestApi | undefined;
let baseUrl: string;
const tokens: Record<string, string> = {};
const run = randomUUID().slice(0, 8);
const api = jsonClient(() => baseUrl, tokens);
const transaction = transactionFactory(`FX-${run}`);

beforeAll(async () => {
  scratch = await scratchDatabase('kinga_fx', { migrate: true });
  stack = await createTestStack({ DATABASE_URL: scratch.url, ANOMALY_ENABLED: 'false', EXTRACTION_BATCH_SIZE: '50' });
  await stack.startWorker();
  await seedDemoUsers(stack.db);
  await stack.db('fx_rates').insert([
    { currency: 'USD', rate_date: '2026-11-18', kes_per_unit: '128.900000', source: 'CBK mean rate' },
    { currency: 'USD', rate_date: '2026-11-20', kes_per_unit: '129.456789', source: 'CBK mean rate' },
  ]);
  testApi = await startTestApi(stack, { users: ['amina'], tokens });
  baseUrl = testApi.baseUrl;
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await scratch?.drop();
});

describe('amounts in another currency', () => {
  it('a USD transaction is scored in KES at the rate of its date, and the breakdown shows the rate', async () => {
    // 80,000 USD at 129.456789 is 10,356,543.12 KES: high risk on its own (as shillings it would be low)
    const txn = transaction({ amount: '80000.00', currency: 'USD', type: 'transfer', channel: 'online', merchantId: null, merchantName: null });
    const res = await api('POST', '/api/transactions', txn, 'amina');
    expect(res.status, JSON.stringify(res.body)).toBe(202);

    // a high case waits for an analyst: read the score the workflow recorded
    const row = await eventually(async () => {
      const r = await stack.db('transactions').where({ transaction_ref: txn.transactionRef }).whereNotNull('score_breakdown').first();
      return r ?? undefined;
    }, `the score of ${txn.transactionRef}`);
    const score = typeof row.score_breakdown === 'string' ? JSON.parse(row.score_breakdown) : row.score_breakdown;
    expect(score.fx).toEqual({
      currency: 'USD',
      amount: '80000.00',
      kesPerUnit: '129.456789',
      rateDate: '2026-11-20',
      source: 'CBK mean rate',
      amountKes: '10356543.12',
      detail: '80,000 USD at 129.456789 KES per USD (rate of 2026-11-20, CBK mean rate) = 10,356,543.12 KES',
    });
    expect(score.level).toBe('high');
    expect(score.rules.find((r: { rule: string }) => r.rule === 'amount')!.detail).toBe('amount 10,356,543.12 KES is above 10,000,000 KES: high risk on its own');
    // the stored transaction keeps its own currency and amount
    expect(row).toMatchObject({ currency: 'USD', amount: '80000.00', risk_level: 'high' });
    // and the API's view of it carries the rate
    const view = await api('GET', `/api/transactions/${txn.transactionRef}`, undefined, 'amina');
    expect(view.status).toBe(200);
    expect(JSON.stringify(view.body)).toContain('129.456789');
  });

  it('a weekend transaction uses the latest rate published before it', async () => {
    // Sunday 22 November, 10:15 in Nairobi: Friday's rate applies
    const txn = transaction({ amount: '100.00', currency: 'USD', occurredAt: '2026-11-22T07:15:00.000Z' });
    expect((await api('POST', '/api/transactions', txn, 'amina')).status).toBe(202);
    const result = await stack.client.workflow.getHandle(lifecycleWorkflowId(txn.transactionRef)).result();
    expect(result.score!.fx).toMatchObject({ rateDate: '2026-11-20', amountKes: '12945.68' });
    expect(result.score!.level).toBe('low');
  });

  it('a currency without a rate is refused with 422 naming the field, and nothing is recorded', async () => {
    const eur = transaction({ amount: '500.00', currency: 'EUR' });
    const one = await api('POST', '/api/transactions', eur, 'amina');
    expect(one.status).toBe(422);
    expect(one.body).toMatchObject({ field: 'currency' });
    expect(one.body.message).toBe('no KES exchange rate for EUR on 2026-11-20 or the 4 day(s) before it in fx_rates: the amount cannot be valued in KES');

    // a rate older than FX_RATE_MAX_AGE_DAYS is not used either
    const stale = transaction({ amount: '500.00', currency: 'USD', occurredAt: '2026-11-30T07:15:00.000Z' });
    const batch = await api('POST', '/api/transactions', { transactions: [transaction(), stale] }, 'amina');
    expect(batch.status).toBe(422);
    expect(batch.body).toMatchObject({ field: 'transactions[1].currency' });
    expect(batch.body.message).toContain('no KES exchange rate for USD on 2026-11-30');

    const recorded = await stack.db('transactions').whereIn('transaction_ref', [eur.transactionRef, stale.transactionRef]);
    expect(recorded).toEqual([]);
  });

  it('warehouse extraction quarantines a row it cannot value, with the reason, and takes the rest', async () => {
    const base = {
      customer_id: `FXC-${run}`,
      account_id: `FXA-${run}`,
      txn_type: 'purchase',
      channel: 'pos',
      merchant_id: null,
      merchant_name: null,
      city: 'Nairobi',
      country: 'KE',
      occurred_at: '2026-11-20T08:00:00.000Z',
    };
    await stack.db('transaction_history').insert([
      { ...base, transaction_ref: `WFX-${run}-1`, amount: '25.00', currency: 'USD' },
      { ...base, transaction_ref: `WFX-${run}-2`, amount: '25.00', currency: 'GBP' },
    ]);
    const extraction = createExtractionActivities({ db: stack.db, config: stack.config, logger: pino({ level: 'silent' }), temporal: stack.client });
    const result = (await new MockActivityEnvironment().run(extraction.extractBatch, { runId: `fx-${run}` })) as ExtractBatchResult;
    const reason = 'no KES exchange rate for GBP on 2026-11-20 or the 4 day(s) before it in fx_rates: the amount cannot be valued in KES';
    expect(result.rejected).toMatchObject([{ ref: `WFX-${run}-2`, field: 'currency', reason }]);
    // quarantined where operators look, with the reason
    const quarantined = await stack.db('quarantined_warehouse_rows').where({ transaction_ref: `WFX-${run}-2` });
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]).toMatchObject({ field: 'currency', reason });
    expect(result.inserted).toBe(1);
    const usd = await stack.client.workflow.getHandle(lifecycleWorkflowId(`WFX-${run}-1`)).result();
    expect(usd.score!.fx).toMatchObject({ currency: 'USD', amountKes: '3236.42' });
  });
});
