import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry, type RouteDoc } from '../openapi/route';
import { auditReportJson, decisionPathJson, decisionsReportJson, replayReportJson } from '../../compliance/views';
import { complianceHandlers } from './handlers';
import { auditQuery, decisionsQuery, refParams, replayBody } from './schemas';

export const complianceRegistry = featureRegistry();

const compliance: RouteDoc['access'] = { auth: 'bearer', roles: ['compliance'] };
const tags = ['compliance'];
const noWorkflow = { description: 'No such transaction or workflow' };
const temporalDown = { description: 'Temporal did not answer' };
const text = (description: string, contentType: string) => ({ description, body: z.string(), contentType });

documentRoute(complianceRegistry, {
  method: 'get',
  path: '/api/compliance/transactions/:ref/history',
  tags,
  summary: "The lifecycle's Temporal history (as `temporal workflow show --output json`)",
  access: compliance,
  request: { params: refParams },
  responses: { 200: { description: 'The history file', body: z.looseObject({ events: z.array(z.unknown()) }) }, 404: noWorkflow, 503: temporalDown },
});
documentRoute(complianceRegistry, {
  method: 'get',
  path: '/api/compliance/transactions/:ref/decision-path',
  tags,
  summary: 'The decision path read from the history',
  access: compliance,
  request: { params: refParams },
  responses: { 200: { description: 'The decision path', body: decisionPathJson }, 404: noWorkflow, 503: temporalDown },
});
documentRoute(complianceRegistry, {
  method: 'get',
  path: '/api/compliance/transactions/:ref/audit',
  tags,
  summary: 'The audit report (JSON); ?replay=true adds the replay verdict',
  access: compliance,
  request: { params: refParams, query: auditQuery },
  responses: { 200: { description: 'The report', body: auditReportJson }, 404: noWorkflow, 503: temporalDown },
});
documentRoute(complianceRegistry, {
  method: 'get',
  path: '/api/compliance/transactions/:ref/audit.csv',
  tags,
  summary: 'The audit report as CSV',
  access: compliance,
  request: { params: refParams },
  responses: { 200: text('The report', 'text/csv'), 404: noWorkflow, 503: temporalDown },
});
documentRoute(complianceRegistry, {
  method: 'get',
  path: '/api/compliance/transactions/:ref/audit.html',
  tags,
  summary: 'The printable audit report, with the replay verdict',
  access: compliance,
  request: { params: refParams },
  responses: { 200: text('The page', 'text/html'), 404: noWorkflow, 503: temporalDown },
});
documentRoute(complianceRegistry, {
  method: 'post',
  path: '/api/compliance/replay',
  tags,
  summary: 'Replay a workflow (by id or reference) or an uploaded history against the current code',
  access: compliance,
  request: { body: replayBody },
  responses: { 200: { description: 'The verdict and decision path', body: replayReportJson }, 404: noWorkflow, 503: temporalDown },
});
documentRoute(complianceRegistry, {
  method: 'get',
  path: '/api/compliance/decisions',
  tags,
  summary: 'Every decision in a date range (JSON or CSV)',
  access: compliance,
  request: { query: decisionsQuery },
  responses: {
    200: {
      description: 'The decisions; X-Truncated: true when the limit cut the list',
      body: decisionsReportJson,
      alsoAs: { 'text/csv': z.string() },
      headers: { 'X-Truncated': { description: 'true when `limit` cut the list', schema: { type: 'string' } } },
    },
  },
});

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
