// Keeps DESIGN.md's "who may import whom" true as the code grows. The rules are one table,
// .dependency-cruiser.cjs, enforced by dependency-cruiser (also run by `npm run lint`): a forbidden
// import fails here with depcruise's own message (file → import, the rule and why).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './sourceTree';

const CONFIG = path.join(repoRoot, '.dependency-cruiser.cjs');
const DEPCRUISE = path.join(repoRoot, 'node_modules', '.bin', 'depcruise');
const { layers, notSource } = createRequire(import.meta.url)(CONFIG) as { layers: Record<string, unknown>; notSource: string[] };

/** depcruise over `targets`, from `cwd`, with the repository's rules; `err-long`: a line a violation, with the rule's reason. */
function depcruise(cwd: string, targets: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(DEPCRUISE, ['--config', CONFIG, '--output-type', 'err-long', ...targets], { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, FORCE_COLOR: '0' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}`.trim() });
    });
  });
}

// A cruise of the whole tree parses every file: generous on a busy machine.
const CRUISE_TIMEOUT = 300_000;

describe('dependency rules (DESIGN.md, .dependency-cruiser.cjs)', () => {
  it('no file imports what its folder may not', { timeout: CRUISE_TIMEOUT }, async () => {
    const { code, output } = await depcruise(repoRoot, ['.']);
    expect(code, `forbidden imports (see .dependency-cruiser.cjs and DESIGN.md, "Dependency rules"):\n${output}\n`).toBe(0);
    // a cruise that found nothing would pass vacuously
    const cruised = /(\d+) modules, (\d+) dependencies cruised/.exec(output);
    expect(Number(cruised?.[1]), output).toBeGreaterThan(300);
  });

  it('every top-level folder has a row in the table', () => {
    const folders = readdirSync(repoRoot).filter((name) => !name.startsWith('.') && !notSource.includes(name) && statSync(path.join(repoRoot, name)).isDirectory());
    expect(folders.filter((f) => !(f in layers)), 'add a row to LAYERS in .dependency-cruiser.cjs').toEqual([]);
    expect(Object.keys(layers).filter((f) => !folders.includes(f)), 'a row for a folder that does not exist').toEqual([]);
  });
});

describe('the rules catch each kind of forbidden import', () => {
  // A small tree of its own (with the repository's packages), so the real tree stays clean.
  const fixture = mkdtempSync(path.join(os.tmpdir(), 'kinga-depcruise-'));
  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' } }),
    'workflows/lifecycle/workflow.ts': [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { Activities } from '../../activities/index';",
      "import { score } from '../../risk/score';",
      "import { helper } from './helper';",
      "import { createActivities } from '../../activities/index';",
      "import { readFileSync } from 'node:fs';",
      "import knex from 'knex';",
      "import { loadConfig } from '../../config/index';",
      'export const all = [proxyActivities, score, helper, createActivities, readFileSync, knex, loadConfig];',
      'export type A = Activities;',
    ].join('\n'),
    'workflows/lifecycle/helper.ts': 'export const helper = 1;',
    'activities/index.ts': "import { router } from '../api/router';\nimport { score } from '../risk/score';\nexport const createActivities = [router, score];\nexport type Activities = number;",
    'api/router.ts': "import { createActivities } from '../activities/index';\nimport { start } from '../simulators/tazama';\nexport const router = [createActivities, start];",
    'risk/score.ts': "import { hostname } from 'node:os';\nimport pg from 'pg';\nimport { loadConfig } from '../config/index';\nexport const score = [hostname, pg, loadConfig];",
    'config/index.ts': 'export const loadConfig = 1;',
    'simulators/tazama.ts': 'export const start = 1;',
    'ui/src/client.ts': "import { score } from '../../risk/score';\nimport { readFileSync } from 'node:fs';\nexport const c = [score, readFileSync];",
    'ui/vite.config.ts': "import { fileURLToPath } from 'node:url';\nexport const v = fileURLToPath;",
    'newfolder/tool.ts': "import { loadConfig } from '../config/index';\nexport const t = loadConfig;",
    'test/anything.ts': "import { router } from '../api/router';\nimport { start } from '../simulators/tazama';\nexport const t = [router, start];",
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    writeFileSync(path.join(fixture, file), text);
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(fixture, 'node_modules'), 'dir');

  it('names the rule, the file and the import for each', { timeout: CRUISE_TIMEOUT }, async () => {
    const { code, output } = await depcruise(fixture, ['workflows', 'activities', 'api', 'risk', 'config', 'simulators', 'ui', 'newfolder', 'test']);
    expect(code, output).not.toBe(0);
    // a package's resolved file (…/node_modules/knex/knex.js, through the link) shortened to the package
    const found = [...output.matchAll(/error ([\w-]+): (\S+) → (\S+)/g)]
      .map((m) => `${m[1]}: ${m[2]} → ${m[3]!.replace(/^(?:.*\/)?(node_modules\/(?:@[^/]+\/)?[^/]+)\/.*$/, '$1')}`)
      .sort();
    expect(found).toEqual(
      [
        'workflows-activities-types-only: workflows/lifecycle/workflow.ts → activities/index.ts',
        'workflows-imports: workflows/lifecycle/workflow.ts → config/index.ts',
        'workflow-sandbox: workflows/lifecycle/workflow.ts → fs',
        'workflow-sandbox: workflows/lifecycle/workflow.ts → node_modules/knex',
        'activities-imports: activities/index.ts → api/router.ts',
        'api-imports: api/router.ts → activities/index.ts',
        'api-imports: api/router.ts → simulators/tazama.ts',
        'risk-imports: risk/score.ts → config/index.ts',
        'risk-no-node-builtins: risk/score.ts → os',
        'risk-no-io-packages: risk/score.ts → node_modules/pg',
        'ui-imports: ui/src/client.ts → risk/score.ts',
        'ui-no-node-builtins: ui/src/client.ts → fs',
        'folder-without-layer: newfolder/tool.ts → config/index.ts',
      ].sort(),
    );
    // err-long carries each rule's reason (wrapped over lines)
    expect(output.replace(/\s+/g, ' ')).toContain("workflow code runs in Temporal's sandbox");
  });
});
