// The API process: one knex pool and one Temporal client, an HTTP server, a clean shutdown.
// `npm run api` runs this file; the demo orchestrator and the tests call startApi() in-process.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type KingaConfig } from '../config';
import { createLogger } from '../observability/logger';
import { createDb } from '../db/connection';
import type { ObservabilityConfig } from '../config/observability';
import { createApiMetrics } from '../observability/metrics';
import type { StreamHub } from './stream/hub';
import { startOpsServerOn, type OpsServer } from '../observability/httpServer';
import { connectTemporal, describeTemporalConnection } from '../temporal/connection';
import { prepareReplay } from '../compliance/replay';
import { createApp } from './app';

export interface StartApiOverrides {
  /** use this pool instead of connecting to config.database.url (it is not closed by close()) */
  db?: Knex;
  /** use this client instead of connecting to config.temporal.address (not closed by close()) */
  temporal?: Client;
  logger?: Logger;
  jwtSecret?: string;
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** how long close() lets in-flight requests finish before cutting connections */
  shutdownGraceMs?: number;
  /** the metrics listener: where it listens (defaults: METRICS_HOST, API_METRICS_PORT), or false for none */
  metrics?: { host?: string; port?: number } | false;
  /** operations settings; default: config.observability */
  observability?: ObservabilityConfig;
  /** bundle the workflow code for compliance replays at start-up (default true) */
  prepareReplay?: boolean;
}

export interface RunningApi {
  url: string;
  /** GET <metricsUrl>/metrics: Prometheus text; undefined when metrics are off */
  metricsUrl?: string;
  close(): Promise<void>;
}

const MIN_SECRET_LENGTH = 32;

/**
 * JWT_SECRET when set (required in production). Otherwise a secret generated once and kept in
 * `<dataDir>/jwt-secret` (mode 0600), so sessions survive an API restart.
 */
export async function resolveJwtSecret(config: KingaConfig, logger: Logger): Promise<string> {
  if (config.api.jwtSecret) return config.api.jwtSecret;
  if (config.env === 'production') {
    throw new ConfigError('invalid configuration:\n  JWT_SECRET: is required when NODE_ENV=production (at least 32 characters)');
  }
  const file = path.resolve(config.dataDir, 'jwt-secret');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= MIN_SECRET_LENGTH) return stored;
    throw new ConfigError(`invalid configuration:\n  ${file}: holds a JWT secret shorter than ${MIN_SECRET_LENGTH} characters; delete it to generate a new one`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (a second API) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await readFile(file, 'utf8')).trim();
    throw err;
  }
  logger.info({ file }, 'JWT_SECRET is not set: generated a signing secret and stored it (mode 0600) so sessions survive restarts');
  return secret;
}

export async function startApi(config: KingaConfig, overrides: StartApiOverrides = {}): Promise<RunningApi> {
  const logger = overrides.logger ?? createLogger(config, 'api');
  const jwtSecret = overrides.jwtSecret ?? (await resolveJwtSecret(config, logger));

  if (!overrides.db && !config.database.url) throw new ConfigError('invalid configuration:\n  DATABASE_URL: is required to run the API');
  if (!overrides.temporal && !config.temporal.address) throw new ConfigError('invalid configuration:\n  TEMPORAL_ADDRESS: is required to run the API');

  const db = overrides.db ?? createDb(config.database.url!, config.database.poolMax);
  let connection: Connection | undefined;
  let temporal: Client;
  try {
    if (overrides.temporal) {
      temporal = overrides.temporal;
    } else {
      connection = await connectTemporal(config.temporal.address!, config.temporal.connection);
      temporal = new Client({ connection, namespace: config.temporal.namespace });
      logger.info({ address: config.temporal.address, ...describeTemporalConnection(config.temporal.connection) }, 'connected to Temporal');
    }
  } catch (err) {
    if (!overrides.db) await db.destroy();
    throw err;
  }

  const observability = overrides.observability ?? config.observability;
  const metricsOn = overrides.metrics !== false && observability.metricsEnabled;
  const metrics = metricsOn
    ? createApiMetrics({ business: { db, windowMs: observability.businessWindowMs, cacheMs: observability.businessCacheMs, logger } })
    : undefined;
  const app = createApp({ db, temporal, config, logger, jwtSecret, ...(metrics ? { metrics } : {}) });
  const host = overrides.host ?? config.api.host;
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(overrides.port ?? config.api.port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
  } catch (err) {
    await connection?.close();
    if (!overrides.db) await db.destroy();
    throw err;
  }

  // Metrics on their own listener (loopback by default): the API port may face the internet.
  let metricsServer: OpsServer | undefined;
  if (metrics) {
    const wanted = overrides.metrics || {};
    const metricsHost = wanted.host ?? observability.metricsHost;
    // a port given by the caller is as strict as one set in the environment
    const metricsPort = wanted.port !== undefined ? { port: wanted.port, explicit: true } : observability.apiMetricsPort;
    try {
      metricsServer = await startOpsServerOn(
        metricsHost,
        metricsPort,
        'API_METRICS_PORT',
        { '/metrics': async () => ({ status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }) },
        logger,
        (err) => logger.error({ err }, 'metrics scrape failed'),
      );
    } catch (err) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection?.close();
      if (!overrides.db) await db.destroy();
      throw err;
    }
    logger.info({ url: `${metricsServer.url}/metrics` }, 'metrics listening');
  }

  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue }, 'API listening');

  // The replay bundle is built now, in the background: the first compliance replay then costs no
  // more than the next (a replay that comes earlier waits for this same build).
  if (overrides.prepareReplay !== false) {
    const t0 = Date.now();
    void prepareReplay({ workflowBundlePath: config.temporal.workflowBundle }).then(
      () => logger.info({ ms: Date.now() - t0, workflowBundle: config.temporal.workflowBundle ?? '(bundled from source)' }, 'compliance replay ready'),
      (err: unknown) => logger.warn({ err }, 'preparing compliance replays failed; the first replay will try again'),
    );
  }

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop accepting; requests in flight finish; idle keep-alive sockets go now, busy ones at the deadline.
      const force = setTimeout(() => server.closeAllConnections(), overrides.shutdownGraceMs ?? 10_000);
      force.unref();
      // A keep-alive socket whose request finishes during shutdown would otherwise linger until
      // its keep-alive timeout: close sockets as soon as they fall idle.
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      // Open event streams never finish by themselves: end them first.
      await (app.locals.streamHub as StreamHub | undefined)?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      clearInterval(sweep);
      clearTimeout(force);
      await metricsServer?.close();
      await connection?.close();
      if (!overrides.db) await db.destroy();
      logger.info('API stopped');
    })());

  return { url, ...(metricsServer ? { metricsUrl: metricsServer.url } : {}), close };
}

async function main(): Promise<void> {
  let config: KingaConfig;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const logger = createLogger(config, 'api');
  let api: RunningApi;
  try {
    api = await startApi(config, { logger });
  } catch (err) {
    if (err instanceof ConfigError) logger.fatal(err.message);
    else logger.fatal({ err }, 'the API could not start');
    process.exit(1);
  }
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  void main();
}
