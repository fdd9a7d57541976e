// The worker's probes on a tiny HTTP listener (METRICS_HOST:WORKER_HEALTH_PORT, loopback by
// default). /healthz: the process answers. /readyz: PostgreSQL and Temporal answer and the worker
// is polling; while it drains after SIGTERM it reports not ready, so an orchestrator can tell.
import type { Connection } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { checkReadiness, databaseCheck, readinessBody, temporalCheck } from '../observability/health';
import type { ListenPort } from '../config/observability';
import { jsonAnswer, startOpsServerOn, type OpsServer } from '../observability/httpServer';

export interface WorkerHealthOptions {
  host: string;
  /** 0 picks a free port; a default port that is taken gives way to a free one */
  port: ListenPort;
  db: Knex;
  temporal: Connection;
  /** the worker's state: RUNNING is ready; anything else (DRAINING, STOPPED, …) is not */
  workerState: () => string;
  logger: Logger;
}

export function startWorkerHealthServer(options: WorkerHealthOptions): Promise<OpsServer> {
  return startOpsServerOn(
    options.host,
    options.port,
    'WORKER_HEALTH_PORT',
    {
      '/healthz': async () => jsonAnswer(200, { status: 'ok' }),
      '/readyz': async () => {
        const readiness = await checkReadiness({
          database: databaseCheck(options.db),
          temporal: temporalCheck(options.temporal),
          worker: async () => {
            const state = options.workerState();
            if (state !== 'RUNNING') throw new Error(`worker is ${state.toLowerCase()}`);
          },
        });
        const { status, body } = readinessBody(readiness);
        return jsonAnswer(status, body);
      },
    },
    options.logger,
    (err) => options.logger.error({ err }, 'health probe failed'),
  );
}
