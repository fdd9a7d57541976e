// ESLint flat config. Two jobs beyond typescript-eslint's recommended rules:
//  1. promises: a forgotten `await` loses errors and ordering (`no-floating-promises` is an error);
//  2. DESIGN.md's dependency rules, per folder, so a forbidden import shows up in the editor.
// test/architecture/dependencies.test.ts applies the same dependency rules by resolving paths.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const CODE = '{ts,mts,cts,js,mjs,cjs}';
const TS = '{ts,mts,cts}';

const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/'));
const HTTP_CLIENTS = ['axios', 'node-fetch', 'undici', 'got', 'ky', 'superagent', 'cross-fetch', 'isomorphic-fetch', 'ofetch', 'needle'];
const IO_PACKAGES = ['knex', 'pg', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing', ...HTTP_CLIENTS];
/** Top-level folders, for rules that allow a folder none but its own. */
const FOLDERS = ['workflows', 'activities', 'workers', 'api', 'ui', 'migrations', 'db', 'config', 'scripts', 'warehouse', 'simulators', 'benchmarks', 'risk', 'admin', 'boundary'];
/** Imported by nobody but themselves (and tests). */
const NEVER_IMPORTED = ['workers', 'ui', 'simulators'];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * One layer's rule: what files under `scope` may not import. `folders` are top-level folders;
 * `typeOnly` folders may be imported with `import type` only.
 */
const LAYERS = [
  {
    scope: 'workflows',
    why: 'workflow code is deterministic: own files, the workflow SDK, risk logic and activities as types',
    folders: ['api', 'db', 'config', 'migrations', 'scripts', 'warehouse', 'benchmarks'],
    typeOnly: ['activities'],
    builtins: true,
    packages: [...IO_PACKAGES, 'pino', 'pino-http', 'argon2', '@electric-sql/pglite', '@electric-sql/pglite-socket'],
  },
  { scope: 'activities', why: 'activities never import api/, ui/ or workers/', folders: ['api'] },
  { scope: 'admin', why: 'the administration store is shared by the API and the activities and imports neither', folders: ['api', 'activities', 'workers'] },
  { scope: 'api', why: 'the API imports workflow definitions, never activity implementations', folders: ['activities'] },
  {
    scope: 'risk',
    why: 'risk logic is pure: no I/O and none of the other folders',
    folders: FOLDERS.filter((f) => f !== 'risk'),
    builtins: true,
    packages: IO_PACKAGES,
  },
  {
    scope: 'boundary',
    why: 'the input rules are pure: no I/O, only risk types from the other folders',
    folders: FOLDERS.filter((f) => f !== 'boundary' && f !== 'risk'),
    builtins: true,
    packages: IO_PACKAGES,
  },
  {
    scope: 'ui/src',
    why: 'the UI runs in the browser and reaches the system only over HTTP',
    folders: FOLDERS.filter((f) => f !== 'ui'),
    builtins: true,
  },
];

/**
 * no-restricted-imports matches the specifier text, so each rule is stated for one depth: from a
 * file N folders below the root, the root is N × "../". Stating it per depth makes "../api" from
 * workflows/ (the api/ folder) and "../api" from ui/src/views/ (the UI's own api/) different.
 */
const MAX_DEPTH = 8;

function patternsFor(layer, fromFolder, root) {
  const folder = (name, message, allowTypeImports = false) => ({
    regex: `^${escape(root)}${name}(?:/|$)`,
    message,
    ...(allowTypeImports ? { allowTypeImports: true } : {}),
  });
  const patterns = NEVER_IMPORTED.filter((f) => f !== fromFolder).map((f) => folder(f, `Nothing imports ${f}/ (DESIGN.md, dependency rules).`));
  if (!layer) return patterns;
  const why = `${layer.why} (DESIGN.md, dependency rules)`;
  for (const f of layer.folders ?? []) {
    // never-imported folders are already in the list
    if (!NEVER_IMPORTED.includes(f)) patterns.push(folder(f, `${layer.scope}/ may not import ${f}/: ${why}.`));
  }
  for (const f of layer.typeOnly ?? []) patterns.push(folder(f, `${layer.scope}/ may import ${f}/ only with \`import type\`: ${why}.`, true));
  if (layer.builtins) {
    const message = `Node built-ins are not allowed in ${layer.scope}/: ${why}.`;
    patterns.push({ regex: '^node:', message }, { regex: `^(?:${NODE_BUILTINS.map(escape).join('|')})(?:/|$)`, message });
  }
  for (const name of layer.packages ?? []) {
    patterns.push({ regex: `^${escape(name)}(?:/|$)`, message: `"${name}" is not allowed in ${layer.scope}/: ${why}.` });
  }
  return patterns;
}

function restrict(patterns) {
  return { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', { patterns }] };
}

/** Config blocks for files under `scope` ('' = the repository root), one per depth. */
function dependencyBlocks(scope, layer) {
  const base = scope === '' ? 0 : scope.split('/').length;
  const fromFolder = scope.split('/')[0];
  const blocks = [];
  for (let extra = 0; extra <= MAX_DEPTH - base; extra++) {
    const depth = base + extra;
    const dir = scope === '' ? '*/'.repeat(extra) : `${scope}/${'*/'.repeat(extra)}`;
    const root = depth === 0 ? './' : '../'.repeat(depth);
    blocks.push({ files: [`${dir}*.${CODE}`], rules: restrict(patternsFor(layer, fromFolder, root)) });
  }
  return blocks;
}

/** Everyone: the never-imported folders; those folders themselves may import their own files. */
function defaultBlocks() {
  return [dependencyBlocks('', null), ...NEVER_IMPORTED.map((folder) => dependencyBlocks(folder, null))].flat();
}

export default defineConfig(
  {
    ignores: ['node_modules/', 'ui/dist/', 'dist/', '.kinga/', 'coverage/', 'test-results/'],
  },

  // Every TypeScript and JavaScript file: the TS parser, so the import rules see `import type`.
  {
    files: [`**/*.${CODE}`],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 'latest',
      sourceType: 'module',
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
  },

  // typescript-eslint's recommended rules (no type information needed) for all TypeScript.
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: [`**/*.${TS}`] })),
  {
    files: [`**/*.${TS}`],
    rules: {
      // a leading underscore marks a parameter or binding as deliberately unused
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },

  // Server-side TypeScript is linted with type information (needed by no-floating-promises).
  {
    files: [`**/*.${TS}`],
    ignores: ['ui/**'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },

  // --- DESIGN.md dependency rules (a later block replaces an earlier block's rule options) ---
  ...defaultBlocks(),
  ...LAYERS.flatMap((layer) => dependencyBlocks(layer.scope, layer)),
  {
    // Vite's config runs in Node; tests exercise every layer on purpose
    files: [`ui/*.${CODE}`, `test/**/*.${CODE}`],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    // Tests read JSON answers and recorded histories whose shape they check themselves.
    files: [`test/**/*.${CODE}`],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  // Plain JavaScript (scripts, this file) has no type information.
  {
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
  },
);
