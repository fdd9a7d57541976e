// A production-shaped Temporal on this machine, for `npm run bench:cluster` (tooling, not product
// code): the real Temporal server built from the Go module proxy, PostgreSQL persistence and SQL
// visibility, several history shards, and the frontend, history, matching and worker services each
// as a process of its own, all on 127.0.0.1. The dev server (`temporal server start-dev`) is one
// process with one shard, so it cannot show how Kinga scales.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTE_DEFINITIONS } from '../../workflows/lifecycle/definitions';
import { isPortOpen } from './ports';
import { registerSearchAttributes } from './searchAttributes';
import { waitUntilHealthy } from './temporalDevServer';

export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** Started in this order (history owns the shards; frontend is what clients and the worker service call). */
export const TEMPORAL_SERVICES = ['history', 'matching', 'frontend', 'worker'] as const;
export type TemporalService = (typeof TEMPORAL_SERVICES)[number];

const HOST = '127.0.0.1';
const GRPC_ALREADY_EXISTS = 6;

export interface TemporalServerBuild {
  /** `temporal-server` (cmd/server) */
  serverBin: string;
  /** `temporal-sql-tool` (cmd/tools/sql) */
  sqlToolBin: string;
  /** the module's source in the Go module cache: schemas and config templates */
  moduleDir: string;
  version: string;
  /** false when both binaries were already in the cache directory */
  built: boolean;
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, ...(opts.env ? { env: opts.env } : {}), maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 0 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr.trim().split('\n').slice(-30).join('\n')}`));
      else resolve(stdout);
    });
  });
}

/**
 * Builds temporal-server and temporal-sql-tool with `go install <pkg>@<version>` (sources from the
 * Go module proxy) into `<cacheDir>/<version>/bin`, unless they are there already, and finds the
 * module's source directory (schemas, config templates) with `go mod download -json`.
 */
export async function ensureTemporalServerBuilt(opts: {
  cacheDir: string;
  version?: string;
  /** the caller's environment (PATH, GOPATH, GOPROXY, GOFLAGS …) that `go` runs with */
  env: NodeJS.ProcessEnv;
  report?: (msg: string) => void;
}): Promise<TemporalServerBuild> {
  const version = opts.version ?? TEMPORAL_SERVER_VERSION;
  const report = opts.report ?? (() => undefined);
  const binDir = path.join(opts.cacheDir, version, 'bin');
  // go install names a binary after its package folder: cmd/server → server, cmd/tools/sql → sql
  const serverBin = path.join(binDir, 'server');
  const sqlToolBin = path.join(binDir, 'sql');
  try {
    await run('go', ['version'], { env: opts.env });
  } catch (err) {
    throw new Error(`the Temporal server is built with Go, and \`go version\` failed (${(err as Error).message.split('\n')[0]}); install Go ≥ 1.24 (go.temporal.io/server ${version} requires it)`);
  }
  // outside any module, so go.mod files of the caller do not matter; GOFLAGS from the caller kept
  const goEnv = { ...opts.env, GOBIN: binDir, GO111MODULE: 'on' };
  fs.mkdirSync(binDir, { recursive: true });
  const missing = [serverBin, sqlToolBin].filter((b) => !fs.existsSync(b));
  if (missing.length > 0) {
    report(`building the Temporal server ${version} and its SQL tool with go install (a few minutes, once; cached in ${binDir})`);
    const started = Date.now();
    // nice: the build uses every core; the rest of the machine stays usable
    await run('nice', ['-n', '10', 'go', 'install', `${TEMPORAL_SERVER_MODULE}/cmd/server@${version}`, `${TEMPORAL_SERVER_MODULE}/cmd/tools/sql@${version}`], {
      cwd: opts.cacheDir,
      env: goEnv,
      timeoutMs: 60 * 60_000,
    });
    report(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const info = JSON.parse(await run('go', ['mod', 'download', '-json', `${TEMPORAL_SERVER_MODULE}@${version}`], { cwd: opts.cacheDir, env: goEnv })) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${TEMPORAL_SERVER_MODULE}@${version} gave no source directory${info.Error ? `: ${info.Error}` : ''}`);
  return { serverBin, sqlToolBin, moduleDir: info.Dir, version, built: missing.length > 0 };
}

export interface TemporalClusterOptions {
  build: TemporalServerBuild;
  /** the PostgreSQL server Temporal keeps its state in (user with the right to create databases) */
  postgres: { host: string; port: number; user: string; password?: string };
  /** config files and service logs go here (the caller removes it) */
  workDir: string;
  historyShards: number;
  namespace: string;
  /** custom search attributes to register (default: Kinga's) */
  searchAttributes?: Record<string, string>;
  report?: (msg: string) => void;
  /** server log level (default warn) */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface TemporalServiceProcess {
  service: TemporalService;
  pid: number;
  grpcAddress: string;
  logFile: string;
}

export interface TemporalCluster {
  /** host:port of the frontend */
  address: string;
  namespace: string;
  historyShards: number;
  services: TemporalServiceProcess[];
  /** the last lines of every service's log */
  logTail(): string;
  /** stops the services (workers-side first, history last); SIGKILL after graceMs each */
  stop(graceMs?: number): Promise<void>;
}

const DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;

/** Creates the two databases and their schemas with temporal-sql-tool, from the module's versioned schema files. */
async function setupSchemas(o: TemporalClusterOptions): Promise<void> {
  const base = ['--plugin', 'postgres12', '--endpoint', o.postgres.host, '--port', String(o.postgres.port), '--user', o.postgres.user, '--password', o.postgres.password ?? ''];
  const schemaRoot = path.join(o.build.moduleDir, 'schema', 'postgresql', 'v12');
  for (const [folder, database] of [['temporal', DATABASES.temporal], ['visibility', DATABASES.visibility]] as const) {
    const versioned = path.join(schemaRoot, folder, 'versioned');
    if (!fs.existsSync(versioned)) throw new Error(`no schema directory ${versioned} in the module source`);
    const args = [...base, '--database', database];
    await run(o.build.sqlToolBin, [...args, 'create-database']);
    // version 0.0 creates the schema_version bookkeeping; update-schema then applies every step
    await run(o.build.sqlToolBin, [...args, 'setup-schema', '-v', '0.0']);
    await run(o.build.sqlToolBin, [...args, 'update-schema', '-d', versioned]);
  }
}

interface ServicePorts {
  grpc: number;
  membership: number;
  http?: number;
}

/**
 * The server config, in the shape of the module's config/development-postgres12.yaml: shared
 * settings in base.yaml, each service's own ports in <service>.yaml (the server merges base.yaml
 * and <env>.yaml; `--env <service>` picks the file), no metrics or pprof listeners (each would need
 * a port per process, and the benchmark reads CPU from /proc).
 */
function writeConfig(o: TemporalClusterOptions, ports: Record<TemporalService, ServicePorts>, configDir: string): void {
  fs.mkdirSync(path.join(configDir, 'dynamicconfig'), { recursive: true });
  const pg = (database: string, maxConns: number) => `      sql:
        pluginName: "postgres12"
        databaseName: "${database}"
        connectAddr: "${o.postgres.host}:${o.postgres.port}"
        connectProtocol: "tcp"
        user: "${o.postgres.user}"
        password: "${o.postgres.password ?? ''}"
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const services = TEMPORAL_SERVICES.map(
    (s) => `  ${s}:
    rpc:
      grpcPort: ${ports[s].grpc}
      membershipPort: ${ports[s].membership}
      bindOnIP: "${HOST}"${ports[s].http ? `\n      httpPort: ${ports[s].http}` : ''}`,
  ).join('\n');
  const frontend = `${HOST}:${ports.frontend.grpc}`;
  fs.writeFileSync(
    path.join(configDir, 'base.yaml'),
    `log:
  stdout: true
  level: ${o.logLevel ?? 'warn'}

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${o.historyShards}
  datastores:
    postgres-default:
${pg(DATABASES.temporal, 20)}
    postgres-visibility:
${pg(DATABASES.visibility, 4)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "${HOST}"

services:
${services}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "${frontend}"

dcRedirectionPolicy:
  policy: "noop"

publicClient:
  hostPort: "${frontend}"

dynamicConfigClient:
  filepath: "${path.join(configDir, 'dynamicconfig', 'cluster.yaml')}"
  pollInterval: "10s"
`,
  );
  // what the dev server also switches on: update-with-start (Kinga's real-time answer) and search
  // attributes visible as soon as they are added (otherwise a cache refresh later)
  fs.writeFileSync(
    path.join(configDir, 'dynamicconfig', 'cluster.yaml'),
    `frontend.enableExecuteMultiOperation:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
limit.maxIDLength:
  - value: 255
`,
  );
  // one env file per service: the server insists on finding <env>.yaml or base.yaml; these say
  // nothing more than base.yaml, and exist so a service's log names its role in the command line
  for (const s of TEMPORAL_SERVICES) fs.writeFileSync(path.join(configDir, `${s}.yaml`), `# ${s}: everything is in base.yaml\n`);
}

/**
 * Creates the Temporal databases, writes the config, starts the four services as separate
 * processes, registers the namespace and the search attributes, and resolves when the frontend
 * serves the namespace with every search attribute.
 */
export async function startTemporalCluster(o: TemporalClusterOptions): Promise<TemporalCluster> {
  const report = o.report ?? (() => undefined);
  const searchAttributes = o.searchAttributes ?? SEARCH_ATTRIBUTE_DEFINITIONS;
  report(`creating the ${DATABASES.temporal} and ${DATABASES.visibility} schemas with temporal-sql-tool`);
  await setupSchemas(o);

  const ports = {} as Record<TemporalService, ServicePorts>;
  for (const s of TEMPORAL_SERVICES) ports[s] = { grpc: await serverPort(), membership: await serverPort(), ...(s === 'frontend' ? { http: await serverPort() } : {}) };
  const configDir = path.join(o.workDir, 'temporal-config');
  writeConfig(o, ports, configDir);

  interface Running {
    info: TemporalServiceProcess;
    child: ChildProcess;
    exited: boolean;
    gone: Promise<void>;
    tail: string[];
  }
  const running: Running[] = [];
  const killOnExit = () => {
    for (const r of running) if (!r.exited) r.child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const startService = (service: TemporalService): Running => {
    const logFile = path.join(o.workDir, `temporal-${service}.log`);
    const log = fs.createWriteStream(logFile, { flags: 'a' });
    const child = spawn(o.build.serverBin, ['--root', o.workDir, '--config', 'temporal-config', '--env', service, '--allow-no-auth', 'start', '--service', service], {
      cwd: o.workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r: Running = {
      info: { service, pid: child.pid ?? -1, grpcAddress: `${HOST}:${ports[service].grpc}`, logFile },
      child,
      exited: false,
      gone: Promise.resolve(),
      tail: [],
    };
    const record = (chunk: Buffer) => {
      log.write(chunk);
      // a fatal log line carries a whole stack trace: its message is enough here (the file has all)
      r.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean).map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line)));
      if (r.tail.length > 60) r.tail.splice(0, r.tail.length - 60);
    };
    child.stdout!.on('data', record);
    child.stderr!.on('data', record);
    r.gone = new Promise<void>((resolve) => {
      child.once('exit', () => {
        r.exited = true;
        log.end();
        resolve();
      });
      child.once('error', (err) => {
        r.tail.push(String(err));
        r.exited = true;
        resolve();
      });
    });
    return r;
  };

  const logTail = () => running.map((r) => `--- ${r.info.service} (pid ${r.info.pid}${r.exited ? ', exited' : ''})\n${r.tail.slice(-15).join('\n')}`).join('\n');
  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 15_000) =>
    (stopping ??= (async () => {
      // the worker service and frontend first (nothing new arrives), history last (it owns the shards)
      for (const service of ['worker', 'frontend', 'matching', 'history'] as const) {
        const r = running.find((x) => x.info.service === service);
        if (!r || r.exited) continue;
        r.child.kill('SIGTERM');
        const timer = setTimeout(() => !r.exited && r.child.kill('SIGKILL'), graceMs);
        await r.gone;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
    })());

  const address = `${HOST}:${ports.frontend.grpc}`;
  try {
    const anyExited = () => {
      const r = running.find((x) => x.exited);
      return r ? `the ${r.info.service} service exited:\n${r.tail.slice(-20).join('\n')}` : undefined;
    };
    // history first, alone: the first service to start writes the cluster metadata, and services
    // started at the same moment race on that row (duplicate key, and the loser exits)
    running.push(startService('history'));
    await waitForPort(ports.history.grpc, 120_000, anyExited);
    for (const s of TEMPORAL_SERVICES) if (s !== 'history') running.push(startService(s));
    report(`services started (${running.map((r) => `${r.info.service} pid ${r.info.pid}`).join(', ')}); waiting for the frontend on ${address}`);
    await waitUntilHealthy({ address, namespace: 'temporal-system', searchAttributes: [], timeoutMs: 180_000, hasExited: anyExited });
    const connection = await Connection.connect({ address });
    try {
      await registerNamespace(connection, o.namespace);
      await registerSearchAttributes(connection, o.namespace, searchAttributes);
    } finally {
      await connection.close();
    }
    await waitUntilHealthy({ address, namespace: o.namespace, searchAttributes: Object.keys(searchAttributes), timeoutMs: 120_000, hasExited: anyExited });
  } catch (err) {
    const detail = logTail();
    await stop(3000);
    throw new Error(`the Temporal cluster did not come up: ${(err as Error).message}\n${detail}`);
  }
  return { address, namespace: o.namespace, historyShards: o.historyShards, services: running.map((r) => r.info), logTail, stop };
}

/** Resolves when something accepts connections on the loopback port; throws if `gone` reports a reason first. */
async function waitForPort(port: number, timeoutMs: number, gone: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = gone();
    if (reason) throw new Error(reason);
    if (await isPortOpen(port, HOST)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${HOST}:${port} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A free loopback port below 32768: the SQL persistence keeps a service's ports in the
 * cluster_membership table as SMALLINT, so the kernel's ephemeral ports (32768 and up, what
 * freePort's bind-to-0 hands out) make the service fail at start ("out of range for type smallint").
 */
async function serverPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free loopback port between 20000 and 32000');
}
const handedOut = new Set<number>();

/** Registers the namespace (what `temporal operator namespace create` does); an existing one is fine. */
async function registerNamespace(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  } catch (err) {
    if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
  }
}
