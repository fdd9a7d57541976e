// The process supervisor behind `npm start`: it runs the worker, the API, the stand-ins and the UI
// dev server as child processes, restarts one that dies with exponential back-off (and says so),
// and on stop ends every child and every in-process resource within a hard bound, whatever state
// they are in — running, hung, already dead, or dead from a signal.
//
// Each child gets a process group of its own (detached), so a stop reaches its helpers too (the
// esbuild service tsx and Vite start) and Ctrl+C in the terminal reaches only this process, which
// then stops the children in order: applications first, the servers they use (Temporal,
// PostgreSQL) after them.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Logger } from 'pino';

export interface ChildSpec {
  /** a name for the logs: "worker", "api", "Tazama stand-in" */
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdio?: StdioOptions;
  /** start it again when it exits by itself (default true) */
  restart?: boolean;
}

export interface BackoffPolicy {
  /** wait before the first restart */
  initialMs: number;
  /** the wait doubles per crash in a row, up to this */
  maxMs: number;
  /** a child that ran this long before dying counts as healthy again: the wait starts over */
  resetAfterMs: number;
}

export interface SupervisorOptions {
  logger: Logger;
  backoff?: Partial<BackoffPolicy>;
  /** the hard bound on stop(): everything is gone by then (default 10 s) */
  stopTimeoutMs?: number;
  /** how long children may take to stop after SIGTERM before they get SIGKILL (default 6 s) */
  termGraceMs?: number;
}

export interface SupervisedChild {
  readonly name: string;
  /** pid of the current incarnation (undefined while it is down, waiting to be restarted) */
  readonly pid: number | undefined;
  /** how many times it was restarted */
  readonly restarts: number;
}

interface Incarnation {
  child: ChildProcess;
  pid: number | undefined;
  startedAt: number;
  /** set once, by the 'exit' (or spawn 'error') listener attached at spawn time */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  exited: Promise<void>;
}

interface Entry {
  spec: ChildSpec;
  current: Incarnation | undefined;
  restarts: number;
  crashesInARow: number;
  restartTimer: NodeJS.Timeout | undefined;
}

export interface Cleanup {
  name: string;
  run: () => Promise<void>;
}

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The wait before restart number `crashesInARow` (1-based): initial · 2^(n−1), capped. */
export function restartDelay(policy: BackoffPolicy, crashesInARow: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, crashesInARow - 1));
}

export class StoppingError extends Error {
  constructor(what: string) {
    super(`not starting ${what}: Kinga is stopping`);
    this.name = 'StoppingError';
  }
}

export class Supervisor {
  private readonly logger: Logger;
  private readonly backoff: BackoffPolicy;
  private readonly stopTimeoutMs: number;
  private readonly termGraceMs: number;
  private readonly entries: Entry[] = [];
  /** stopped in reverse order of registration, after the children */
  private readonly cleanups: Cleanup[] = [];
  private stopping: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    this.logger = options.logger;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
    this.termGraceMs = options.termGraceMs ?? 6000;
    // Whatever ends this process (an exception, process.exit), no child outlives it.
    process.once('exit', () => {
      for (const e of this.entries) if (e.current && !e.current.exit) killGroup(e.current, 'SIGKILL');
    });
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Starts a child now and keeps it running until stop(). */
  start(spec: ChildSpec): SupervisedChild {
    if (this.stopping) throw new StoppingError(spec.name);
    const entry: Entry = { spec, current: undefined, restarts: 0, crashesInARow: 0, restartTimer: undefined };
    this.entries.push(entry);
    this.launch(entry);
    return {
      name: spec.name,
      get pid() {
        return entry.current && !entry.current.exit ? entry.current.pid : undefined;
      },
      get restarts() {
        return entry.restarts;
      },
    };
  }

  /** Something to stop after the children (a server in this process, a pool, a timer). */
  onStop(name: string, run: () => Promise<void>): void {
    this.cleanups.push({ name, run });
  }

  private launch(entry: Entry): void {
    const { spec } = entry;
    const child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: spec.stdio ?? ['ignore', 'inherit', 'inherit'], detached: true });
    const incarnation: Incarnation = { child, pid: child.pid, startedAt: Date.now(), exit: undefined, exited: Promise.resolve() };
    // Listen at once: a child can die before anyone asks, and 'exit' is emitted only once.
    incarnation.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        incarnation.exit ??= { code, signal };
        resolve();
      });
      child.once('error', (err) => {
        // spawn failed (no 'exit' follows) or a signal could not be sent (the child is gone)
        if (incarnation.exit) return;
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
          incarnation.exit = { code: child.exitCode, signal: child.signalCode };
          this.logger.error({ process: spec.name, err: err.message }, `${spec.name} could not be started`);
          resolve();
        }
      });
    });
    entry.current = incarnation;
    void incarnation.exited.then(() => this.exited(entry, incarnation));
    this.logger.info({ process: spec.name, pid: child.pid, restarts: entry.restarts }, entry.restarts ? `${spec.name} restarted` : `${spec.name} started`);
  }

  private exited(entry: Entry, incarnation: Incarnation): void {
    // helpers of the dead child (its process group) go with it
    killGroup(incarnation, 'SIGKILL');
    if (this.stopping || entry.current !== incarnation) return;
    const { spec } = entry;
    const { code, signal } = incarnation.exit!;
    if (spec.restart === false) {
      this.logger.warn({ process: spec.name, code, signal }, `${spec.name} exited; it is not restarted`);
      return;
    }
    const ranMs = Date.now() - incarnation.startedAt;
    entry.crashesInARow = ranMs >= this.backoff.resetAfterMs ? 1 : entry.crashesInARow + 1;
    const delayMs = restartDelay(this.backoff, entry.crashesInARow);
    this.logger.error(
      { process: spec.name, pid: incarnation.pid, code, signal, ranMs, restartInMs: delayMs, crashesInARow: entry.crashesInARow },
      `${spec.name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); restarting in ${formatMs(delayMs)}`,
    );
    entry.current = undefined;
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (this.stopping) return;
      entry.restarts += 1;
      this.launch(entry);
    }, delayMs);
  }

  /**
   * Stops everything, bounded by stopTimeoutMs: pending restarts are cancelled, every live child
   * gets SIGTERM (its whole process group), SIGKILL after termGraceMs, then the cleanups run
   * (each cut short at the bound). Resolves when all is done; calling it again returns the same stop.
   */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.doStop(reason);
    return this.stopping;
  }

  private async doStop(reason: string): Promise<void> {
    const t0 = Date.now();
    const deadline = t0 + this.stopTimeoutMs;
    const remaining = () => Math.max(0, deadline - Date.now());
    this.logger.info({ reason, children: this.entries.map((e) => e.spec.name) }, 'stopping Kinga');
    for (const e of this.entries) {
      if (e.restartTimer) clearTimeout(e.restartTimer);
      e.restartTimer = undefined;
    }
    const live = this.entries.filter((e) => e.current && !e.current.exit).map((e) => ({ name: e.spec.name, incarnation: e.current! }));
    for (const { incarnation } of live) killGroup(incarnation, 'SIGTERM');

    const allExited = () => Promise.all(live.map((l) => l.incarnation.exited));
    await raceTimeout(allExited(), Math.min(this.termGraceMs, remaining()));
    const stubborn = live.filter((l) => !l.incarnation.exit);
    if (stubborn.length > 0) {
      this.logger.warn({ processes: stubborn.map((s) => s.name), afterMs: Date.now() - t0 }, 'children did not stop after SIGTERM: SIGKILL');
      for (const { incarnation } of stubborn) killGroup(incarnation, 'SIGKILL');
      await raceTimeout(allExited(), Math.min(2000, remaining()));
    }
    // the leaders are gone; a helper that outlived its leader is not
    for (const { incarnation } of live) killGroup(incarnation, 'SIGKILL');

    // In-process resources and the servers the children used, newest first, each bounded.
    for (const cleanup of this.cleanups.splice(0).reverse()) {
      const left = remaining();
      const outcome = await raceTimeout(
        cleanup.run().then(
          () => 'done' as const,
          (err: unknown) => {
            this.logger.warn({ err, cleanup: cleanup.name }, `stopping ${cleanup.name} failed`);
            return 'failed' as const;
          },
        ),
        left,
      );
      if (outcome === 'timeout') this.logger.warn({ cleanup: cleanup.name }, `stopping ${cleanup.name} did not finish within the bound`);
    }
    this.logger.info({ stoppedInMs: Date.now() - t0, killed: stubborn.map((s) => s.name) }, 'Kinga stopped');
  }
}

/** Signals the child's whole process group (it leads one: detached), or the child alone. */
function killGroup(incarnation: Incarnation, signal: NodeJS.Signals): void {
  const pid = incarnation.pid;
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // no such group any more: nothing left to signal
    if (!incarnation.exit) {
      try {
        incarnation.child.kill(signal);
      } catch {
        // already gone
      }
    }
  }
}

async function raceTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 ? 1 : 0)} s` : `${ms} ms`;
}
