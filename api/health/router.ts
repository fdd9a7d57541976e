import { Router } from 'express';
import type { ApiDeps } from '../context';
import { checkReadiness, databaseCheck, temporalCheck } from '../../observability/health';

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
