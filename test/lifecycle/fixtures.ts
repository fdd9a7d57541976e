// Recorded workflow histories, replayed in CI against the current workflow code. Set
// KINGA_RECORD_FIXTURES=1 to (re)record them from a test run; otherwise nothing is written.
// Histories are taken with the Temporal CLI (`temporal workflow show --output json`), the same
// format an operator exports.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { inject } from 'vitest';

export const HISTORY_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');

export async function saveHistoryFixture(handle: WorkflowHandle, name: string): Promise<void> {
  if (process.env.KINGA_RECORD_FIXTURES !== '1') return;
  await handle.result();
  const json = execFileSync(
    inject('temporalCliPath'),
    ['workflow', 'show', '--workflow-id', handle.workflowId, '--output', 'json', '--address', inject('temporalAddress'), '--namespace', inject('temporalNamespace')],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  fs.mkdirSync(HISTORY_FIXTURES, { recursive: true });
  fs.writeFileSync(path.join(HISTORY_FIXTURES, `${name}.json`), `${JSON.stringify(JSON.parse(json), null, 2)}\n`);
}
