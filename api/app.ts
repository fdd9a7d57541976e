// Builds the Express application. No listening, no process handling: server.ts does that, and the
// tests drive this app with supertest.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import express from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { adminUsersRouter } from './admin/router';
import { analyticsRouter, riskRegisterRouter } from './analytics/router';
import { authRouter } from './auth/router';
import { customersRouter } from './cases/customers';
import { casesRouter } from './cases/router';
import { complianceRouter } from './compliance/router';
import { REQUEST_ID_PATTERN, type ApiDeps } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { refuseControlCharacters } from './middleware/controlCharacters';
import { healthRouter } from './health/router';
import { openApiRouter } from './openapi/router';
import type { ApiMetrics } from '../observability/metrics';
import { tazamaRouter } from './integrations/tazama/router';
import { ballerineWebhookRouter } from './integrations/ballerine/router';
import { operationsRouter } from './operations/router';
import { overviewRouter, systemRouter } from './overview/router';
import { portfolioRunsRouter } from './portfolio/router';
import { resolveUiServing, uiRouter } from './static';
import { streamRouter } from './stream/router';
import { transactionsRouter } from './transactions/router';

/** `metrics` given → every request is counted and timed (server.ts serves them on the metrics port). */
export type AppDeps = ApiDeps & { metrics?: ApiMetrics };

const PROBES = new Set(['/healthz', '/readyz']);

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * Security headers for the API and the UI it serves: the UI is one bundle from this origin (no
 * inline scripts); Vue's style bindings need inline styles; the favicon is a data: URL. No
 * upgrade-insecure-requests: a plain-HTTP installation (127.0.0.1) must keep loading its assets.
 */
function securityHeaders(): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    frameguard: { action: 'deny' },
  });
}

/**
 * CORS: same origin only unless CORS_ALLOWED_ORIGINS names others. Bearer tokens travel in a
 * header, never in cookies, so no credentials mode is needed.
 */
function corsPolicy(allowed: readonly string[]): express.RequestHandler {
  const origins = new Set(allowed);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && origins.has(origin)),
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'Last-Event-ID'],
    exposedHeaders: ['X-Request-Id', 'Retry-After', 'Location', 'X-Truncated', 'X-Workflow-Id'],
    maxAge: 600,
  });
}

export function createApp(deps: AppDeps): express.Application {
  const app = express();
  app.disable('x-powered-by');
  // Behind a load balancer the client's address (rate limiting, logs) comes from X-Forwarded-For.
  if (deps.config.api.trustProxy > 0) app.set('trust proxy', deps.config.api.trustProxy);

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      // the same field name the worker's workflow and activity lines use, for one grep across processes
      customProps: (req) => ({ requestId: req.id }),
      autoLogging: { ignore: (req) => PROBES.has(req.url ?? '') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Method and URL only: headers carry bearer tokens.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  if (deps.metrics) app.use(deps.metrics.httpMiddleware);
  app.use(securityHeaders());
  app.use(corsPolicy(deps.config.api.corsAllowedOrigins));
  // Before express.json(): Ballerine's webhook signature is checked over the raw body.
  app.use('/api/integrations/ballerine', ballerineWebhookRouter(deps));
  app.use(express.json({ limit: '2mb' })); // a batch of 500 transactions fits comfortably
  app.use(refuseControlCharacters());

  app.use(healthRouter(deps));
  app.use(openApiRouter());
  app.use('/api/auth', authRouter({ ...deps, ...(deps.metrics ? { loginFailures: deps.metrics.loginFailures } : {}) }));
  app.use('/api/transactions', transactionsRouter(deps));
  app.use('/api/cases', casesRouter(deps));
  app.use('/api/compliance', complianceRouter(deps));
  app.use('/api/integrations/tazama', tazamaRouter(deps));
  app.use('/api/customers', customersRouter(deps));
  app.use('/api/overview', overviewRouter(deps));
  app.use('/api/analytics', analyticsRouter(deps));
  app.use('/api/risk/portfolio-runs', portfolioRunsRouter(deps)); // before /api/risk, whose role check covers every path under it
  app.use('/api/risk', riskRegisterRouter(deps));
  app.use('/api/system', systemRouter(deps));
  app.use('/api/admin', adminUsersRouter(deps));
  app.use('/api/operations', operationsRouter(deps));
  const stream = streamRouter(deps);
  app.locals.streamHub = stream.hub; // server.ts closes it on shutdown, ending open streams
  app.use('/api/stream', stream.router);
  app.use(uiRouter(resolveUiServing(deps.config)));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
