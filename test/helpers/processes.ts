// Kinga's entry points as child processes, the way an orchestrator runs them: node itself runs the
// script (tsx is a loader, not a wrapper process), so a signal reaches the program; its JSON log
// lines are read as they come, from stdout and stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { freePort } from '../../scripts/lib/ports';
import { uniqueTaskQueue } from './index';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A log line; a line that is not JSON is `{ msg: <the text>, notJson: true }`. */
export type LogLine = Record<string, any> & { msg?: string };

export interface NodeProcess {
  child: ChildProcess;
  /** every line written so far */
  lines: LogLine[];
  /** everything written so far, stdout and stderr as they came */
  text(): string;
  /** what it wrote to stderr */
  stderr(): string;
  /** resolves with the first line (already written or still to come) that matches */
  waitForLine(match: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  /** resolves when the process has exited */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** sends `signal` unless it has already exited; resolves when it has */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `node --import tsx <script>` from the repository root with only PATH and `env` in its
 * environment. `name` says who it is in errors; `waitMs` is waitForLine's default time limit.
 */
export function startNodeProcess(script: string, env: Record<string, string | undefined>, options: { name: string; args?: string[]; waitMs?: number }): NodeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...(options.args ?? [])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  let raw = '';
  let stderr = '';
  const read = (stream: NodeJS.ReadableStream, alsoTo?: (chunk: string) => void) => {
    let partial = ''; // each stream its own: a line is never split across the two
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      raw += chunk;
      alsoTo?.(chunk);
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
  };
  read(child.stdout!);
  read(child.stderr!, (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const tail = () => `\nstderr: ${stderr.slice(-4000)}\nlast lines: ${lines.slice(-5).map((l) => JSON.stringify(l)).join('\n')}`;

  return {
    child,
    lines,
    text: () => raw,
    stderr: () => stderr,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    waitForLine(match, what, timeoutMs = options.waitMs ?? 60_000) {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<LogLine>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${options.name} to log ${what}${tail()}`)), timeoutMs);
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
          reject(new Error(`${options.name} exited (code ${code}, signal ${signal}) before logging ${what}${tail()}`));
        });
      });
    },
  };
}

/**
 * The API entry point (api/server.ts) on a free loopback port, on the harness's PostgreSQL and
 * Temporal server with a task queue of its own; resolves once it logged "API listening".
 */
export async function startApiProcess(env: Record<string, string> = {}, options: { waitMs?: number } = {}): Promise<NodeProcess & { url: string }> {
  const port = await freePort();
  const api = startNodeProcess(
    'api/server.ts',
    {
      LOG_LEVEL: 'info',
      DATABASE_URL: inject('databaseUrl'),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: uniqueTaskQueue('api-process'),
      JWT_SECRET: 'api-process-test-secret-api-process-test-0123',
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      KINGA_SERVE_UI: 'false',
      ...env,
    },
    // generous: tsx compiles the API first, on a machine that may be busy
    { name: 'the API', waitMs: options.waitMs ?? 120_000 },
  );
  try {
    await api.waitForLine((l) => l.msg === 'API listening', '"API listening"');
  } catch (err) {
    await api.kill('SIGKILL');
    throw err;
  }
  return { ...api, url: `http://127.0.0.1:${port}` };
}
