// How a route enters the API contract. Each feature's router.ts owns an OpenAPIRegistry and calls
// documentRoute() beside each `router.get/post/...`, with the same zod schemas it hands to
// validate(); api/openapi/document.ts merges the registries into the OpenAPI 3.1 document served
// at GET /api/openapi.json. test/api/openapi.test.ts walks the Express router stack and fails on a
// mounted route that no registry describes.
//
// To add a route: register it here-style in its router.ts (documentRoute(yourRegistry, {...})),
// and if the feature is new, add its registry to REGISTRIES in api/openapi/document.ts.
import { OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Role } from '../../workflows/lifecycle/definitions';
import { errorBody } from '../errors';

export { OpenAPIRegistry };

/** Security schemes, by the name the document uses. */
export const SECURITY = {
  /** the session token from POST /api/auth/login */
  bearer: 'bearerAuth',
  /** the shared token of Tazama's relay-service (TAZAMA_RELAY_TOKEN) */
  tazamaRelay: 'tazamaRelayToken',
  /** the HMAC-SHA256 of the raw body in X-HMAC-Signature (BALLERINE_WEBHOOK_SECRET) */
  ballerineSignature: 'ballerineSignature',
  /** a one-minute stream ticket (POST /api/stream/ticket) in ?ticket= */
  streamTicket: 'streamTicket',
} as const;

export type Access =
  | { auth: 'public' }
  /** a session token; `roles` lists who may call it ('any' = every signed-in role) */
  | { auth: 'bearer'; roles: readonly Role[] | 'any' }
  /** a session token, or a stream ticket in the query */
  | { auth: 'bearerOrTicket'; roles: 'any' }
  | { auth: 'tazamaRelay' }
  | { auth: 'ballerineSignature' };

export interface ResponseDoc {
  description: string;
  /** the JSON body (or, with `contentType`, the body of that type); default for 4xx/5xx: the error shape */
  body?: z.ZodType;
  /** default application/json */
  contentType?: string;
  /** further bodies by content type (e.g. the CSV form of a report) */
  alsoAs?: Record<string, z.ZodType>;
  headers?: Record<string, { description: string; schema?: { type: 'string' | 'integer' } }>;
}

/** The Retry-After header of a 503 answered while Temporal cannot be reached. */
export const RETRY_AFTER_SECONDS: ResponseDoc['headers'] = { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } };

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** the full path, Express style: /api/cases/:id/decision */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  access: Access;
  request?: {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    params?: z.ZodObject<any>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query?: z.ZodObject<any> | z.ZodPipe<z.ZodObject<any>, any>;
    body?: z.ZodType;
    /** default application/json */
    bodyContentType?: string;
    /** default true */
    bodyRequired?: boolean;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    headers?: z.ZodObject<any>;
  };
  responses: Record<number, ResponseDoc>;
}

/** `/api/cases/:id/decision` → `/api/cases/{id}/decision` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

const errorContent = { 'application/json': { schema: errorBody } };

function errorResponse(description: string): ResponseConfig {
  return { description, content: errorContent };
}

function accessText(access: Access): string {
  switch (access.auth) {
    case 'public':
      return 'No authentication.';
    case 'bearer':
      return access.roles === 'any' ? 'Bearer token; every role.' : `Bearer token; roles: ${access.roles.join(', ')}.`;
    case 'bearerOrTicket':
      return 'Bearer token, or a stream ticket in ?ticket= (for EventSource); every role.';
    case 'tazamaRelay':
      return "Bearer token of Tazama's relay-service (TAZAMA_RELAY_TOKEN), not a user session.";
    case 'ballerineSignature':
      return "Ballerine's X-HMAC-Signature over the raw body (BALLERINE_WEBHOOK_SECRET).";
  }
}

function security(access: Access): RouteConfig['security'] {
  switch (access.auth) {
    case 'public':
      return [];
    case 'bearer':
      return [{ [SECURITY.bearer]: [] }];
    case 'bearerOrTicket':
      return [{ [SECURITY.bearer]: [] }, { [SECURITY.streamTicket]: [] }];
    case 'tazamaRelay':
      return [{ [SECURITY.tazamaRelay]: [] }];
    case 'ballerineSignature':
      return [{ [SECURITY.ballerineSignature]: [] }];
  }
}

/**
 * Registers one route. Besides the route's own answers it adds those every route of its kind can
 * give, all in the one error shape (api/errors.ts): 400 when it validates input, 401/403 from the
 * auth middleware, 413 from the JSON body limit, 500 from the error handler.
 */
export function documentRoute(registry: OpenAPIRegistry, doc: RouteDoc): void {
  const responses: Record<string, ResponseConfig> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    // an error answer without a body of its own has the one error shape
    const body = r.body ?? (Number(status) >= 400 ? errorBody : undefined);
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(body
        ? {
            content: {
              [r.contentType ?? 'application/json']: { schema: body },
              ...Object.fromEntries(Object.entries(r.alsoAs ?? {}).map(([type, schema]) => [type, { schema }])),
            },
          }
        : {}),
    };
  }
  const add = (status: number, description: string) => {
    responses[String(status)] ??= errorResponse(description);
  };
  const req = doc.request ?? {};
  if (req.params || req.query || req.body || req.headers) add(400, 'The input is invalid; `field` names it.');
  if (doc.access.auth !== 'public') add(401, 'Not authenticated (missing, invalid, expired or revoked credentials).');
  if (doc.access.auth === 'bearer' && doc.access.roles !== 'any') add(403, `The caller's role may not do this (${doc.access.roles.join(', ')}).`);
  if (req.body) add(413, 'The body is too large.');
  add(500, 'Unexpected failure (logged with the request id).');

  const roles = doc.access.auth === 'bearer' || doc.access.auth === 'bearerOrTicket' ? doc.access.roles : undefined;
  const route: RouteConfig = {
    method: doc.method,
    path: openApiPath(doc.path),
    tags: doc.tags,
    summary: doc.summary,
    description: [doc.description, accessText(doc.access)].filter(Boolean).join('\n\n'),
    security: security(doc.access),
    ...(roles ? { 'x-kinga-roles': roles } : {}),
    request: {
      ...(req.params ? { params: req.params } : {}),
      ...(req.query ? { query: req.query as z.ZodObject } : {}),
      ...(req.headers ? { headers: req.headers } : {}),
      ...(req.body
        ? { body: { required: req.bodyRequired ?? true, content: { [req.bodyContentType ?? 'application/json']: { schema: req.body } } } }
        : {}),
    },
    responses,
  };
  registry.registerPath(route);
}

/** A new registry for one feature (its router.ts registers its routes in it). */
export function featureRegistry(): OpenAPIRegistry {
  return new OpenAPIRegistry();
}
