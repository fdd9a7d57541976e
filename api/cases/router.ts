import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry, RETRY_AFTER_SECONDS } from '../openapi/route';
import { transactionJson } from '../transactions/views';
import { assignmentHandlers, assignmentResultJson, bulkAssignmentBody } from './assignment';
import { caseHandlers } from './handlers';
import { queueHandler, queueQuery } from './queue';
import { caseParams, decisionBody, decisionStatusParams, lifecycleStateJson } from './schemas';
import { ROLES } from '../../workflows/lifecycle/definitions';
import { DECIDING_ROLES } from './permissions';
import { caseEventJson, caseJson, caseListItemJson } from './views';

export const casesRegistry = featureRegistry();
const tags = ['cases'];
const caseNotFound = { description: 'No such case' };

const casePage = z.object({ items: z.array(caseListItemJson), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }).meta({ id: 'CasePage' });
const caseDetail = z
  .object({
    case: caseJson,
    transaction: z.union([transactionJson, z.null()]),
    events: z.array(caseEventJson).meta({ description: "the transaction's whole audit trail, oldest first" }),
    temporalUiUrl: z.string().nullable(),
  })
  .meta({ id: 'CaseDetail' });

documentRoute(casesRegistry, {
  method: 'get',
  path: '/api/cases',
  tags,
  summary: 'The case queue (filters, sort, paging)',
  access: { auth: 'bearer', roles: 'any' },
  request: { query: queueQuery },
  responses: { 200: { description: 'One page of the queue', body: casePage } },
});
documentRoute(casesRegistry, {
  method: 'get',
  path: '/api/cases/assignees',
  tags,
  summary: 'Active users who may work cases',
  access: { auth: 'bearer', roles: ['senior_analyst'] },
  responses: {
    200: {
      description: 'The users',
      body: z.object({ items: z.array(z.object({ username: z.string(), displayName: z.string(), role: z.enum(ROLES) })) }),
    },
  },
});
documentRoute(casesRegistry, {
  method: 'post',
  path: '/api/cases/assignments',
  tags,
  summary: 'Assign (or, with assignee null, release) several cases',
  access: { auth: 'bearer', roles: ['senior_analyst'] },
  request: { body: bulkAssignmentBody },
  responses: {
    200: {
      description: 'Which cases were assigned and which were skipped, with the reason',
      body: z.object({
        assignee: z.string().nullable(),
        assigned: z.array(z.number().int()),
        skipped: z.array(z.object({ caseId: z.number().int(), reason: z.string() })),
      }),
    },
    422: { description: 'The assignee is not an active user who works cases' },
  },
});
documentRoute(casesRegistry, {
  method: 'get',
  path: '/api/cases/:id',
  tags,
  summary: 'A case with its transaction and audit trail',
  access: { auth: 'bearer', roles: 'any' },
  request: { params: caseParams },
  responses: { 200: { description: 'The case', body: caseDetail }, 404: caseNotFound },
});
const pendingDecision = z
  .object({ status: z.literal('pending'), requestId: z.string(), caseId: z.number().int(), followUrl: z.string() })
  .meta({ id: 'PendingDecision' });
documentRoute(casesRegistry, {
  method: 'post',
  path: '/api/cases/:id/decision',
  tags,
  summary: 'Decide a case (approve, block, escalate)',
  description:
    "Runs the workflow's `decide` Update, whose validator has the final word (four-eyes, role, state), and waits at most " +
    'DECISION_WAIT for it. The request id (X-Request-Id, or one the API assigns and echoes) is the Update id: a retry with ' +
    'the same X-Request-Id joins the same decision and is never applied twice.\n\n' +
    '200: applied. 202: not confirmed in time (worker down or slow); the decision stays queued in Temporal and is applied ' +
    'when the workflow runs; follow it at `followUrl` (also Location). 4xx: refused, nothing changed. 503 + Retry-After: ' +
    'Temporal cannot be reached; nothing was decided.',
  access: { auth: 'bearer', roles: DECIDING_ROLES },
  request: { params: caseParams, body: decisionBody },
  responses: {
    200: {
      description: "Applied: the workflow's new state",
      body: z.object({ status: z.literal('applied'), requestId: z.string(), state: lifecycleStateJson }),
    },
    202: {
      description: 'Not confirmed within DECISION_WAIT: pending; follow the URL',
      body: pendingDecision,
      headers: { Location: { description: 'the follow URL', schema: { type: 'string' } } },
    },
    404: caseNotFound,
    409: { description: 'The case is closed, or another decision is being recorded' },
    422: { description: 'The workflow refused the decision (e.g. four-eyes)' },
    503: { description: 'Temporal cannot be reached; retry after Retry-After seconds', headers: RETRY_AFTER_SECONDS },
  },
});
documentRoute(casesRegistry, {
  method: 'get',
  path: '/api/cases/:id/decisions/:requestId',
  tags,
  summary: 'Where a decision sent with this request id stands: pending, applied or refused',
  access: { auth: 'bearer', roles: 'any' },
  request: { params: decisionStatusParams },
  responses: {
    200: {
      description: 'The decision request',
      body: z
        .object({
          requestId: z.string(),
          caseId: z.number().int(),
          status: z.enum(['pending', 'applied', 'refused']),
          decision: z.string().optional(),
          decidedBy: z.string().optional(),
          decidedAt: z.string().optional(),
          state: lifecycleStateJson.optional(),
          reason: z.string().optional(),
          refusal: z.object({ status: z.number().int(), error: z.string() }).optional(),
        })
        .meta({ id: 'DecisionStatus' }),
    },
    404: { description: 'No such case, or no decision with this request id reached it' },
    503: { description: 'Temporal cannot be reached', headers: RETRY_AFTER_SECONDS },
  },
});
documentRoute(casesRegistry, {
  method: 'post',
  path: '/api/cases/:id/assignment',
  tags,
  summary: 'Take a case',
  access: { auth: 'bearer', roles: DECIDING_ROLES },
  request: { params: caseParams },
  responses: { 200: { description: 'The case, now yours', body: assignmentResultJson }, 404: caseNotFound, 409: { description: 'Closed, or taken by someone else' } },
});
documentRoute(casesRegistry, {
  method: 'delete',
  path: '/api/cases/:id/assignment',
  tags,
  summary: 'Give a case back to the queue',
  access: { auth: 'bearer', roles: DECIDING_ROLES },
  request: { params: caseParams },
  responses: { 200: { description: 'The case, unassigned', body: assignmentResultJson }, 404: caseNotFound, 409: { description: 'Someone else holds it' } },
});

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
  router.post('/:id/decision', requireRole(...DECIDING_ROLES), validate({ params: caseParams, body: decisionBody }), handlers.decide);
  router.get('/:id/decisions/:requestId', validate({ params: decisionStatusParams }), handlers.decisionState);
  router.post('/:id/assignment', requireRole(...DECIDING_ROLES), validate({ params: caseParams }), assignment.take);
  router.delete('/:id/assignment', requireRole(...DECIDING_ROLES), validate({ params: caseParams }), assignment.release);
  return router;
}
