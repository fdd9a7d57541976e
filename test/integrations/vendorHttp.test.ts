// The shared vendor HTTP core (activities/vendorHttp.ts) against a real HTTP server on loopback:
// timeouts (headers and a body that never finishes), which statuses are worth retrying, redirects,
// answers that are not JSON, and secrets scrubbed from every message and body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVendorHttp, safeUrl, VendorHttpError, type VendorHttp } from '../../activities/vendorHttp';

const SECRET = 'api-key-0f3c9a77d2';
let server: Server;
let base: string;
const hanging = new Set<ServerResponse>();

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = await readBody(req);
      const status = Number(url.searchParams.get('status') ?? '200');
      if (url.pathname === '/silent') {
        hanging.add(res); // never answers
        return;
      }
      if (url.pathname === '/stalled-body') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":');
        hanging.add(res); // the body never finishes
        return;
      }
      if (url.pathname === '/echo') {
        // a careless server that echoes the credentials it got, in the body and its message
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `refused ${req.headers.authorization}`, youSent: body }));
        return;
      }
      if (url.pathname === '/redirect') {
        res.writeHead(301, { location: `${base}/elsewhere/` });
        res.end();
        return;
      }
      if (url.pathname === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>a proxy login page</html>');
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 204 ? undefined : JSON.stringify({ status }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const core = (timeoutMs = 2_000): VendorHttp<VendorHttpError> => createVendorHttp({ timeoutMs, secrets: [SECRET, undefined, 'ab'] });

async function failureOf(promise: Promise<unknown>): Promise<VendorHttpError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(VendorHttpError);
    return err as VendorHttpError;
  }
  throw new Error('the call succeeded');
}

async function answerError(http: VendorHttp<VendorHttpError>, path: string, init: RequestInit = {}): Promise<VendorHttpError> {
  const answer = await http.exchange(`Vendor GET ${path}`, `${base}${path}`, init);
  expect(answer.ok).toBe(false);
  return http.failure(`Vendor GET ${path}`, answer);
}

describe('the vendor HTTP core', () => {
  it('answers 2xx as they are and reads JSON', async () => {
    const http = core();
    const answer = await http.exchange('Vendor GET /ok', `${base}/ok?status=201`, {});
    expect(answer).toMatchObject({ status: 201, ok: true });
    expect(http.json('Vendor GET /ok', answer)).toEqual({ status: 201 });
    expect((await http.exchange('Vendor GET /none', `${base}/none?status=204`, {})).text).toBe('');
  });

  it('times out a server that does not answer, and one whose body never finishes: retryable', async () => {
    const silent = await failureOf(core(150).exchange('Vendor GET /silent', `${base}/silent`, {}));
    expect(silent).toMatchObject({ code: 'timeout', status: null, retryable: true, message: 'Vendor GET /silent: no answer within 150 ms' });
    const stalled = await failureOf(core(150).exchange('Vendor GET /stalled-body', `${base}/stalled-body`, {}));
    expect(stalled).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('calls a refused connection a network error: retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await failureOf(core().exchange('Vendor GET /', `http://127.0.0.1:${port}/`, {}));
    expect(err).toMatchObject({ code: 'network', status: null, retryable: true });
    expect(err.message).toMatch(/network error: ECONNREFUSED/);
  });

  it('retries 5xx, 408 and 429; never another 4xx; 401/403 are auth errors', async () => {
    const http = core();
    for (const status of [500, 502, 503, 504, 408, 429]) {
      expect(await answerError(http, `/x?status=${status}`), String(status)).toMatchObject({ code: 'http', status, retryable: true });
    }
    for (const status of [400, 404, 409, 410, 422]) {
      expect(await answerError(http, `/x?status=${status}`), String(status)).toMatchObject({ code: 'http', status, retryable: false });
    }
    for (const status of [401, 403]) {
      expect(await answerError(http, `/x?status=${status}`), String(status)).toMatchObject({ code: 'auth', status, retryable: false });
    }
    const err = await answerError(http, '/x?status=503');
    expect(err.message).toBe('Vendor GET /x?status=503 answered 503: {"status":503}');
  });

  it('does not follow a redirect when told not to: a final error naming where it pointed', async () => {
    const err = await answerError(core(), '/redirect', { redirect: 'manual' });
    expect(err).toMatchObject({ code: 'redirect', status: 301, retryable: false });
    expect(err.message).toContain(`to ${base}/elsewhere/`);
  });

  it('refuses an answer that is not JSON: a final protocol error', async () => {
    const http = core();
    const answer = await http.exchange('Vendor GET /html', `${base}/html`, {});
    let thrown: unknown;
    try {
      http.json('Vendor GET /html', answer);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'protocol', status: 200, retryable: false, body: '<html>a proxy login page</html>' });
  });

  it('scrubs the secrets from messages and bodies, whatever the server echoes', async () => {
    const http = core();
    const answer = await http.exchange('Vendor POST /echo', `${base}/echo?status=400`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}` },
      body: JSON.stringify({ password: SECRET }),
    });
    expect(answer.text).not.toContain(SECRET);
    const err = http.failure('Vendor POST /echo', answer);
    expect(err.message).toContain('refused Bearer [redacted]');
    expect(`${err.message} ${err.body} ${err.stack}`).not.toContain(SECRET);
    // a secret in a message the adapter writes itself is scrubbed too
    expect(http.error(`bad key ${SECRET}`, { code: 'protocol', status: null, retryable: false, body: null }).message).toBe('bad key [redacted]');
    // secrets too short to be one are not scrubbed (they would blank ordinary words)
    expect(http.scrub('ab cd')).toBe('ab cd');
    expect(safeUrl(`https://user:${SECRET}@vendor.example/api/x?token=${SECRET}`)).toBe('https://vendor.example/api/x');
  });

  it('cuts long bodies in messages', async () => {
    const http = createVendorHttp({ timeoutMs: 2_000, secrets: [], maxBody: 10 });
    const answer = await http.exchange('Vendor GET /x', `${base}/x?status=500`, {});
    expect(http.failure('Vendor GET /x', answer).message).toBe('Vendor GET /x answered 500: {"status":…');
  });

  it("builds the vendor's own error type", async () => {
    class AcmeError extends VendorHttpError {
      override name = 'AcmeError';
    }
    const http = createVendorHttp({ timeoutMs: 150, secrets: [], error: (message, fields) => new AcmeError(message, fields) });
    const err = await failureOf(http.exchange('Acme GET /silent', `${base}/silent`, {}));
    expect(err).toBeInstanceOf(AcmeError);
    expect(err.name).toBe('AcmeError');
  });
});
