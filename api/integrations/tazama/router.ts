// The Tazama relay's REST destination: POST /relay receives each evaluation the relay-service
// pushes ({message, report, transaction, networkMap}, or an interdiction; as JSON or as Tazama's
// protobuf; authenticated with the shared relay token)
// and signals the transaction's lifecycle; /relay/token and /relay/health are the two endpoints
// the relay calls before it pushes (AUTH_TOKEN_URL, AUTH_HEALTH_URL).
import express, { Router } from 'express';
import { z } from 'zod';
import type { ApiDeps } from '../../context';
import { validate } from '../../middleware/validate';
import { documentRoute, featureRegistry } from '../../openapi/route';
import { requireRelayToken, tazamaHandlers } from './handlers';
import { relayLoginBody, relayPushBody } from './schemas';

export const tazamaRegistry = featureRegistry();
const tags = ['integrations'];

documentRoute(tazamaRegistry, {
  method: 'get',
  path: '/api/integrations/tazama/relay/health',
  tags,
  summary: "The relay-service's AUTH_HEALTH_URL",
  access: { auth: 'public' },
  responses: { 200: { description: 'Up', body: z.object({ status: z.literal('UP') }) } },
});
documentRoute(tazamaRegistry, {
  method: 'post',
  path: '/api/integrations/tazama/relay/token',
  tags,
  summary: "The relay-service's AUTH_TOKEN_URL: the relay token for its credentials",
  access: { auth: 'public' },
  request: { body: relayLoginBody },
  responses: { 200: { description: 'The relay token', body: z.string(), contentType: 'text/plain' }, 401: { description: 'Wrong relay credentials' } },
});
documentRoute(tazamaRegistry, {
  method: 'post',
  path: '/api/integrations/tazama/relay',
  tags,
  summary:
    "What Tazama's relay-services push: an evaluation ({message, report, transaction, networkMap}) or an interdiction ({typologyResult | ruleResult, transaction, …}), as JSON or as Tazama's protobuf FRMSMessage (any other content type)",
  access: { auth: 'tazamaRelay' },
  request: { body: relayPushBody.loose() },
  responses: {
    202: {
      description: "Handed to the transaction's lifecycle",
      body: z.object({ transactionRef: z.string(), msgId: z.string(), status: z.string(), signalled: z.boolean(), detail: z.string() }),
    },
    404: { description: 'No transaction was submitted with this pacs.002 MsgId' },
    503: { description: 'Temporal did not answer' },
  },
});

export function tazamaRouter(deps: ApiDeps): Router {
  const tazama = deps.config.tazama;
  const handlers = tazamaHandlers(deps, tazama);
  const router = Router();
  router.get('/relay/health', handlers.health);
  router.post('/relay/token', validate({ body: relayLoginBody }), handlers.token);
  // JSON was parsed by the app already; any other body stays bytes here (the relay's protobuf).
  router.post('/relay', requireRelayToken(tazama), express.raw({ type: () => true, limit: '2mb' }), handlers.push);
  return router;
}
