// /api/operations — what needs an operator: warehouse rows the input rules refused, and
// transactions whose processing failed for good (needs_attention), which an operator retries or
// closes with a note. Senior analysts and admins, who can fix the source or chase the bank's data
// team; analysts work cases instead.
import { randomUUID } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { requestIdOf, type ApiDeps } from '../context';
import { UnauthorizedError } from '../errors';
import { requireAuth, requireRole } from '../middleware/auth';
import { parseOrThrow, validate } from '../middleware/validate';
import { documentRoute, featureRegistry, RETRY_AFTER_SECONDS } from '../openapi/route';
import {
  attentionCloseBody,
  attentionList,
  attentionParams,
  attentionQuery,
  attentionResolution,
  attentionRetryBody,
  quarantineList,
  quarantineQuery,
  type AttentionCloseBody,
  type AttentionList,
  type AttentionParams,
  type AttentionQuery,
  type AttentionResolution,
  type AttentionRetryBody,
  type QuarantineList,
  type QuarantineQuery,
} from './schemas';
import { listNeedingAttention, listQuarantinedRows, resolveAttention } from './service';

export const OPERATOR_ROLES = ['senior_analyst', 'admin'] as const;

export const operationsRegistry = featureRegistry();

documentRoute(operationsRegistry, {
  method: 'get',
  path: '/api/operations/quarantine',
  tags: ['operations'],
  summary: 'Warehouse rows refused by the input rules, newest first',
  description: 'Each row as read, the column at fault and the reason. Extraction went on past them; fix them at the source.',
  access: { auth: 'bearer', roles: OPERATOR_ROLES },
  request: { query: quarantineQuery },
  responses: { 200: { description: 'One page of quarantined rows and how many there are in all', body: quarantineList.meta({ id: 'QuarantineList' }) } },
});

documentRoute(operationsRegistry, {
  method: 'get',
  path: '/api/operations/attention',
  tags: ['operations'],
  summary: 'Transactions in needs_attention: a step failed for good and waits for an operator',
  description:
    'Longest waiting first, each with the failed step and the reason. Retry it once the cause is fixed, or close it with a note. ' +
    'In Temporal Web the same runs are found with KingaAttention = "needs_attention".',
  access: { auth: 'bearer', roles: OPERATOR_ROLES },
  request: { query: attentionQuery },
  responses: { 200: { description: 'One page of transactions that need attention and how many there are in all', body: attentionList.meta({ id: 'AttentionList' }) } },
});
const resolutionDoc = (action: 'retry' | 'close') => ({
  200: { description: action === 'retry' ? 'Recorded: the failed step runs again' : 'Recorded: the transaction is closed_by_operator', body: attentionResolution.meta({ id: 'AttentionResolution' }) },
  404: { description: 'No such transaction' },
  409: { description: 'The transaction does not need attention (any more), or another operator action is being recorded' },
  422: { description: 'The workflow refused it (the note)' },
  503: { description: 'Temporal cannot be reached; nothing was done', headers: RETRY_AFTER_SECONDS },
  504: { description: 'Not confirmed within DECISION_WAIT (the worker may be down); send it again with the same X-Request-Id' },
});
documentRoute(operationsRegistry, {
  method: 'post',
  path: '/api/operations/attention/:transactionId/retry',
  tags: ['operations'],
  summary: 'Run the failed step of a transaction in needs_attention again (after fixing its cause)',
  description: "The workflow's `retryAttention` Update; audited with the operator. A failed scoring step reads the transaction again first.",
  access: { auth: 'bearer', roles: OPERATOR_ROLES },
  request: { params: attentionParams, body: attentionRetryBody, bodyRequired: false },
  responses: resolutionDoc('retry'),
});
documentRoute(operationsRegistry, {
  method: 'post',
  path: '/api/operations/attention/:transactionId/close',
  tags: ['operations'],
  summary: 'Close a transaction in needs_attention with a note: it ends as closed_by_operator',
  description: "The workflow's `closeAttention` Update; the lifecycle ends. Audited with the operator and the note.",
  access: { auth: 'bearer', roles: OPERATOR_ROLES },
  request: { params: attentionParams, body: attentionCloseBody },
  responses: resolutionDoc('close'),
});

export function operationsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps), requireRole(...OPERATOR_ROLES));
  const quarantine: RequestHandler<Record<string, string>, QuarantineList, unknown, QuarantineQuery> = async (req, res) => {
    res.json(await listQuarantinedRows(deps.db, req.query));
  };
  router.get('/quarantine', validate({ query: quarantineQuery }), quarantine);

  const attention: RequestHandler<Record<string, string>, AttentionList, unknown, AttentionQuery> = async (req, res) => {
    res.json(await listNeedingAttention(deps.db, deps.config, req.query));
  };
  const resolve =
    (action: 'retry' | 'close'): RequestHandler<AttentionParams, AttentionResolution, AttentionRetryBody | AttentionCloseBody> =>
    async (req, res) => {
      const user = req.user;
      if (!user) throw new UnauthorizedError();
      const requestId = requestIdOf(req) ?? randomUUID();
      const outcome = await resolveAttention(deps, req.params.transactionId, action, req.body?.note, { username: user.username, role: user.role }, requestId, deps.config.api.decisionWaitMs);
      req.log.info({ transactionRef: req.params.transactionId, action }, 'needs_attention resolved by an operator');
      res.json(outcome);
    };
  router.get('/attention', validate({ query: attentionQuery }), attention);
  // a retry's body (a note) is optional: no body at all is a retry without a note
  const optionalRetryBody: RequestHandler = (req, _res, next) => {
    req.body = req.body === undefined ? {} : parseOrThrow(attentionRetryBody, req.body, 'body');
    next();
  };
  router.post('/attention/:transactionId/retry', validate({ params: attentionParams }), optionalRetryBody, resolve('retry'));
  router.post('/attention/:transactionId/close', validate({ params: attentionParams, body: attentionCloseBody }), resolve('close'));
  return router;
}
