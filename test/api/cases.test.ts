// The case queue and case detail, read from rows inserted directly (as the workflow would write them).
import { randomBytes } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../helpers/api';
import { createApiHarness, insertCase, type ApiHarness } from './helpers';

let h: ApiHarness;
let token: string;

beforeAll(async () => {
  h = await createApiHarness();
  token = await h.token('compliance'); // compliance reads every case
});
afterAll(async () => {
  await h?.close();
});

const get = (path: string, app: express.Application = h.app) => request(app).get(path).set('authorization', `Bearer ${token}`);

describe('GET /api/cases', () => {
  // Cases of one unique assignee, so other tests' rows in the shared database never interfere.
  const assignee = `queue-${randomBytes(3).toString('hex')}`;
  const t0 = Date.now() - 10 * 60_000;
  const made: Record<string, number> = {};

  beforeAll(async () => {
    const specs = [
      ['m-old', 'medium', 'assigned', 0],
      ['h-new', 'high', 'assigned', 5],
      ['m-new', 'medium', 'escalated', 4],
      ['h-old', 'high', 'escalated', 1],
      ['m-closed', 'medium', 'closed', 2],
    ] as const;
    for (const [name, riskLevel, status, minutes] of specs) {
      const { caseId } = await insertCase(h.db, { riskLevel, status, assignee, openedAt: new Date(t0 + minutes * 60_000), amount: `${1000 + minutes}.00` });
      made[name] = caseId;
    }
  });

  const ids = (body: { items: { id: number }[] }) => body.items.map((c) => c.id);

  it('orders by risk level (high first), then the oldest first', async () => {
    const res = await get(`/api/cases?assignee=${assignee}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 5, limit: 50, offset: 0 });
    expect(ids(res.body)).toEqual([made['h-old'], made['h-new'], made['m-old'], made['m-closed'], made['m-new']]);
  });

  it('joins the transaction facts onto each case', async () => {
    const res = await get(`/api/cases?assignee=${assignee}&level=high&limit=1`);
    expect(res.body.items[0]).toMatchObject({
      id: made['h-old'],
      riskLevel: 'high',
      status: 'escalated',
      assignee,
      amount: '1001.00',
      currency: 'KES',
      channel: 'online',
      customerId: 'CUST-CASES',
      riskScore: '0.8500',
      transactionStatus: 'held',
    });
    expect(typeof res.body.items[0].transactionRef).toBe('string');
    // the view model, not the joined row: no column name leaks into the answer
    expect(Object.keys(res.body.items[0]).filter((k) => k.includes('_'))).toEqual([]);
  });

  it('filters by status (open = assigned or escalated) and level', async () => {
    expect(ids((await get(`/api/cases?assignee=${assignee}&status=closed`)).body)).toEqual([made['m-closed']]);
    expect(ids((await get(`/api/cases?assignee=${assignee}&status=assigned`)).body)).toEqual([made['h-new'], made['m-old']]);
    expect(ids((await get(`/api/cases?assignee=${assignee}&status=open&level=medium`)).body)).toEqual([made['m-old'], made['m-new']]);
    const high = await get(`/api/cases?assignee=${assignee}&level=high`);
    expect(high.body.total).toBe(2);
  });

  it('paginates with limit and offset; total counts every match', async () => {
    const page1 = await get(`/api/cases?assignee=${assignee}&limit=2`);
    const page2 = await get(`/api/cases?assignee=${assignee}&limit=2&offset=2`);
    const page3 = await get(`/api/cases?assignee=${assignee}&limit=2&offset=4`);
    expect([page1, page2, page3].map((p) => p.body.total)).toEqual([5, 5, 5]);
    expect(page2.body).toMatchObject({ limit: 2, offset: 2 });
    expect([...ids(page1.body), ...ids(page2.body), ...ids(page3.body)]).toEqual([made['h-old'], made['h-new'], made['m-old'], made['m-closed'], made['m-new']]);
    expect(ids(page3.body)).toHaveLength(1);
  });

  it('returns nothing for an assignee without cases', async () => {
    const res = await get(`/api/cases?assignee=${assignee}-nobody`);
    expect(res.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
  });

  it.each([
    ['limit=0', 'limit', /at least 1/],
    ['limit=201', 'limit', /at most 200/],
    ['limit=ten', 'limit', /whole number/],
    ['offset=-1', 'offset', /whole number/],
    ['status=pending', 'status', /must be one of open, assigned, escalated, closed/],
    ['level=low', 'level', /must be one of medium, high/],
  ])('refuses %s with 400 naming the field', async (query, field, message) => {
    const res = await get(`/api/cases?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(res.body.message).toMatch(message);
  });

  it('requires a token', async () => {
    expect((await request(h.app).get('/api/cases')).status).toBe(401);
  });
});

describe('GET /api/cases/:id', () => {
  it('returns the case, its transaction and its events in order', async () => {
    const { caseId, ref, workflowId } = await insertCase(h.db, { riskLevel: 'medium' });
    await h.db('case_events').insert([
      { event_key: `${workflowId}:scored`, transaction_ref: ref, case_id: null, event_type: 'scored', actor: 'system:lifecycle', payload: JSON.stringify({ score: 0.55 }) },
      { event_key: `${workflowId}:case_opened`, transaction_ref: ref, case_id: caseId, event_type: 'case_opened', actor: 'system:lifecycle' },
      { event_key: `${workflowId}:escalated:1`, transaction_ref: ref, case_id: caseId, event_type: 'escalated', actor: 'amina', actor_role: 'analyst', note: 'needs a senior' },
    ]);
    const res = await get(`/api/cases/${caseId}`);
    expect(res.status).toBe(200);
    expect(res.body.case).toMatchObject({ id: caseId, transactionRef: ref, workflowId, status: 'assigned', riskLevel: 'medium', escalatedBy: [] });
    expect(res.body.transaction).toMatchObject({ transactionRef: ref, amount: '150000.00', scoreBreakdown: { level: 'medium' } });
    for (const part of [res.body.case, res.body.transaction, ...res.body.events]) expect(Object.keys(part).filter((k) => k.includes('_'))).toEqual([]);
    expect(res.body.events.map((e: { eventType: string; actor: string }) => [e.eventType, e.actor])).toEqual([
      ['scored', 'system:lifecycle'],
      ['case_opened', 'system:lifecycle'],
      ['escalated', 'amina'],
    ]);
    expect(res.body.events[0].payload).toEqual({ score: 0.55 });
    expect(res.body.events[2]).toMatchObject({ actorRole: 'analyst', note: 'needs a senior' });
    expect(res.body.temporalUiUrl).toBeNull();
  });

  it('links the workflow in Temporal Web when TEMPORAL_UI_URL is set', async () => {
    const { caseId, workflowId } = await insertCase(h.db);
    const config = { ...h.config, temporal: { ...h.config.temporal, uiUrl: 'http://127.0.0.1:8233/' } };
    const app = createTestApp({ db: h.db, client: h.temporal, config });
    const res = await get(`/api/cases/${caseId}`, app);
    expect(res.body.temporalUiUrl).toBe(`http://127.0.0.1:8233/namespaces/${h.config.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`);
  });

  it('404s an unknown case and 400s an id that is not a number', async () => {
    const missing = await get('/api/cases/999999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found', message: 'case 999999999 not found' });
    const bad = await get('/api/cases/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('id');
  });
});
