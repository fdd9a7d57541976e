// Starts `temporal server start-dev` on loopback with Kinga's custom search attributes and waits
// until it really serves (gRPC up, namespace present, search attributes registered). Used by the
// demo (`npm start`, with --db-filename so history survives restarts) and by the test harness.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../workflows/lifecycle/definitions';
import { freePort } from './ports';

export interface TemporalDevServerOptions {
  /** the Temporal CLI binary (see scripts/temporal-cli.sh / resolveTemporalCli) */
  cliPath: string;
  /** SQLite file that keeps workflow history across restarts; in-memory when not given */
  dbFilename?: string;
  /** frontend gRPC port; a free one when not given */
  port?: number;
  /** Temporal Web port; a free one when not given */
  uiPort?: number;
  /** no Temporal Web at all (the tests do not need it) */
  headless?: boolean;
  namespace?: string;
  /** append the server's output to this file as well */
  logFile?: string;
  /** server log level (default warn) */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** how long to wait for the server to be healthy (default 60 s) */
  readyTimeoutMs?: number;
  /** search attributes to register (default: Kinga's SEARCH_ATTRIBUTE_DEFINITIONS) */
  searchAttributes?: Record<string, string>;
  /**
   * a process group of its own, so a terminal's Ctrl+C reaches only our process, which stops the
   * server after the processes that use it (`npm start`); stop() then signals the whole group
   */
  ownProcessGroup?: boolean;
}

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service */
  address: string;
  namespace: string;
  /** Temporal Web, or '' when headless */
  uiUrl: string;
  pid: number;
  /** the last lines the server printed */
  logTail(): string;
  /** SIGTERM, then SIGKILL after a grace period (default 10 s); resolves when the process is gone */
  stop(graceMs?: number): Promise<void>;
}

const HOST = '127.0.0.1';
const TAIL_LINES = 200;

export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const namespace = options.namespace ?? 'default';
  const searchAttributes = options.searchAttributes ?? SEARCH_ATTRIBUTE_DEFINITIONS;
  const port = options.port ?? (await freePort(HOST));
  const uiPort = options.headless ? 0 : (options.uiPort ?? (await freePort(HOST)));
  const httpPort = await freePort(HOST);
  const metricsPort = await freePort(HOST);

  const args = [
    'server', 'start-dev',
    '--ip', HOST,
    '--port', String(port),
    '--http-port', String(httpPort),
    '--metrics-port', String(metricsPort),
    '--log-level', options.logLevel ?? 'warn',
  ];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-disable-news-fetch');
  // "default" always exists; naming it again is harmless, other namespaces are created here.
  args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  if (options.dbFilename) {
    fs.mkdirSync(path.dirname(path.resolve(options.dbFilename)), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }

  const tail: string[] = [];
  const logStream = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const record = (chunk: Buffer) => {
    logStream?.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  const logTail = () => tail.slice(-40).join('\n');

  const child: ChildProcess = spawn(options.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup === true });
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (options.ownProcessGroup && child.pid !== undefined) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);

  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      exited ??= { code: null, signal: null };
      resolve();
    });
  });
  // If our process dies without calling stop(), take the server with us.
  const killOnExit = () => {
    if (!exited) signal('SIGKILL');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        signal('SIGTERM');
        const timer = setTimeout(() => {
          if (!exited) signal('SIGKILL');
        }, graceMs);
        await exitPromise;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
      await new Promise<void>((resolve) => (logStream ? logStream.end(resolve) : resolve()));
    })();
    return stopping;
  };

  const address = `${HOST}:${port}`;
  try {
    await waitUntilHealthy({
      address,
      namespace,
      searchAttributes: Object.keys(searchAttributes),
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      hasExited: () => (exited ? `the server exited (code ${exited.code}, signal ${exited.signal})${spawnError ? `: ${spawnError.message}` : ''}` : undefined),
      exited: exitPromise,
    });
  } catch (err) {
    await stop(2000);
    const detail = `${(err as Error).message}\n  command: ${options.cliPath} ${args.join(' ')}\n  server output (last lines):\n${logTail().replace(/^/gm, '    ') || '    (nothing)'}`;
    throw new Error(`Temporal dev server did not become healthy on ${address}: ${detail}`);
  }

  return {
    address,
    namespace,
    uiUrl: options.headless ? '' : `http://${HOST}:${uiPort}`,
    pid: child.pid ?? -1,
    logTail,
    stop: (graceMs?: number) => stop(graceMs),
  };
}

interface HealthOptions {
  address: string;
  namespace: string;
  searchAttributes: string[];
  timeoutMs: number;
  /** a reason when the server process is gone, so the wait stops early */
  hasExited?: () => string | undefined;
  /** resolves when the server process is gone: cuts a pending attempt short */
  exited?: Promise<void>;
}

/**
 * Polls a Temporal frontend until it answers GetSystemInfo, knows the namespace and has every
 * named custom search attribute. Throws with the last failure after timeoutMs.
 */
export async function waitUntilHealthy(opts: HealthOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = 'not tried';
  while (Date.now() < deadline) {
    const gone = opts.hasExited?.();
    if (gone) throw new Error(gone);
    // one attempt opens and always closes its own connection, also when the race below is lost
    const attempt = async (): Promise<string | undefined> => {
      const c = await Connection.connect({ address: opts.address, connectTimeout: 2000 });
      try {
        await c.withDeadline(Date.now() + 5000, () => c.workflowService.getSystemInfo({}));
        await c.withDeadline(Date.now() + 5000, () => c.workflowService.describeNamespace({ namespace: opts.namespace }));
        if (opts.searchAttributes.length === 0) return undefined;
        const missing = await missingSearchAttributes(c, opts.namespace, opts.searchAttributes);
        return missing.length === 0 ? undefined : `search attributes not registered yet: ${missing.join(', ')}`;
      } finally {
        await c.close().catch(() => undefined);
      }
    };
    try {
      const problem = await (opts.exited ? Promise.race([attempt(), opts.exited.then(() => 'the server exited')]) : attempt());
      if (problem === undefined) return;
      lastError = problem;
    } catch (err) {
      lastError = (err as Error).message;
    }
    await Promise.race([new Promise((r) => setTimeout(r, 250)), opts.exited ?? new Promise(() => undefined)]);
  }
  throw new Error(`gave up after ${Math.round(opts.timeoutMs / 1000)} s; last error: ${lastError}`);
}

/** Names from `expected` that the namespace does not have as custom search attributes. */
export async function missingSearchAttributes(connection: Connection, namespace: string, expected: string[]): Promise<string[]> {
  const res = await connection.withDeadline(Date.now() + 5000, () => connection.operatorService.listSearchAttributes({ namespace }));
  const present = new Set(Object.keys(res.customAttributes ?? {}));
  return expected.filter((name) => !present.has(name));
}
