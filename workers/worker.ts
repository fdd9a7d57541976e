// The worker process: connect, create the worker, keep the schedules current, shut down cleanly.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { createDb } from '../db/connection';
import { createActivities } from '../activities';
import { ensureSchedules } from './schedules';

export async function runWorker(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, 'worker');
  if (!config.database.url) throw new Error('DATABASE_URL is required by the worker');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required by the worker');

  const db = createDb(config.database.url, config.database.poolMax);
  const warehouse = config.warehouse.url ? createDb(config.warehouse.url, 4) : undefined;
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });

  const bundlePath = config.temporal.workflowBundle;
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(bundlePath
      ? { workflowBundle: { codePath: bundlePath } }
      : { workflowsPath: fileURLToPath(new URL('../workflows/index.ts', import.meta.url)) }),
    activities: createActivities({ db, warehouse, temporal, config, logger }),
    shutdownGraceTime: '30 seconds',
  });
  if (config.temporal.schedulesEnabled) await ensureSchedules(temporal, config, logger);

  const stop = () => {
    logger.info('shutting down: draining in-flight tasks');
    worker.shutdown();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  logger.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  try {
    await worker.run();
  } finally {
    await clientConnection.close();
    await connection.close();
    await db.destroy();
    await warehouse?.destroy();
    logger.info('worker stopped');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWorker().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
