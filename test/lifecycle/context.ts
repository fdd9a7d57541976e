// A Kinga stack for one test file: its own task queue on the shared Temporal server, an in-process
// worker running the real activities against the real PostgreSQL, and a Temporal client.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { inject } from 'vitest';
import { loadConfig, type KingaConfig } from '../../config';
import { createDb, type Db } from '../../db/connection';
import { createActivities } from '../../activities';

export interface KingaTestStack {
  config: KingaConfig;
  db: Db;
  client: Client;
  taskQueue: string;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export function testConfig(extra: Record<string, string> = {}): KingaConfig {
  return loadConfig({
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    LOG_LEVEL: 'warn',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    ...extra,
  });
}

export async function createTestStack(extraEnv: Record<string, string> = {}): Promise<KingaTestStack> {
  const config = testConfig(extraEnv);
  const db = createDb(config.database.url!, 5);
  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const logger = pino({ level: 'warn' });
  let workers: Worker[] = [];
  let running: Promise<unknown> | undefined;
  let nativeConnection: NativeConnection | undefined;

  const stack: KingaTestStack = {
    config,
    db,
    client,
    taskQueue: config.temporal.taskQueue,
    async startWorker() {
      nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
      const activities = createActivities({ db, temporal: client, config, logger });
      // as workers/worker.ts: one Worker on the backfill queue, one on the interactive (API) queue,
      // each with the configured slots
      workers = await Promise.all(
        [config.temporal.taskQueue, config.temporal.interactiveTaskQueue].map((taskQueue) =>
          Worker.create({
            connection: nativeConnection!,
            namespace: config.temporal.namespace,
            taskQueue,
            workflowBundle: { codePath: inject('workflowBundlePath') },
            activities,
            maxConcurrentWorkflowTaskExecutions: config.temporal.slots.workflowTasks,
            maxConcurrentActivityTaskExecutions: config.temporal.slots.activities,
            maxConcurrentLocalActivityExecutions: config.temporal.slots.localActivities,
          }),
        ),
      );
      running = Promise.all(workers.map((w) => w.run()));
    },
    async stopWorker() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await running;
      await nativeConnection?.close();
      workers = [];
      running = undefined;
    },
    async close() {
      await stack.stopWorker();
      await connection.close();
      await db.destroy();
    },
  };
  return stack;
}

/**
 * Polls until `probe` returns a value that is not undefined, or fails after `timeoutMs`. The
 * default is generous on purpose: the suite must pass on a busy machine, and a passing wait costs
 * only the time it really takes.
 */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
