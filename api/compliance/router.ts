import { Router } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { complianceHandlers } from './handlers';
import { auditQuery, decisionsQuery, refParams, replayBody } from './schemas';

/**
 * Compliance: history export, replay, audit reports. Only the compliance role: audit is kept
 * apart from those who decide cases (analysts) and from those who configure the system and its
 * users (admin) — segregation of duties; an administrator who must audit gets a compliance account.
 * Everything here reads; nothing changes a case or a workflow.
 */
export function complianceRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = complianceHandlers(deps);
  router.use(requireAuth(deps), requireRole('compliance'));
  router.get('/transactions/:ref/history', validate({ params: refParams }), handlers.history);
  router.get('/transactions/:ref/decision-path', validate({ params: refParams }), handlers.decisionPath);
  router.get('/transactions/:ref/audit', validate({ params: refParams, query: auditQuery }), handlers.audit('json'));
  router.get('/transactions/:ref/audit.csv', validate({ params: refParams }), handlers.audit('csv'));
  router.get('/transactions/:ref/audit.html', validate({ params: refParams }), handlers.audit('html'));
  router.post('/replay', validate({ body: replayBody }), handlers.replay);
  router.get('/decisions', validate({ query: decisionsQuery }), handlers.decisions);
  return router;
}
