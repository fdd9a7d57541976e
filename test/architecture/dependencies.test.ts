// Keeps DESIGN.md's "who may import whom" true as the code grows: every product source file is
// scanned, and a forbidden import fails the suite with the file, line and rule it breaks.
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { checkImports, findImports, formatViolations, type SourceFile } from './importRules';
import { repoRoot, sourceTree } from './sourceTree';

describe('dependency rules (DESIGN.md)', () => {
  it('no product file imports what its folder may not', () => {
    const files = sourceTree();
    const folders = new Set(files.map((f) => f.path.split('/')[0]));
    // a scan that found nothing would pass vacuously
    for (const expected of ['workflows', 'risk', 'config']) expect(folders, `scanned folders: ${[...folders].join(', ')}`).toContain(expected);

    const violations = checkImports(files);
    expect(violations, `forbidden imports (see DESIGN.md, "Dependency rules"):\n${formatViolations(violations)}\n`).toEqual([]);
  });
});

describe('the import checker itself', () => {
  it('finds static, re-export, side-effect and dynamic imports, ignoring comments', () => {
    const refs = findImports(
      [
        "import type { Activities } from '../../activities';",
        "import {",
        "  type A,",
        "  type B,",
        "} from './types';",
        "import { type C, d } from './mixed';",
        "// import fs from 'node:fs';",
        "/* import pg from 'pg'; */",
        "export * from './reexported';",
        "export type { Shape } from './shapes';",
        "import './polyfill';",
        "const lazy = () => import('./lazy');",
        "type Acts = typeof import('../../activities');",
        "const url = 'http://example.test/x'; import knex from 'knex';",
      ].join('\n'),
    );
    expect(refs.map((r) => [r.line, r.specifier, r.typeOnly])).toEqual([
      [1, '../../activities', true],
      [2, './types', true],
      [6, './mixed', false],
      [9, './reexported', false],
      [10, './shapes', true],
      [11, './polyfill', false],
      [12, './lazy', false],
      [13, '../../activities', true],
      [14, 'knex', false],
    ]);
  });

  it('reports each kind of forbidden import and lets allowed ones pass', () => {
    const fake: SourceFile[] = [
      {
        path: 'workflows/lifecycle/workflow.ts',
        text: [
          "import { proxyActivities } from '@temporalio/workflow';",
          "import type { LifecycleActivities } from '../../activities/lifecycle';",
          "import { scoreTransaction } from '../../risk/score';",
          "import { createActivities } from '../../activities';",
          "import { readFileSync } from 'node:fs';",
          "import crypto from 'crypto';",
          "import knex from 'knex';",
          "import axios from 'axios';",
          "import { loadConfig } from '../../config';",
          "import { createDb } from '../../db/connection';",
          "import { app } from '../../api/app';",
          "import { definitions } from './definitions';",
        ].join('\n'),
      },
      { path: 'activities/lifecycle.ts', text: "import { router } from '../api/cases/router';\nimport knex from 'knex';\nimport { score } from '../risk';" },
      { path: 'api/cases/handlers.ts', text: "import { createActivities } from '../../activities';\nimport { stateQuery } from '../../workflows/lifecycle/definitions';" },
      { path: 'risk/rules.ts', text: "import { loadConfig } from '../config';\nimport { hostname } from 'node:os';\nimport { clamp } from './amount';" },
      { path: 'scripts/start.ts', text: "import { runWorker } from '../workers/worker';\nimport { startTazama } from '../simulators/tazama';" },
      { path: 'workers/worker.ts', text: "import { Worker } from '@temporalio/worker';\nimport { createActivities } from '../activities';\nimport { schedules } from './schedules';" },
      { path: 'ui/src/api/client.ts', text: "import type { Role } from '../../../workflows/lifecycle/definitions';" },
      { path: 'compliance/replay.ts', text: "import { createActivities } from '../activities';\nimport { Client } from '@temporalio/client';\nimport { historyOf } from './history';" },
      { path: 'boundary/input.ts', text: "import type { Transaction } from '../risk/types';\nimport { createDb } from '../db/connection';\nimport { readFileSync } from 'node:fs';\nimport knex from 'knex';" },
      // build tooling beside the UI runs in Node; only the browser code under ui/src is restricted
      { path: 'ui/vite.config.ts', text: "import { fileURLToPath } from 'node:url';" },
    ];

    const found = checkImports(fake).map((v) => `${v.file}:${v.line} ${v.specifier}`);
    expect(found).toEqual([
      'workflows/lifecycle/workflow.ts:4 ../../activities',
      'workflows/lifecycle/workflow.ts:5 node:fs',
      'workflows/lifecycle/workflow.ts:6 crypto',
      'workflows/lifecycle/workflow.ts:7 knex',
      'workflows/lifecycle/workflow.ts:8 axios',
      'workflows/lifecycle/workflow.ts:9 ../../config',
      'workflows/lifecycle/workflow.ts:10 ../../db/connection',
      'workflows/lifecycle/workflow.ts:11 ../../api/app',
      'activities/lifecycle.ts:1 ../api/cases/router',
      'api/cases/handlers.ts:1 ../../activities',
      'risk/rules.ts:1 ../config',
      'risk/rules.ts:2 node:os',
      'scripts/start.ts:1 ../workers/worker',
      'scripts/start.ts:2 ../simulators/tazama',
      'ui/src/api/client.ts:1 ../../../workflows/lifecycle/definitions',
      'compliance/replay.ts:1 ../activities',
      'boundary/input.ts:2 ../db/connection',
      'boundary/input.ts:3 node:fs',
      'boundary/input.ts:4 knex',
    ]);

    const message = formatViolations(checkImports(fake));
    expect(message).toContain('workflows/ may import activities/ only with `import type`');
    expect(message).toContain('nothing imports workers/');
  });
});

describe('one copy of the rules', () => {
  it('eslint reads dependency-rules.json too: the same forbidden imports show in the editor', async () => {
    const eslint = new ESLint({ cwd: repoRoot });
    const lint = async (filePath: string, code: string) =>
      (await eslint.lintText(code, { filePath: path.join(repoRoot, filePath) }))[0]!.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
    expect(await lint('compliance/example.js', "import { createActivities } from '../activities/index.js';\n")).toEqual([expect.stringContaining('compliance/ may not import activities/: compliance logic is shared')]);
    expect(await lint('boundary/example.js', "import { createDb } from '../db/connection.js';\nimport fs from 'node:fs';\nimport { money } from '../risk/money.js';\n")).toEqual([
      expect.stringContaining('boundary/ may not import db/: the input rules are pure'),
      expect.stringContaining('Node built-ins are not allowed in boundary/'),
    ]);
    expect(await lint('api/example.js', "import { startTazama } from '../simulators/tazama/index.js';\n")).toEqual([expect.stringContaining('Nothing imports simulators/: ')]);
  });
});
