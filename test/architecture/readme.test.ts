// The README must stay true to the tree: its configuration table lists every variable the
// configuration reads, and its folder table is the import-rule table (.dependency-cruiser.cjs).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../config';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README configuration table', () => {
  it('documents every configuration variable', () => {
    const missing = CONFIG_VARIABLES.filter((name) => !README.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});

interface Layer {
  holds: string;
  may: string[] | '*';
  typesFrom?: string[];
  pure?: boolean;
  under?: string;
}

/** The README's folder table as the rule table states it (one row a top-level folder). */
function folderTable(layers: Record<string, Layer>): string {
  const folders = (names: string[]) => names.map((f) => `\`${f}/\``).join(', ');
  const rows = Object.entries(layers).map(([folder, l]) => {
    const may = l.may === '*' ? 'any folder' : [l.may.length ? folders(l.may) : '—', ...(l.typesFrom ? [`${folders(l.typesFrom)} as types only`] : [])].join('; ');
    const pure = l.pure ? `; no Node built-ins or I/O packages${l.under ? ` in \`${l.under}\`` : ''}` : '';
    return `| \`${folder}/\` | ${l.holds} | ${may}${pure} |`;
  });
  return ['| folder | holds | may import |', '| --- | --- | --- |', ...rows].join('\n');
}

describe('README folder table', () => {
  it('is the import-rule table: every top-level folder, what it holds, what it may import', () => {
    const { layers } = createRequire(import.meta.url)(path.join(ROOT, '.dependency-cruiser.cjs')) as { layers: Record<string, Layer> };
    const table = folderTable(layers);
    expect(README.includes(table), `README.md, "Architecture": replace the folder table with\n\n${table}\n`).toBe(true);
  });
});
