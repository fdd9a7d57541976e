import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { requireAuth, requireRole } from '../middleware/auth';
import { validate } from '../middleware/validate';
import { documentRoute, featureRegistry } from '../openapi/route';
import { analyticsQuery, riskEventsQuery, riskMetricHistoryQuery, type AnalyticsQuery, type RiskEventsQuery, type RiskMetricHistoryQuery } from './schemas';
import { getAnalytics, latestRiskMetrics, recentRiskEvents, riskMetricHistory } from './service';
import { analyticsJson, riskEventJson, riskMetricHistoryJson, riskMetricJson, type Analytics, type RiskEvent, type RiskMetric, type RiskMetricHistory } from './views';

export const analyticsRegistry = featureRegistry();

documentRoute(analyticsRegistry, {
  method: 'get',
  path: '/api/analytics',
  tags: ['analytics'],
  summary: 'Deep-dive analytics over a date range (default: the last 7 days; at most 92 days)',
  access: { auth: 'bearer', roles: 'any' },
  request: { query: analyticsQuery },
  responses: {
    200: {
      description: 'Score distribution, rule hit rates, by channel / place / hour, anomaly histogram, analysts, SLA',
      body: analyticsJson,
    },
  },
});

const riskRegister = { auth: 'bearer', roles: ['senior_analyst', 'compliance', 'admin'] } as const;
documentRoute(analyticsRegistry, {
  method: 'get',
  path: '/api/risk/metrics',
  tags: ['risk register'],
  summary: "Each portfolio metric's latest value",
  access: riskRegister,
  responses: { 200: { description: 'The metrics', body: z.object({ items: z.array(riskMetricJson) }) } },
});
documentRoute(analyticsRegistry, {
  method: 'get',
  path: '/api/risk/metrics/history',
  tags: ['risk register'],
  summary: "Each portfolio (book-level) metric's values over the last days, oldest first, with the threshold of each value",
  access: riskRegister,
  request: { query: riskMetricHistoryQuery },
  responses: {
    200: {
      description: 'One series per model and metric (at most the latest 500 points each)',
      body: riskMetricHistoryJson,
    },
  },
});
documentRoute(analyticsRegistry, {
  method: 'get',
  path: '/api/risk/events',
  tags: ['risk register'],
  summary: 'Risk events, newest first, a page at a time',
  access: riskRegister,
  request: { query: riskEventsQuery },
  responses: { 200: { description: 'A page of the events, newest first, and how many there are in all', body: z.object({ items: z.array(riskEventJson), total: z.number().int() }) } },
});

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
  const metrics: RequestHandler<Record<string, string>, { items: RiskMetric[] }> = async (_req, res) => {
    res.json({ items: await latestRiskMetrics(deps.db) });
  };
  const events: RequestHandler<Record<string, string>, { items: RiskEvent[]; total: number }, unknown, RiskEventsQuery> = async (req, res) => {
    res.json(await recentRiskEvents(deps.db, req.query));
  };
  const history: RequestHandler<Record<string, string>, RiskMetricHistory, unknown, RiskMetricHistoryQuery> = async (req, res) => {
    res.json(await riskMetricHistory(deps.db, req.query));
  };
  router.get('/metrics', metrics);
  router.get('/metrics/history', validate({ query: riskMetricHistoryQuery }), history);
  router.get('/events', validate({ query: riskEventsQuery }), events);
  return router;
}
