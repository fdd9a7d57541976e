// Transactions for tests, with their expected risk under the default rules (anomaly model off).
import { toTransactionRow } from '../../db/transactionRows';
import type { Transaction } from '../../risk/types';
import { lifecycleWorkflowId } from '../../workflows/lifecycle/definitions';

/** An everyday purchase (LOW): 2,500 KES at a supermarket in Nairobi, 10:15 local. */
export function everydayPurchase(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transactionRef: 'T-1',
    customerId: 'CUST-1',
    accountId: 'ACC-1',
    amount: '2500.00',
    currency: 'KES',
    type: 'purchase',
    channel: 'pos',
    merchantId: 'M-NAIVAS-001',
    merchantName: 'Naivas Supermarket',
    city: 'Nairobi',
    country: 'KE',
    occurredAt: '2026-11-20T07:15:00.000Z', // 10:15 in Nairobi
    ...overrides,
  };
}

/** A builder of distinct everyday purchases for the API (`overrides` may be anything, e.g. a bad field). */
export function transactionFactory(prefix: string) {
  let seq = 0;
  return (overrides: Record<string, unknown> = {}) => {
    seq += 1;
    return { ...everydayPurchase({ transactionRef: `${prefix}-${seq}`, customerId: `C${prefix}-${seq}`, accountId: `A${prefix}-${seq}` }), ...overrides };
  };
}

/** The row ingestion writes for `t` before its lifecycle runs: received, with the lifecycle's workflow id. */
export function receivedRow(t: Transaction) {
  return { ...toTransactionRow(t), source: 'api', status: 'received', workflow_id: lifecycleWorkflowId(t.transactionRef) };
}

/**
 * Received rows for `refs` (each its own customer), at 12:00 in Nairobi: a 12M online transfer
 * (HIGH) where `isHigh(i)`, else a 1,800 KES purchase without a merchant (LOW).
 */
export function receivedRows(refs: string[], isHigh: (i: number) => boolean) {
  return refs.map((ref, i) =>
    receivedRow(
      everydayPurchase({
        transactionRef: ref,
        customerId: ref,
        accountId: `A-${ref}`,
        merchantId: null,
        merchantName: null,
        occurredAt: '2026-11-20T09:00:00.000Z',
        ...(isHigh(i) ? { amount: '12000000.00', type: 'transfer', channel: 'online' } : { amount: '1800.00' }),
      }),
    ),
  );
}

/** amount 1.5M (0.20) + the customer's first transaction in GB (0.45) + 23:40 in Nairobi (0.10) = 0.75: MEDIUM */
export const MEDIUM_RISK = { amount: '1500000.00', city: 'London', country: 'GB', occurredAt: '2026-11-20T20:40:00.000Z' };

/** a 12M online transfer: above 10,000,000 KES is HIGH on its own */
export const HIGH_RISK = { amount: '12000000.00', type: 'transfer', channel: 'online', merchantId: null, merchantName: null };
