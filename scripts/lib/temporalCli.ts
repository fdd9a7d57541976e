// Runs scripts/temporal-cli.sh and returns the binary path it prints. The script's route report
// (stderr) is passed through so the user sees how Temporal was found or installed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCRIPT = path.join(REPO_ROOT, 'scripts', 'temporal-cli.sh');

export interface ResolveOptions {
  /** where the script's route report goes (default: process.stderr) */
  report?: (text: string) => void;
}

function run(args: string[], opts: ResolveOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 30 * 60_000 }, (err, stdout, stderr) => {
      const report = opts.report ?? ((t: string) => process.stderr.write(t));
      if (stderr) report(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
      const binary = stdout.trim().split('\n').pop() ?? '';
      if (err || !binary) {
        reject(new Error(`scripts/temporal-cli.sh ${args.join(' ')} failed${err ? `: ${err.message}` : ''}\n${stderr}`));
        return;
      }
      resolve(binary);
    });
  });
}

/** Absolute path of the Temporal CLI (`temporal`), installing it when needed. */
export function resolveTemporalCli(opts: ResolveOptions = {}): Promise<string> {
  return run([], opts);
}

/** Absolute path of the SDK's time-skipping test server, installing it when needed. */
export function resolveTimeSkippingServer(opts: ResolveOptions = {}): Promise<string> {
  return run(['--test-server'], opts);
}
