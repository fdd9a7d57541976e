// The real worker entry point (workers/worker.ts) as a child process, the way an orchestrator runs
// it: its JSON log lines captured from stdout, its probe and metrics ports free loopback ports,
// signals delivered to node itself (tsx is a loader, not a wrapper process).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../scripts/lib/ports';
import { bundleWorkflows } from '../../workers/worker';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type LogLine = Record<string, any> & { msg?: string };

export interface WorkerProcess {
  child: ChildProcess;
  /** every JSON line the worker wrote to stdout so far */
  lines: LogLine[];
  /** anything it wrote to stderr */
  stderr(): string;
  healthUrl: string;
  metricsUrl: string;
  /** resolves with the first line (already written or still to come) that matches */
  waitForLine(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
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
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'workers', 'worker.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const text of complete) {
      if (!text.trim()) continue;
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text, notJson: true };
      }
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.match(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const worker: WorkerProcess = {
    child,
    lines,
    stderr: () => stderr,
    healthUrl: `http://127.0.0.1:${healthPort}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitForLine(match, what, timeoutMs = 60_000) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<LogLine>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for the worker to log ${what}\nstderr: ${stderr}\nlast lines: ${lines.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
        const waiter = {
          match,
          resolve: (l: LogLine) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        waiters.push(waiter);
        void exited.then(({ code, signal }) => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`the worker exited (code ${code}, signal ${signal}) before logging ${what}\nstderr: ${stderr}`));
        });
      });
    },
  };
  started.push(worker);
  await worker.waitForLine((l) => l.msg === 'worker started', '"worker started"');
  return worker;
}

/** SIGKILL whatever is still running (afterAll), so a failed test leaves no process behind. */
export async function killAllWorkers(): Promise<void> {
  for (const w of started.splice(0)) {
    w.kill('SIGKILL');
    await w.exited;
  }
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}
