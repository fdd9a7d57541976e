import { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { checkReadiness, databaseCheck, temporalCheck } from '../../observability/health';
import { documentRoute, featureRegistry } from '../openapi/route';

export const healthRegistry = featureRegistry();

const check = z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: z.string() })]);
const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  message: z.string().optional(),
  checks: z.object({ database: check, temporal: check }),
});

documentRoute(healthRegistry, {
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  access: { auth: 'public' },
  responses: { 200: { description: 'Alive', body: z.object({ status: z.literal('ok') }) } },
});
documentRoute(healthRegistry, {
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: PostgreSQL and Temporal answer',
  access: { auth: 'public' },
  responses: { 200: { description: 'Ready', body: readiness }, 503: { description: 'Not ready; names what does not answer', body: readiness } },
});

export function healthRouter(deps: ApiDeps): Router {
  const router = Router();
  /** Liveness: the process answers. Says nothing about its dependencies. */
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  /** Readiness: PostgreSQL and Temporal both answer; 503 names whichever does not. */
  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await checkReadiness({
      database: databaseCheck(deps.db),
      temporal: temporalCheck(deps.temporal.connection),
    });
    const failing = Object.entries(checks).filter(([, c]) => !c.ok).map(([name]) => name);
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      ...(ready ? {} : { message: `not ready: ${failing.join(' and ')} ${failing.length > 1 ? 'do' : 'does'} not answer` }),
      checks,
    });
  });
  return router;
}
