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
      body: z.looseObject({
        generatedAt: z.string(),
        timeZone: z.string(),
        dayStart: z.string(),
        today: z.looseObject({ transactions: z.number(), amount: decimalJson, byLevel: levels, autoApprovedShare: z.number().nullable() }),
        openCases: z.looseObject({ total: z.number() }),
        hourly: z.array(z.looseObject({ hour: z.string(), low: z.number(), medium: z.number(), high: z.number(), total: z.number() })),
        topRules: z.array(z.object({ rule: z.string(), hits: z.number(), share: z.number() })),
      }),
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
    200: { description: 'The installation', body: z.object({ temporalUiUrl: z.string().nullable(), temporalNamespace: z.string(), timeZone: z.string() }) },
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
