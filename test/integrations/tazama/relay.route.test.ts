// The relay push endpoint through the real API (createApp over HTTP), the real Temporal server and
// PostgreSQL: the stand-in evaluates a submitted transaction and pushes the result to Kinga, which
// signals the transaction's workflow. The workflow here is a tiny recorder (the lifecycle's own
// handling of the signal is tested with the lifecycle).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTazamaActivities } from '../../../activities/tazama';
import { toTransactionRow } from '../../../db/transactionRows';
import type { KingaConfig } from '../../../config';
import { loadTazamaConfig } from '../../../config/tazama';
import type { Db } from '../../../db/connection';
import type { Transaction } from '../../../risk/types';
import { startTazamaSimulator, type TazamaSimulator } from '../../../simulators/tazama/server';
import { lifecycleWorkflowId } from '../../../workflows/lifecycle/definitions';
import { testApiConfig } from '../../api/helpers';
import { testDb, uniqueRef } from '../../helpers';
import { startTestApi, type TestApi } from '../../helpers/api';
import { jsonClient } from '../../helpers/http';
import { eventually } from '../../lifecycle/context';

const RELAY_TOKEN = 'relay-shared-secret-for-route-tests';
const WATCHED = 'CUST-WATCHED-RELAY';
const logger = pino({ level: 'silent' });

let db: Db;
let connection: Connection;
let client: Client;
let nativeConnection: NativeConnection;
let worker: Worker;
let workerRun: Promise<void>;
let testApi: TestApi | undefined;
let baseUrl: string;
let sim: TazamaSimulator;
let config: KingaConfig;
const started: string[] = [];

// the relay signs in with its shared token, not as a user
const relay = jsonClient(() => baseUrl, {});
function push(body: unknown, token: string | null = RELAY_TOKEN) {
  return relay('POST', '/api/integrations/tazama/relay', body, undefined, token ? { authorization: `Bearer ${token}` } : {});
}

async function newTransaction(overrides: Partial<Transaction> = {}): Promise<Transaction> {
  const t: Transaction = {
    transactionRef: uniqueRef('TZR'),
    customerId: 'CUST-000099',
    accountId: '0100009911111',
    amount: '7500000.00',
    currency: 'KES',
    type: 'transfer',
    channel: 'online',
    merchantId: null,
    merchantName: null,
    city: 'Dubai',
    country: 'AE',
    occurredAt: '2026-11-20T18:05:00.000Z',
    ...overrides,
  };
  await db('transactions').insert({ ...toTransactionRow(t), source: 'api' });
  return t;
}

async function startRecorder(ref: string) {
  const workflowId = lifecycleWorkflowId(ref);
  const handle = await client.workflow.start('tazamaRelayRecorder', { taskQueue: config.temporal.taskQueue, workflowId, args: [] });
  started.push(workflowId);
  return handle;
}

/** A stored evaluation pushed by the stand-in earlier, reshaped as the relay sends it. */
function relayBodyFor(msgId: string) {
  const row = sim.report(msgId)!;
  return { message: 'Successfully completed 2 typologies', report: row.report, transaction: row.transaction, networkMap: row.networkMap };
}

beforeAll(async () => {
  db = testDb();
  config = testApiConfig({ LOG_LEVEL: 'silent' });
  const tazama = loadTazamaConfig({ TAZAMA_RELAY_TOKEN: RELAY_TOKEN });
  connection = await Connection.connect({ address: config.temporal.address });
  client = new Client({ connection, namespace: config.temporal.namespace });
  testApi = await startTestApi({ db, client, config: { ...config, tazama } });
  baseUrl = testApi.baseUrl;

  // the relay's default: protobuf (OUTPUT_TO_JSON unset), interdictions relayed too
  sim = await startTazamaSimulator({ evaluationDelayMs: 100, relay: { url: `${baseUrl}/api/integrations/tazama/relay`, token: RELAY_TOKEN }, evaluator: { alertDebtorIds: [WATCHED] } });

  nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
  worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowsPath: fileURLToPath(new URL('./fixtures/relayRecorder.ts', import.meta.url)),
  });
  workerRun = worker.run();
});

afterAll(async () => {
  for (const id of started) {
    await client
      ?.workflow.getHandle(id)
      .terminate('test finished')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
  }
  await sim?.stop();
  await testApi?.close();
  if (worker) {
    worker.shutdown();
    await workerRun;
  }
  await nativeConnection?.close();
  await connection?.close();
  await db?.destroy();
});

describe('POST /api/integrations/tazama/relay', () => {
  it('delivers a pushed evaluation (protobuf, the relay’s default) to the transaction’s workflow as the tazamaResult signal', async () => {
    const acts = createTazamaActivities({ db, logger, tazama: loadTazamaConfig({ TAZAMA_TMS_URL: sim.url, TAZAMA_ADMIN_URL: sim.adminUrl }) });
    const t = await newTransaction({ customerId: WATCHED });
    const handle = await startRecorder(t.transactionRef);
    const submitted = await acts.submitToTazama({ transaction: t });
    if (!submitted.enabled) throw new Error('Tazama should be enabled');

    // the stand-in evaluates, then POSTs to the API, which signals the workflow: it then finishes
    const signals = (await handle.result()) as any[];
    expect(signals).toHaveLength(1);
    expect(signals[0].msgId).toBe(submitted.msgId);
    expect(signals[0].evaluation).toMatchObject({ status: 'ALRT', msgId: submitted.msgId });
    expect(signals[0].evaluation.typologies.find((x: any) => x.id === 'sim-203@1.0.0')).toMatchObject({ review: true, score: 200, alertThreshold: 200 });
    // proto3 leaves out review=false and a score of 0: both come back as the JSON form has them
    expect(signals[0].evaluation.typologies.find((x: any) => x.id === 'sim-201@1.0.0')).toMatchObject({ review: false, score: 0 });
    expect(sim.stats().relayDelivered).toBeGreaterThanOrEqual(1);

    // a push that arrives after the lifecycle finished is kept for the record and decides nothing
    const late = await push(relayBodyFor(submitted.msgId));
    expect(late.status).toBe(202);
    expect(late.body).toMatchObject({ transactionRef: t.transactionRef, msgId: submitted.msgId, status: 'ALRT', signalled: false });
    expect(await db('tazama_evaluations').where({ transaction_ref: t.transactionRef }).first()).toMatchObject({ result_status: 'ALRT', received_via: 'push' });
  });

  it('answers 202 with what it did for a running workflow', async () => {
    const acts = createTazamaActivities({ db, logger, tazama: loadTazamaConfig({ TAZAMA_TMS_URL: sim.url }) });
    const t = await newTransaction({ amount: '1200.00', city: 'Nairobi', country: 'KE', type: 'purchase', merchantId: 'M-10010', merchantName: 'Java House' });
    // evaluated before its workflow exists: the stand-in's own push finds no workflow to signal
    const pushed = () => sim.stats().relayDelivered + sim.stats().relayFailed;
    const before = pushed();
    const submitted = await acts.submitToTazama({ transaction: t });
    if (!submitted.enabled) throw new Error('Tazama should be enabled');
    await eventually(async () => (pushed() > before ? true : undefined), 'the stand-in’s own push', 10_000);
    const handle = await startRecorder(t.transactionRef);
    const res = await push(relayBodyFor(submitted.msgId));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ transactionRef: t.transactionRef, msgId: submitted.msgId, status: 'NALT', signalled: true });
    const signals = (await handle.result()) as any[];
    expect(signals[0]).toMatchObject({ msgId: submitted.msgId, evaluation: { status: 'NALT' } });
  });

  it('accepts protobuf encoded with Tazama’s own FRMSMessage definition: the report and both interdictions', async () => {
    // Bytes made with frms-coe-lib's Full.proto (see fixtures/README.md), for pacs.002 MsgId PROTO-MSG-ID-0001.
    const t = await newTransaction();
    await db('tazama_evaluations').insert({ transaction_ref: t.transactionRef, pacs008_msg_id: `p8-${t.transactionRef}`, pacs002_msg_id: 'PROTO-MSG-ID-0001', end_to_end_id: `e2e-${t.transactionRef}`, status: 'submitted' });
    const expected = {
      alert: { status: 'ALRT', source: undefined, typologies: 2 },
      'typology-interdiction': { status: 'ALRT', source: 'typology_interdiction', typologies: 1 },
      'event-flow-interdiction': { status: 'ALRT', source: 'event_flow_interdiction', typologies: 0 },
    };
    for (const [name, want] of Object.entries(expected)) {
      const handle = await startRecorder(t.transactionRef);
      const bytes = Buffer.from(fs.readFileSync(new URL(`./fixtures/relay-protobuf.${name}.b64`, import.meta.url), 'utf8').trim(), 'base64');
      const res = await fetch(`${baseUrl}/api/integrations/tazama/relay`, { method: 'POST', headers: { authorization: `Bearer ${RELAY_TOKEN}` }, body: bytes });
      expect(res.status, await res.clone().text()).toBe(202);
      expect(await res.json()).toMatchObject({ transactionRef: t.transactionRef, msgId: 'PROTO-MSG-ID-0001', status: want.status, signalled: true });
      const [signal] = (await handle.result()) as any[];
      expect(signal.evaluation.source).toBe(want.source);
      expect(signal.evaluation.typologies).toHaveLength(want.typologies);
      if (name === 'alert') {
        expect(signal.evaluation).toMatchObject({ evaluationId: '0193a0c4-7d3e-7b1a-9f00-3c2d1e0f4a5b', timestamp: '2026-11-20T07:15:02.123Z', networkMapId: '004@1.0.0' });
        expect(signal.evaluation.typologies.map((x: any) => [x.id, x.score, x.review])).toEqual([
          ['999@1.0.0', 200, true],
          ['998@1.0.0', 100, false],
        ]);
      }
    }
  });

  it('answers 400 for a body that is neither JSON nor Tazama’s protobuf, and for an empty one', async () => {
    for (const body of [new Uint8Array([0xff, 0xff, 0xff, 0xff]), new Uint8Array([])]) {
      const res = await fetch(`${baseUrl}/api/integrations/tazama/relay`, { method: 'POST', headers: { authorization: `Bearer ${RELAY_TOKEN}`, 'content-type': 'application/x-protobuf' }, body });
      expect(res.status).toBe(400);
      expect((await res.json()).field).toBe('body');
    }
  });

  it('refuses a push without the shared relay token: 401', async () => {
    const body = { report: {}, transaction: {} };
    expect((await push(body, null)).status).toBe(401);
    const wrong = await push(body, 'not-the-relay-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('unauthorized');
  });

  it('answers 404 for a message id Kinga never submitted', async () => {
    const msgId = 'f'.repeat(32);
    const any = sim.report((await someEvaluatedMsgId()))!;
    const body = { message: 'x', report: any.report, transaction: { ...any.transaction, FIToFIPmtSts: { ...any.transaction.FIToFIPmtSts, GrpHdr: { MsgId: msgId, CreDtTm: '2026-11-20T00:00:00Z' } } } };
    const res = await push(body);
    expect(res.status).toBe(404);
    expect(res.body.message).toContain(msgId);
  });

  it.each([
    ['a body that is not an object', [1, 2], 'body'],
    ['no pacs.002 MsgId', { report: {}, transaction: { FIToFIPmtSts: { GrpHdr: {} } } }, 'transaction.FIToFIPmtSts.GrpHdr.MsgId'],
    ['no report', { transaction: { FIToFIPmtSts: { GrpHdr: { MsgId: 'abc' } } } }, 'report'],
    ['an event-flow result that is not a block', { ruleResult: { id: 'EFRuP@4.0.0', cfg: 'none', subRuleRef: 'none' }, transaction: { FIToFIPmtSts: { GrpHdr: { MsgId: 'abc' } } } }, 'ruleResult.subRuleRef'],
    ['an unknown status', { report: { evaluationID: 'e', status: 'MAYBE', tadpResult: { typologyResult: [] } }, transaction: { FIToFIPmtSts: { GrpHdr: { MsgId: 'abc' } } } }, 'report.status'],
  ])('answers 400 naming the field for %s', async (_label, body, field) => {
    const res = await push(body);
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('serves the relay’s token and health endpoints', async () => {
    let res = await fetch(`${baseUrl}/api/integrations/tazama/relay/health`);
    expect(res.status).toBe(200);
    res = await fetch(`${baseUrl}/api/integrations/tazama/relay/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tazama-relay', password: RELAY_TOKEN }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(RELAY_TOKEN);
    res = await fetch(`${baseUrl}/api/integrations/tazama/relay/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tazama-relay', password: 'guess' }),
    });
    expect(res.status).toBe(401);
  });
});

let evaluatedMsgId: string | undefined;
/** Any message the stand-in has evaluated (for a well-formed report to reuse). */
async function someEvaluatedMsgId(): Promise<string> {
  if (evaluatedMsgId) return evaluatedMsgId;
  const acts = createTazamaActivities({ db, logger, tazama: loadTazamaConfig({ TAZAMA_TMS_URL: sim.url }) });
  const submitted = await acts.submitToTazama({ transaction: await newTransaction() });
  if (!submitted.enabled) throw new Error('Tazama should be enabled');
  await eventually(async () => sim.report(submitted.msgId), 'the evaluation', 10_000);
  evaluatedMsgId = submitted.msgId;
  return evaluatedMsgId;
}
