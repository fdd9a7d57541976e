// Every product source file (not test/, not dependencies, not build output), for the architecture tests.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SourceFile {
  /** repository-relative, forward slashes: "workflows/lifecycle/workflow.ts" */
  path: string;
  text: string;
}

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Not product code (test/ may import anything) or not source at all. */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.kinga', '.ci', 'test', 'dist', 'coverage', 'test-results']);
const SOURCE_FILE = /\.(?:[cm]?ts|[cm]?js|vue)$/;

function collect(dir: string, out: SourceFile[]): void {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const rel = path.relative(repoRoot, full).split(path.sep).join('/');
    if (statSync(full).isDirectory()) {
      if (!SKIPPED_DIRS.has(name) && !name.startsWith('.')) collect(full, out);
    } else if (SOURCE_FILE.test(name) && !name.endsWith('.d.ts') && !/\.test\.[cm]?[jt]s$/.test(name)) {
      out.push({ path: rel, text: readFileSync(full, 'utf8') });
    }
  }
}

export function sourceTree(): SourceFile[] {
  const files: SourceFile[] = [];
  collect(repoRoot, files);
  return files;
}
