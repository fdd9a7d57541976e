// DESIGN.md's dependency rules ("who may import whom") as data, and a small checker that applies
// them to a set of source files. The checker is deliberately simple: it reads import/export-from
// statements with regular expressions and resolves relative specifiers to the top-level folder
// they land in. The rules themselves are data in dependency-rules.json, which eslint.config.js
// states for the editor; this test is the exact check (it resolves paths instead of matching
// specifier text).
import { builtinModules } from 'node:module';
import path from 'node:path';
import rules from '../../dependency-rules.json';

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

/** The rules as written in dependency-rules.json (the one copy; eslint.config.js reads it too). */
interface WrittenRules {
  folders: string[];
  neverImported: { folders: string[]; why: string };
  packageGroups: Record<string, string[]>;
  layers: {
    from: string;
    under?: string;
    why: string;
    folders?: string[];
    allFoldersBut?: string[];
    typeOnlyFolders?: string[];
    noBuiltins?: boolean;
    packageGroups?: string[];
    packages?: string[];
  }[];
}

interface FolderRule {
  /** the importing top-level folder the rule applies to */
  from: string;
  /** narrows the rule to files under this path (the UI's browser code, not its build config) */
  under?: string;
  /** top-level folders it must not import */
  folders: string[];
  /** folders it may import only with `import type` */
  typeOnlyFolders: string[];
  /** packages it must not import (a name matches itself and its subpaths) */
  packages: string[];
  /** Node built-ins are forbidden */
  noBuiltins: boolean;
  why: string;
}

const written = rules as WrittenRules;

/** Folders nobody outside themselves may import (test/ and the root tooling excepted). */
export const NEVER_IMPORTED = written.neverImported.folders;

export const FOLDER_RULES: FolderRule[] = written.layers.map((l) => ({
  from: l.from,
  ...(l.under ? { under: `${l.under}/` } : {}),
  folders: l.allFoldersBut ? written.folders.filter((f) => !l.allFoldersBut!.includes(f)) : (l.folders ?? []),
  typeOnlyFolders: l.typeOnlyFolders ?? [],
  packages: [...(l.packageGroups ?? []).flatMap((g) => written.packageGroups[g]!), ...(l.packages ?? [])],
  noBuiltins: l.noBuiltins ?? false,
  why: l.why,
}));

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
    return `nothing imports ${target.folder}/ (${written.neverImported.why})`;
  }
  const rule = FOLDER_RULES.find((r) => r.from === from && (r.under === undefined || file.startsWith(r.under)));
  if (!rule) return null;
  switch (target.kind) {
    case 'folder':
      if (target.folder === from) return null;
      if (rule.typeOnlyFolders.includes(target.folder)) {
        return ref.typeOnly ? null : `${from}/ may import ${target.folder}/ only with \`import type\` (${rule.why})`;
      }
      return rule.folders.includes(target.folder) ? `${from}/ may not import ${target.folder}/ (${rule.why})` : null;
    case 'builtin':
      return rule.noBuiltins ? `${from}/ may not import the Node built-in "${target.name}" (${rule.why})` : null;
    case 'package':
      return matchesPackage(target.name, rule.packages) ? `${from}/ may not import "${target.name}" (${rule.why})` : null;
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
