// Builds the Express application. No listening, no process handling: server.ts does that, and the
// tests drive this app with supertest.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { authRouter } from './auth/router';
import { casesRouter } from './cases/router';
import type { ApiDeps } from './context';
import { errorHandler, notFoundHandler } from './errors';
import { healthRouter } from './health/router';
import { transactionsRouter } from './transactions/router';

export type AppDeps = ApiDeps;

/** An incoming X-Request-Id is honoured when it looks like an id (and cannot smuggle anything into logs). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const PROBES = new Set(['/healthz', '/readyz']);

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

export function createApp(deps: AppDeps): express.Application {
  const app = express();
  app.disable('x-powered-by');

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      autoLogging: { ignore: (req) => PROBES.has(req.url ?? '') },
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Method and URL only: headers carry bearer tokens.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(express.json({ limit: '2mb' })); // a batch of 500 transactions fits comfortably

  app.use(healthRouter(deps));
  app.use('/api/auth', authRouter(deps));
  app.use('/api/transactions', transactionsRouter(deps));
  app.use('/api/cases', casesRouter(deps));

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
