import { Router, type RequestHandler } from 'express';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { analyticsQuery, riskEventsQuery, type AnalyticsQuery, type RiskEventsQuery } from './schemas';
import { getAnalytics, latestRiskMetrics, recentRiskEvents, type Analytics, type RiskEventRow, type RiskMetricRow } from './service';

/** GET /api/analytics?from=&to=: every signed-in role (analysts look at their own throughput too). */
export function analyticsRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps));
  const show: RequestHandler<Record<string, string>, Analytics, unknown, AnalyticsQuery> = async (req, res) => {
    res.json(await getAnalytics(deps.db, req.query));
  };
  router.get('/', validate({ query: analyticsQuery }), show);
  return router;
}

/** GET /api/risk/metrics and /api/risk/events: the risk register, for those who manage risk. */
export function riskRegisterRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(requireAuth(deps), requireRole('senior_analyst', 'compliance', 'admin'));
  const metrics: RequestHandler<Record<string, string>, { items: RiskMetricRow[] }> = async (_req, res) => {
    res.json({ items: await latestRiskMetrics(deps.db) });
  };
  const events: RequestHandler<Record<string, string>, { items: RiskEventRow[] }, unknown, RiskEventsQuery> = async (req, res) => {
    res.json({ items: await recentRiskEvents(deps.db, req.query) });
  };
  router.get('/metrics', metrics);
  router.get('/events', validate({ query: riskEventsQuery }), events);
  return router;
}
