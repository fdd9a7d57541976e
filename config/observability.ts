// Operations settings: where the metrics and health endpoints listen, how long a worker drains on
// SIGTERM, how fresh the business metrics are. Validated once at start-up like the rest of the
// configuration (KingaConfig.observability).
import { z } from 'zod';
import { bool, duration } from './parse';
import { configSection, type Environment } from './section';

/**
 * A port to listen on. A port the operator set is strict: taken → start-up stops, naming the
 * variable. A default one gives way: taken (a second process on the machine, a demo running
 * beside the tests) → another free port, announced in the log.
 */
export interface ListenPort {
  port: number;
  /** set in the environment (true) or the default (false) */
  explicit: boolean;
}

export interface ObservabilityConfig {
  /** METRICS_ENABLED: false → no metrics listener in the API, no SDK exporter in the worker */
  metricsEnabled: boolean;
  /** interface of every metrics and worker-health listener; loopback unless an operator opens it */
  metricsHost: string;
  /** the API's own listener for GET /metrics (kept off the public API port); 0 = any free port */
  apiMetricsPort: ListenPort;
  /** the worker's Temporal SDK Prometheus exporter (core runtime telemetry) */
  workerMetricsPort: ListenPort;
  /** the worker's /healthz and /readyz; 0 = any free port */
  workerHealthPort: ListenPort;
  /** how long in-flight activities may run on after SIGTERM before they are cancelled */
  workerShutdownGraceMs: number;
  /** business gauges count what happened within this window (transactions scored, decisions, SLA misses) */
  businessWindowMs: number;
  /** business gauges are recomputed from PostgreSQL at most this often, however many scrapers ask */
  businessCacheMs: number;
}



const port = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .optional()
    .transform((v): ListenPort => (v === undefined ? { port: fallback, explicit: false } : { port: v, explicit: true }));


const schema = z.object({
  METRICS_ENABLED: bool(true),
  METRICS_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or IP address')
    .optional()
    .transform((v) => v ?? '127.0.0.1'),
  API_METRICS_PORT: port(9464),
  WORKER_METRICS_PORT: port(9465),
  WORKER_HEALTH_PORT: port(9466),
  WORKER_SHUTDOWN_GRACE: duration('30s', 0),
  METRICS_BUSINESS_WINDOW: duration('24h', 60_000),
  METRICS_BUSINESS_CACHE: duration('5s', 0),
});

export const observabilitySection = configSection({
  schema,
  // The SDK exporter binds inside the native runtime, which cannot report back a port it chose.
  check: (e) =>
    e.METRICS_ENABLED && e.WORKER_METRICS_PORT.port === 0 ? ['WORKER_METRICS_PORT: must be a fixed port (the SDK exporter cannot report a port it picked)'] : [],
  build: (e): ObservabilityConfig => ({
    metricsEnabled: e.METRICS_ENABLED,
    metricsHost: e.METRICS_HOST,
    apiMetricsPort: e.API_METRICS_PORT,
    workerMetricsPort: e.WORKER_METRICS_PORT,
    workerHealthPort: e.WORKER_HEALTH_PORT,
    workerShutdownGraceMs: e.WORKER_SHUTDOWN_GRACE,
    businessWindowMs: e.METRICS_BUSINESS_WINDOW,
    businessCacheMs: e.METRICS_BUSINESS_CACHE,
  }),
});

/** Every variable this file reads, for the README's configuration table. */
export const OBSERVABILITY_VARIABLES = observabilitySection.variables;

export const loadObservabilityConfig = (env: Environment): ObservabilityConfig => observabilitySection.load(env);
