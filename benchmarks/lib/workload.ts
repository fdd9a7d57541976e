// The benchmark's data: a warehouse history for a set of customers (so every profile read finds
// their earlier transactions), an anomaly model trained on it the way the nightly training does,
// and everyday transactions for those customers that the default rules score LOW.
import type { Db } from '../../db/connection';
import { buildTrainingMatrix, trainIsolationForest, type Transaction } from '../../risk';
import { generateHistory, toTransaction, type WarehouseRow } from '../../warehouse/generator';
import { TRANSACTION_COLUMNS } from '../../db/transactionRows';
import { loadDefaults } from '../support';

export const BENCH_SEED = 20261203;
/** The history ends here; benchmark transactions follow, in the morning (Nairobi). */
export const HISTORY_END = '2026-11-20T05:00:00.000Z';

export interface Workload {
  customers: CustomerHabit[];
  historyRows: number;
  modelVersion: number;
}

interface CustomerHabit {
  customerId: string;
  accountId: string;
  homeCity: string;
  medianAmount: number;
  channel: WarehouseRow['channel'];
  type: WarehouseRow['txn_type'];
  merchantId: string | null;
  merchantName: string | null;
}

export async function seedWorkload(db: Db, opts: { customers: number; days: number }): Promise<Workload> {
  const rows = generateHistory({ seed: BENCH_SEED, customers: opts.customers, days: opts.days, endAt: HISTORY_END });
  for (let i = 0; i < rows.length; i += 1000) {
    await db('transactions').insert(
      rows.slice(i, i + 1000).map((r) => ({ ...Object.fromEntries(TRANSACTION_COLUMNS.map((f) => [f, r[f]])), source: 'backfill', status: 'approved', workflow_id: null })),
    );
  }
  const { timeZone, velocityWindowMinutes, training } = loadDefaults();
  const transactions = rows.map(toTransaction);
  const forest = trainIsolationForest(buildTrainingMatrix(transactions, timeZone, velocityWindowMinutes), { trees: training.trees, sampleSize: training.sampleSize, seed: training.seed });
  const [stored] = await db('anomaly_models')
    .insert({
      engine: 'kinga-iforest/1',
      params: JSON.stringify({ trees: training.trees, sampleSize: training.sampleSize, seed: training.seed, timeZone }),
      model: JSON.stringify(forest.toJSON()),
      training_rows: rows.length,
      training_from: rows[0]!.occurred_at,
      training_to: HISTORY_END,
      metrics: JSON.stringify({}),
      trained_by: `bench-${BENCH_SEED}`,
    })
    .returning<{ version: number }[]>('version');

  // Each customer's habits from their normal history: the everyday transaction the rules pass.
  const byCustomer = new Map<string, WarehouseRow[]>();
  for (const r of rows) if (!r.is_fraud) (byCustomer.get(r.customer_id) ?? byCustomer.set(r.customer_id, []).get(r.customer_id)!).push(r);
  const customers: CustomerHabit[] = [];
  for (const [customerId, own] of byCustomer) {
    if (own.length < 10) continue;
    const cities = new Map<string, number>();
    for (const r of own) cities.set(r.city, (cities.get(r.city) ?? 0) + 1);
    const homeCity = [...cities.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const amounts = own.map((r) => Number(r.amount)).sort((a, b) => a - b);
    const typical = own.find((r) => r.city === homeCity && r.country === 'KE' && r.merchant_id) ?? own[0]!;
    customers.push({
      customerId,
      accountId: typical.account_id,
      homeCity,
      medianAmount: amounts[Math.floor(amounts.length / 2)]!,
      channel: typical.channel,
      type: typical.txn_type,
      merchantId: typical.merchant_id,
      merchantName: typical.merchant_name,
    });
  }
  return { customers, historyRows: rows.length, modelVersion: stored!.version };
}

/**
 * The i-th everyday transaction of a run: customers in turn, each customer's transactions 20
 * minutes apart (below the velocity rule's count), at their usual amount, in their home city.
 */
export function everydayTransaction(workload: Workload, prefix: string, i: number): Transaction {
  const c = workload.customers[i % workload.customers.length]!;
  const round = Math.floor(i / workload.customers.length);
  const at = Date.parse(HISTORY_END) + round * 20 * 60_000 + (i % workload.customers.length) * 1000;
  return {
    transactionRef: `${prefix}-${i}`,
    customerId: c.customerId,
    accountId: c.accountId,
    amount: c.medianAmount.toFixed(2),
    currency: 'KES',
    type: c.type,
    channel: c.channel,
    merchantId: c.merchantId,
    merchantName: c.merchantName,
    city: c.homeCity,
    country: 'KE',
    occurredAt: new Date(at).toISOString(),
  };
}
