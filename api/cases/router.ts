import { Router } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { assignmentHandlers, bulkAssignmentBody } from './assignment';
import { caseHandlers } from './handlers';
import { queueHandler, queueQuery } from './queue';
import { caseParams, decisionBody } from './schemas';

export function casesRouter(deps: ApiDeps): Router {
  const router = Router();
  const handlers = caseHandlers(deps);
  const assignment = assignmentHandlers(deps);
  router.use(requireAuth(deps)); // every role may read cases; compliance audits them
  router.get('/', validate({ query: queueQuery }), queueHandler(deps));
  // before '/:id', which would refuse these names as case ids
  router.get('/assignees', requireRole('senior_analyst'), assignment.assignees);
  router.post('/assignments', requireRole('senior_analyst'), validate({ body: bulkAssignmentBody }), assignment.bulk);
  router.get('/:id', validate({ params: caseParams }), handlers.show);
  // Compliance and admin never decide; which analyst may decide which case is the workflow's rule.
  router.post('/:id/decision', requireRole('analyst', 'senior_analyst'), validate({ params: caseParams, body: decisionBody }), handlers.decide);
  router.post('/:id/assignment', requireRole('analyst', 'senior_analyst'), validate({ params: caseParams }), assignment.take);
  router.delete('/:id/assignment', requireRole('analyst', 'senior_analyst'), validate({ params: caseParams }), assignment.release);
  return router;
}
