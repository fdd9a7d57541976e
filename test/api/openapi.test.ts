// The API contract: every route the Express app mounts is in the OpenAPI document with its method,
// and real answers of the running API match the document's schemas.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Application } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../api/openapi/route';
import { apiTransaction, createApiHarness, insertCase, type ApiHarness } from './helpers';

interface Layer {
  rawPath?: string | RegExp | (string | RegExp)[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every (METHOD, path) the app routes, found by walking the router stack (Express 5 / router 2). */
export function mountedRoutes(app: Application): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const join = (prefix: string, path: string) => `${prefix.replace(/\/$/, '')}${path === '/' ? '' : path}` || '/';
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') out.push({ method, path: join(prefix, path) });
          }
        }
      } else if (layer.handle.stack) {
        const raw = layer.rawPath;
        if (typeof raw !== 'string') throw new Error(`a router mounted on ${String(raw)}: the coverage walk only knows string paths`);
        walk(layer.handle.stack, join(prefix, raw));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return out;
}

let h: ApiHarness;
let doc: any;

beforeAll(async () => {
  h = await createApiHarness();
  const res = await request(h.app).get('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await h?.close();
});

/** Validates `body` against the document's schema for this operation's answer. */
function conforms(method: string, path: string, status: number, body: unknown): string[] {
  const schema = doc.paths[path]?.[method]?.responses?.[String(status)]?.content?.['application/json']?.schema;
  if (!schema) return [`the document has no JSON answer ${status} for ${method.toUpperCase()} ${path}`];
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile({ ...schema, components: doc.components });
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the error shape and the bearer scheme', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.Error.required).toEqual(['error', 'message']);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/cases/{id}/decision'].post['x-kinga-roles']).toEqual(['analyst', 'senior_analyst']);
    expect(doc.paths['/api/cases/{id}/decision'].post.description).toContain('roles: analyst, senior_analyst');
  });

  it('holds every route the app mounts, with its method', () => {
    const routes = mountedRoutes(h.app);
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes.filter((r) => !doc.paths[openApiPath(r.path)]?.[r.method]).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(missing).toEqual([]);
    // …and nothing that is not mounted
    const mounted = new Set(routes.map((r) => `${r.method} ${openApiPath(r.path)}`));
    const extra = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
      .filter((op) => !mounted.has(op));
    expect(extra).toEqual([]);
  });

  it("describes every operation's errors with the one error shape", () => {
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.responses['500']?.content?.['application/json']?.schema, `${method} ${path}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });
});

describe('real answers match the document', () => {
  it('login, the queue, a case, a transaction, an ingestion and the errors', async () => {
    const token = await h.token('senior_analyst');
    const auth = { Authorization: `Bearer ${token}` };
    const login = await request(h.app).post('/api/auth/login').send({ username: h.users.analyst, password: h.password });
    expect(conforms('post', '/api/auth/login', 200, login.body)).toEqual([]);
    const badLogin = await request(h.app).post('/api/auth/login').send({ username: h.users.analyst });
    expect(badLogin.status).toBe(400);
    expect(conforms('post', '/api/auth/login', 400, badLogin.body)).toEqual([]);

    const { caseId, ref } = await insertCase(h.db, { riskLevel: 'high', status: 'escalated' });
    const queue = await request(h.app).get('/api/cases?limit=5').set(auth);
    expect(queue.status).toBe(200);
    expect(conforms('get', '/api/cases', 200, queue.body)).toEqual([]);
    const detail = await request(h.app).get(`/api/cases/${caseId}`).set(auth);
    expect(detail.status).toBe(200);
    expect(conforms('get', '/api/cases/{id}', 200, detail.body)).toEqual([]);
    const txn = await request(h.app).get(`/api/transactions/${ref}`).set(auth);
    expect(txn.status).toBe(200);
    expect(conforms('get', '/api/transactions/{ref}', 200, txn.body)).toEqual([]);

    const input = apiTransaction();
    const ingest = await request(h.app).post('/api/transactions').set(auth).send(input);
    h.track(ingest.body.workflowId);
    expect(ingest.status).toBe(202);
    expect(conforms('post', '/api/transactions', 202, ingest.body)).toEqual([]);

    const forbidden = await request(h.app).get('/api/compliance/decisions?from=2026-01-01&to=2026-01-02').set(auth);
    expect(forbidden.status).toBe(403);
    expect(conforms('get', '/api/compliance/decisions', 403, forbidden.body)).toEqual([]);
    const overview = await request(h.app).get('/api/overview').set(auth);
    expect(conforms('get', '/api/overview', 200, overview.body)).toEqual([]);
    const analytics = await request(h.app).get('/api/analytics').set(auth);
    expect(conforms('get', '/api/analytics', 200, analytics.body)).toEqual([]);
    const metrics = await request(h.app).get('/api/risk/metrics').set(auth);
    expect(conforms('get', '/api/risk/metrics', 200, metrics.body)).toEqual([]);
    const history = await request(h.app).get('/api/risk/metrics/history?days=7').set(auth);
    expect(conforms('get', '/api/risk/metrics/history', 200, history.body)).toEqual([]);
  });
});
