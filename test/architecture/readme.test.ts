// The README's configuration table must list every variable the configuration reads.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../../config';

const README = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'), 'utf8');

describe('README configuration table', () => {
  it('documents every configuration variable', () => {
    const missing = CONFIG_VARIABLES.filter((name) => !README.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
