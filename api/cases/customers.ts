// A customer's recent transactions, shown beside a case so the analyst sees what is usual for them.
import { Router, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { singleLineText } from '../../boundary/inputRules';
import { fieldsOf } from '../../db/transactionRows';
import type { ApiDeps } from '../context';
import { requireAuth } from '../middleware/auth';
import { validate, wholeNumberParam } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { isoTime, transactionJson, type TransactionRecord } from '../transactions/views';

export const customerParams = z.object({
  id: singleLineText(64),
});
export const customerTransactionsQuery = z.object({
  limit: wholeNumberParam(1, 100).default(20),
  /** leave this transaction out (the one the case is about) */
  exclude: z.string().max(64, 'must be at most 64 characters').optional(),
});
type CustomerParams = z.output<typeof customerParams>;
type CustomerTransactionsQuery = z.output<typeof customerTransactionsQuery>;

/** The row columns the list reads. */
type CustomerTransactionRow = Pick<TransactionRecord, 'transaction_ref' | 'amount' | 'currency' | 'txn_type' | 'channel' | 'merchant_name' | 'city' | 'country' | 'occurred_at' | 'status' | 'risk_level' | 'risk_score' | 'source'>;

export const customerTransactionJson = transactionJson
  .pick({ transactionRef: true, amount: true, currency: true, type: true, channel: true, merchantName: true, city: true, country: true, occurredAt: true, status: true, riskLevel: true, riskScore: true, source: true })
  .meta({ id: 'CustomerTransaction', description: "One of a customer's recent transactions" });
export type CustomerTransaction = z.infer<typeof customerTransactionJson>;

export interface CustomerTransactions {
  customerId: string;
  items: CustomerTransaction[];
}

function customerTransactionView(row: CustomerTransactionRow): CustomerTransaction {
  return {
    ...fieldsOf(row),
    occurredAt: isoTime(row.occurred_at),
    status: row.status,
    riskLevel: row.risk_level as CustomerTransaction['riskLevel'],
    riskScore: row.risk_score,
    source: row.source,
  };
}

/** Newest first, by the time they happened (transactions_customer_time_idx). */
export async function customerTransactions(db: Knex, customerId: string, limit: number, exclude?: string): Promise<CustomerTransaction[]> {
  const q = db('transactions')
    .where({ customer_id: customerId })
    .select<CustomerTransactionRow[]>('transaction_ref', 'amount', 'currency', 'txn_type', 'channel', 'merchant_name', 'city', 'country', 'occurred_at', 'status', 'risk_level', 'risk_score', 'source')
    .orderBy('occurred_at', 'desc')
    .orderBy('transaction_ref', 'desc')
    .limit(limit);
  if (exclude) q.whereNot('transaction_ref', exclude);
  return (await q).map(customerTransactionView);
}

export const customersRegistry = featureRegistry();

documentRoute(customersRegistry, {
  method: 'get',
  path: '/api/customers/:id/transactions',
  tags: ['cases'],
  summary: "A customer's recent transactions, newest first",
  access: { auth: 'bearer', roles: 'any' },
  request: { params: customerParams, query: customerTransactionsQuery },
  responses: {
    200: {
      description: 'The transactions',
      body: z.object({
        customerId: z.string(),
        items: z.array(customerTransactionJson),
      }),
    },
  },
});

export function customersRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps)); // the same readers as the case detail it belongs to
  const list: RequestHandler<CustomerParams, CustomerTransactions, unknown, CustomerTransactionsQuery> = async (req, res) => {
    res.json({ customerId: req.params.id, items: await customerTransactions(deps.db, req.params.id, req.query.limit, req.query.exclude) });
  };
  router.get('/:id/transactions', validate({ params: customerParams, query: customerTransactionsQuery }), list);
  return router;
}
