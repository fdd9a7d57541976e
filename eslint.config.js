// ESLint flat config. Two jobs beyond typescript-eslint's recommended rules:
//  1. promises: a forgotten `await` loses errors and ordering (`no-floating-promises` is an error);
//  2. DESIGN.md's dependency rules (dependency-rules.json), per folder, so a forbidden import shows
//     up in the editor; test/architecture/dependencies.test.ts applies the same file by resolving paths.
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const CODE = '{ts,mts,cts,js,mjs,cjs}';
const TS = '{ts,mts,cts}';

const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_') && !m.includes('/'));

// DESIGN.md's dependency rules, written once in dependency-rules.json (test/architecture reads it too).
const RULES = JSON.parse(readFileSync(new URL('./dependency-rules.json', import.meta.url), 'utf8'));
const NEVER_IMPORTED = RULES.neverImported.folders;

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * One layer's rule: what files under `scope` may not import. `folders` are top-level folders;
 * `typeOnly` folders may be imported with `import type` only.
 */
const LAYERS = RULES.layers.map((l) => ({
  scope: l.under ?? l.from,
  why: l.why,
  folders: l.allFoldersBut ? RULES.folders.filter((f) => !l.allFoldersBut.includes(f)) : (l.folders ?? []),
  typeOnly: l.typeOnlyFolders ?? [],
  builtins: l.noBuiltins ?? false,
  packages: [...(l.packageGroups ?? []).flatMap((g) => RULES.packageGroups[g]), ...(l.packages ?? [])],
}));

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
  const patterns = NEVER_IMPORTED.filter((f) => f !== fromFolder).map((f) => folder(f, `Nothing imports ${f}/: ${RULES.neverImported.why} (DESIGN.md, dependency rules).`));
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

  // The UI: eslint-plugin-vue's recommended rules for the templates, typescript-eslint's inside
  // <script setup lang="ts">, and type information from ui/tsconfig.json (its .ts and .vue files).
  ...pluginVue.configs['flat/recommended'].map((config) => ({ ...config, files: ['ui/src/**/*.vue'] })),
  // (typescript-eslint's base config sets its own parser: vue-eslint-parser comes after it)
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: ['ui/src/**/*.vue'] })),
  {
    files: ['ui/src/**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, sourceType: 'module', extraFileExtensions: ['.vue'] },
    },
  },
  {
    files: ['ui/src/**/*.{ts,vue}'],
    languageOptions: {
      parserOptions: { project: './ui/tsconfig.json', tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.vue'] },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // Template layout (line breaks, attributes per line, indentation) is the authors' choice, as
    // the server code has no formatter rules either; the rules about meaning stay on.
    files: ['ui/src/**/*.vue'],
    rules: {
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'vue/html-indent': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-closing-bracket-newline': 'off',
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
