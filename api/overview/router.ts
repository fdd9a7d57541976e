import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../context';
import { requireAuth } from '../middleware/auth';
import { documentRoute, featureRegistry } from '../openapi/route';
import { decimalJson } from '../transactions/views';
import { getOverview, BANK_TIME_ZONE, type Overview, type SystemInfo } from './service';

export const overviewRegistry = featureRegistry();

const levels = z.object({ low: z.number(), medium: z.number(), high: z.number() });
documentRoute(overviewRegistry, {
  method: 'get',
  path: '/api/overview',
  tags: ['overview'],
  summary: "Today's figures and the last 24 hours",
  access: { auth: 'bearer', roles: 'any' },
  responses: {
    200: {
      description: 'The overview',
      body: z
        .object({
          generatedAt: z.string(),
          timeZone: z.string(),
          dayStart: z.string().meta({ description: "start of the bank's day (midnight in its time zone)" }),
          today: z.object({
            transactions: z.number(),
            amount: decimalJson.meta({ description: 'total in KES' }),
            byLevel: levels,
            autoApprovedShare: z.number().nullable().meta({ description: 'approved automatically (low risk), 0..1; null when none' }),
            decided: z.number(),
            avgMinutesToDecision: z.number().nullable(),
            slaEvents: z.number().meta({ description: 'SLA escalations and breaches recorded today' }),
          }),
          openCases: z.object({
            total: z.number(),
            byLevel: z.object({ medium: z.number(), high: z.number() }),
            escalated: z.number(),
            unassigned: z.number(),
            overdue: z.number(),
          }),
          hourly: z.array(z.object({ hour: z.string(), low: z.number(), medium: z.number(), high: z.number(), total: z.number() })),
          topRules: z.array(z.object({ rule: z.string(), hits: z.number(), share: z.number() })),
        })
        .meta({ id: 'Overview' }),
    },
  },
});
documentRoute(overviewRegistry, {
  method: 'get',
  path: '/api/system',
  tags: ['overview'],
  summary: 'What the UI needs to know about the installation (links, names; no secrets)',
  access: { auth: 'bearer', roles: 'any' },
  responses: {
    200: { description: 'The installation', body: z.object({ temporalUiUrl: z.string().nullable(), temporalNamespace: z.string(), timeZone: z.string() }).meta({ id: 'SystemInfo' }) },
  },
});

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
