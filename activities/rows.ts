// Mapping between database rows and the domain's Transaction.
import type { Channel, Transaction, TransactionType } from '../risk/types';

export interface TransactionRow {
  transaction_ref: string;
  customer_id: string;
  account_id: string;
  amount: string;
  currency: string;
  txn_type: string;
  channel: string;
  merchant_id: string | null;
  merchant_name: string | null;
  city: string;
  country: string;
  occurred_at: Date | string;
}

export function toTransaction(row: TransactionRow): Transaction {
  return {
    transactionRef: row.transaction_ref,
    customerId: row.customer_id,
    accountId: row.account_id,
    amount: String(row.amount),
    currency: row.currency,
    type: row.txn_type as TransactionType,
    channel: row.channel as Channel,
    merchantId: row.merchant_id,
    merchantName: row.merchant_name,
    city: row.city,
    country: row.country,
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}

export function toTransactionRow(t: Transaction): TransactionRow {
  return {
    transaction_ref: t.transactionRef,
    customer_id: t.customerId,
    account_id: t.accountId,
    amount: t.amount,
    currency: t.currency,
    txn_type: t.type,
    channel: t.channel,
    merchant_id: t.merchantId,
    merchant_name: t.merchantName,
    city: t.city,
    country: t.country,
    occurred_at: t.occurredAt,
  };
}

export const TRANSACTION_COLUMNS = [
  'transaction_ref',
  'customer_id',
  'account_id',
  'amount',
  'currency',
  'txn_type',
  'channel',
  'merchant_id',
  'merchant_name',
  'city',
  'country',
  'occurred_at',
] as const;
