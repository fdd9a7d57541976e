// /api/operations — what needs an operator: warehouse rows the input rules refused. Senior analysts
// and admins, who can fix the source or chase the bank's data team; analysts work cases instead.
import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { quarantineList, quarantineQuery, type QuarantineList, type QuarantineQuery } from './schemas';
import { listQuarantinedRows } from './service';

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

export function operationsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps), requireRole(...OPERATOR_ROLES));
  const quarantine: RequestHandler<Record<string, string>, QuarantineList, unknown, QuarantineQuery> = async (req, res) => {
    res.json(await listQuarantinedRows(deps.db, req.query));
  };
  router.get('/quarantine', validate({ query: quarantineQuery }), quarantine);
  return router;
}
