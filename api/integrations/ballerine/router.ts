// POST /api/integrations/ballerine/webhook — Ballerine's workflow webhooks. Mounted before the
// app's express.json(): the HMAC is checked over the raw bytes, and a bad or missing signature is
// refused (401) before anything is read from the body.
import express, { Router } from 'express';
import { z } from 'zod';
import { CONTROL_MESSAGE, fieldPath, findControlCharacter } from '../../../boundary/inputRules';
import type { ApiDeps } from '../../context';
import { BadRequestError, ServiceUnavailableError, UnauthorizedError } from '../../errors';
import { parseOrThrow } from '../../middleware/validate';
import { documentRoute, featureRegistry } from '../../openapi/route';
import { webhookEnvelope } from './schemas';
import { applyBallerineWebhook } from './service';
import { SIGNATURE_HEADER, verifyBallerineSignature } from './signature';

export const ballerineRegistry = featureRegistry();

documentRoute(ballerineRegistry, {
  method: 'post',
  path: '/api/integrations/ballerine/webhook',
  tags: ['integrations'],
  summary: "Ballerine's workflow webhooks: a back-office decision reaches the case's workflow",
  access: { auth: 'ballerineSignature' },
  request: { body: webhookEnvelope },
  responses: {
    200: {
      description: 'Applied, already applied, refused (no Kinga user to attribute it to: recorded on the case timeline) or ignored, with the reason',
      body: z.union([
        z.object({ status: z.literal('applied'), caseId: z.number().int(), decision: z.string(), actor: z.string() }),
        z.object({ status: z.literal('already_applied'), caseId: z.number().int(), decision: z.string() }),
        z.object({ status: z.literal('refused'), caseId: z.number().int(), decision: z.string(), reason: z.string() }),
        z.object({ status: z.literal('ignored'), reason: z.string() }),
      ]),
    },
    403: { description: 'The Ballerine user may not decide this case' },
    404: { description: 'No such case' },
    409: { description: 'The case is closed or being decided' },
    422: { description: 'The workflow refused the decision' },
    503: { description: 'The integration is disabled or webhooks are not configured' },
  },
});

export function ballerineWebhookRouter(deps: ApiDeps): Router {
  const config = deps.config.ballerine;
  const router = Router();
  router.post('/webhook', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
    if (!config.enabled) throw new ServiceUnavailableError('the Ballerine integration is disabled (BALLERINE_ENABLED)');
    if (!config.webhookSecret) throw new ServiceUnavailableError('Ballerine webhooks are not configured (BALLERINE_WEBHOOK_SECRET)');
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyBallerineSignature(raw, req.headers[SIGNATURE_HEADER], config.webhookSecret)) {
      throw new UnauthorizedError('the X-HMAC-Signature is missing or does not match the body');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BadRequestError('body: is not valid JSON', 'body');
    }
    // Mounted before the app-wide guard (the raw body is needed for the HMAC), so it checks here.
    const control = findControlCharacter(json);
    if (control) {
      const field = fieldPath(control.path) || 'body';
      throw new BadRequestError(`${field}: ${CONTROL_MESSAGE} (${control.found})`, field);
    }
    const envelope = parseOrThrow(webhookEnvelope, json, 'body');
    const outcome = await applyBallerineWebhook(deps, config.workflowDefinition, envelope, config.unassignedDecisions);
    req.log.info({ eventName: envelope.eventName, workflowRuntimeId: envelope.workflowRuntimeId, outcome: outcome.status }, 'Ballerine webhook');
    res.json(outcome);
  });
  return router;
}
