// Schemathesis over the live API: the real HTTP server (startApi) on the real PostgreSQL and
// Temporal, with a real worker running the lifecycle, fuzzed from GET /api/openapi.json as each
// role. It fails on any 5xx, any answer that violates the document (status, content type,
// headers, body schema) and any hang (request timeout). Prints the cases generated per operation.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type RunningApi } from '../../api/server';
import { createUser } from '../../api/users/service';
import { ROLES, type Role } from '../../workflows/lifecycle/definitions';
import { uniqueRef } from '../helpers';
import { signIn } from '../helpers/api';
import { createTestStack, type KingaTestStack } from '../lifecycle/context';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Random cases per operation and run (the coverage phase adds its own); thousands in all. */
const MAX_EXAMPLES = Number(process.env.KINGA_FUZZ_EXAMPLES ?? 4);
const REQUEST_TIMEOUT_S = 30;
const CHECKS = ['not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_headers_conformance', 'response_schema_conformance'];

let stack: KingaTestStack;
let api: RunningApi;
let workdir: string;
const tokens = {} as Record<Role, string>;

function schemathesisCli(): string {
  const res = spawnSync('bash', [path.join(ROOT, 'scripts', 'schemathesis.sh')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (res.status !== 0) throw new Error('Schemathesis is not installed (scripts/schemathesis.sh failed; npm test installs it)');
  return res.stdout.trim();
}

beforeAll(async () => {
  // The webhooks configured as in production, so that they answer with their real checks.
  stack = await createTestStack({
    // thousands of requests are refused on purpose (4xx, logged at warn): only errors are news here
    LOG_LEVEL: 'error',
    DECISION_WAIT: '2s',
    LOGIN_RATE_LIMIT: '1000',
    BALLERINE_WEBHOOK_SECRET: 'fuzz-webhook-secret-0123456789',
    TAZAMA_RELAY_TOKEN: 'fuzz-relay-token-0123456789',
  });
  await stack.startWorker();
  api = await startApi(stack.config, { db: stack.db, temporal: stack.client, host: '127.0.0.1', port: 0, metrics: false });
  workdir = await mkdtemp(path.join(tmpdir(), 'kinga-fuzz-'));
  const password = 'fuzz-password-0123';
  for (const role of ROLES) {
    const username = uniqueRef(`fuzz-${role}`).toLowerCase();
    await createUser(stack.db, { username, displayName: `Fuzz ${role}`, password, role });
    await signIn(api.url, [{ username, password, as: role }], tokens);
  }
});

afterAll(async () => {
  await api?.close();
  await stack?.close();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

interface RunResult {
  exitCode: number;
  output: string;
  /** test cases generated per operation ("POST /api/cases/{id}/decision") */
  cases: Map<string, number>;
}

function run(cli: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { cwd: workdir, env: { ...process.env, NO_COLOR: '1', COLUMNS: '200' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

interface RunOptions {
  phases: string;
  maxExamples: number;
}

async function fuzz(cli: string, label: string, opts: RunOptions, extra: string[]): Promise<RunResult> {
  const report = path.join(workdir, `${label}.ndjson`);
  const { code, output } = await run(cli, [
    'run',
    `${api.url}/api/openapi.json`,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(opts.maxExamples),
    '--request-timeout',
    String(REQUEST_TIMEOUT_S),
    '--seed',
    '8',
    // one worker: CPython 3.11's ast.parse is not thread-safe ("AST constructor recursion depth
    // mismatch" in hypothesis' lambda descriptions with two)
    '--workers',
    '1',
    // examples: the document has none; stateful: no links between operations yet
    '--phases',
    opts.phases,
    '--no-shrink',
    '--suppress-health-check',
    'all',
    '--report',
    'ndjson',
    '--report-ndjson-path',
    report,
    ...extra,
  ]);
  const cases = new Map<string, number>();
  const text = await readFile(report, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const event = JSON.parse(line) as Record<string, unknown>;
    countCases(event, cases);
  }
  return { exitCode: code, output, cases };
}

/** Adds the test cases an NDJSON event reports to `cases`, by operation label. */
function countCases(event: Record<string, unknown>, cases: Map<string, number>): void {
  const scenario = (event.ScenarioFinished ?? null) as { label?: string; recorder?: { label?: string; cases?: Record<string, unknown> } } | null;
  if (!scenario) return;
  const label = scenario.recorder?.label ?? scenario.label ?? '?';
  const n = Object.keys(scenario.recorder?.cases ?? {}).length;
  cases.set(label, (cases.get(label) ?? 0) + n);
}

describe('Schemathesis over /api/openapi.json', () => {
  it('finds no 5xx, no answer off the document and no hang, as every role', async () => {
    const cli = schemathesisCli();
    const total = new Map<string, number>();
    const failures: string[] = [];
    const bearer = (role: Role) => ['-H', `Authorization: Bearer ${tokens[role]}`];
    // The event stream never ends by design (a request timeout is not a hang there); logout would
    // revoke the token the rest of a run uses: both are left out of the main runs, and logout has
    // its own run per role at the end.
    const notStreamOrLogout = ['--exclude-path', '/api/stream', '--exclude-path', '/api/auth/logout'];
    // The coverage phase (boundary and type-violating values of every parameter, deterministic) once,
    // as the analyst; random fuzzing as every role, so each meets its own code paths.
    const runs: [string, RunOptions, string[]][] = [
      ['analyst', { phases: 'coverage,fuzzing', maxExamples: MAX_EXAMPLES }, [...bearer('analyst'), ...notStreamOrLogout]],
      ...(['senior_analyst', 'compliance', 'admin'] as const).map((role): [string, RunOptions, string[]] => [
        role,
        { phases: 'fuzzing', maxExamples: 2 * MAX_EXAMPLES },
        [...bearer(role), ...notStreamOrLogout],
      ]),
      // the admin routes refuse the analyst before reading a field: their boundary values once as an admin
      ['admin-coverage', { phases: 'coverage', maxExamples: MAX_EXAMPLES }, [...bearer('admin'), '--include-path-regex', '^/api/admin/']],
      ['anonymous', { phases: 'fuzzing', maxExamples: 2 }, ['--exclude-path', '/api/stream']],
      ...ROLES.map((role): [string, RunOptions, string[]] => [`${role}-logout`, { phases: 'fuzzing', maxExamples: 5 }, [...bearer(role), '--include-path', '/api/auth/logout']]),
    ];
    const only = process.env.KINGA_FUZZ_ONLY?.split(',');
    for (const [label, opts, extra] of runs.filter(([label]) => !only || only.includes(label))) {
      const started = Date.now();
      const result = await fuzz(cli, label, opts, extra);
      let n = 0;
      for (const [op, count] of result.cases) {
        total.set(op, (total.get(op) ?? 0) + count);
        n += count;
      }
      console.log(`schemathesis as ${label}: ${n} cases over ${result.cases.size} operations in ${((Date.now() - started) / 1000).toFixed(0)} s, exit ${result.exitCode}`);
      if (result.exitCode !== 0) {
        failures.push(`--- as ${label} (exit ${result.exitCode}) ---\n${result.output.slice(-8000)}`);
        console.log(result.output.slice(-8000));
      }
    }
    const lines = [...total.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([op, count]) => `  ${String(count).padStart(6)}  ${op}`);
    const sum = [...total.values()].reduce((a, b) => a + b, 0);
    console.log(`schemathesis: cases generated per operation (all roles)\n${lines.join('\n')}\n  ${String(sum).padStart(6)}  in all`);
    expect(failures.join('\n\n')).toBe('');
    if (!only) expect(sum).toBeGreaterThan(2000);
  }, 900_000);
});
