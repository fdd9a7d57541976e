// The Tazama client against the stand-in, over real HTTP on loopback: the same paths, auth,
// validation and answers as the real TMS, admin-service and auth-service (see the reference notes).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTazamaClient, TazamaError, type TazamaClient } from '../../../activities/tazama/client';
import { tazamaMessageIds, toPacs002, toPacs008 } from '../../../activities/tazama/messages';
import { decodeFrmsMessage } from '../../../api/integrations/tazama/protobuf';
import { parseTazamaEvaluation } from '../../../risk/tazama';
import type { Transaction } from '../../../risk/types';
import { startTazamaSimulator, type TazamaSimulator } from '../../../simulators/tazama/server';
import { eventually } from '../../lifecycle/context';
import { uniqueRef } from '../../helpers';
import { everydayPurchase } from '../../helpers/transactions';

const options = { memberId: 'kinga' };

function transaction(overrides: Partial<Transaction> = {}): Transaction {
  return everydayPurchase({ transactionRef: uniqueRef('TZC'), customerId: 'CUST-000001', accountId: '0100000112345', merchantId: 'M-10001', ...overrides });
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
    sim = await startTazamaSimulator({ evaluationDelayMs: 1_000, evaluator: { alertDebtorIds: ['CUST-WATCHED'], interdictDebtorIds: ['CUST-SANCTIONED'], blockDebtorIds: ['CUST-BLOCKED'] } });
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
    expect(evaluation.typologies.map((x) => x.id)).toEqual(['sim-201@1.0.0', 'sim-202@1.0.0', 'sim-203@1.0.0']);
  });

  it('raises no alert for a large amount or a foreign place alone: Tazama has no such rule', async () => {
    for (const overrides of [{ amount: '1500000.00' }, { amount: '9000000.00', type: 'transfer', channel: 'online', city: 'Lagos', country: 'NG' }] as Partial<Transaction>[]) {
      const evaluation = await evaluationOf(client, await submitPair(client, transaction({ customerId: uniqueRef('CUST-NEW'), ...overrides })));
      expect(evaluation.status).toBe('NALT');
      // a debtor without history: the large-transfer rule exits with "insufficient history"
      expect(evaluation.typologies.find((x) => x.id === 'sim-202@1.0.0')!.rules.find((r) => r.id === 'sim-018@1.0.0')).toMatchObject({ subRuleRef: '.x01', weight: 0 });
    }
  });

  it('alerts on the debtor’s own behaviour: a burst of payments, and a large transfer to a new creditor', async () => {
    const burst = uniqueRef('CUST-BURST');
    const at = (minute: number) => new Date(Date.parse('2026-11-20T07:00:00.000Z') + minute * 60_000).toISOString();
    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await evaluationOf(client, await submitPair(client, transaction({ customerId: burst, occurredAt: at(i * 5) })))).status);
    // the fifth payment within the hour lands in band .02 of the velocity rule (weight 200 = the alert threshold)
    expect(statuses).toEqual(['NALT', 'NALT', 'NALT', 'NALT', 'ALRT']);

    const saver = uniqueRef('CUST-SAVER');
    for (let day = 1; day <= 3; day++) await evaluationOf(client, await submitPair(client, transaction({ customerId: saver, amount: '3000.00', occurredAt: `2026-11-0${day}T08:00:00.000Z` })));
    const large = await evaluationOf(client, await submitPair(client, transaction({ customerId: saver, amount: '60000.00', type: 'transfer', channel: 'mobile', merchantId: null, merchantName: null, occurredAt: '2026-11-05T08:00:00.000Z' })));
    expect(large.status).toBe('ALRT');
    const t202 = large.typologies.find((x) => x.id === 'sim-202@1.0.0')!;
    expect(t202).toMatchObject({ score: 300, review: true, alertThreshold: 300 });
    expect(t202.rules.find((r) => r.id === 'sim-018@1.0.0')).toMatchObject({ subRuleRef: '.03', value: 20 });
    expect(t202.rules.find((r) => r.id === 'sim-new-creditor@1.0.0')).toMatchObject({ subRuleRef: '.02' });
  });

  it.each([
    ['a watch-listed debtor', 'CUST-WATCHED', '.02', false],
    ['a sanctioned debtor', 'CUST-SANCTIONED', '.03', true],
  ])('evaluates ALRT for %s', async (_label, customerId, band, interdiction) => {
    const evaluation = await evaluationOf(client, await submitPair(client, transaction({ customerId })));
    expect(evaluation.status).toBe('ALRT');
    const hit = evaluation.typologies.find((x) => x.id === 'sim-203@1.0.0')!;
    expect(hit.review).toBe(true);
    expect(hit.rules.find((r) => r.id === 'sim-watchlist@1.0.0')).toMatchObject({ subRuleRef: band });
    expect(hit.score >= hit.interdictionThreshold!).toBe(interdiction);
  });

  it('blocks a debtor with a block condition by the event-flow rule, whatever the score', async () => {
    const evaluation = await evaluationOf(client, await submitPair(client, transaction({ customerId: 'CUST-BLOCKED' })));
    expect(evaluation.status).toBe('ALRT');
    for (const t of evaluation.typologies) {
      expect(t.review).toBe(true);
      expect(t.rules.find((r) => r.id === 'EFRuP@4.0.0')).toMatchObject({ subRuleRef: 'block' });
    }
    expect(evaluation.typologies.find((x) => x.id === 'sim-203@1.0.0')!.score).toBe(0);
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

  it('accepts a pacs.002 without its pacs.008 as the TMS does (200), and evaluates it without a data cache', async () => {
    const t = transaction();
    const accepted = await client.submitPacs002(toPacs002(t, options));
    expect(accepted.message).toBe('Transaction is valid');
    const evaluation = await evaluationOf(client, tazamaMessageIds(t.transactionRef).pacs002MsgId);
    expect(evaluation.status).toBe('NALT');
    expect(evaluation.typologies.flatMap((x) => x.rules).filter((r) => r.id !== 'EFRuP@4.0.0').every((r) => r.subRuleRef === '.err')).toBe(true);
    expect(sim.stats().orphanPacs002).toBeGreaterThanOrEqual(1);
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
  const received: { path: string; headers: http.IncomingHttpHeaders; raw: Buffer }[] = [];
  let receiver: http.Server;
  let base: string;
  const sims: TazamaSimulator[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) });
        // /refuse answers 503 once for every message: the relay must not try again
        res.writeHead(req.url === '/refuse' ? 503 : 202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const sim of sims) await sim.stop();
    await new Promise((r) => receiver?.close(r));
  });

  async function simRelayingTo(path: string, relay: { outputToJson?: boolean } = {}) {
    const sim = await startTazamaSimulator({ evaluationDelayMs: 50, relay: { url: `${base}${path}`, token, ...relay }, evaluator: { interdictDebtorIds: ['CUST-SANCTIONED'], blockDebtorIds: ['CUST-BLOCKED'] } });
    sims.push(sim);
    return sim;
  }

  const msgIdOf = (body: any): string | undefined => body?.transaction?.FIToFIPmtSts?.GrpHdr?.MsgId;

  it('POSTs each evaluation as JSON in the relay’s REST shape with the bearer token when OUTPUT_TO_JSON=true', async () => {
    const sim = await simRelayingTo('/json', { outputToJson: true });
    const client = createTazamaClient({ tmsUrl: sim.url, requestTimeoutMs: 2_000 });
    const msgId = await submitPair(client, transaction({ amount: '2000000.00' }));
    const push = await eventually(async () => received.find((r) => r.path === '/json' && msgIdOf(JSON.parse(r.raw.toString('utf8'))) === msgId), 'the relay push', 10_000);
    expect(push.headers.authorization).toBe(`Bearer ${token}`);
    expect(push.headers['content-type']).toContain('application/json');
    const body = JSON.parse(push.raw.toString('utf8'));
    expect(Object.keys(body).sort()).toEqual(['message', 'networkMap', 'report', 'transaction']);
    expect(body.message).toBe('Successfully completed 3 typologies');
    expect(parseTazamaEvaluation(body)).toMatchObject({ status: 'NALT', msgId });
  });

  it('POSTs protobuf by default, and sends the interdictions before the report', async () => {
    const sim = await simRelayingTo('/proto');
    const client = createTazamaClient({ tmsUrl: sim.url, requestTimeoutMs: 2_000 });
    const msgId = await submitPair(client, transaction({ customerId: 'CUST-SANCTIONED' }));
    const pushes = await eventually(async () => {
      const mine = received.filter((r) => r.path === '/proto').map((r) => ({ ...r, body: decodeFrmsMessage(r.raw) })).filter((r) => msgIdOf(r.body) === msgId);
      return mine.length >= 2 ? mine : undefined;
    }, 'the interdiction and the report', 10_000);
    expect(pushes[0]!.headers['content-type']).toBeUndefined();
    expect(() => JSON.parse(pushes[0]!.raw.toString('utf8'))).toThrow();
    expect(parseTazamaEvaluation(pushes[0]!.body)).toMatchObject({ source: 'typology_interdiction', msgId, typologies: [{ id: 'sim-203@1.0.0', score: 400 }] });
    expect(parseTazamaEvaluation(pushes[1]!.body)).toMatchObject({ status: 'ALRT', msgId });
    expect(pushes[1]!.body.message).toBeUndefined(); // FRMSMessage has no field for it
    expect(sim.stats()).toMatchObject({ relayInterdictions: 1 });

    const blocked = await submitPair(client, transaction({ customerId: 'CUST-BLOCKED' }));
    const efPush = await eventually(async () => received.filter((r) => r.path === '/proto').map((r) => decodeFrmsMessage(r.raw)).find((b) => msgIdOf(b) === blocked && b.ruleResult), 'the event-flow interdiction', 10_000);
    expect(parseTazamaEvaluation(efPush)).toMatchObject({ source: 'event_flow_interdiction', eventFlowBlock: { subRuleRef: 'block' } });
  });

  it('does not retry a push the receiver refuses', async () => {
    const sim = await simRelayingTo('/refuse', { outputToJson: true });
    const client = createTazamaClient({ tmsUrl: sim.url, requestTimeoutMs: 2_000 });
    const msgId = await submitPair(client, transaction());
    await eventually(async () => (sim.stats().relayFailed >= 1 ? true : undefined), 'the refused push', 10_000);
    // a later evaluation's push proves the first one is over, and it was sent once
    await submitPair(client, transaction());
    await eventually(async () => (sim.stats().relayFailed >= 2 ? true : undefined), 'the second push', 10_000);
    expect(received.filter((r) => r.path === '/refuse' && msgIdOf(JSON.parse(r.raw.toString('utf8'))) === msgId)).toHaveLength(1);
    expect(sim.stats()).toMatchObject({ relayDelivered: 0, relayFailed: 2 });
  });
});
