import { Router } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { caseHandlers } from './handlers';
import { caseParams, decisionBody, listCasesQuery } from './schemas';

export function casesRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = caseHandlers(deps);
  router.use(requireAuth(deps)); // every role may read cases; compliance audits them
  router.get('/', validate({ query: listCasesQuery }), handlers.list);
  router.get('/:id', validate({ params: caseParams }), handlers.show);
  // Compliance and admin never decide; which analyst may decide which case is the workflow's rule.
  router.post('/:id/decision', requireRole('analyst', 'senior_analyst'), validate({ params: caseParams, body: decisionBody }), handlers.decide);
  return router;
}
