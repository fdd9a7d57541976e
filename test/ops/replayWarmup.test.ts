// The API process bundles the workflow code for compliance replays at start-up, so the first
// replay does not pay for webpack (CI once failed on a busy machine: the first replay outlasted
// the browser's wait). Durations are printed for operators, never asserted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { freePort } from '../../scripts/lib/ports';
import { testDb, uniqueRef, uniqueTaskQueue } from '../helpers';
import { ROOT, type LogLine } from './workerProcess';

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
    const apiPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'server.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'info',
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('replay-warmup'),
        JWT_SECRET: 'replay-warmup-secret-replay-warmup-secret-0123',
        API_HOST: '127.0.0.1',
        API_PORT: String(apiPort),
        METRICS_ENABLED: 'false',
        KINGA_SERVE_UI: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    const lines = () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
    const logged = (msg: string) =>
      new Promise<LogLine>((resolve, reject) => {
        const look = () => {
          const found = lines().find((l) => l.msg === msg);
          if (found) {
            child.stdout!.off('data', look);
            resolve(found);
          }
        };
        child.stdout!.on('data', look);
        look();
        void exited.then((code) => reject(new Error(`the API exited (${code}) before logging "${msg}":\n${out}`)));
      });
    try {
      await logged('API listening');
      // no request has asked for a replay: the build is the start-up's own
      const ready = await logged('compliance replay ready');
      expect(ready.workflowBundle).toBe('(bundled from source)');
      console.log(`replay warm-up: the workflow code was bundled ${ready.ms} ms after start-up began it`);

      const login = await fetch(`http://127.0.0.1:${apiPort}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      const { token } = (await login.json()) as { token: string };
      const history = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'histories', 'approve-medium.json'), 'utf8');
      const durations: number[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`http://127.0.0.1:${apiPort}/api/compliance/replay`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ historyText: history, name: 'approve-medium.json' }),
        });
        const body = (await res.json()) as { replay: { verdict: string; durationMs: number } };
        expect(res.status).toBe(200);
        expect(body.replay.verdict).toBe('deterministic');
        durations.push(body.replay.durationMs);
      }
      console.log(`replay warm-up: first replay ${durations[0]} ms, second ${durations[1]} ms`);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
