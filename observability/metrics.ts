// The API's Prometheus registry: HTTP request rate, latency and errors by route, Node process
// metrics, and (given a database) the business series. Served on a listener of its own
// (METRICS_HOST:API_METRICS_PORT, loopback by default), never on the public API port.
import type { Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { registerBusinessMetrics, type BusinessMetrics } from './business';

export interface ApiMetrics {
  registry: Registry;
  /** records every request; mount it before the routers */
  httpMiddleware: RequestHandler;
  /** refused sign-ins by reason: invalid_credentials, locked_out, rate_limited */
  loginFailures: Counter<'reason'>;
  business?: BusinessMetrics;
}

export interface ApiMetricsOptions {
  /** business series from this database; omitted → none */
  business?: { db: Knex; windowMs: number; cacheMs: number; logger?: Logger };
  /** Node process metrics (CPU, memory, event loop, GC); default true */
  processMetrics?: boolean;
}

/** Label for a request that no route matched: one series, whatever scanners try. */
export const UNMATCHED_ROUTE = '(unmatched)';
/** Label for a request answered by middleware outside any router (static files of the UI). */
export const OTHER_ROUTE = '(other)';

/**
 * Follows a request through the routers: the route template that handled it
 * (`/api/cases/:id/decision`), never the raw URL, so ids and references do not multiply the
 * series. The router sets `req.baseUrl` and `req.route` on the way in and resets the base on the
 * way out (before an error handler answers), so both are observed as they are assigned. A request
 * refused before a route matched (say, by a router's auth middleware) is labelled with the
 * deepest mount path it reached and `/*`; a 404 that matched nothing is `(unmatched)`, and an
 * answer from middleware outside any router (the UI's static files) is `(other)`.
 */
function trackRoute(req: Request): (status: number) => string {
  let base: string = req.baseUrl ?? '';
  let deepest = '';
  let route: { path?: unknown } | undefined;
  let routeBase = '';
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => base,
    set: (value: string) => {
      base = value;
      if (value && value.length > deepest.length) deepest = value;
    },
  });
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: { path?: unknown } | undefined) => {
      route = value;
      routeBase = base;
    },
  });
  return (status) => {
    if (route && typeof route.path === 'string') {
      // a router's own root ('/' mounted at /api/transactions) is the mount path itself
      const full = `${routeBase}${route.path}`;
      return full.length > 1 && full.endsWith('/') ? full.slice(0, -1) : full || '/';
    }
    if (status === 404) return UNMATCHED_ROUTE;
    return deepest ? `${deepest}/*` : OTHER_ROUTE;
  };
}

export function createApiMetrics(options: ApiMetricsOptions = {}): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'kinga_http_requests_total', help: 'HTTP requests answered by the API, by method, route template and status', labelNames, registers: [registry] });
  const errors = new Counter({ name: 'kinga_http_request_errors_total', help: 'HTTP requests answered with a 4xx or 5xx status, by method, route template and status', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'kinga_http_request_duration_seconds',
    help: 'Time from a request arriving to its response finishing, by method, route template and status',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'kinga_http_requests_in_flight', help: 'HTTP requests being handled now', registers: [registry] });

  const httpMiddleware: RequestHandler = (req: Request, res: Response, next) => {
    const started = process.hrtime.bigint();
    const label = trackRoute(req);
    inFlight.inc();
    res.once('close', () => {
      inFlight.dec();
      const status = res.headersSent ? res.statusCode : 499; // 499: the client went away first
      const labels = { method: req.method, route: label(status), status: String(status) };
      requests.inc(labels);
      if (status >= 400) errors.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };

  const loginFailures = new Counter({
    name: 'kinga_login_failures_total',
    help: 'Refused sign-ins (POST /api/auth/login) by reason: invalid_credentials, locked_out, rate_limited',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  for (const reason of ['invalid_credentials', 'locked_out', 'rate_limited']) loginFailures.inc({ reason }, 0);

  const business = options.business ? registerBusinessMetrics(registry, options.business) : undefined;
  return { registry, httpMiddleware, loginFailures, ...(business ? { business } : {}) };
}
