import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth } from '../middleware/auth';
import { getOverview, BANK_TIME_ZONE, type Overview, type SystemInfo } from './service';

/** GET /api/overview: every signed-in role sees the day at a glance. */
export function overviewRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps));
  const show: RequestHandler<Record<string, string>, Overview> = async (_req, res) => {
    res.json(await getOverview(deps.db));
  };
  router.get('/', show);
  return router;
}

/** GET /api/system: what the UI needs to know about the installation (links, names; no secrets). */
export function systemRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps));
  const show: RequestHandler<Record<string, string>, SystemInfo> = (_req, res) => {
    res.json({
      temporalUiUrl: deps.config.temporal.uiUrl?.replace(/\/+$/, '') || null,
      temporalNamespace: deps.config.temporal.namespace,
      timeZone: BANK_TIME_ZONE,
    });
  };
  router.get('/', show);
  return router;
}
