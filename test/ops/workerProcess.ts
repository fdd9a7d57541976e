// The real worker entry point (workers/worker.ts) as a child process, the way an orchestrator runs
// it (test/helpers/processes): its JSON log lines captured, its probe and metrics ports free
// loopback ports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../scripts/lib/ports';
import { bundleWorkflows } from '../../workers/worker';
import { startNodeProcess, type NodeProcess } from '../helpers/processes';

export { ROOT, type LogLine } from '../helpers/processes';

export interface WorkerProcess extends NodeProcess {
  healthUrl: string;
  metricsUrl: string;
}

const started: WorkerProcess[] = [];

/**
 * The workflows bundled WITH Kinga's workflow interceptors (the harness's bundle has none), as the
 * production image builds it: one file per test file, removed at exit.
 */
export async function interceptorBundle(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinga-ops-bundle-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'workflow-bundle.js');
  await bundleWorkflows(file);
  return file;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const healthPort = await freePort();
  const metricsPort = await freePort();
  const worker: WorkerProcess = {
    ...startNodeProcess(
      'workers/worker.ts',
      {
        TEMPORAL_SCHEDULES_ENABLED: 'false',
        ANOMALY_ENABLED: 'false',
        TAZAMA_ENABLED: 'false',
        BALLERINE_ENABLED: 'false',
        LOG_LEVEL: 'info',
        METRICS_HOST: '127.0.0.1',
        WORKER_HEALTH_PORT: String(healthPort),
        WORKER_METRICS_PORT: String(metricsPort),
        ...env,
      },
      { name: 'the worker' },
    ),
    healthUrl: `http://127.0.0.1:${healthPort}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
  };
  started.push(worker);
  await worker.waitForLine((l) => l.msg === 'worker started', '"worker started"');
  return worker;
}

/** SIGKILL whatever is still running (afterAll), so a failed test leaves no process behind. */
export async function killAllWorkers(): Promise<void> {
  for (const w of started.splice(0)) await w.kill('SIGKILL');
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
