// Each vendor's stand-in down for a while under a steady load, then back: Tazama (scoring asks
// it), Ballerine (each case is mirrored there and hears the decision), CISO Assistant (a portfolio
// breach is raised there). "Down" drops every connection, as if nothing listened. Afterwards every
// accepted transaction has its correct end state: 0 lost, 0 duplicate cases, 0 decisions applied
// twice, one Ballerine run per case, one risk scenario per breach. Figures are printed.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../../api/users/service';
import { startBallerineSimulator, type BallerineSimulator } from '../../simulators/ballerine';
import { startCisoSimulator, type CisoSimulator } from '../../simulators/ciso-assistant';
import { startTazamaSimulator, type TazamaSimulator } from '../../simulators/tazama/server';
import { freePort } from '../../scripts/lib/ports';
import type { portfolioRisk } from '../../workflows/portfolio/workflow';
import { scratchDatabase, uniqueRef, type ScratchDatabase } from '../helpers';
import { startTestApi, type TestApi } from '../helpers/api';
import { jsonClient } from '../helpers/http';
import { transactionFactory } from '../helpers/transactions';
import { createTestStack, type KingaTestStack } from '../lifecycle/context';
import { expectEveryTransactionRight, formatTally, SteadyLoad, type LoadTarget, type Tally } from './load';

let scratch: ScratchDatabase;
let stack: KingaTestStack;
let tazama: TazamaSimulator;
let ballerine: BallerineSimulator;
let ciso: CisoSimulator;
let testApi: TestApi;
const target: LoadTarget = { baseUrl: '', tokens: {} };

beforeAll(async () => {
  // a database of its own: the portfolio inputs and the queue belong to this file alone
  scratch = await scratchDatabase('kinga_vendor_outage', { migrate: true });
  const port = await freePort();
  target.baseUrl = `http://127.0.0.1:${port}`;
  const relayToken = randomBytes(16).toString('hex');
  const apiKey = randomBytes(8).toString('hex');
  const webhookSecret = randomBytes(16).toString('hex');
  [tazama, ballerine, ciso] = await Promise.all([
    startTazamaSimulator({ evaluationDelayMs: 100, relay: { url: `${target.baseUrl}/api/integrations/tazama/relay`, token: relayToken } }),
    startBallerineSimulator({ apiKey, webhookSecret }),
    startCisoSimulator({ token: 'vendor-outage-ciso-token-0123456789', faults: {} }),
  ]);
  stack = await createTestStack({
    DATABASE_URL: scratch.url,
    ANOMALY_ENABLED: 'false',
    TAZAMA_TMS_URL: tazama.url,
    TAZAMA_ADMIN_URL: tazama.adminUrl,
    TAZAMA_RELAY_TOKEN: relayToken,
    TAZAMA_TIMEOUT: '6s',
    TAZAMA_POLL_INTERVAL: '1s',
    TAZAMA_REQUEST_TIMEOUT: '3s',
    BALLERINE_URL: ballerine.url,
    BALLERINE_API_KEY: apiKey,
    BALLERINE_WEBHOOK_SECRET: webhookSecret,
    BALLERINE_WEBHOOK_URL: `${target.baseUrl}/api/integrations/ballerine/webhook`,
    CISO_URL: ciso.url,
    CISO_TOKEN: ciso.token,
    CISO_REQUEST_TIMEOUT: '3s',
  });
  await seedDemoUsers(stack.db);
  await stack.startWorker();
  // on the port the stand-ins were told (the relay and the webhook call it); the deciders signed in
  testApi = await startTestApi(stack, { port, users: ['amina', 'baraka'], tokens: target.tokens });
});

afterAll(async () => {
  await testApi?.close();
  await stack?.close();
  await Promise.all([tazama?.stop(), ballerine?.stop(), ciso?.stop()]);
  await scratch?.drop();
});

/** A steady load with the vendor down from a quarter of the way in, for `downMs`. */
async function loadWithOutage(name: string, setDown: (down: boolean) => void, downMs: number): Promise<{ load: SteadyLoad; tally: Tally; downForMs: number }> {
  const load = new SteadyLoad(target, `VND-${name}-${randomUUID().slice(0, 6)}`);
  load.startDeciding(stack.db);
  const count = 40;
  let outage: Promise<void> | undefined;
  let downForMs = 0;
  try {
    await load.ingest(count, 250, (i) => {
      if (i === Math.floor(count / 4)) {
        outage = (async () => {
          const t0 = Date.now();
          setDown(true);
          await new Promise((r) => setTimeout(r, downMs));
          setDown(false);
          downForMs = Date.now() - t0;
        })();
      }
    });
    await outage;
  } finally {
    setDown(false);
  }
  await load.retryRefused();
  await load.stopDeciding(stack.db);
  await load.settle(stack.client);
  const tally = await load.tally(stack.db, stack.client);
  expectEveryTransactionRight(tally, count);
  return { load, tally, downForMs };
}

describe('a vendor down for a while under load', () => {
  it('Tazama: scored on Kinga’s own rules while it is away, evaluated again when it is back; nothing lost or decided twice', { timeout: 600_000 }, async () => {
    const { load, tally, downForMs } = await loadWithOutage('TZ', (down) => tazama.setFaults({ down }), 8000);
    const rows = await stack.db('transactions').where('transaction_ref', 'like', `${load.prefix}-%`).select('score_breakdown');
    const outcomes: Record<string, number> = {};
    for (const r of rows) {
      const tz = (r.score_breakdown as { tazama?: { outcome?: string; status?: string | null } } | null)?.tazama;
      const status = tz ? (tz.outcome === 'evaluated' ? String(tz.status) : String(tz.outcome)) : 'none';
      outcomes[status] = (outcomes[status] ?? 0) + 1;
    }
    // back: the next transaction is evaluated by Tazama again
    const after = transactionFactory(load.prefix)({ transactionRef: `${load.prefix}-after`, customerId: `C${load.prefix}-after` });
    const res = await jsonClient(() => target.baseUrl, target.tokens)('POST', '/api/transactions', after, 'amina');
    expect(res.status).toBe(202);
    const afterResult = await stack.client.workflow.getHandle(`txn-${load.prefix}-after`).result();
    const afterOutcome = (afterResult as { score: { tazama?: { outcome?: string } } }).score.tazama?.outcome;
    console.log(formatTally('Tazama outage', tally, `Tazama down ${(downForMs / 1000).toFixed(1)} s; Tazama outcomes ${JSON.stringify(outcomes)}; after it is back: ${afterOutcome}`));
    // every transaction's breakdown says what Tazama contributed, evaluated or not
    expect(outcomes.none ?? 0).toBe(0);
    expect(afterOutcome).toBe('evaluated');
  });

  it('Ballerine: decisions are taken at once, the mirror catches up when it is back — one run and one decision per case', { timeout: 600_000 }, async () => {
    const { load, tally, downForMs } = await loadWithOutage('BL', (down) => ballerine.setFaults({ down }), 10_000);
    await ballerine.flushWebhooks();
    const cases = await stack.db('analyst_cases').where('transaction_ref', 'like', `${load.prefix}-%`).select('transaction_ref', 'ballerine_workflow_id', 'decision');
    const runsPerRef = new Map<string, number>();
    for (const run of ballerine.runs()) {
      const ref = (run.context as { customData?: { transactionRef?: string } }).customData?.transactionRef;
      if (ref?.startsWith(`${load.prefix}-`)) runsPerRef.set(ref, (runsPerRef.get(ref) ?? 0) + 1);
    }
    const mirroredWrong = cases.filter((c) => {
      const run = c.ballerine_workflow_id ? ballerine.run(c.ballerine_workflow_id as string) : undefined;
      return !run || run.state !== (c.decision === 'block' ? 'blocked' : 'approved');
    });
    console.log(
      formatTally('Ballerine outage', tally, `Ballerine down ${(downForMs / 1000).toFixed(1)} s; ${runsPerRef.size} Ballerine runs for ${cases.length} cases, ${cases.length - mirroredWrong.length} carrying the decision`),
    );
    expect([...runsPerRef.values()].filter((n) => n !== 1)).toEqual([]);
    expect(runsPerRef.size).toBe(cases.length);
    expect(mirroredWrong.map((c) => c.transaction_ref)).toEqual([]);
  });

  it('CISO Assistant: a liquidity breach found while it is away is raised once when it is back; the transactions go on meanwhile', { timeout: 600_000 }, async () => {
    // 100M of Level 1 assets against 125M of run-off: LCR 0.8, a breach
    const date = '2032-03-10';
    await stack.db('hqla_holdings').insert({ as_of_date: date, asset_ref: 'CBK reserves', level: '1', market_value: '100000000.00' });
    await stack.db('cash_flow_forecasts').insert({ as_of_date: date, direction: 'outflow', category: 'retail deposits', balance: '125000000.00', rate: '1' });
    let portfolio: Promise<unknown> | undefined;
    const { tally, downForMs } = await loadWithOutage(
      'CS',
      (down) => {
        ciso.setFaults({ down });
        // the portfolio run starts while CISO Assistant is away
        if (down) {
          portfolio = stack.client.workflow.execute<typeof portfolioRisk>('portfolioRisk', {
            taskQueue: stack.taskQueue,
            workflowId: uniqueRef('portfolio-outage'),
            args: [{ asOf: `${date}T09:00:00.000Z` }],
          });
        }
      },
      8000,
    );
    const summary = (await portfolio) as { breaches: { eventKey: string; scenarioCreated: boolean; cisoNote: string | null }[] };
    const scenarios = ciso.state().riskScenarios;
    const failedCalls = ciso.state().requests.length;
    console.log(
      formatTally('CISO Assistant outage', tally, `CISO Assistant down ${(downForMs / 1000).toFixed(1)} s; ${summary.breaches.length} breach, ${scenarios.length} risk scenario in the register (${failedCalls} requests reached it)`),
    );
    expect(summary.breaches).toHaveLength(1);
    expect(summary.breaches[0]).toMatchObject({ scenarioCreated: true, cisoNote: null });
    expect(scenarios).toHaveLength(1);
    const events = await stack.db('risk_events').where({ event_key: summary.breaches[0]!.eventKey }).count<{ count: string | number }[]>('* as count');
    expect(Number(events[0]!.count)).toBe(1);
  });
});
