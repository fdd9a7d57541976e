// "Nothing below the entry points reads the environment": configuration is parsed once, by
// config/ (loadConfig(process.env) in each entry point), and handed down as KingaConfig. Every
// product source file is scanned; one that reads process.env and is not listed here fails.
import { describe, expect, it } from 'vitest';
import { sourceTree } from './sourceTree';

/** The processes Kinga starts: they read process.env once and hand it to loadConfig. */
const ENTRY_POINTS: { pattern: RegExp; why: string }[] = [
  { pattern: /^api\/server\.ts$/, why: 'the API process' },
  { pattern: /^workers\/worker\.ts$/, why: 'the worker process' },
  { pattern: /^scripts\/[^/]+\.(?:ts|mjs)$/, why: 'npm start, migrate, compliance, bootstrap: command-line entry points' },
  { pattern: /^simulators\/[^/]+\/server\.ts$/, why: "the vendor stand-ins' servers (their own processes, not Kinga)" },
  { pattern: /^benchmarks\/[^/]+\.ts$/, why: 'benchmarks, run by hand' },
  { pattern: /^ui\/vite\.config\.ts$/, why: "the UI's dev server and build (Vite), not the product" },
];

/** Not configuration: the environment of child processes (PATH to find binaries, passed on). */
const PROCESS_PLUMBING: { path: string; why: string }[] = [
  { path: 'scripts/lib/throwawayPostgres.ts', why: 'finds initdb/postgres on PATH and passes the environment to them' },
  { path: 'benchmarks/lib/spawnTsx.ts', why: 'gives the benchmark workers PATH and HOME' },
];

// process.env, process['env'], const { env } = process
const READS_ENV = /\bprocess\s*(?:\??\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/;

/** Comments may name process.env (to explain why it is not read): drop them first. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function environmentReaders(files: { path: string; text: string }[]): string[] {
  return files
    .filter((f) => !ENTRY_POINTS.some((e) => e.pattern.test(f.path)) && !PROCESS_PLUMBING.some((p) => p.path === f.path))
    .flatMap((f) =>
      withoutComments(f.text)
        .split('\n')
        .flatMap((line, i) => (READS_ENV.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])),
    );
}

describe('configuration is read once, by the entry points', () => {
  it('no module below the entry points reads process.env', () => {
    const files = sourceTree();
    // a scan that found nothing would pass vacuously
    for (const expected of ['config/index.ts', 'api/server.ts', 'api/integrations/tazama/router.ts']) expect(files.map((f) => f.path)).toContain(expected);
    expect(environmentReaders(files), 'read the setting in config/ and take it from KingaConfig').toEqual([]);
  });

  it('every allow-listed file exists and reads the environment (the lists stay short and true)', () => {
    const files = new Map(sourceTree().map((f) => [f.path, f.text]));
    for (const p of PROCESS_PLUMBING) expect(READS_ENV.test(withoutComments(files.get(p.path) ?? '')), p.path).toBe(true);
    for (const e of ENTRY_POINTS) expect([...files.keys()].some((path) => e.pattern.test(path)), String(e.pattern)).toBe(true);
  });

  it('the scan catches each way of reading it and ignores comments', () => {
    const found = environmentReaders([
      { path: 'api/cases/router.ts', text: "const a = process.env.JWT_SECRET;\n// process.env is not read here\nconst b = 1;" },
      { path: 'activities/x.ts', text: "const { env } = process;\nconst c = process['env'];\n/* process.env */" },
      { path: 'config/index.ts', text: 'export function loadConfig(env = process.env) {}' },
      { path: 'api/server.ts', text: 'loadConfig(process.env);' },
      { path: 'workflows/y.ts', text: "const url = 'http://x'; const d = process.env.X;" },
    ]);
    expect(found).toEqual([
      'api/cases/router.ts:1: const a = process.env.JWT_SECRET;',
      'activities/x.ts:1: const { env } = process;',
      "activities/x.ts:2: const c = process['env'];",
      'config/index.ts:1: export function loadConfig(env = process.env) {}',
      "workflows/y.ts:1: const url = 'http://x'; const d = process.env.X;",
    ]);
  });
});
