// A TypeScript entry point (a Kinga worker, the baseline worker, the bundler) as a child process
// of a benchmark: only the given environment (plus PATH and HOME, to find node and its caches),
// its last lines kept for the error message when it fails, SIGTERM then SIGKILL to stop it.
import { spawn } from 'node:child_process';
import { REPO_ROOT } from '../../scripts/lib/temporalCli';

export interface TsxProcess {
  name: string;
  pid: number;
  /** the last lines it printed */
  tail(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

const KEPT_LINES = 100;
const STOP_GRACE_MS = 20_000;

/** `node --import tsx <scriptArgs>` from the repository root. */
export function spawnTsx(name: string, scriptArgs: string[], env: Record<string, string>): TsxProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...scriptArgs], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const record = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  child.stdout.on('data', record);
  child.stderr.on('data', record);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  // a benchmark that dies leaves no worker behind
  const killOnExit = () => !exited && child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    name,
    pid: child.pid!,
    tail: () => lines.join('\n'),
    exited: () => exited,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await gone;
        clearTimeout(t);
      }
      process.removeListener('exit', killOnExit);
    },
  };
}
