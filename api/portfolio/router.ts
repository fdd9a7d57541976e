import { Router } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { portfolioRunHandlers } from './handlers';
import { portfolioRunParams } from './schemas';

/**
 * POST /api/risk/portfolio-runs starts a portfolio-risk run (senior analysts and admins: it writes
 * to the risk register and may notify management); GET …/:workflowId reads one back, for whoever
 * reads the risk register.
 */
export function portfolioRunsRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = portfolioRunHandlers(deps);
  router.use(requireAuth(deps));
  router.post('/', requireRole('senior_analyst', 'admin'), handlers.start);
  router.get('/:workflowId', requireRole('senior_analyst', 'compliance', 'admin'), validate({ params: portfolioRunParams }), handlers.show);
  return router;
}
