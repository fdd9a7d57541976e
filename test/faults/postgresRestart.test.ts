// PostgreSQL restarted under a steady load — the real server, stopped as `pg_ctl stop -m fast`
// does, down for a while, started again on the same port — while the API ingests, the worker
// (its own process) processes and analysts decide. Afterwards every accepted transaction has its
// correct end state: 0 lost, 0 duplicate cases, 0 decisions applied twice. Figures are printed.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedDemoUsers } from '../../api/users/service';
import { createDb, migrateLatest } from '../../db/connection';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/lib/throwawayPostgres';
import { createTestStack, type KingaTestStack } from '../lifecycle/context';
import { startTestApi, type TestApi } from '../helpers/api';
import { killAllWorkers, startWorkerProcess, type WorkerProcess } from '../ops/workerProcess';
import { expectEveryTransactionRight, formatTally, SteadyLoad, type LoadTarget } from './load';

let cluster: ThrowawayPostgres;
let stack: KingaTestStack;
let worker: WorkerProcess;
let testApi: TestApi | undefined;
const target: LoadTarget = { baseUrl: '', tokens: {} };

beforeAll(async () => {
  cluster = await startThrowawayPostgres({ database: 'kinga_pg_restart' });
  const migrator = createDb(cluster.url, 2);
  try {
    await migrateLatest(migrator);
    await seedDemoUsers(migrator);
  } finally {
    await migrator.destroy();
  }
  // the API's pool and Temporal client (the stack's in-process worker is not started)
  stack = await createTestStack({ DATABASE_URL: cluster.url, ANOMALY_ENABLED: 'false', TAZAMA_ENABLED: 'false', BALLERINE_ENABLED: 'false' });
  worker = await startWorkerProcess({
    DATABASE_URL: cluster.url,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    KINGA_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
  });
  // the deciders of the load signed in
  testApi = await startTestApi(stack, { users: ['amina', 'baraka'], tokens: target.tokens });
  target.baseUrl = testApi.baseUrl;
});

afterAll(async () => {
  await testApi?.close();
  await killAllWorkers();
  await stack?.close();
  await cluster?.stop();
});

describe('PostgreSQL restarted under load', () => {
  it('every accepted transaction ends right: 0 lost, 0 duplicate cases, 0 decisions applied twice', { timeout: 600_000 }, async () => {
    const load = new SteadyLoad(target, `PGR-${randomUUID().slice(0, 8)}`);
    load.startDeciding(stack.db);
    const count = 80;
    const intervalMs = 250; // 4 transactions a second
    const downMs = 8000;
    let downAt = 0;
    let upAt = 0;
    let restart: Promise<void> | undefined;
    await load.ingest(count, intervalMs, (i) => {
      // a third of the way in: stop the server, wait, start it again — while the load goes on
      if (i === Math.floor(count / 3)) {
        restart = (async () => {
          downAt = Date.now();
          await cluster.stopServer();
          await new Promise((r) => setTimeout(r, downMs));
          await cluster.startServer();
          upAt = Date.now();
        })();
      }
    });
    await restart;
    await load.retryRefused();
    await load.stopDeciding(stack.db);
    await load.settle(stack.client);
    const t = await load.tally(stack.db, stack.client);
    // the worker's own account of the outage: the warnings and errors it logged (failed attempts, retried)
    const failedAttempts = worker.lines.filter((l) => (l.level as number) >= 40).length;
    console.log(
      formatTally(
        'PostgreSQL restart',
        t,
        `PostgreSQL down ${((upAt - downAt) / 1000).toFixed(1)} s (stopped, ${downMs / 1000} s wait, started); ${failedAttempts} warnings/errors logged by the worker`,
      ),
    );

    expectEveryTransactionRight(t, count);
    // a request that met the outage was told to come back (503), not that the server is broken (500)
    expect(Object.keys(t.refusedAnswers).filter((status) => status !== '503' && status !== '0')).toEqual([]);
    expect(worker.child.exitCode).toBeNull(); // the worker rode it out; it was not restarted
  });
});
