import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { portfolioRunHandlers } from './handlers';
import { portfolioRunBody, portfolioRunParams } from './schemas';

export const portfolioRegistry = featureRegistry();

documentRoute(portfolioRegistry, {
  method: 'post',
  path: '/api/risk/portfolio-runs',
  tags: ['risk register'],
  summary: 'Start a portfolio-risk run (now, or as of a past moment)',
  description: 'The body is optional: none runs for now. The same X-Request-Id twice is refused (409) rather than run twice.',
  access: { auth: 'bearer', roles: ['senior_analyst', 'admin'] },
  request: { body: portfolioRunBody, bodyRequired: false },
  responses: {
    202: {
      description: 'Started; Location names the run',
      body: z.object({ workflowId: z.string() }),
      headers: { Location: { description: 'GET this to follow the run', schema: { type: 'string' } } },
    },
    409: { description: 'This request id already started a run' },
  },
});
documentRoute(portfolioRegistry, {
  method: 'get',
  path: '/api/risk/portfolio-runs/:workflowId',
  tags: ['risk register'],
  summary: 'A portfolio-risk run',
  access: { auth: 'bearer', roles: ['senior_analyst', 'compliance', 'admin'] },
  request: { params: portfolioRunParams },
  responses: {
    200: {
      description: 'The run',
      body: z.object({
        workflowId: z.string(),
        runId: z.string(),
        status: z.string(),
        startedAt: z.string(),
        closedAt: z.string().nullable(),
        requestedBy: z.string().nullable(),
        summary: z.looseObject({}).nullable(),
        failure: z.string().nullable(),
        temporalUiUrl: z.string().nullable(),
      }),
    },
    404: { description: 'No such portfolio run' },
  },
});

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
