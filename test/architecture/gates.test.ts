// The gates CI runs: `.ci/run` may only run the README's test command (`npm test`), so the type
// checks and the linter run here, as child processes: `npm run typecheck` and `npm run lint`
// themselves, so the gate cannot drift from the scripts. A failure shows the tool's own output.
// One after the other: together they would take both cores of a small CI machine.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Outcome {
  code: number;
  output: string;
}

/** `npm run <script>`: the very command a developer types, so the gate cannot drift from it. */
function runScript(script: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(npm, ['run', '--silent', script], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() || String(error ?? '') });
    });
  });
}

// Generous: on a busy machine tsc alone can take minutes; a passing gate costs only its real time.
const GATE_TIMEOUT = 900_000;

describe('the gates CI runs through npm test', () => {
  it('npm run typecheck: tsc (server, workers, tests, scripts) and vue-tsc (the UI, .vue files included)', { timeout: GATE_TIMEOUT }, async () => {
    const { code, output } = await runScript('typecheck');
    expect(code, `npm run typecheck failed:\n${output}`).toBe(0);
  });

  it('npm run lint: eslint over the whole tree, ui/src included', { timeout: GATE_TIMEOUT }, async () => {
    const { code, output } = await runScript('lint');
    expect(code, `npm run lint failed:\n${output}`).toBe(0);
  });
});
