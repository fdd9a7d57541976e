// A small HTTP listener for the operational endpoints (metrics, probes), kept apart from the API's
// Express app so it can bind another interface (loopback by default) and stay up while draining.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ConfigError } from '../config';
import type { ListenPort } from '../config/observability';

export interface OpsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type OpsRoutes = Record<string, (req: IncomingMessage) => Promise<{ status: number; contentType: string; body: string }>>;

export function jsonAnswer(status: number, body: unknown) {
  return { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

/** Serves GET (and HEAD) on the given paths; everything else is a JSON 404 or 405. */
export async function startOpsServer(host: string, port: number, routes: OpsRoutes, onError?: (err: unknown) => void): Promise<OpsServer> {
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = routes[path];
    const answer = !route
      ? Promise.resolve(jsonAnswer(404, { error: 'not_found', message: `no route for ${req.method} ${path}` }))
      : req.method !== 'GET' && req.method !== 'HEAD'
        ? Promise.resolve(jsonAnswer(405, { error: 'method_not_allowed', message: `${path} answers GET only` }))
        : route(req);
    answer
      .catch((err: unknown) => {
        onError?.(err);
        return jsonAnswer(500, { error: 'internal_error', message: 'internal error' });
      })
      .then(({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : body);
      })
      .catch(() => res.destroy());
  });
  // Scrapers and probes keep connections alive; they must not hold up a shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port: actual,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

function inUse(variable: string, host: string, port: number): ConfigError {
  return new ConfigError(`invalid configuration:\n  ${variable}: ${host}:${port} is in use; choose another port, or METRICS_ENABLED=false`);
}

/**
 * startOpsServer on a configured port: an explicit port that is taken stops start-up naming
 * `variable`; a default one gives way to a free port, with a warning that says which.
 */
export async function startOpsServerOn(
  host: string,
  listen: ListenPort,
  variable: string,
  routes: OpsRoutes,
  logger: Logger,
  onError?: (err: unknown) => void,
): Promise<OpsServer> {
  try {
    return await startOpsServer(host, listen.port, routes, onError);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
      throw new ConfigError(`invalid configuration:\n  ${variable}: cannot listen on ${host}:${listen.port} (${(err as Error).message})`);
    }
    if (listen.explicit) throw inUse(variable, host, listen.port);
    const server = await startOpsServer(host, 0, routes, onError);
    logger.warn({ variable, wanted: listen.port, url: server.url }, `${variable} default ${listen.port} is in use: listening on ${server.port} instead`);
    return server;
  }
}

function tryBind(host: string, port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(undefined));
    probe.listen({ host, port, exclusive: true }, () => {
      const bound = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(bound));
    });
  });
}

/**
 * A port for a listener that cannot report the port it picked (the SDK's native exporter): the
 * configured one when free; for a default that is taken, another free one (warned about).
 */
export async function availablePort(host: string, listen: ListenPort, variable: string, logger: Logger): Promise<number> {
  if ((await tryBind(host, listen.port)) !== undefined) return listen.port;
  if (listen.explicit) throw inUse(variable, host, listen.port);
  const free = await tryBind(host, 0);
  if (free === undefined) throw new ConfigError(`invalid configuration:\n  ${variable}: no free port on ${host}`);
  logger.warn({ variable, wanted: listen.port, port: free }, `${variable} default ${listen.port} is in use: using ${free} instead`);
  return free;
}
