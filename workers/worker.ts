// The worker process: connect, create the worker, keep the schedules current, drain on SIGTERM.
// Operations: JSON logs with correlation ids (observability/), the SDK's metrics on
// METRICS_HOST:WORKER_METRICS_PORT, /healthz and /readyz on METRICS_HOST:WORKER_HEALTH_PORT.
//   node --import tsx workers/worker.ts                       run the worker
//   node --import tsx workers/worker.ts --bundle <file.js>    write the production workflow bundle
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import { createActivities } from '../activities';
import { activityLogFields, correlationActivityInterceptors } from '../observability/activityInterceptors';
import { createLogger, PinoSdkLogger } from '../observability/logger';
import { bindAddress, installWorkerRuntime, WORKFLOW_INTERCEPTOR_MODULES } from '../observability/temporalRuntime';
import { connectTemporal, describeTemporalConnection, temporalConnectionOptions } from '../temporal/connection';
import { availablePort } from '../observability/httpServer';
import { startWorkerHealthServer } from './health';
import { ensureSchedules } from './schedules';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export async function runWorker(): Promise<void> {
  const config = loadConfig(process.env);
  const ops = config.observability;
  const temporalConnection = config.temporal.connection;
  // Inside an activity, every line (also those of activity code using deps.logger) carries its ids.
  const logger = createLogger(config, 'worker', { mixin: activityLogFields });
  if (!config.database.url) throw new Error('DATABASE_URL is required by the worker');
  if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required by the worker');

  const metricsPort = ops.metricsEnabled ? await availablePort(ops.metricsHost, ops.workerMetricsPort, 'WORKER_METRICS_PORT', logger) : undefined;
  installWorkerRuntime({
    logger,
    logLevel: config.logLevel,
    metricsBindAddress: metricsPort !== undefined ? bindAddress(ops.metricsHost, metricsPort) : undefined,
  });

  const db = createDb(config.database.url, config.database.poolMax);
  const warehouse = config.warehouse.url ? createDb(config.warehouse.url, 4) : undefined;
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal.address, temporalConnection));
  const clientConnection = await connectTemporal(config.temporal.address, temporalConnection);
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });

  const bundlePath = config.temporal.workflowBundle;
  const activities = createActivities({ db, warehouse, temporal, config, logger });
  // Two Workers in one process, one per task queue, each with its own slots: the backfill queue
  // (warehouse extraction and everything else) and the interactive queue (API-submitted
  // transactions). Separate queues rather than Temporal task priority: they work on every Temporal
  // server, and priority only reorders one queue while the backfill could still hold every slot of
  // the worker; here the interactive Worker's slots are never taken by backfill work.
  // bundled once for both Workers; a pre-built bundle already contains the workflow interceptors
  const workflowBundle = bundlePath ? { codePath: bundlePath } : await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: new PinoSdkLogger(logger) });
  const createWorker = (taskQueue: string) =>
    Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue,
      workflowBundle,
      activities,
      // an auto-approved lifecycle holds its workflow-task slot while its local activity runs
      maxConcurrentWorkflowTaskExecutions: config.temporal.slots.workflowTasks,
      maxConcurrentActivityTaskExecutions: config.temporal.slots.activities,
      maxConcurrentLocalActivityExecutions: config.temporal.slots.localActivities,
      interceptors: { activity: [correlationActivityInterceptors] },
      // After SIGTERM, activities in flight have this long to finish; then they are cancelled (and
      // retried elsewhere). The force time bounds how long cancelled activities may take to notice.
      shutdownGraceTime: ops.workerShutdownGraceMs,
      shutdownForceTime: ops.workerShutdownGraceMs + 15_000,
    });
  const worker = await createWorker(config.temporal.taskQueue);
  const interactiveWorker = await createWorker(config.temporal.interactiveTaskQueue);
  const workers = [worker, interactiveWorker];
  // ready only while both poll; otherwise the state of the first that does not
  const workerState = () => workers.map((w) => w.getState()).find((state) => state !== 'RUNNING') ?? 'RUNNING';
  if (config.temporal.schedulesEnabled) await ensureSchedules(temporal, config, logger);

  const health = await startWorkerHealthServer({
    host: ops.metricsHost,
    port: ops.workerHealthPort,
    db,
    temporal: clientConnection,
    workerState,
    logger,
  });

  let draining = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (draining) {
      logger.warn({ signal }, 'second signal while draining: exiting now; activities in flight will be retried elsewhere');
      process.exit(1);
    }
    draining = true;
    logger.info({ signal, graceMs: ops.workerShutdownGraceMs }, 'shutting down: draining in-flight tasks');
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  logger.info(
    {
      taskQueue: config.temporal.taskQueue,
      interactiveTaskQueue: config.temporal.interactiveTaskQueue,
      namespace: config.temporal.namespace,
      temporal: describeTemporalConnection(temporalConnection),
      health: `${health.url}/readyz`,
      metrics: metricsPort !== undefined ? `http://${bindAddress(ops.metricsHost, metricsPort)}/metrics` : 'off',
      workflowBundle: bundlePath ?? '(bundled from source)',
    },
    'worker started',
  );
  try {
    // one Worker failing stops the other, so the process exits and its supervisor restarts it
    const outcomes = await Promise.allSettled(
      workers.map((w) =>
        w.run().catch((err: unknown) => {
          for (const other of workers) if (other.getState() === 'RUNNING') other.shutdown();
          throw err;
        }),
      ),
    );
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await health.close();
    await clientConnection.close();
    await connection.close();
    await db.destroy();
    await warehouse?.destroy();
    logger.info('worker stopped');
  }
}

/** The workflow code and its interceptors as one file, for KINGA_WORKFLOW_BUNDLE in production. */
export async function bundleWorkflows(outFile: string): Promise<void> {
  const logger = createLogger({ logLevel: 'warn' }, 'bundle');
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES,
    logger: new PinoSdkLogger(logger),
  });
  const target = path.resolve(outFile);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, code);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bundleAt = process.argv.indexOf('--bundle');
  const task = bundleAt >= 0 ? bundleWorkflows(process.argv[bundleAt + 1] ?? 'dist/workflow-bundle.js') : runWorker();
  task.then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
