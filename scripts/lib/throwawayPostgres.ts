// A throwaway PostgreSQL cluster for the tests and the benchmarks (tooling, not product code),
// made with the machine's own initdb/postgres: a temp directory, loopback only, durability
// switched off (fast), removed again by stop().
// PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user
// (created when missing).
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';

export interface PostgresBinaries {
  binDir: string;
  initdb: string;
  postgres: string;
}

export interface ThrowawayPostgres {
  /** URL of the database created in the cluster (user postgres, trust authentication) */
  url: string;
  /** URL of the cluster's `postgres` maintenance database */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** stops the server as `pg_ctl stop -m fast` does (clients are disconnected); the data stays */
  stopServer(): Promise<void>;
  /** starts the stopped server again, same port and data; resolves when it accepts connections */
  startServer(): Promise<void>;
  /** stops the server and removes its files */
  stop(): Promise<void>;
}

export interface ThrowawayPostgresOptions {
  /** name of the database to create (default kinga) */
  database?: string;
  port?: number;
  readyTimeoutMs?: number;
}

/** initdb and postgres from PATH or /usr/lib/postgresql/<newest>/bin, or undefined. */
export function findPostgresBinaries(): PostgresBinaries | undefined {
  const candidates: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  const debianRoot = '/usr/lib/postgresql';
  try {
    const versions = fs
      .readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(debianRoot, v, 'bin'));
  } catch {
    // not a Debian-style install
  }
  candidates.push('/usr/local/pgsql/bin', '/opt/homebrew/bin', '/usr/local/bin');
  for (const dir of candidates) {
    const initdb = path.join(dir, 'initdb');
    if (!isExecutable(initdb)) continue;
    // PATH may hold symlinks (e.g. /usr/local/bin/initdb → /usr/lib/postgresql/15/bin/initdb):
    // use the real directory so initdb and postgres come from the same installation.
    const binDir = path.dirname(fs.realpathSync(initdb));
    const postgres = path.join(binDir, 'postgres');
    if (isExecutable(postgres)) return { binDir, initdb: path.join(binDir, 'initdb'), postgres };
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root: the postgres system user (created when missing). Otherwise: ourselves. */
function postgresUser(): RunAs {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  const lookup = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`running as root, PostgreSQL needs a 'postgres' user and useradd failed: ${(err as Error).message}`);
  }
  const created = lookup();
  if (!created) throw new Error("could not create the 'postgres' system user");
  return created;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const bins = findPostgresBinaries();
  if (!bins) throw new Error('no PostgreSQL server binaries (initdb, postgres) on PATH or in /usr/lib/postgresql/*/bin');
  const runAs = postgresUser();
  const database = options.database ?? 'kinga';

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-pg-'));
  const dataDir = path.join(root, 'data');
  const socketDir = path.join(root, 'sock');
  fs.mkdirSync(socketDir);
  if (runAs.uid !== undefined) {
    fs.chmodSync(root, 0o755);
    fs.chownSync(root, runAs.uid, runAs.gid!);
    fs.chownSync(socketDir, runAs.uid, runAs.gid!);
  }
  const removeRoot = () => fs.rmSync(root, { recursive: true, force: true });

  const childEnv = { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: root };
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        bins.initdb,
        ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
        { ...runAs, env: childEnv, cwd: root },
        (err, stdout, stderr) => (err ? reject(new Error(`initdb failed: ${err.message}\n${stdout}${stderr}`)) : resolve()),
      );
    });
  } catch (err) {
    removeRoot();
    throw err;
  }

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freeLoopbackPort());
    try {
      return await launch({ bins, runAs, root, dataDir, socketDir, port, database, childEnv, readyTimeoutMs: options.readyTimeoutMs ?? 30_000 });
    } catch (err) {
      lastError = err as Error;
      // a port taken between our check and postgres' bind is worth another try; other errors not
      if (options.port !== undefined || !/could not (bind|create listen)|address already in use/i.test(lastError.message)) break;
    }
  }
  removeRoot();
  throw lastError;
}

interface LaunchArgs {
  bins: PostgresBinaries;
  runAs: RunAs;
  root: string;
  dataDir: string;
  socketDir: string;
  port: number;
  database: string;
  childEnv: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
}

async function launch(a: LaunchArgs): Promise<ThrowawayPostgres> {
  const args = [
    '-D', a.dataDir,
    '-k', a.socketDir,
    '-h', '127.0.0.1',
    '-p', String(a.port),
    '-F',
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'max_connections=200',
    '-c', 'log_min_messages=warning',
  ];
  const output: string[] = [];
  const record = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.shift();
  };
  interface Postmaster {
    child: ChildProcess;
    exited: boolean;
    exitPromise: Promise<void>;
  }
  const spawnPostmaster = (): Postmaster => {
    const child: ChildProcess = spawn(a.bins.postgres, args, { ...a.runAs, env: a.childEnv, cwd: a.root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', record);
    child.stderr?.on('data', record);
    const pm: Postmaster = { child, exited: false, exitPromise: Promise.resolve() };
    pm.exitPromise = new Promise<void>((resolve) => {
      child.once('exit', () => {
        pm.exited = true;
        resolve();
      });
      child.once('error', (err) => {
        output.push(String(err));
        pm.exited = true;
        resolve();
      });
    });
    return pm;
  };
  let current = spawnPostmaster();
  const killOnExit = () => {
    if (!current.exited) current.child.kill('SIGKILL');
    fs.rmSync(a.root, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const adminUrl = `postgres://postgres@127.0.0.1:${a.port}/postgres`;
  const url = `postgres://postgres@127.0.0.1:${a.port}/${a.database}`;

  /** What `pg_ctl stop -m fast` does: SIGINT to the postmaster (roll back, disconnect clients). */
  const stopPostmaster = async () => {
    const pm = current;
    if (pm.exited) return;
    pm.child.kill('SIGINT');
    const timer = setTimeout(() => !pm.exited && pm.child.kill('SIGKILL'), 10_000);
    await pm.exitPromise;
    clearTimeout(timer);
  };
  const shutdown = async (removeFiles: boolean) => {
    await stopPostmaster();
    process.removeListener('exit', killOnExit);
    if (removeFiles) fs.rmSync(a.root, { recursive: true, force: true });
  };

  /** Waits until the postmaster accepts connections, then runs `ready` (once) on a connection. */
  const waitUntilReady = async (ready: (client: pg.Client) => Promise<void>) => {
    const deadline = Date.now() + a.readyTimeoutMs;
    let lastError = 'not tried';
    for (;;) {
      if (current.exited) throw new Error(`postgres exited during start-up: ${output.join('').trim().slice(-2000)}`);
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
      try {
        await client.connect();
        await ready(client);
        await client.end();
        return;
      } catch (err) {
        lastError = (err as Error).message;
        await client.end().catch(() => undefined);
      }
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${a.readyTimeoutMs} ms (${lastError}): ${output.join('').trim().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  try {
    await waitUntilReady(async (client) => {
      await client.query(`CREATE DATABASE "${a.database}"`);
    });
  } catch (err) {
    await shutdown(false);
    throw err;
  }

  const stopServer = async () => {
    await stopPostmaster();
  };
  const startServer = async () => {
    if (!current.exited) return;
    current = spawnPostmaster();
    try {
      await waitUntilReady(async () => undefined);
    } catch (err) {
      await stopPostmaster();
      throw err;
    }
  };

  let stopping: Promise<void> | undefined;
  return { url, adminUrl, port: a.port, dataDir: a.dataDir, stopServer, startServer, stop: () => (stopping ??= shutdown(true)) };
}
