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
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  let nativeConnection: NativeConnection | undefined;

  const stack: KingaTestStack = {
    config,
    db,
    client,
    taskQueue: config.temporal.taskQueue,
    async startWorker() {
      nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
      worker = await Worker.create({
        connection: nativeConnection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        workflowBundle: { codePath: inject('workflowBundlePath') },
        activities: createActivities({ db, temporal: client, config, logger }),
      });
      running = worker.run();
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await nativeConnection?.close();
      worker = undefined;
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
