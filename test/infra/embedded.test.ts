// The embedded PostgreSQL (PGlite behind db/pgliteServer) that `npm start` uses when DATABASE_URL is
// unset: several client pools at once (worker + API), migrations, data kept across restarts.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateLatest, type Db } from '../../db/connection';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../db/embedded';
import { migrationSource } from '../../migrations';

describe('embedded PostgreSQL (PGlite)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-embedded-test-'));
  const dataDir = path.join(dir, 'pgdata');
  let server: EmbeddedPostgres;
  let worker: Db;
  let api: Db;

  beforeAll(async () => {
    server = await startEmbeddedPostgres({ dataDir });
    worker = createDb(server.url, 4);
    api = createDb(server.url, 4);
  });
  afterAll(async () => {
    await worker?.destroy();
    await api?.destroy();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs the migrations', async () => {
    const applied = await migrateLatest(worker);
    expect(applied).toEqual(await migrationSource.getMigrations([]));
  });

  it('serves two pools concurrently', async () => {
    const queries = Array.from({ length: 12 }, (_, i) =>
      (i % 2 ? worker : api).raw<{ rows: { i: number }[] }>('select pg_sleep(0.02), ?::int as i', [i]).then((r) => r.rows[0]!.i),
    );
    expect(await Promise.all(queries)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('never mixes the protocol messages of concurrent parameterised queries', async () => {
    // Queries with different numbers of parameters, in flight at once on several connections:
    // a server that shares the session message by message binds one query's values to another's.
    const queries = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0
        ? worker.raw<{ rows: { s: number }[] }>('select ?::int + ?::int as s', [i, 1]).then((r) => r.rows[0]!.s)
        : i % 3 === 1
          ? api.raw<{ rows: { s: number }[] }>('select ?::int + ?::int + ?::int + ?::int + ?::int as s', [i, 1, 0, 0, 0]).then((r) => r.rows[0]!.s)
          : worker('users').where({ username: `nobody-${i}` }).first('id').then(() => i + 1),
    );
    expect(await Promise.all(queries)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('makes another connection wait while one is inside a transaction, then serves it', async () => {
    const order: string[] = [];
    const trx = await worker.transaction();
    await trx('extraction_watermarks').select().limit(1);
    const waiting = api.raw('select 1 as one').then(() => order.push('api query'));
    await new Promise((r) => setTimeout(r, 150));
    order.push('commit');
    await trx.commit();
    await waiting;
    expect(order).toEqual(['commit', 'api query']);
  });

  it('keeps its data across a restart and refuses a second owner', async () => {
    await worker('users').insert({ username: 'embedded-test', password_hash: 'x', role: 'admin', display_name: 'Embedded Test' });
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(/already open in process/);

    await worker.destroy();
    await api.destroy();
    await server.stop();
    server = await startEmbeddedPostgres({ dataDir });
    worker = createDb(server.url, 2);
    api = createDb(server.url, 2);
    const row = await api('users').where({ username: 'embedded-test' }).first('role');
    expect(row?.role).toBe('admin');
    expect(await migrateLatest(worker)).toEqual([]);
  });
});

describe('embedded PostgreSQL on a preferred port that another run holds', () => {
  it('falls back to a free port, says which it wanted, and serves there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-embedded-port-'));
    // another run's server on the port `npm start` prefers for PGlite
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const taken = (holder.address() as net.AddressInfo).port;
    let pg: EmbeddedPostgres | undefined;
    let db: Db | undefined;
    try {
      pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata'), port: taken });
      expect(pg.preferredPortInUse).toBe(taken);
      expect(pg.port).not.toBe(taken);
      db = createDb(pg.url, 1);
      expect((await db.raw<{ rows: { one: number }[] }>('select 1 as one')).rows[0]!.one).toBe(1);
    } finally {
      await db?.destroy();
      await pg?.stop();
      await new Promise((r) => holder.close(r));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
