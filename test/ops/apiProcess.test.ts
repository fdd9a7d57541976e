// The API process as it runs in production (`node --import tsx api/server.ts`): metrics on their
// own loopback port, and SIGTERM letting a request in flight complete before the process exits 0.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../api/users/service';
import { freePort } from '../../scripts/lib/ports';
import { testDb, uniqueRef } from '../helpers';
import { startApiProcess } from '../helpers/processes';
import { eventually } from '../lifecycle/context';
import { parsePrometheusText } from './promText';

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
    const metricsPort = await freePort();
    const api = await startApiProcess({ NODE_ENV: 'production', API_METRICS_PORT: String(metricsPort) });
    const apiPort = Number(new URL(api.url).port);
    try {
      expect(api.lines.find((l) => l.msg === 'metrics listening')?.url).toBe(`http://127.0.0.1:${metricsPort}/metrics`);

      expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
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
      void api.kill('SIGTERM');
      await api.waitForLine((l) => l.msg === 'shutting down', 'that it is shutting down');
      req!.end(body.slice(10));
      expect(await answered).toBe(200);
      expect((await api.exited).code).toBe(0);
      expect(api.text()).toContain('"msg":"API stopped"');
    } finally {
      await api.kill('SIGKILL');
    }
  });
});
