// Warehouse extraction: batches after a watermark, one lifecycle per transaction, whatever happens.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createExtractionActivities, type ExtractBatchResult } from '../../activities/extraction';
import { TRANSACTION_COLUMNS } from '../../db/transactionRows';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';
import { queryBusinessSnapshot } from '../../observability/business';
import { createTestStack, type KingaTestStack } from './context';

let stack: KingaTestStack;
const run = randomUUID().slice(0, 8);
const PREFIX = `WH-${run}-`;
// This file's own source: the same table, only its rows, so other tests' rows do not interfere.
const SOURCE_QUERY = `
  select id as cursor, ${TRANSACTION_COLUMNS.join(', ')} from transaction_history
  where id > cast(:cursor as bigint) and transaction_ref like '${PREFIX}%'
  order by id limit :limit`;

beforeAll(async () => {
  stack = await createTestStack({
    ANOMALY_ENABLED: 'false',
    WAREHOUSE_SOURCE_QUERY: SOURCE_QUERY,
    WAREHOUSE_SOURCE_NAME: `test-${run}`,
    EXTRACTION_BATCH_SIZE: '7',
  });
  await stack.startWorker();
});

afterAll(async () => {
  await stack?.close();
});

async function addWarehouseRows(from: number, to: number, overrides: Record<string, unknown> = {}) {
  const rows = [];
  for (let i = from; i < to; i++) {
    rows.push({
      transaction_ref: `${PREFIX}${String(i).padStart(4, '0')}`,
      customer_id: `WHC-${run}-${i % 5}`,
      account_id: `WHA-${run}-${i % 5}`,
      amount: `${1000 + i}.50`,
      currency: 'KES',
      txn_type: 'purchase',
      channel: 'mobile',
      merchant_id: null,
      merchant_name: null,
      city: 'Mombasa',
      country: 'KE',
      occurred_at: new Date(Date.UTC(2026, 10, 20, 8, i)).toISOString(),
      ...overrides,
    });
  }
  await stack.db('transaction_history').insert(rows);
  return rows.map((r) => r.transaction_ref);
}

async function lifecycleRuns(refs: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for await (const w of stack.client.workflow.list({ query: `WorkflowType = 'transactionLifecycle' AND WorkflowId STARTS_WITH 'txn-${PREFIX}'` })) {
    counts.set(w.workflowId, (counts.get(w.workflowId) ?? 0) + 1);
  }
  return new Map(refs.map((r) => [r, counts.get(lifecycleWorkflowId(r)) ?? 0]));
}

async function waitForVisibility(refs: string[]) {
  for (let i = 0; i < 100; i++) {
    const runs = await lifecycleRuns(refs);
    if ([...runs.values()].every((n) => n >= 1)) return runs;
    await new Promise((r) => setTimeout(r, 200));
  }
  return lifecycleRuns(refs);
}

describe('warehouse extraction', () => {
  it('a crash half way through a batch neither skips nor duplicates a transaction', async () => {
    const refs = await addWarehouseRows(0, 5);
    // A Temporal client that dies after starting three workflows, as a crashed worker would.
    let starts = 0;
    const crashing = {
      workflow: {
        start: async (...args: Parameters<Client['workflow']['start']>) => {
          if (++starts > 3) throw new Error('simulated crash');
          return stack.client.workflow.start(...args);
        },
      },
    } as unknown as Client;
    const logger = pino({ level: 'silent' });
    const crashed = createExtractionActivities({ db: stack.db, config: stack.config, logger, temporal: crashing });
    await expect(new MockActivityEnvironment().run(crashed.extractBatch, { runId: 'crash-test' })).rejects.toThrow('simulated crash');
    // The watermark did not move past rows whose workflows may not have started.
    expect(await stack.db('extraction_watermarks').where({ source: `test-${run}` }).first()).toBeUndefined();

    const healthy = createExtractionActivities({ db: stack.db, config: stack.config, logger, temporal: stack.client });
    const result = (await new MockActivityEnvironment().run(healthy.extractBatch, { runId: 'retry' })) as ExtractBatchResult;
    expect(result).toMatchObject({ read: 5, hasMore: false, rejected: [] });
    expect(result.started + result.alreadyStarted).toBe(5);
    const again = (await new MockActivityEnvironment().run(healthy.extractBatch, { runId: 'again' })) as ExtractBatchResult;
    expect(again.read).toBe(0);

    const runs = await waitForVisibility(refs);
    expect([...runs.values()]).toEqual([1, 1, 1, 1, 1]);
    expect(await stack.db('transactions').whereIn('transaction_ref', refs).count<{ count: number }[]>('* as count')).toEqual([{ count: 5 }]);
  });

  it('the extraction workflow reads every new row in batches, and running it twice starts nothing twice', async () => {
    const refs = await addWarehouseRows(5, 25);
    const bad = await addWarehouseRows(25, 26, { channel: 'telegraph' });
    const first = await stack.client.workflow.execute('warehouseExtraction', { workflowId: `extraction-${run}-1`, taskQueue: stack.taskQueue, args: [{}] });
    expect(first).toMatchObject({ read: 21, rejected: 1 });
    expect(first.batches).toBe(4); // 7 + 7 + 7 rows, the last batch full, then an empty one
    const second = await stack.client.workflow.execute('warehouseExtraction', { workflowId: `extraction-${run}-2`, taskQueue: stack.taskQueue, args: [{}] });
    expect(second).toMatchObject({ read: 0, started: 0 });

    const runs = await waitForVisibility(refs);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect((await lifecycleRuns(bad)).get(bad[0]!)).toBe(0);
    const rows = await stack.db('transactions').whereIn('transaction_ref', [...refs, ...bad]).select('transaction_ref');
    expect(rows).toHaveLength(20);
    const mark = await stack.db('extraction_watermarks').where({ source: `test-${run}` }).first();
    expect(Number(mark.rows_extracted)).toBe(26);

    // Each extracted transaction completes its lifecycle.
    for (const ref of refs.slice(0, 3)) {
      const result = await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).result();
      expect(result.status).toBe('approved');
    }
  });

  it('a row that breaks the input rules is quarantined with its reason, counted, and passed: never retried, never dropped', async () => {
    const before = (await queryBusinessSnapshot(stack.db, 60_000)).quarantined;
    const good = await addWarehouseRows(30, 32);
    const year1 = await addWarehouseRows(32, 33, { occurred_at: '0001-01-01T00:00:00Z' });
    const noCurrency = await addWarehouseRows(33, 34, { currency: 'XXX' });
    const control = await addWarehouseRows(34, 35, { merchant_name: 'Shop\u0007bell' });
    const after = await addWarehouseRows(35, 37);

    const first = await stack.client.workflow.execute('warehouseExtraction', { workflowId: `extraction-${run}-q1`, taskQueue: stack.taskQueue, args: [{}] });
    expect(first).toMatchObject({ read: 7, rejected: 3 });
    // The watermark moved past the bad rows, so the next run reads nothing and the rows after them went on.
    const again = await stack.client.workflow.execute('warehouseExtraction', { workflowId: `extraction-${run}-q2`, taskQueue: stack.taskQueue, args: [{}] });
    expect(again).toMatchObject({ read: 0, rejected: 0 });
    for (const ref of [...good, ...after]) {
      expect((await stack.client.workflow.getHandle(lifecycleWorkflowId(ref)).result()).status).toBe('approved');
    }

    const bad = [...year1, ...noCurrency, ...control];
    const quarantined = await stack.db('quarantined_warehouse_rows').whereIn('transaction_ref', bad).orderBy('transaction_ref');
    expect(quarantined.map((q) => [q.transaction_ref, q.field, q.source])).toEqual([
      [year1[0], 'occurred_at', `test-${run}`],
      [noCurrency[0], 'currency', `test-${run}`],
      [control[0], 'merchant_name', `test-${run}`],
    ]);
    expect(quarantined[0].reason).toMatch(/^occurred_at: must lie between 2000-01-01/);
    expect(quarantined[1].reason).toBe('currency: is not an ISO 4217 currency code');
    expect(quarantined[2].raw_row.merchant_name).toBe('Shop\\u0007bell');
    expect(await stack.db('transactions').whereIn('transaction_ref', bad)).toHaveLength(0);
    expect([...(await lifecycleRuns(bad)).values()]).toEqual([0, 0, 0]);

    // Extraction repeated over the same rows (a crash before the watermark moved) quarantines nothing twice.
    await stack.db('extraction_watermarks').where({ source: `test-${run}` }).update({ cursor_value: '0' });
    await stack.client.workflow.execute('warehouseExtraction', { workflowId: `extraction-${run}-q3`, taskQueue: stack.taskQueue, args: [{}] });
    expect(await stack.db('quarantined_warehouse_rows').whereIn('transaction_ref', bad)).toHaveLength(3);

    // kinga_warehouse_rows_quarantined{field} counts them
    const counted = (await queryBusinessSnapshot(stack.db, 60_000)).quarantined;
    for (const field of ['occurred_at', 'currency', 'merchant_name']) expect((counted[field] ?? 0) - (before[field] ?? 0), field).toBe(1);
  });
});
