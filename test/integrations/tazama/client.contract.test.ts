// The Tazama client against the stand-in, over real HTTP on loopback: the same paths, auth,
// validation and answers as the real TMS, admin-service and auth-service (see the reference notes).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTazamaClient, TazamaError, type TazamaClient } from '../../../activities/tazama/client';
import { tazamaMessageIds, toPacs002, toPacs008 } from '../../../activities/tazama/messages';
import { parseTazamaEvaluation } from '../../../risk/tazama';
import type { Transaction } from '../../../risk/types';
import { startTazamaSimulator, type TazamaSimulator } from '../../../simulators/tazama/server';
import { eventually } from '../../lifecycle/context';
import { uniqueRef } from '../../helpers';

const options = { memberId: 'kinga' };

function transaction(overrides: Partial<Transaction> = {}): Transaction {
  return {
    transactionRef: uniqueRef('TZC'),
    customerId: 'CUST-000001',
    accountId: '0100000112345',
    amount: '2500.00',
    currency: 'KES',
    type: 'purchase',
    channel: 'pos',
    merchantId: 'M-10001',
    merchantName: 'Naivas Supermarket',
    city: 'Nairobi',
    country: 'KE',
    occurredAt: '2026-11-20T07:15:00.000Z',
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<TazamaError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof TazamaError) return err;
    throw err;
  }
  throw new Error('expected a TazamaError, but the call succeeded');
}

async function submitPair(client: TazamaClient, t: Transaction): Promise<string> {
  await client.submitPacs008(toPacs008(t, options));
  await client.submitPacs002(toPacs002(t, options));
  return tazamaMessageIds(t.transactionRef).pacs002MsgId;
}

async function evaluationOf(client: TazamaClient, msgId: string) {
  const lookup = await eventually(async () => {
    const r = await client.getReport(msgId);
    return r.found ? r : undefined;
  }, `Tazama's report for ${msgId}`, 10_000);
  return parseTazamaEvaluation(lookup.document);
}

describe('Tazama client without auth (AUTHENTICATED=false)', () => {
  let sim: TazamaSimulator;
  let client: TazamaClient;

  beforeAll(async () => {
    sim = await startTazamaSimulator({ evaluationDelayMs: 1_000, evaluator: { alertDebtorIds: ['CUST-WATCHED'] } });
    client = createTazamaClient({ tmsUrl: sim.url, adminUrl: sim.adminUrl, requestTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('answers health like the TMS', async () => {
    const res = await fetch(`${sim.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'UP' });
  });

  it('accepts the pacs.008 then the pacs.002 and reports 204 until the evaluation exists, then 200', async () => {
    const t = transaction();
    const accepted = await client.submitPacs008(toPacs008(t, options));
    expect(accepted.message).toBe('Transaction is valid');
    expect(accepted.data).toMatchObject({ TxTp: 'pacs.008.001.10' });
    const msgId = tazamaMessageIds(t.transactionRef).pacs002MsgId;
    await client.submitPacs002(toPacs002(t, options));
    // the stand-in evaluates a second later; straight after the pacs.002 there is nothing yet
    expect(await client.getReport(msgId)).toEqual({ found: false });
    const evaluation = await evaluationOf(client, msgId);
    expect(evaluation).toMatchObject({ status: 'NALT', msgId });
    expect(evaluation.typologies.map((x) => x.id)).toEqual(['sim-101@1.0.0', 'sim-102@1.0.0']);
  });

  it.each([
    ['a high amount', { amount: '1500000.00' }, 'sim-101@1.0.0', 'sim-high-amount@1.0.0'],
    ['a foreign creditor', { city: 'Lagos', country: 'NG' }, 'sim-101@1.0.0', 'sim-foreign-creditor@1.0.0'],
    ['a watch-listed debtor', { customerId: 'CUST-WATCHED' }, 'sim-102@1.0.0', 'sim-watchlist-debtor@1.0.0'],
  ])('evaluates ALRT for %s', async (_label, overrides, typology, rule) => {
    const evaluation = await evaluationOf(client, await submitPair(client, transaction(overrides)));
    expect(evaluation.status).toBe('ALRT');
    const hit = evaluation.typologies.find((x) => x.id === typology)!;
    expect(hit.review).toBe(true);
    expect(hit.rules.find((r) => r.id === rule)).toMatchObject({ subRuleRef: '.02' });
  });

  it('refuses a body that breaks the schema with 400 and Fastify’s message: not retryable', async () => {
    const bad = toPacs008(transaction(), options) as any;
    delete bad.FIToFICstmrCdtTrf.GrpHdr.MsgId;
    const err = await failureOf(client.submitPacs008(bad));
    expect(err).toMatchObject({ status: 400, retryable: false, kind: 'http' });
    expect(JSON.parse(err.body!)).toEqual({
      statusCode: 400,
      code: 'FST_ERR_VALIDATION',
      error: 'Bad Request',
      message: "body/FIToFICstmrCdtTrf/GrpHdr must have required property 'MsgId'",
    });
    expect(err.message).toContain("must have required property 'MsgId'");
  });

  it('refuses a top-level TenantId with 400', async () => {
    const err = await failureOf(client.submitPacs002({ ...toPacs002(transaction(), options), TenantId: 'DEFAULT' } as any));
    expect(err).toMatchObject({ status: 400, retryable: false });
    expect(err.message).toContain('body must NOT be valid');
  });

  it('refuses a pacs.002 without its pacs.008 as the TMS does (500, plain text)', async () => {
    const err = await failureOf(client.submitPacs002(toPacs002(transaction(), options)));
    expect(err).toMatchObject({ status: 500, retryable: true, isDuplicate: false });
    expect(err.body).toMatch(/^Failed to process execution request\. \n/);
  });

  it('answers a repeated message id with the TMS’s duplicate-key failure, which the client recognises', async () => {
    const t = transaction();
    await client.submitPacs008(toPacs008(t, options));
    const err = await failureOf(client.submitPacs008(toPacs008(t, options)));
    expect(err).toMatchObject({ status: 500, isDuplicate: true });
  });

  it('classifies 5xx, a dropped connection and a timeout as retryable', async () => {
    try {
      sim.setFaults({ errorRate: 1 });
      expect(await failureOf(client.submitPacs008(toPacs008(transaction(), options)))).toMatchObject({ status: 503, retryable: true, kind: 'http' });
      expect(await failureOf(client.getReport('anything'))).toMatchObject({ status: 503, retryable: true });

      sim.setFaults({ errorRate: 0, down: true });
      expect(await failureOf(client.submitPacs008(toPacs008(transaction(), options)))).toMatchObject({ status: null, retryable: true, kind: 'network' });

      sim.setFaults({ down: false, latencyMs: 1_000 });
      const impatient = createTazamaClient({ tmsUrl: sim.url, adminUrl: sim.adminUrl, requestTimeoutMs: 100 });
      const err = await failureOf(impatient.getReport('anything'));
      expect(err).toMatchObject({ retryable: true, kind: 'timeout' });
      expect(err.message).toContain('within 100 ms');
    } finally {
      sim.setFaults({ errorRate: 0, down: false, latencyMs: 0 });
    }
  });

  it('recovers when the service comes back', async () => {
    sim.setFaults({ down: true });
    const t = transaction();
    await failureOf(client.submitPacs008(toPacs008(t, options)));
    sim.setFaults({ down: false });
    await expect(submitPair(client, t)).resolves.toBe(tazamaMessageIds(t.transactionRef).pacs002MsgId);
  });

  it('has a fault knob over HTTP that validates what it is given', async () => {
    let res = await fetch(`${sim.url}/__faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: 5 }) });
    expect(await res.json()).toEqual({ latencyMs: 5, errorRate: 0, down: false });
    res = await fetch(`${sim.url}/__faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errorRate: 2 }) });
    expect(res.status).toBe(400);
    res = await fetch(`${sim.url}/__faults`);
    expect(await res.json()).toEqual({ latencyMs: 5, errorRate: 0, down: false });
    sim.setFaults({ latencyMs: 0 });
  });

  it('needs the msgid query parameter on the report endpoint', async () => {
    const res = await fetch(`${sim.adminUrl}/v1/admin/reports/getreportbymsgid`);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("querystring must have required property 'msgid'");
  });
});

describe('Tazama client with auth (JWT from the auth-service)', () => {
  const credentials = { username: 'kinga-svc', password: 'correct-horse-battery-staple' };
  let sim: TazamaSimulator;

  beforeAll(async () => {
    sim = await startTazamaSimulator({ auth: { ...credentials, tenantId: 'kinga-bank' }, evaluationDelayMs: 50 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('refuses the TMS and the admin report without a token: 401 {"error":"Unauthorized"}', async () => {
    const t = transaction();
    let res = await fetch(`${sim.url}/v1/evaluate/iso20022/pacs.008.001.10`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(toPacs008(t, options)) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'Unauthorized' });
    res = await fetch(`${sim.url}/v1/admin/reports/getreportbymsgid?msgid=x`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(res.status).toBe(401);

    const anonymous = createTazamaClient({ tmsUrl: sim.url, requestTimeoutMs: 2_000 });
    expect(await failureOf(anonymous.submitPacs008(toPacs008(t, options)))).toMatchObject({ status: 401, retryable: false, kind: 'auth' });
  });

  it('logs in, caches the token until it expires, and evaluates under the token’s tenant', async () => {
    let clock = Date.now();
    const client = createTazamaClient({ tmsUrl: sim.url, adminUrl: sim.adminUrl, authUrl: sim.authUrl, ...credentials, requestTimeoutMs: 2_000, now: () => clock });
    const before = sim.stats().logins;
    const msgId = await submitPair(client, transaction());
    expect(sim.stats().logins - before).toBe(1);
    const evaluation = await evaluationOf(client, msgId);
    expect(evaluation.typologies[0]!.rules[0]).toBeDefined();
    expect(sim.report(msgId, 'kinga-bank')?.report.tadpResult.typologyResult[0]!.tenantId).toBe('kinga-bank');
    expect(sim.stats().logins - before).toBe(1);
    // past the token's lifetime (5 min) the client logs in again before calling
    clock += 10 * 60_000;
    await submitPair(client, transaction());
    expect(sim.stats().logins - before).toBe(2);
  });

  it('reports a refused login as an auth failure, without the password', async () => {
    const client = createTazamaClient({ tmsUrl: sim.url, authUrl: sim.authUrl, username: credentials.username, password: 'wrong-password-123', requestTimeoutMs: 2_000 });
    const err = await failureOf(client.submitPacs008(toPacs008(transaction(), options)));
    expect(err).toMatchObject({ status: 401, retryable: false, kind: 'auth' });
    expect(err.message).toContain('Tazama login');
    expect(err.message).not.toContain('wrong-password-123');
  });

  it('validates the login body like the auth-service', async () => {
    const res = await fetch(`${sim.authUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: '' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('FST_ERR_VALIDATION');
  });
});

describe('relay push from the stand-in', () => {
  const token = 'relay-token-for-tests-0123456789';
  let sim: TazamaSimulator;
  let receiver: http.Server;
  const received: { headers: http.IncomingHttpHeaders; body: any }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/relay`;
    sim = await startTazamaSimulator({ evaluationDelayMs: 50, relay: { url, token } });
  });
  afterAll(async () => {
    await sim?.stop();
    await new Promise((r) => receiver?.close(r));
  });

  it('POSTs each evaluation in the relay’s REST shape with the bearer token', async () => {
    const client = createTazamaClient({ tmsUrl: sim.url, requestTimeoutMs: 2_000 });
    const msgId = await submitPair(client, transaction({ amount: '2000000.00' }));
    const push = await eventually(async () => received.find((r) => r.body?.transaction?.FIToFIPmtSts?.GrpHdr?.MsgId === msgId), 'the relay push', 10_000);
    expect(push.headers.authorization).toBe(`Bearer ${token}`);
    expect(push.headers['content-type']).toContain('application/json');
    expect(Object.keys(push.body).sort()).toEqual(['message', 'networkMap', 'report', 'transaction']);
    expect(push.body.message).toBe('Successfully completed 2 typologies');
    expect(parseTazamaEvaluation(push.body)).toMatchObject({ status: 'ALRT', msgId });
    expect(sim.stats().relayDelivered).toBeGreaterThanOrEqual(1);
  });
});
