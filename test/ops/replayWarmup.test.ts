// The API process bundles the workflow code for compliance replays at start-up, so the first
// replay does not pay for webpack (CI once failed on a busy machine: the first replay outlasted
// the browser's wait). Durations are printed for operators, never asserted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { testDb, uniqueRef } from '../helpers';
import { signIn } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { ROOT, startApiProcess } from '../helpers/processes';

const db = testDb(2);
const username = uniqueRef('replay-warmup');
const password = 'replay-warmup-password';

beforeAll(async () => {
  await createUser(db, { username, displayName: 'Replay warm-up test', role: 'compliance', password });
});
afterAll(async () => {
  await db.destroy();
});

describe('the API process and compliance replays', () => {
  it('bundles the workflow code at start-up; the first replay then needs no bundling', { timeout: 300_000 }, async () => {
    // waits up to the test's own bound: the bundling may be slow on a busy machine
    const api = await startApiProcess({ METRICS_ENABLED: 'false' }, { waitMs: 240_000 });
    try {
      // no request has asked for a replay: the build is the start-up's own
      const ready = await api.waitForLine((l) => l.msg === 'compliance replay ready', '"compliance replay ready"');
      expect(ready.workflowBundle).toBe('(bundled from source)');
      console.log(`replay warm-up: the workflow code was bundled ${ready.ms} ms after start-up began it`);

      const call = jsonClient(() => api.url, await signIn(api.url, [{ username, password }]));
      const history = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'histories', 'approve-medium.json'), 'utf8');
      const durations: number[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await call('POST', '/api/compliance/replay', { historyText: history, name: 'approve-medium.json' }, username);
        const body = res.body as { replay: { verdict: string; durationMs: number } };
        expect(res.status).toBe(200);
        expect(body.replay.verdict).toBe('deterministic');
        durations.push(body.replay.durationMs);
      }
      console.log(`replay warm-up: first replay ${durations[0]} ms, second ${durations[1]} ms`);
    } finally {
      await api.kill('SIGTERM');
    }
  });
});
