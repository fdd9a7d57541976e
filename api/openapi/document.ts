// The API contract: OpenAPI 3.1, generated from the zod schemas the routes validate with (each
// feature registers its routes beside them, see route.ts). Served at GET /api/openapi.json.
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { adminRegistry } from '../admin/router';
import { analyticsRegistry } from '../analytics/router';
import { authRegistry } from '../auth/router';
import { customersRegistry } from '../cases/customers';
import { casesRegistry } from '../cases/router';
import { complianceRegistry } from '../compliance/router';
import { healthRegistry } from '../health/router';
import { ballerineRegistry } from '../integrations/ballerine/router';
import { tazamaRegistry } from '../integrations/tazama/router';
import { operationsRegistry } from '../operations/router';
import { overviewRegistry } from '../overview/router';
import { portfolioRegistry } from '../portfolio/router';
import { streamRegistry, streamSchemas } from '../stream/router';
import { transactionsRegistry } from '../transactions/router';
import { documentRoute, featureRegistry, SECURITY, type OpenAPIRegistry } from './route';

export const openApiRegistry = featureRegistry();

documentRoute(openApiRegistry, {
  method: 'get',
  path: '/api/openapi.json',
  tags: ['contract'],
  summary: 'This document',
  access: { auth: 'public' },
  responses: { 200: { description: 'The OpenAPI 3.1 document', body: z.looseObject({ openapi: z.string(), paths: z.looseObject({}) }) } },
});

/** Every feature's registry. A new feature adds its own here. */
export const REGISTRIES: OpenAPIRegistry[] = [
  openApiRegistry,
  healthRegistry,
  authRegistry,
  transactionsRegistry,
  casesRegistry,
  customersRegistry,
  complianceRegistry,
  overviewRegistry,
  analyticsRegistry,
  portfolioRegistry,
  streamRegistry,
  tazamaRegistry,
  operationsRegistry,
  ballerineRegistry,
  adminRegistry,
];

/** Named schemas that no route answers as JSON (each has its `.meta({ id })`), e.g. the stream's events. */
export const STANDALONE_SCHEMAS: z.ZodType[] = [...streamSchemas];

const DESCRIPTION = `Kinga's HTTP API: transaction ingestion, the analysts' case workbench, compliance
(history export, replay, audit reports), the risk register and the vendor webhooks.

Every error answers the one shape \`Error\` ({ error, message, field?, issues?, requestId? }); a 400
names the offending field. Users authenticate with the bearer token from POST /api/auth/login;
each operation's description names the roles allowed (also as \`x-kinga-roles\`). Send
X-Request-Id to correlate a request with its logs and workflow (and to make a retried decision
return the first outcome).`;

type OpenAPIObject = ReturnType<OpenApiGeneratorV31['generateDocument']>;

function generate(): OpenAPIObject {
  const generator = new OpenApiGeneratorV31([...REGISTRIES.flatMap((r) => r.definitions), ...STANDALONE_SCHEMAS.map((schema) => ({ type: 'schema' as const, schema }))]);
  const doc = generator.generateDocument({
    openapi: '3.1.0',
    info: { title: 'Kinga API', version: '1', description: DESCRIPTION },
    tags: [],
  });
  doc.components ??= {};
  doc.components.securitySchemes = {
    [SECURITY.bearer]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The session token from POST /api/auth/login' },
    [SECURITY.streamTicket]: { type: 'apiKey', in: 'query', name: 'ticket', description: 'A stream ticket from POST /api/stream/ticket' },
    [SECURITY.tazamaRelay]: { type: 'http', scheme: 'bearer', description: "Tazama relay-service's token (TAZAMA_RELAY_TOKEN)" },
    [SECURITY.ballerineSignature]: { type: 'apiKey', in: 'header', name: 'X-HMAC-Signature', description: 'HMAC-SHA256 of the raw body (BALLERINE_WEBHOOK_SECRET)' },
  };
  return doc;
}

let cached: OpenAPIObject | undefined;

/** The document; generated once per process (the registries are filled when the modules load). */
export function openApiDocument(): OpenAPIObject {
  cached ??= generate();
  return cached;
}
