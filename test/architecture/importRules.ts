// DESIGN.md's dependency rules ("who may import whom") as data, and a small checker that applies
// them to a set of source files. The checker is deliberately simple: it reads import/export-from
// statements with regular expressions and resolves relative specifiers to the top-level folder
// they land in. eslint.config.js states the same rules for the editor; this test is the exact one
// (it resolves paths instead of matching specifier text).
import { builtinModules } from 'node:module';
import path from 'node:path';

export interface SourceFile {
  /** repository-relative, forward slashes: "workflows/lifecycle/workflow.ts" */
  path: string;
  text: string;
}

export interface ImportRef {
  specifier: string;
  line: number;
  /** `import type …`, `export type … from`, or only `type` specifiers: erased at compile time */
  typeOnly: boolean;
}

export type Target =
  | { kind: 'folder'; folder: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string }
  | { kind: 'outside' };

export interface Violation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

interface FolderRule {
  /** the importing top-level folder the rule applies to */
  from: string;
  /** narrows the rule to files under this path (the UI's browser code, not its build config) */
  under?: string;
  /** top-level folders it must not import */
  folders?: string[];
  /** folders it may import only with `import type` */
  typeOnlyFolders?: string[];
  /** packages it must not import (a name matches itself and its subpaths) */
  packages?: string[];
  /** Node built-ins are forbidden */
  noBuiltins?: boolean;
  why: string;
}

/** HTTP clients: workflows may not do I/O of any kind. */
export const HTTP_CLIENTS = ['axios', 'node-fetch', 'undici', 'got', 'ky', 'superagent', 'cross-fetch', 'isomorphic-fetch', 'ofetch', 'needle'];

/** Packages that do I/O or pull Node APIs into the workflow sandbox. */
export const WORKFLOW_FORBIDDEN_PACKAGES = [
  'knex',
  'pg',
  'express',
  'pino',
  'pino-http',
  'argon2',
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  ...HTTP_CLIENTS,
];

/** Folders nobody outside themselves may import (test/ and the root tooling excepted). */
export const NEVER_IMPORTED = ['workers', 'ui', 'simulators'];

/** Every top-level product folder; pure risk logic and the UI may import none but their own. */
const PRODUCT_FOLDERS = ['workflows', 'activities', 'workers', 'api', 'ui', 'migrations', 'db', 'config', 'scripts', 'warehouse', 'simulators', 'benchmarks', 'risk', 'compliance', 'observability', 'temporal', 'admin', 'boundary'];

export const FOLDER_RULES: FolderRule[] = [
  {
    from: 'workflows',
    folders: ['api', 'workers', 'db', 'config', 'migrations', 'scripts', 'warehouse', 'benchmarks'],
    typeOnlyFolders: ['activities'],
    packages: WORKFLOW_FORBIDDEN_PACKAGES,
    noBuiltins: true,
    why: 'workflows are deterministic: own files, the workflow SDK, risk logic and activities as types only',
  },
  {
    from: 'activities',
    folders: ['api'],
    why: 'activities never import api/, ui/ or workers/',
  },
  {
    from: 'api',
    folders: ['activities'],
    why: 'the API talks to Temporal through the client and imports no activity implementation',
  },
  {
    from: 'compliance',
    folders: ['api', 'activities', 'workers'],
    why: 'compliance logic is shared by the API and the CLI: it uses the client and the replayer, never activities, the API or workers',
  },
  {
    from: 'admin',
    folders: ['api', 'activities', 'workers'],
    why: 'the administration store (rule sets, admin audit) is shared by the API and the activities: it imports neither',
  },
  {
    from: 'risk',
    folders: PRODUCT_FOLDERS.filter((f) => f !== 'risk'),
    packages: ['knex', 'pg', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', ...HTTP_CLIENTS],
    noBuiltins: true,
    why: 'risk logic has no I/O and imports none of the other folders',
  },
  {
    from: 'boundary',
    folders: PRODUCT_FOLDERS.filter((f) => f !== 'boundary' && f !== 'risk'),
    packages: ['knex', 'pg', 'express', '@temporalio/client', '@temporalio/worker', '@temporalio/activity', ...HTTP_CLIENTS],
    noBuiltins: true,
    why: 'the input rules are pure: no I/O, only risk types from the other folders',
  },
  {
    from: 'ui',
    under: 'ui/src/',
    folders: PRODUCT_FOLDERS.filter((f) => f !== 'ui'),
    noBuiltins: true,
    why: 'the UI reaches the system only over HTTP',
  },
];

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

export function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]!);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The top-level folder of a repository-relative path; '' for files at the root. */
export function topFolder(file: string): string {
  const parts = file.split('/');
  return parts.length > 1 ? parts[0]! : '';
}

export function classify(fromFile: string, specifier: string): Target {
  if (specifier.startsWith('.')) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
    if (resolved === '..' || resolved.startsWith('../')) return { kind: 'outside' };
    // "../config" from a subfolder resolves to "config": the folder itself (its index).
    const folder = resolved.includes('/') ? topFolder(resolved) : resolved.replace(/\.[cm]?[jt]s$/, '');
    return { kind: 'folder', folder };
  }
  if (isBuiltin(specifier)) return { kind: 'builtin', name: specifier };
  return { kind: 'package', name: packageName(specifier) };
}

/** Comments out, string contents kept (so `import x from '…'` inside a comment is not an import). */
function stripComments(text: string): string {
  return text.replace(/("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (match, literal: string | undefined) =>
    literal ?? match.replace(/[^\n]/g, ' '),
  );
}

function isTypeOnlyClause(clause: string): boolean {
  const c = clause.trim();
  // `import type X from`, `import type { A } from`, `export type { A } from`, `export type * from`
  if (/^type\s+[\w${*]/.test(c)) return true;
  // `import { type A, type B } from`: every named specifier is a type, and there is no default
  const braces = /^\{([\s\S]*)\}$/.exec(c);
  if (!braces) return false;
  const names = braces[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 && names.every((n) => /^type\s/.test(n));
}

const STATIC_FROM = /\b(import|export)\s+([\w$\s{},*]*?)\s*from\s*(['"])([^'"\n]+)\3/g;
const SIDE_EFFECT = /\bimport\s*(['"])([^'"\n]+)\1/g;
const DYNAMIC = /(\btypeof\s+)?\b(?:import|require)\s*\(\s*(['"])([^'"\n]+)\2\s*\)/g;

/** The modules a file imports or re-exports, with their line and whether only types are involved. */
export function findImports(text: string): ImportRef[] {
  const code = stripComments(text);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const refs: ImportRef[] = [];
  for (const m of code.matchAll(STATIC_FROM)) {
    refs.push({ specifier: m[4]!, line: lineAt(m.index), typeOnly: isTypeOnlyClause(m[2]!) });
  }
  for (const m of code.matchAll(SIDE_EFFECT)) refs.push({ specifier: m[2]!, line: lineAt(m.index), typeOnly: false });
  // `typeof import('…')` is a type query; any other import()/require() loads the module
  for (const m of code.matchAll(DYNAMIC)) refs.push({ specifier: m[3]!, line: lineAt(m.index), typeOnly: m[1] !== undefined });
  return refs.sort((a, b) => a.line - b.line);
}

function matchesPackage(name: string, forbidden: string[]): boolean {
  return forbidden.includes(name);
}

/** Why `ref` may not be imported from `file`, or null when it may. */
export function judge(file: string, ref: ImportRef): string | null {
  const from = topFolder(file);
  const target = classify(file, ref.specifier);

  if (target.kind === 'folder' && target.folder !== from && NEVER_IMPORTED.includes(target.folder)) {
    return `nothing imports ${target.folder}/`;
  }
  const rule = FOLDER_RULES.find((r) => r.from === from && (r.under === undefined || file.startsWith(r.under)));
  if (!rule) return null;
  switch (target.kind) {
    case 'folder':
      if (target.folder === from) return null;
      if (rule.typeOnlyFolders?.includes(target.folder)) {
        return ref.typeOnly ? null : `${from}/ may import ${target.folder}/ only with \`import type\` (${rule.why})`;
      }
      return rule.folders?.includes(target.folder) ? `${from}/ may not import ${target.folder}/ (${rule.why})` : null;
    case 'builtin':
      return rule.noBuiltins ? `${from}/ may not import the Node built-in "${target.name}" (${rule.why})` : null;
    case 'package':
      return rule.packages && matchesPackage(target.name, rule.packages) ? `${from}/ may not import "${target.name}" (${rule.why})` : null;
    case 'outside':
      return null;
  }
}

export function checkImports(files: SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  for (const file of files) {
    for (const ref of findImports(file.text)) {
      const rule = judge(file.path, ref);
      if (rule) violations.push({ file: file.path, line: ref.line, specifier: ref.specifier, rule });
    }
  }
  return violations;
}

export function formatViolations(violations: Violation[]): string {
  return violations.map((v) => `  ${v.file}:${v.line}  import '${v.specifier}'  — ${v.rule}`).join('\n');
}
