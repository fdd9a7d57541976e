// The API process as it runs in production (`node --import tsx api/server.ts`): metrics on their
// own loopback port, and SIGTERM letting a request in flight complete before the process exits 0.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { freePort } from '../../scripts/lib/ports';
import { testDb, uniqueRef, uniqueTaskQueue } from '../helpers';
import { eventually } from '../lifecycle/context';
import { parsePrometheusText } from './promText';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const db = testDb(2);
const username = uniqueRef('ops-api');
const password = 'ops-api-password';

beforeAll(async () => {
  await createUser(db, { username, displayName: 'Ops API test', role: 'analyst', password });
});
afterAll(async () => {
  await db.destroy();
});

describe('the API process', () => {
  it('serves metrics on loopback apart from the API, and drains a request in flight on SIGTERM, then exits 0', async () => {
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'api', 'server.ts')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        DATABASE_URL: inject('databaseUrl'),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('ops-api'),
        JWT_SECRET: 'ops-api-test-secret-ops-api-test-secret-0123',
        API_HOST: '127.0.0.1',
        API_PORT: String(apiPort),
        API_METRICS_PORT: String(metricsPort),
        KINGA_SERVE_UI: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    try {
      await new Promise<void>((resolve, reject) => {
        const onData = () => out.includes('"msg":"API listening"') && resolve();
        child.stdout!.on('data', onData);
        void exited.then((code) => reject(new Error(`the API exited (${code}) before listening:\n${out}`)));
      });
      const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines.find((l) => l.msg === 'metrics listening')?.url).toBe(`http://127.0.0.1:${metricsPort}/metrics`);

      expect((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${apiPort}/metrics`)).status).toBe(404);
      const scraped = parsePrometheusText(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
      expect(scraped.value('kinga_business_metrics_up')).toBe(1);
      expect(scraped.find('kinga_http_requests_total', { route: '/healthz' })).toHaveLength(1);

      // A sign-in whose body arrives in two parts: the API is mid-request when SIGTERM arrives.
      const body = JSON.stringify({ username, password });
      let req: http.ClientRequest | undefined;
      const answered = new Promise<number>((resolve, reject) => {
        req = http.request(
          { host: '127.0.0.1', port: apiPort, path: '/api/auth/login', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write(body.slice(0, 10));
      });
      // in flight: the API's own gauge says so
      await eventually(async () => {
        const m = parsePrometheusText(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text());
        return m.value('kinga_http_requests_in_flight') >= 1 ? true : undefined;
      }, 'the sign-in to be in flight');
      child.kill('SIGTERM');
      await eventually(async () => (out.includes('"msg":"shutting down"') ? true : undefined), 'the API to start shutting down');
      req!.end(body.slice(10));
      expect(await answered).toBe(200);
      expect(await exited).toBe(0);
      expect(out).toContain('"msg":"API stopped"');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
