// Recorded workflow histories, replayed in CI against the current workflow code. Set
// KINGA_RECORD_FIXTURES=1 to (re)record them from a test run; otherwise nothing is written.
// Histories are written as proto3 JSON, the format `temporal workflow show --output json` writes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORY_FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'histories');

/** `dir`: the lifecycle corpus by default; other workflows keep theirs in a folder of their own. */
export async function saveHistoryFixture(handle: WorkflowHandle, name: string, dir = HISTORY_FIXTURES): Promise<void> {
  if (process.env.KINGA_RECORD_FIXTURES !== '1') return;
  await handle.result();
  const json = historyToJSON(await handle.fetchHistory());
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(JSON.parse(json), null, 2)}\n`);
}
