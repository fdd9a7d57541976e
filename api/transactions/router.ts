import { Router } from 'express';
import { z } from 'zod';
import { caseJson } from '../cases/views';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { transactionHandlers } from './handlers';
import { ingestSchemas, refParams, transactionBatch, transactionInput } from './schemas';
import { realtimeAnswerJson, realtimeBodySchema, realtimePendingJson } from './realtime';
import { transactionJson } from './views';

export const transactionsRegistry = featureRegistry();
/** Who may submit transactions, and the refusal both ingestion routes share. */
const INGESTERS = { auth: 'bearer', roles: ['analyst', 'senior_analyst', 'admin'] } as const;
const DIFFERENT_CONTENT = { description: 'The reference exists with different content' };

const ingestResult = z
  .object({
    transactionRef: z.string(),
    workflowId: z.string(),
    created: z.boolean().meta({ description: 'false when the same transaction was already recorded' }),
  })
  .meta({ id: 'IngestResult' });

documentRoute(transactionsRegistry, {
  method: 'post',
  path: '/api/transactions',
  tags: ['transactions'],
  summary: 'Ingest one transaction or a batch',
  description: 'Idempotent on transactionRef: the same content again answers created: false; different content is refused (409) and nothing is recorded.',
  access: INGESTERS,
  // ingestBody parses exactly these two (it picks one by the `transactions` key, so errors name the field)
  request: { body: z.union([transactionInput.meta({ id: 'TransactionInput' }), transactionBatch.meta({ id: 'TransactionBatch' })]) },
  responses: {
    202: { description: 'Recorded and handed to the workflows; the answer mirrors the request', body: z.union([ingestResult, z.object({ transactions: z.array(ingestResult) })]) },
    409: DIFFERENT_CONTENT,
    422: { description: 'An amount in another currency without a stored KES rate for its date (FX_RATE_MAX_AGE_DAYS): nothing is recorded; the field names the currency' },
    503: { description: 'Recorded, but the workflows could not all be started: send the same request again' },
  },
});
documentRoute(transactionsRegistry, {
  method: 'post',
  path: '/api/transactions/realtime',
  tags: ['transactions'],
  summary: 'Ingest one transaction and wait for its risk answer',
  description:
    "For a payment switch that waits: records the transaction (idempotent, as POST /api/transactions) and answers routing's decision within REALTIME_ANSWER_BOUND (default 2 s): " +
    'approved for low risk; flagged (medium) or held (high) with the case reference. The same request again gets the same answer. ' +
    'When the bound passes first the answer is 202 with status pending: the transaction is recorded and is being scored; send the same request again or read GET /api/transactions/{ref}.',
  access: INGESTERS,
  request: { body: transactionInput.meta({ id: 'TransactionInput' }) },
  responses: {
    200: { description: 'Routing has decided', body: realtimeAnswerJson },
    202: { description: 'Recorded, but not routed within the bound', body: realtimePendingJson },
    409: DIFFERENT_CONTENT,
    422: { description: 'An amount in another currency without a stored KES rate for its date: nothing is recorded; the field names the currency' },
  },
});
documentRoute(transactionsRegistry, {
  method: 'get',
  path: '/api/transactions/:ref',
  tags: ['transactions'],
  summary: 'A transaction with its case',
  access: { auth: 'bearer', roles: 'any' },
  request: { params: refParams },
  responses: {
    200: { description: 'The transaction and its case, if any', body: transactionJson.extend({ case: z.union([caseJson, z.null()]) }).meta({ id: 'TransactionDetail' }) },
    404: { description: 'No such transaction' },
  },
});

export function transactionsRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = transactionHandlers(deps);
  const { ingestBody } = ingestSchemas(deps.config.input);
  router.use(requireAuth(deps));
  router.post('/', requireRole('analyst', 'senior_analyst', 'admin'), validate({ body: ingestBody }), handlers.ingest);
  router.post('/realtime', requireRole('analyst', 'senior_analyst', 'admin'), validate({ body: realtimeBodySchema(deps.config.input) }), handlers.realtime);
  router.get('/:ref', validate({ params: refParams }), handlers.show);
  return router;
}
