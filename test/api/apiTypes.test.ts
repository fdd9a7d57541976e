// The UI's API types are generated (scripts/lib/apiTypes.ts): this renders them again from the
// current OpenAPI document and fails when the committed ui/src/api/generated.ts is stale, i.e.
// when an API answer changed and `npm run api:types` was not run.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_PATH, renderApiTypes } from '../../scripts/lib/apiTypes';

const committedPath = fileURLToPath(new URL(`../../${GENERATED_TYPES_PATH}`, import.meta.url));

describe('the UI API types (ui/src/api/generated.ts)', () => {
  it('are what `npm run api:types` generates from the current OpenAPI document', async () => {
    const fresh = await renderApiTypes();
    const committed = readFileSync(committedPath, 'utf8');
    // a vacuous document would make a vacuous comparison
    expect(fresh).toContain('"/api/cases/{id}"');
    if (committed !== fresh) {
      const a = committed.split('\n');
      const b = fresh.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      expect.fail(
        `${GENERATED_TYPES_PATH} is stale: run \`npm run api:types\` and commit it.\n` +
          `first difference at line ${line + 1}:\n  committed: ${a[line] ?? '(end of file)'}\n  generated: ${b[line] ?? '(end of file)'}`,
      );
    }
  });
});
