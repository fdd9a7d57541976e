// What a benchmark run needs, started here and stopped at the end: a throwaway PostgreSQL (the
// machine's own server binaries), a Temporal dev server, Kinga's worker as its own process and the
// baseline worker as another, each polling its own task queue on the same Temporal server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createDb, migrateLatest, type Db } from '../../db/connection';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/lib/throwawayPostgres';
import { freePort } from '../../scripts/lib/ports';
import { resolveTemporalCli } from '../../scripts/lib/temporalCli';
import { startTemporalDevServer, type TemporalDevServer } from '../../scripts/lib/temporalDevServer';
import { findProcess } from './procStat';
import { spawnTsx } from './spawnTsx';

export const KINGA_TASK_QUEUE = 'kinga-bench';
export const BASELINE_TASK_QUEUE = 'baseline-bench';

export interface WorkerProcess {
  name: string;
  pid: number;
  /** the last lines it printed */
  tail(): string;
  stop(): Promise<void>;
}

export interface BenchStack {
  workDir: string;
  postgres: ThrowawayPostgres;
  postgresPid: number;
  temporalServer: TemporalDevServer;
  connection: Connection;
  client: Client;
  db: Db;
  /** environment a Kinga process (worker, API) is configured from */
  kingaEnv: Record<string, string>;
  startKingaWorker(extraEnv?: Record<string, string>, name?: string): Promise<WorkerProcess>;
  startBaselineWorker(): Promise<WorkerProcess>;
  stop(): Promise<void>;
}

const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

export async function startBenchStack(): Promise<BenchStack> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-bench-'));
  const stoppers: Array<() => Promise<void>> = [async () => fs.rmSync(workDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stoppers.splice(0).reverse()) await s().catch((err: Error) => log(`stopping: ${err.message}`));
  };
  try {
    const [postgres, temporalServer] = await Promise.all([
      startThrowawayPostgres({ database: 'kinga_bench' }),
      resolveTemporalCli({ report: () => undefined }).then((cliPath) =>
        startTemporalDevServer({ cliPath, headless: true, namespace: 'default', logFile: path.join(workDir, 'temporal.log') }),
      ),
    ]);
    stoppers.push(() => postgres.stop(), () => temporalServer.stop());
    const postgresPid = findProcess(postgres.dataDir);
    if (!postgresPid) throw new Error(`cannot find the postgres process for ${postgres.dataDir}`);
    const db = createDb(postgres.url, 10);
    stoppers.push(() => db.destroy());
    await migrateLatest(db);
    const connection = await Connection.connect({ address: temporalServer.address });
    stoppers.push(() => connection.close());
    const client = new Client({ connection, namespace: temporalServer.namespace });

    const kingaEnv: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: postgres.url,
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_NAMESPACE: temporalServer.namespace,
      TEMPORAL_TASK_QUEUE: KINGA_TASK_QUEUE,
      TEMPORAL_SCHEDULES_ENABLED: 'false',
      EXTRACTION_ENABLED: 'false',
      METRICS_ENABLED: 'false',
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    };

    const waitForPoller = async (taskQueue: string, worker: WorkerProcess, exited: () => boolean) => {
      const deadline = Date.now() + 300_000;
      for (;;) {
        if (exited()) throw new Error(`${worker.name} exited during start-up:\n${worker.tail()}`);
        const res = await connection.workflowService.describeTaskQueue({ namespace: temporalServer.namespace, taskQueue: { name: taskQueue }, taskQueueType: 2 });
        if ((res.pollers?.length ?? 0) > 0) return;
        if (Date.now() > deadline) throw new Error(`${worker.name} did not poll ${taskQueue} within 5 minutes:\n${worker.tail()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    const spawnWorker = async (name: string, args: string[], env: Record<string, string>, taskQueue: string): Promise<WorkerProcess> => {
      const worker = spawnTsx(name, args, env);
      stoppers.push(worker.stop);
      await waitForPoller(taskQueue, worker, worker.exited);
      return worker;
    };

    return {
      workDir,
      postgres,
      postgresPid,
      temporalServer,
      connection,
      client,
      db,
      kingaEnv,
      startKingaWorker: async (extraEnv = {}, name = 'kinga worker') =>
        spawnWorker(name, ['workers/worker.ts'], { ...kingaEnv, WORKER_HEALTH_PORT: String(await freePort()), ...extraEnv }, extraEnv.TEMPORAL_TASK_QUEUE ?? KINGA_TASK_QUEUE),
      startBaselineWorker: () =>
        spawnWorker('baseline worker', ['benchmarks/baseline/worker.ts', temporalServer.address, temporalServer.namespace, BASELINE_TASK_QUEUE], {}, BASELINE_TASK_QUEUE),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
