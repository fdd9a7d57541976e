// GET /api/stream over real HTTP: scored transactions and case changes arrive as server-sent events,
// a reconnect with Last-Event-ID resumes, tickets stand in for headers, and a client that goes away
// is dropped (the poller stops with the last one).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamHub } from '../../api/stream/hub';
import { issueStreamTicket } from '../../api/stream/ticket';
import { eventually } from '../lifecycle/context';
import { uniqueRef } from '../helpers';
import { createApiHarness, insertCase, JWT_SECRET, type ApiHarness } from './helpers';

let h: ApiHarness;
let server: Server;
let base: string;
let token: string;

beforeAll(async () => {
  h = await createApiHarness();
  token = await h.token('analyst');
  server = h.app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await h?.close();
});

interface SseEvent {
  id?: string;
  event?: string;
  data: any;
}

/** Opens the stream and collects its events until closed. */
async function open(query = '', headers: Record<string, string> = { authorization: `Bearer ${token}` }) {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/stream${query}`, { headers, signal: controller.signal });
  const events: SseEvent[] = [];
  const reading = (async () => {
    if (!res.ok || !res.body) return;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: Partial<SseEvent> & { lines: string[] } = { lines: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) e.id = line.slice(4);
            else if (line.startsWith('event: ')) e.event = line.slice(7);
            else if (line.startsWith('data: ')) e.lines.push(line.slice(6));
          }
          if (e.lines.length) events.push({ id: e.id, event: e.event, data: JSON.parse(e.lines.join('\n')) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    events,
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

const hub = () => h.app.locals.streamHub as StreamHub;

async function scoreRow(ref: string, level: 'medium' | 'high' = 'medium') {
  await h.db('transactions').where({ transaction_ref: ref }).update({ scored_at: new Date(), risk_level: level, status: level === 'high' ? 'held' : 'flagged' });
}

describe('GET /api/stream', () => {
  it('sends scored transactions and case changes as they happen, with sequence ids', async () => {
    const s = await open();
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await eventually(async () => (hub().size > 0 ? true : undefined), 'the client to join the hub');

    const { caseId, ref } = await insertCase(h.db, { riskLevel: 'high' });
    await scoreRow(ref, 'high');
    const txn = await eventually(async () => s.events.find((e) => e.event === 'transaction' && e.data.transactionRef === ref), 'the transaction event');
    expect(txn.data).toMatchObject({ riskLevel: 'high', status: 'held', amount: '150000.00', channel: 'online' });
    const opened = s.events.find((e) => e.event === 'case' && e.data.caseId === caseId);
    expect(opened?.data).toMatchObject({ status: 'assigned', riskLevel: 'high', assignee: null });
    expect(Number(txn.id)).toBe(txn.data.seq);

    await h.db('analyst_cases').where({ id: caseId }).update({ status: 'closed', decision: 'block', decided_by: 'someone', decided_at: new Date() });
    const closed = await eventually(async () => s.events.find((e) => e.event === 'case' && e.data.caseId === caseId && e.data.status === 'closed'), 'the case closing');
    expect(closed.data).toMatchObject({ decision: 'block', decidedBy: 'someone' });
    const ids = s.events.map((e) => Number(e.id));
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    await s.close();
  });

  it('resumes after Last-Event-ID with what the client missed, and only that', async () => {
    const first = await insertCase(h.db, { riskLevel: 'medium' });
    await scoreRow(first.ref);
    const seqRow = await h.db('transactions').where({ transaction_ref: first.ref }).first('change_seq');
    const missed = await insertCase(h.db, { riskLevel: 'medium' });
    await scoreRow(missed.ref);

    const s = await open('?types=transaction', { authorization: `Bearer ${token}`, 'last-event-id': String(seqRow.change_seq) });
    const replayed = await eventually(async () => s.events.find((e) => e.data.transactionRef === missed.ref), 'the missed transaction');
    expect(Number(replayed.id)).toBeGreaterThan(Number(seqRow.change_seq));
    expect(s.events.find((e) => e.data.transactionRef === first.ref)).toBeUndefined();
    expect(s.events.every((e) => e.event === 'transaction')).toBe(true);
    await s.close();
  });

  it('accepts a stream ticket in the query string, but not a session token there, and nothing without either', async () => {
    const issued = await request(h.app).post('/api/stream/ticket').set('authorization', `Bearer ${token}`);
    expect(issued.status).toBe(200);
    const withTicket = await open(`?ticket=${encodeURIComponent(issued.body.ticket)}&backlog=5`, {});
    expect(withTicket.res.status).toBe(200);
    await withTicket.close();

    const tokenAsTicket = await fetch(`${base}/api/stream?ticket=${encodeURIComponent(token)}`);
    expect(tokenAsTicket.status).toBe(401);
    const expired = await issueStreamTicket({ username: h.users.analyst, generation: 0 }, JWT_SECRET, Date.now() - 120_000);
    expect((await fetch(`${base}/api/stream?ticket=${encodeURIComponent(expired.ticket)}`)).status).toBe(401);
    // a ticket from a session that has since ended (the password reset: the generation moved on)
    const ofEndedSession = await issueStreamTicket({ username: h.users.analyst, generation: 1 }, JWT_SECRET);
    expect((await fetch(`${base}/api/stream?ticket=${encodeURIComponent(ofEndedSession.ticket)}`)).status).toBe(401);
    const none = await fetch(`${base}/api/stream`);
    expect(none.status).toBe(401);
    expect((await none.json()).message).toMatch(/stream ticket/);
  });

  it('drops a client that disconnects and stops polling with the last one', async () => {
    await eventually(async () => (hub().size === 0 ? true : undefined), 'earlier clients to be gone');
    const a = await open();
    const b = await open('?backlog=3');
    await eventually(async () => (hub().size === 2 ? true : undefined), 'two clients');
    await a.close();
    await eventually(async () => (hub().size === 1 ? true : undefined), 'one client left');
    // the remaining client still gets changes
    const ref = uniqueRef('after-drop');
    const c = await insertCase(h.db, { ref, riskLevel: 'medium' });
    await scoreRow(c.ref);
    await eventually(async () => b.events.find((e) => e.data.transactionRef === ref), 'a change after the other client left');
    await b.close();
    await eventually(async () => (hub().size === 0 ? true : undefined), 'no clients');
  });

  it('closing the hub ends open streams, so the server can shut down at once', async () => {
    const { StreamHub } = await import('../../api/stream/hub');
    const { streamRouter } = await import('../../api/stream/router');
    const express = (await import('express')).default;
    const pino = (await import('pino')).default;
    const { router, hub: own } = streamRouter({ db: h.db, temporal: h.temporal, config: h.config, logger: pino({ level: 'silent' }), jwtSecret: JWT_SECRET });
    expect(own).toBeInstanceOf(StreamHub);
    const app = express();
    app.use('/api/stream', router);
    const s2 = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => s2.once('listening', () => r()));
    const res = await fetch(`http://127.0.0.1:${(s2.address() as AddressInfo).port}/api/stream`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await eventually(async () => (own.size === 1 ? true : undefined), 'the client');
    const reading = res.text(); // resolves when the server ends the response
    await own.close();
    await expect(reading).resolves.toContain(': connected as');
    await new Promise((r) => s2.close(r));
  });
});
