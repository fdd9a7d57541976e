// POST /api/integrations/ballerine/webhook — Ballerine's workflow webhooks. Mounted before the
// app's express.json(): the HMAC is checked over the raw bytes, and a bad or missing signature is
// refused (401) before anything is read from the body.
import express, { Router } from 'express';
import { loadBallerineConfig, type BallerineConfig } from '../../../config/ballerine';
import type { ApiDeps } from '../../context';
import { BadRequestError, ServiceUnavailableError, UnauthorizedError } from '../../errors';
import { parseOrThrow } from '../../middleware/validate';
import { webhookEnvelope } from './schemas';
import { applyBallerineWebhook } from './service';
import { SIGNATURE_HEADER, verifyBallerineSignature } from './signature';

/** Ballerine settings from the core configuration once the lead has folded them in, else from the environment. */
function ballerineConfigOf(config: ApiDeps['config']): BallerineConfig {
  return (config as { ballerine?: BallerineConfig }).ballerine ?? loadBallerineConfig(process.env);
}

export function ballerineWebhookRouter(deps: ApiDeps): Router {
  const config = ballerineConfigOf(deps.config);
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
    const envelope = parseOrThrow(webhookEnvelope, json, 'body');
    const outcome = await applyBallerineWebhook(deps, config.workflowDefinition, envelope);
    req.log.info({ eventName: envelope.eventName, workflowRuntimeId: envelope.workflowRuntimeId, outcome: outcome.status }, 'Ballerine webhook');
    res.json(outcome);
  });
  return router;
}
