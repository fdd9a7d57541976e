// ESLint flat config. One job beyond typescript-eslint's recommended rules: promises (a forgotten
// `await` loses errors and ordering, so `no-floating-promises` is an error). DESIGN.md's import
// rules are not here: dependency-cruiser enforces them (.dependency-cruiser.cjs, `npm run lint`).
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';
import vueParser from 'vue-eslint-parser';

const CODE = '{ts,mts,cts,js,mjs,cjs}';
const TS = '{ts,mts,cts}';

export default defineConfig(
  {
    ignores: ['node_modules/', 'ui/dist/', 'dist/', '.kinga/', 'coverage/', 'test-results/'],
  },

  // Every TypeScript and JavaScript file: the TS parser.
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
