// The worker process's operational endpoints: /healthz and /readyz on its probe port, the Temporal
// SDK's own metrics on its metrics port, and readiness failing — naming the database — when its
// PostgreSQL goes away, while liveness stays up.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findPostgresBinaries, startThrowawayPostgres } from '../../scripts/lib/throwawayPostgres';
import { uniqueTaskQueue } from '../helpers';
import { eventually } from '../lifecycle/context';
import { parsePrometheusText } from './promText';
import { getJson, interceptorBundle, killAllWorkers, startWorkerProcess } from './workerProcess';

/** A PostgreSQL this test may stop: its own throwaway cluster, or (without server binaries) a cut-able TCP path to the harness's. */
interface StoppablePostgres {
  url: string;
  stop(): Promise<void>;
}

async function stoppablePostgres(): Promise<StoppablePostgres> {
  if (findPostgresBinaries()) {
    const cluster = await startThrowawayPostgres({ database: 'kinga_probe' });
    return { url: cluster.url, stop: () => cluster.stop() };
  }
  // Embedded harness: no server to stop, so the worker reaches it through a proxy that is cut.
  const target = new URL(inject('databaseUrl'));
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.port = String((proxy.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    stop: async () => {
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

let bundle: string;
let postgres: StoppablePostgres | undefined;

beforeAll(async () => {
  bundle = await interceptorBundle();
});

afterAll(async () => {
  await killAllWorkers();
  await postgres?.stop();
});

describe('the worker process probes', () => {
  it('is ready while PostgreSQL and Temporal answer; not ready, naming the database, once PostgreSQL is down; alive throughout', async () => {
    postgres = await stoppablePostgres();
    const worker = await startWorkerProcess({
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('ops-probes'),
      KINGA_WORKFLOW_BUNDLE: bundle,
    });
    expect(new URL(worker.healthUrl).hostname).toBe('127.0.0.1');

    expect(await getJson(`${worker.healthUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    // worker.run() starts just after the "worker started" line: ready once it polls
    const ready = await eventually(async () => {
      const res = await getJson(`${worker.healthUrl}/readyz`);
      return res.status === 200 ? res : undefined;
    }, 'the worker to be ready');
    expect(ready.body).toEqual({ status: 'ready', checks: { database: { ok: true }, temporal: { ok: true }, worker: { ok: true } } });

    // The SDK's own metrics, exported by the native runtime on the worker's metrics port.
    const sdk = await eventually(async () => {
      const res = await fetch(`${worker.metricsUrl}/metrics`);
      const text = await res.text();
      return res.status === 200 && text.includes('temporal_num_pollers') ? text : undefined;
    }, 'the SDK metrics');
    const metrics = parsePrometheusText(sdk);
    const taskQueue = worker.lines.find((l) => l.msg === 'worker started')!.taskQueue as string;
    expect(metrics.find('temporal_num_pollers', { task_queue: taskQueue }).length).toBeGreaterThan(0);

    await postgres.stop();
    const down = await getJson(`${worker.healthUrl}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.message).toMatch(/^not ready: database: /);
    expect(down.body.checks.database.ok).toBe(false);
    expect(down.body.checks.temporal).toEqual({ ok: true });
    expect(down.body.checks.worker).toEqual({ ok: true });
    expect((await getJson(`${worker.healthUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${worker.healthUrl}/nothing`)).status).toBe(404);

    // Nothing in flight: SIGTERM ends it cleanly even without its database.
    void worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: draining in-flight tasks', 'worker stopped']));
    expect(worker.stderr()).toBe('');
  });
});
