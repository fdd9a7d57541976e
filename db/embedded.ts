// The embedded PostgreSQL for a first run without a database install: PGlite (PostgreSQL compiled
// to WebAssembly, in this process) served on loopback by ./pgliteServer, so knex/pg in the worker
// and API processes connect to it as to any PostgreSQL server.
//
// Mind: PGlite is ONE session. The server shares it between client connections one protocol
// exchange at a time; while one connection is inside a transaction every other connection waits
// until that transaction ends. Code must therefore never wait on a second connection from inside
// a transaction — against PGlite that deadlocks (the wait never ends).
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteServer } from './pgliteServer';

export interface EmbeddedPostgresOptions {
  /** where the database files live; created when missing, reused (with its data) when present */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one when not given */
  port?: number;
  host?: string;
  /** client connections served at once (default 64: worker and API pools together) */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** postgres://… URL for pg/knex */
  url: string;
  port: number;
  /** the port asked for, when it was in use and a free one was taken instead */
  preferredPortInUse?: number;
  /** the PGlite instance itself (in this process) */
  pglite: PGlite;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const releaseLock = acquireLock(`${dataDir}.lock`, dataDir);

  let pglite: PGlite | undefined;
  let server: PgliteServer | undefined;
  let port: number;
  let preferredPortInUse: number | undefined;
  try {
    const db = (pglite = await PGlite.create({ dataDir }));
    // 0: the OS picks a free port
    const serve = (p: number) => new PgliteServer(db, { host, port: p, maxConnections: options.maxConnections ?? 64 });
    server = serve(options.port ?? 0);
    try {
      port = await server.start();
    } catch (err) {
      // The preferred port can be taken between the caller's check and this bind (another run
      // holds it): any free port serves as well; the caller says which one it got.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || !options.port) throw err;
      await server.stop().catch(() => undefined);
      server = serve(0);
      port = await server.start();
      preferredPortInUse = options.port;
    }
  } catch (err) {
    await server?.stop().catch(() => undefined);
    await pglite?.close().catch(() => undefined);
    releaseLock();
    throw new Error(`could not start the embedded PostgreSQL (PGlite) in ${dataDir}: ${(err as Error).message}`);
  }

  const url = `postgres://postgres:postgres@${host}:${port}/postgres`;
  fs.writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: process.pid, url }));

  let stopping: Promise<void> | undefined;
  const db = pglite;
  const srv = server;
  return {
    url,
    port,
    ...(preferredPortInUse !== undefined ? { preferredPortInUse } : {}),
    pglite: db,
    stop: () =>
      (stopping ??= (async () => {
        await srv.stop().catch(() => undefined);
        await db.close().catch(() => undefined);
        releaseLock();
      })()),
  };
}

/**
 * One process at a time may open a PGlite data directory (two would corrupt it). The lock file
 * beside the directory names the owner; a lock left by a dead process is taken over.
 */
function acquireLock(lockFile: string, dataDir: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid }), { flag: 'wx' });
      const release = () => {
        process.removeListener('exit', release);
        try {
          const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid?: number };
          if (owner.pid === process.pid) fs.rmSync(lockFile, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: { pid?: number; url?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
      } catch {
        // unreadable: treat as stale
      }
      if (owner.pid && isAlive(owner.pid)) {
        throw new Error(
          `the embedded PostgreSQL in ${dataDir} is already open in process ${owner.pid}${owner.url ? ` (${owner.url})` : ''}; ` +
            'stop that process (or its other server) first, or set DATABASE_URL to use a PostgreSQL server',
        );
      }
      fs.rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
