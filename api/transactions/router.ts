import { Router } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { transactionHandlers } from './handlers';
import { ingestBody, refParams } from './schemas';

export function transactionsRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = transactionHandlers(deps);
  router.use(requireAuth(deps));
  router.post('/', requireRole('analyst', 'senior_analyst', 'admin'), validate({ body: ingestBody }), handlers.ingest);
  router.get('/:ref', validate({ params: refParams }), handlers.show);
  return router;
}
