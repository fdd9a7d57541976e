// The transactions (and transaction_history) row and the domain's Transaction: one table of
// column ↔ field names, and the mappings built from it. Used by the activities, the API, the
// warehouse generator, the benchmarks and the tests, so a column is renamed in one place.
import type { Channel, Transaction, TransactionType } from '../risk/types';

/** The domain's field name → the column that holds it. */
export const COLUMN_OF_FIELD = {
  transactionRef: 'transaction_ref',
  customerId: 'customer_id',
  accountId: 'account_id',
  amount: 'amount',
  currency: 'currency',
  type: 'txn_type',
  channel: 'channel',
  merchantId: 'merchant_id',
  merchantName: 'merchant_name',
  city: 'city',
  country: 'country',
  occurredAt: 'occurred_at',
} as const satisfies Record<keyof Transaction, string>;

type Field = keyof typeof COLUMN_OF_FIELD;
type Column = (typeof COLUMN_OF_FIELD)[Field];

/** The transaction's columns, in the table's order. */
export const TRANSACTION_COLUMNS = Object.values(COLUMN_OF_FIELD) as Column[];

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

type ColumnOf<F extends Field> = (typeof COLUMN_OF_FIELD)[F];

/** The transaction columns a row has, under the domain's field names, values as the row holds them. */
export type FieldsOf<R> = { [F in Field as ColumnOf<F> extends keyof R ? F : never]: R[ColumnOf<F> & keyof R] };

/**
 * The one renaming from columns to fields, for the columns the row has (a list reads only some);
 * values untouched: callers convert what they need.
 */
export function fieldsOf<R extends object>(row: R): FieldsOf<R> {
  const columns = Object.entries(COLUMN_OF_FIELD).filter(([, column]) => column in row);
  return Object.fromEntries(columns.map(([field, column]) => [field, (row as Record<string, unknown>)[column]])) as FieldsOf<R>;
}

/** A stored row as the domain's Transaction (numeric as its decimal string, the time in ISO 8601). */
export function toTransaction(row: TransactionRow): Transaction {
  return {
    ...fieldsOf(row),
    amount: String(row.amount),
    type: row.txn_type as TransactionType,
    channel: row.channel as Channel,
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}

/** A Transaction as the row's transaction columns (the rest of the row is the caller's). */
export function toTransactionRow(t: Pick<Transaction, Field>): TransactionRow {
  return Object.fromEntries(Object.entries(COLUMN_OF_FIELD).map(([field, column]) => [column, t[field as Field]])) as unknown as TransactionRow;
}
